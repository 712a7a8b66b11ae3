# The gcp backend of cast-control-plane-keys (castmesh/keys.py): read_bundle(env) returns the
# secret's text, read from Secret Manager with the service account attached to this VM.
#
#   1. GET <metadata>/computeMetadata/v1/instance/service-accounts/default/token, header
#      Metadata-Flavor: Google -> {"access_token": ..., "expires_in": ..., "token_type": "Bearer"}
#      (Compute Engine, "Access VM metadata" and "Authenticate workloads ... using service
#      accounts": cloud.google.com/compute/docs/metadata/querying-metadata,
#      cloud.google.com/compute/docs/access/authenticate-workloads). A VM without a service
#      account answers 404 there.
#   2. GET https://secretmanager.googleapis.com/v1/<CAST_KEYS_SECRET>:access, header
#      Authorization: Bearer <token> -> {"name": ..., "payload": {"data": <base64>, "dataCrc32c": "<int64>"}}
#      (Secret Manager REST projects.secrets.versions.access; SecretPayload). Errors come as
#      {"error": {"code", "message", "status"}} (cloud.google.com/apis/design/errors).
#
# CAST_KEYS_SECRET is projects/<project>/secrets/<id>/versions/latest (lib/keys/gcp.ts). The
# process environment may point both services elsewhere (tests): CAST_KEYS_METADATA_URL (default
# http://169.254.169.254, which metadata.google.internal is) and CAST_KEYS_API_URL (default
# https://secretmanager.googleapis.com).
import base64
import binascii
import os
import re

from castmesh.keys import Refused, Unavailable, http_request, json_object

METADATA_URL = 'http://169.254.169.254'
API_URL = 'https://secretmanager.googleapis.com'
TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token'
VERSION_NAME = re.compile(r'^projects/[^/]+/secrets/[A-Za-z0-9_-]{1,255}/versions/[A-Za-z0-9_-]+$')
# Google API statuses that may pass with time: the grant not yet in effect (IAM is eventually
# consistent), the secret or its first version not there yet, a version destroyed while Terraform
# adds the next, throttling, the service itself (cloud.google.com/apis/design/errors, "Handling errors").
PASSING = {'PERMISSION_DENIED', 'NOT_FOUND', 'FAILED_PRECONDITION', 'UNAUTHENTICATED', 'RESOURCE_EXHAUSTED', 'UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED', 'ABORTED'}
PASSING_HTTP = {401, 403, 404, 408, 429}


def _crc32c_table():
    # CRC-32C (Castagnoli), reflected polynomial 0x82F63B78 (RFC 3720 section 12.1, iSCSI).
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C of bytes, as Secret Manager computes dataCrc32c (init and final xor 0xFFFFFFFF)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC32C_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _google_error(status, body):
    """The status name and message of a Google API error body, as far as it has them."""
    error = (json_object(body) or {}).get('error')
    if not isinstance(error, dict):
        return '', body[:200].decode(errors='replace').strip()
    return str(error.get('status', '')), str(error.get('message', ''))


def access_token(metadata_url):
    """The access token of this VM's service account, from the metadata server."""
    url = metadata_url + TOKEN_PATH
    status, _, body = http_request('GET', url, headers={'Metadata-Flavor': 'Google'})
    if status == 404:
        raise Unavailable('this VM has no service account (the metadata server has no token for it): Terraform attaches the control planes\' one')
    if status != 200:
        raise Unavailable(f'the metadata server answered {status} for the service account token')
    token = json_object(body, 'the metadata server\'s token').get('access_token')
    if not isinstance(token, str) or not token:
        raise Refused('the metadata server\'s token has no access_token')
    return token


def read_bundle(env):
    name = env.get('CAST_KEYS_SECRET', '')
    if not VERSION_NAME.match(name):
        raise Refused(f'CAST_KEYS_SECRET must be projects/<project>/secrets/<id>/versions/<version> (got {name!r})')
    metadata_url = os.environ.get('CAST_KEYS_METADATA_URL', METADATA_URL).rstrip('/')
    api_url = os.environ.get('CAST_KEYS_API_URL', API_URL).rstrip('/')
    token = access_token(metadata_url)
    status, _, body = http_request('GET', f'{api_url}/v1/{name}:access', headers={'Authorization': f'Bearer {token}'})
    if status != 200:
        code, message = _google_error(status, body)
        why = f'Secret Manager answered {status} {code or "(no status)"} for {name}: {message}'
        if code in PASSING or status in PASSING_HTTP or status >= 500:
            raise Unavailable(why)
        raise Refused(why)
    payload = json_object(body, 'Secret Manager\'s answer').get('payload')
    if not isinstance(payload, dict) or not isinstance(payload.get('data'), str):
        raise Refused(f'Secret Manager\'s answer for {name} has no payload.data')
    try:
        data = base64.b64decode(payload['data'], validate=True)
    except binascii.Error:
        raise Refused(f'the payload of {name} is not base64') from None
    # An int64 in JSON comes as a decimal string (proto3 JSON mapping); absent: no check.
    checksum = payload.get('dataCrc32c')
    if checksum is not None:
        try:
            expected = int(checksum)
        except (TypeError, ValueError):
            raise Refused(f'the payload of {name} has a dataCrc32c that is not a number ({checksum!r})') from None
        if crc32c(data) != expected:
            raise Refused(f'the payload of {name} does not match its dataCrc32c (got {crc32c(data)}, expected {expected}): it was damaged on the way')
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        raise Refused(f'the payload of {name} is not UTF-8 text') from None
