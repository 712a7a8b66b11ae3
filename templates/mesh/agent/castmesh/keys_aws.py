# The aws backend of cast-control-plane-keys (castmesh/keys.py): read_bundle(env) returns the
# secret's text, read from Secrets Manager with the role of this instance's instance profile.
#
#   1. PUT <metadata>/latest/api/token, header X-aws-ec2-metadata-token-ttl-seconds -> a session
#      token; every later metadata request sends it as X-aws-ec2-metadata-token (IMDSv2, the only
#      version our instances allow: lib/nodes/aws.ts `instanceMetadataOptions`).
#   2. GET <metadata>/latest/meta-data/iam/security-credentials/ -> the role name (404 while the
#      instance has no profile), then .../security-credentials/<role> ->
#      {"Code": "Success", "AccessKeyId", "SecretAccessKey", "Token", "Expiration", ...}
#      (Amazon EC2 User Guide, "Use the Instance Metadata Service to access instance metadata"
#      and "Retrieve security credentials from instance metadata":
#      docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html,
#      docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html).
#   3. POST https://secretsmanager.<region>.amazonaws.com/ with X-Amz-Target:
#      secretsmanager.GetSecretValue, Content-Type: application/x-amz-json-1.1, body
#      {"SecretId": <arn>} -> {"ARN", "Name", "SecretString", ...} (Secrets Manager API Reference,
#      GetSecretValue; the AWS JSON 1.1 protocol, smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html),
#      signed with Signature Version 4 and the temporary credentials' session token in
#      X-Amz-Security-Token (IAM User Guide, "Create a signed AWS API request",
#      docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). An error is a 4xx/5xx
#      with {"__type": "<code>", "message": ...} (or the code in X-Amzn-ErrorType).
#
# CAST_KEYS_SECRET is the secret's ARN and CAST_KEYS_REGION its region (lib/keys/aws.ts). The
# process environment may point both services elsewhere (tests): CAST_KEYS_METADATA_URL (default
# http://169.254.169.254) and CAST_KEYS_API_URL (default https://secretsmanager.<region>.amazonaws.com).
# The signature covers the Host header this request carries, which is the host (and port, when not
# the scheme's default) of the URL actually used, as the SDKs sign a custom endpoint; the
# credential scope always names CAST_KEYS_REGION and the service `secretsmanager`, whatever the URL.
import datetime
import hashlib
import hmac
import json
import os
import re
import urllib.parse

from castmesh.keys import Refused, Unavailable, http_request, json_object

METADATA_URL = 'http://169.254.169.254'
# Seconds the metadata token lives; one fetch needs it for three requests.
TOKEN_TTL = 60
SERVICE = 'secretsmanager'
TARGET = 'secretsmanager.GetSecretValue'
CONTENT_TYPE = 'application/x-amz-json-1.1'
ALGORITHM = 'AWS4-HMAC-SHA256'
REGION = re.compile(r'^[a-z]{2}(-[a-z]+)+-[0-9]+$')
SECRET_ARN = re.compile(r'^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$')
# What may pass with time: the role's grant or the secret not visible yet (IAM is eventually
# consistent), a new role's credentials not recognized yet, throttling, the service's own failures
# (Secrets Manager API Reference, GetSecretValue "Errors" and "Common Errors").
RETRY_CODES = {
    'AccessDeniedException', 'ResourceNotFoundException', 'UnrecognizedClientException', 'ExpiredTokenException',
    'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'InternalServiceError',
    'InternalFailure', 'ServiceUnavailable',
}


def read_bundle(env):
    secret = env.get('CAST_KEYS_SECRET', '')
    region = env.get('CAST_KEYS_REGION', '')
    match = SECRET_ARN.match(secret)
    if not match:
        raise Refused(f'CAST_KEYS_SECRET must be a Secrets Manager secret ARN (got {secret!r})')
    if not REGION.match(region):
        raise Refused(f'CAST_KEYS_REGION must be an AWS region such as us-east-1 (got {region!r})')
    if match.group(1) != region:
        raise Refused(f'the secret {secret} is in {match.group(1)}, not in CAST_KEYS_REGION {region}')
    credentials = instance_credentials(os.environ.get('CAST_KEYS_METADATA_URL', METADATA_URL).rstrip('/'))
    url = os.environ.get('CAST_KEYS_API_URL', f'https://secretsmanager.{region}.amazonaws.com').rstrip('/') + '/'
    return get_secret_value(url, region, secret, credentials)


def instance_credentials(base):
    """The instance profile role's temporary credentials: (access key id, secret access key, session token)."""
    status, _, body = http_request('PUT', f'{base}/latest/api/token', {'X-aws-ec2-metadata-token-ttl-seconds': str(TOKEN_TTL)})
    if status != 200 or not body.strip():
        raise (Unavailable if status >= 500 else Refused)(f'the metadata service gave no IMDSv2 token (HTTP {status})')
    headers = {'X-aws-ec2-metadata-token': body.decode(errors='replace').strip()}
    status, _, body = http_request('GET', f'{base}/latest/meta-data/iam/security-credentials/', headers)
    if status == 404:
        raise Unavailable('this instance has no instance profile role yet (meta-data/iam/security-credentials/ is 404)')
    if status != 200:
        raise Unavailable(f'the metadata service answered HTTP {status} for the role name')
    roles = body.decode(errors='replace').split()
    if not roles:
        raise Unavailable('this instance has no instance profile role yet (no role name in the metadata)')
    status, _, body = http_request('GET', f'{base}/latest/meta-data/iam/security-credentials/{urllib.parse.quote(roles[0])}', headers)
    if status != 200:
        raise Unavailable(f'the metadata service answered HTTP {status} for the credentials of role {roles[0]}')
    document = json_object(body, f'the metadata\'s credentials of role {roles[0]}')
    if document.get('Code') != 'Success':
        raise Unavailable(f'the metadata has no credentials for role {roles[0]} yet (Code {document.get("Code")!r})')
    fields = [document.get(name) for name in ('AccessKeyId', 'SecretAccessKey', 'Token')]
    if not all(isinstance(value, str) and value for value in fields):
        raise Refused(f'the credentials of role {roles[0]} lack AccessKeyId, SecretAccessKey or Token')
    return tuple(fields)


def get_secret_value(url, region, secret, credentials):
    access_key, secret_key, session_token = credentials
    body = json.dumps({'SecretId': secret}).encode()
    parts = urllib.parse.urlsplit(url)
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    headers = {'Content-Type': CONTENT_TYPE, 'Host': parts.netloc, 'X-Amz-Target': TARGET, 'X-Amz-Date': amz_date, 'X-Amz-Security-Token': session_token}
    signed = sign_v4('POST', parts.path or '/', parts.query, headers, body, access_key, secret_key, region, SERVICE)
    status, response_headers, payload = http_request('POST', url, {**headers, 'Authorization': signed['authorization']}, body)
    if status != 200:
        code, message = error_of(response_headers, payload)
        text = f'GetSecretValue: HTTP {status} {code or "(no error code)"}: {message}'
        if code in RETRY_CODES or status >= 500 or status == 429:
            raise Unavailable(text)
        raise Refused(text)
    value = json_object(payload, 'the answer of GetSecretValue').get('SecretString')
    if not isinstance(value, str):
        raise Refused('GetSecretValue answered without a SecretString (the bundle is stored as a string)')
    return value


def error_of(headers, payload):
    """(code, message) of an AWS JSON error: X-Amzn-ErrorType or __type, without a namespace or ':'-suffix."""
    document = json_object(payload) or {}
    lowered = {key.lower(): value for key, value in headers.items()}
    code = lowered.get('x-amzn-errortype') or document.get('__type') or ''
    code = str(code).split(':')[0].split('#')[-1]
    message = document.get('message') or document.get('Message') or payload[:200].decode(errors='replace')
    return code, message


def sign_v4(method, path, query, headers, body, access_key, secret_key, region, service):
    """Signature Version 4 over every header given (Host and X-Amz-Date among them): the Authorization value and its parts."""
    amz_date = next(value for name, value in headers.items() if name.lower() == 'x-amz-date')
    date = amz_date[:8]
    canonical_headers = {}
    for name, value in headers.items():
        canonical_headers[name.lower()] = ' '.join(str(value).split())
    names = sorted(canonical_headers)
    signed_headers = ';'.join(names)
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    canonical_query = '&'.join(f'{k}={v}' for k, v in sorted((quote(k), quote(v)) for k, v in pairs))
    canonical_request = '\n'.join([
        method.upper(),
        urllib.parse.quote(path, safe='/-_.~'),
        canonical_query,
        ''.join(f'{name}:{canonical_headers[name]}\n' for name in names),
        signed_headers,
        hashlib.sha256(body).hexdigest(),
    ])
    scope = f'{date}/{region}/{service}/aws4_request'
    string_to_sign = '\n'.join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = f'AWS4{secret_key}'.encode()
    for part in (date, region, service, 'aws4_request'):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        'canonical_request': canonical_request,
        'string_to_sign': string_to_sign,
        'signature': signature,
        'authorization': f'{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed_headers}, Signature={signature}',
    }


def quote(text):
    return urllib.parse.quote(text, safe='-_.~')
