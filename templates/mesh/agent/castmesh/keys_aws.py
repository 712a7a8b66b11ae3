# The aws backend of cast-control-plane-keys (castmesh/keys.py) and cast-join-token
# (castmesh/join_token.py), with the role of this instance's instance profile:
#   read_bundle(env)              -> the control-plane key bundle's text (CAST_KEYS_SECRET)
#   read_join_token(env)          -> the cluster's current join token (CAST_JOIN_TOKEN_SECRET)
#   write_join_token(env, token)  -> makes `token` the join-token secret's current value
# (docs/decisions/0003-control-plane-keys-from-the-cloud.md, 0006-join-tokens-from-the-cloud.md).
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
#      secretsmanager.<Action>, Content-Type: application/x-amz-json-1.1 and a JSON body (the AWS
#      JSON 1.1 protocol, smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html), signed with
#      Signature Version 4 and the temporary credentials' session token in X-Amz-Security-Token
#      (IAM User Guide, "Create a signed AWS API request",
#      docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). An error is a 4xx/5xx
#      with {"__type": "<code>", "message": ...} (or the code in X-Amzn-ErrorType).
#      - GetSecretValue {"SecretId": <arn>} -> {"ARN", "Name", "SecretString", ...} (Secrets Manager
#        API Reference, GetSecretValue). A secret with no version yet (the join token before the
#        first control plane publishes one: Terraform creates it empty) answers
#        ResourceNotFoundException "Secrets Manager can't find the specified secret value for
#        staging label: AWSCURRENT" (boto/boto3#2794: "returns ResourceNotFoundException when the
#        secret exists but is empty").
#      - PutSecretValue {"SecretId", "SecretString", "ClientRequestToken"} -> a new version, which
#        takes the label AWSCURRENT when VersionStages is not given ("If you don't include
#        VersionStages, then Secrets Manager automatically moves the staging label AWSCURRENT to
#        this version"). ClientRequestToken: "If you generate a raw HTTP request to the Secrets
#        Manager service endpoint, then you must generate a ClientRequestToken and include it in
#        the request ... We recommend that you generate a UUID-type value" (Secrets Manager API
#        Reference, PutSecretValue): a fresh uuid4 per write, so each rotation is a new version.
#        Versions: "Secrets Manager removes outdated versions when there are more than 100, but it
#        does not remove versions created less than 24 hours ago", and AWS advises against more
#        than one PutSecretValue every 10 minutes (same page; Secrets Manager User Guide,
#        "AWS Secrets Manager quotas"): an hourly rotation makes 24 a day, well inside both.
#
# CAST_KEYS_SECRET / CAST_JOIN_TOKEN_SECRET are the secrets' ARNs and CAST_KEYS_REGION /
# CAST_JOIN_TOKEN_REGION their region (lib/keys/aws.ts). The process environment may point both
# services elsewhere (tests): CAST_KEYS_METADATA_URL (default http://169.254.169.254) and
# CAST_KEYS_API_URL (default https://secretsmanager.<region>.amazonaws.com).
# The signature covers the Host header this request carries, which is the host (and port, when not
# the scheme's default) of the URL actually used, as the SDKs sign a custom endpoint; the
# credential scope always names the region and the service `secretsmanager`, whatever the URL.
import datetime
import hashlib
import hmac
import json
import os
import re
import urllib.parse
import uuid

from castmesh.keys import Refused, Unavailable, http_request, json_object

METADATA_URL = 'http://169.254.169.254'
# Seconds the metadata token lives; one call needs it for three requests.
TOKEN_TTL = 60
SERVICE = 'secretsmanager'
CONTENT_TYPE = 'application/x-amz-json-1.1'
ALGORITHM = 'AWS4-HMAC-SHA256'
REGION = re.compile(r'^[a-z]{2}(-[a-z]+)+-[0-9]+$')
SECRET_ARN = re.compile(r'^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$')
# A bootstrap token as kubeadm makes and checks it: [a-z0-9]{6}.[a-z0-9]{16}
# (kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/, "Token format").
JOIN_TOKEN = re.compile(r'^[a-z0-9]{6}\.[a-z0-9]{16}$')
# What may pass with time: the role's grant or the secret not visible yet (IAM is eventually
# consistent), a new role's credentials not recognized yet, throttling, the service's own failures
# (Secrets Manager API Reference, GetSecretValue and PutSecretValue "Errors", and "Common Errors");
# LimitExceededException (PutSecretValue: the versions quota) passes as versions older than a day go.
RETRY_CODES = {
    'AccessDeniedException', 'ResourceNotFoundException', 'UnrecognizedClientException', 'ExpiredTokenException',
    'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'InternalServiceError',
    'InternalFailure', 'ServiceUnavailable', 'LimitExceededException',
}


def read_bundle(env):
    document = call(env, 'CAST_KEYS_SECRET', 'CAST_KEYS_REGION', 'GetSecretValue', {})
    value = document.get('SecretString')
    if not isinstance(value, str):
        raise Refused('GetSecretValue answered without a SecretString (the bundle is stored as a string)')
    return value


def read_join_token(env):
    """The join token the control planes published last (AWSCURRENT), stripped; Unavailable while there is none."""
    # The secret exists (Terraform made it) but holds no version until a control plane writes one.
    document = call(env, 'CAST_JOIN_TOKEN_SECRET', 'CAST_JOIN_TOKEN_REGION', 'GetSecretValue', {}, empty='no join token published yet')
    value = document.get('SecretString')
    if not isinstance(value, str):
        raise Refused('GetSecretValue answered without a SecretString (the join token is stored as a string)')
    return checked_token(value.strip(), 'the join-token secret')


def write_join_token(env, token):
    """Makes `token` the join-token secret's current value: a new version, labelled AWSCURRENT."""
    checked_token(token, 'the token to write')
    call(env, 'CAST_JOIN_TOKEN_SECRET', 'CAST_JOIN_TOKEN_REGION', 'PutSecretValue', {'SecretString': token, 'ClientRequestToken': str(uuid.uuid4())})


def checked_token(token, what):
    if not isinstance(token, str) or not JOIN_TOKEN.fullmatch(token):
        raise Refused(f'{what} is not a bootstrap token ([a-z0-9]{{6}}.[a-z0-9]{{16}}; {len(token or "")} characters)')
    return token


def call(env, secret_key, region_key, action, fields, empty=None):
    """One Secrets Manager action on the secret node.env names, with this instance's role: the answer's JSON object.
    `empty`: what Unavailable says when the secret has no current version yet."""
    secret = env.get(secret_key, '')
    region = env.get(region_key, '')
    match = SECRET_ARN.fullmatch(secret)
    if not match:
        raise Refused(f'{secret_key} must be a Secrets Manager secret ARN (got {secret!r})')
    if not REGION.fullmatch(region):
        raise Refused(f'{region_key} must be an AWS region such as us-east-1 (got {region!r})')
    if match.group(1) != region:
        raise Refused(f'the secret {secret} is in {match.group(1)}, not in {region_key} {region}')
    credentials = instance_credentials(os.environ.get('CAST_KEYS_METADATA_URL', METADATA_URL).rstrip('/'))
    url = os.environ.get('CAST_KEYS_API_URL', f'https://secretsmanager.{region}.amazonaws.com').rstrip('/') + '/'
    return secrets_manager(url, region, action, {'SecretId': secret, **fields}, credentials, empty)


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


def secrets_manager(url, region, action, payload, credentials, empty=None):
    access_key, secret_key, session_token = credentials
    body = json.dumps(payload).encode()
    parts = urllib.parse.urlsplit(url)
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    headers = {'Content-Type': CONTENT_TYPE, 'Host': parts.netloc, 'X-Amz-Target': f'{SERVICE}.{action}', 'X-Amz-Date': amz_date, 'X-Amz-Security-Token': session_token}
    signed = sign_v4('POST', parts.path or '/', parts.query, headers, body, access_key, secret_key, region, SERVICE)
    status, response_headers, answer = http_request('POST', url, {**headers, 'Authorization': signed['authorization']}, body)
    if status != 200:
        code, message = error_of(response_headers, answer)
        text = f'{action}: HTTP {status} {code or "(no error code)"}: {message}'
        # "can't find the specified secret value for staging label: AWSCURRENT", not "... the specified secret."
        if empty and code == 'ResourceNotFoundException' and 'secret value' in str(message):
            raise Unavailable(f'{empty} ({text})')
        if code in RETRY_CODES or status >= 500 or status == 429:
            raise Unavailable(text)
        raise Refused(text)
    return json_object(answer, f'the answer of {action}')


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
