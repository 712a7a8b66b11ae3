# The gcp backend of cast-control-plane-keys (castmesh/keys.py) and cast-join-token
# (castmesh/join_token.py): read_bundle(env) returns the key bundle's text, read_join_token(env) the
# join token's, write_join_token(env, token) adds the token as the join-token secret's newest
# version. All with the service account attached to this VM.
#
#   1. GET <metadata>/computeMetadata/v1/instance/service-accounts/default/token, header
#      Metadata-Flavor: Google -> {"access_token": ..., "expires_in": ..., "token_type": "Bearer"}
#      (Compute Engine, "Access VM metadata" and "Authenticate workloads ... using service
#      accounts": cloud.google.com/compute/docs/metadata/querying-metadata,
#      cloud.google.com/compute/docs/access/authenticate-workloads). A VM without a service
#      account answers 404 there.
#   2. GET https://secretmanager.googleapis.com/v1/<secret>/versions/latest:access, header
#      Authorization: Bearer <token> -> {"name": ..., "payload": {"data": <base64>, "dataCrc32c": "<int64>"}}
#      (Secret Manager REST projects.secrets.versions.access; SecretPayload). Errors come as
#      {"error": {"code", "message", "status"}} (cloud.google.com/apis/design/errors). A secret
#      with no version yet answers 404 NOT_FOUND ("... not found or has no versions"), a
#      `latest` that is disabled or destroyed 400 FAILED_PRECONDITION.
#   3. write_join_token:
#      POST .../v1/projects/<p>/secrets/<id>:addVersion {"payload": {"data": <base64>, "dataCrc32c":
#      "<int64>"}} -> the new SecretVersion (REST projects.secrets.addVersion; SecretPayload: "If
#      specified, SecretManagerService will verify the integrity of the received data ... using the
#      crc32c checksum"; an int64 is a decimal string in JSON);
#      GET .../v1/projects/<p>/secrets/<id>/versions?filter=state:ENABLED&pageToken=... ->
#      {"versions": [SecretVersion...], "nextPageToken"} (REST projects.secrets.versions.list;
#      "List-operation filtering", cloud.google.com/secret-manager/docs/filtering);
#      POST .../v1/projects/<p>/secrets/<id>/versions/<n>:destroy {} for every enabled version but
#      the newest two (REST projects.secrets.versions.destroy). Why: "Secret Manager bills monthly
#      for the number of active secret versions per location", a version being "active" when it is
#      enabled or disabled; destroyed versions are free (Secret Manager pricing,
#      cloud.google.com/secret-manager/pricing, $0.06 per active version per location and month,
#      six free per billing account). An hourly rotation would otherwise add ~730 billed versions a month.
#      Two, not one: the previous token is still valid (kubeadm --ttl 24h), and keeping it as a
#      fallback costs one version.
#      Version ids "start at 1 and are incremented for each subsequent version of the secret"
#      (REST SecretVersion.name): the newest are the highest numbers.
#
# CAST_KEYS_SECRET and CAST_JOIN_TOKEN_SECRET are projects/<project>/secrets/<id>/versions/latest
# (lib/keys/gcp.ts). The process environment may point both services elsewhere (tests):
# CAST_KEYS_METADATA_URL (default http://169.254.169.254, which metadata.google.internal is) and
# CAST_KEYS_API_URL (default https://secretmanager.googleapis.com).
import base64
import binascii
import json
import os
import re
import sys
import urllib.parse

from castmesh.keys import Refused, Unavailable, http_request, json_object

METADATA_URL = 'http://169.254.169.254'
API_URL = 'https://secretmanager.googleapis.com'
TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token'
VERSION_NAME = re.compile(r'^(projects/[^/]+/secrets/[A-Za-z0-9_-]{1,255})/versions/[A-Za-z0-9_-]+$')
# Enabled versions kept by write_join_token: the newest (what nodes read) and the one before.
KEEP_VERSIONS = 2
# Pages of the version list read at most (each up to LIST_PAGE_SIZE versions; an hourly
# rotation keeps two enabled, so one page is the rule).
LIST_PAGE_SIZE = 100
MAX_LIST_PAGES = 50
# What a secret with no (enabled) newest version answers: NOT_FOUND "not found or has no versions",
# FAILED_PRECONDITION for a disabled or destroyed `latest`.
NO_VERSION = {'NOT_FOUND', 'FAILED_PRECONDITION'}
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
        raise Unavailable('this VM has no service account (the metadata server has no token for it): Terraform attaches the cluster\'s to control planes, and to workers once the cluster has a GCP control plane')
    if status != 200:
        raise Unavailable(f'the metadata server answered {status} for the service account token')
    token = json_object(body, 'the metadata server\'s token').get('access_token')
    if not isinstance(token, str) or not token:
        raise Refused('the metadata server\'s token has no access_token')
    return token


def _urls():
    metadata_url = os.environ.get('CAST_KEYS_METADATA_URL', METADATA_URL).rstrip('/')
    api_url = os.environ.get('CAST_KEYS_API_URL', API_URL).rstrip('/')
    return metadata_url, api_url


def _version_name(env, variable):
    name = env.get(variable, '')
    if not VERSION_NAME.match(name):
        raise Refused(f'{variable} must be projects/<project>/secrets/<id>/versions/<version> (got {name!r})')
    return name


def _call(method, url, bearer, what, body=None, no_version=None, done=()):
    """One Secret Manager request; its answer's body. Errors: Unavailable for what may pass, else Refused.
    With `no_version`, an answer that says the secret has no version yet is Unavailable(no_version: ...).
    An error whose status is in `done` means the request's aim is met already: b'' is returned."""
    headers = {'Authorization': f'Bearer {bearer}'}
    data = None
    if body is not None:
        headers['Content-Type'] = 'application/json'
        data = json.dumps(body).encode()
    status, _, answer = http_request(method, url, headers=headers, body=data)
    if status == 200:
        return answer
    code, message = _google_error(status, answer)
    if code in done:
        return b''
    why = f'Secret Manager answered {status} {code or "(no status)"} for {what}: {message}'
    if no_version is not None and (code in NO_VERSION or status == 404):
        raise Unavailable(f'{no_version}: {why}')
    if code in PASSING or status in PASSING_HTTP or status >= 500:
        raise Unavailable(why)
    raise Refused(why)


def _access(env, variable, no_version=None):
    """The payload of the secret version `variable` names, as text, its dataCrc32c checked."""
    name = _version_name(env, variable)
    metadata_url, api_url = _urls()
    token = access_token(metadata_url)
    body = _call('GET', f'{api_url}/v1/{name}:access', token, name, no_version=no_version)
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


def read_bundle(env):
    return _access(env, 'CAST_KEYS_SECRET')


def read_join_token(env):
    """The join token's current text, stripped. No version yet: Unavailable (the control planes publish it)."""
    token = _access(env, 'CAST_JOIN_TOKEN_SECRET', no_version='no join token published yet').strip()
    if not token:
        raise Unavailable('no join token published yet: the newest version of the join-token secret is empty')
    return token


def write_join_token(env, token):
    """Adds `token` as the join-token secret's newest version, then destroys all enabled versions but the newest two."""
    secret = VERSION_NAME.match(_version_name(env, 'CAST_JOIN_TOKEN_SECRET')).group(1)
    metadata_url, api_url = _urls()
    bearer = access_token(metadata_url)
    data = token.encode('utf-8')
    payload = {'data': base64.b64encode(data).decode('ascii'), 'dataCrc32c': str(crc32c(data))}
    answer = _call('POST', f'{api_url}/v1/{secret}:addVersion', bearer, secret, body={'payload': payload})
    added = (json_object(answer) or {}).get('name')
    # The token is published. Old versions that stay cost money but harm nothing, and the next
    # rotation destroys them as well: a failure here is said, not raised.
    try:
        destroyed = destroy_old_versions(api_url, bearer, secret, added)
    except (Unavailable, Refused) as error:
        print(f'cast-join-token: gcp-secret-manager: published, but old versions of {secret} were not destroyed ({error}); the next rotation tries again', file=sys.stderr, flush=True)
        return
    if destroyed:
        print(f'cast-join-token: gcp-secret-manager: destroyed {len(destroyed)} old version(s) of {secret}: {", ".join(destroyed)}', file=sys.stderr, flush=True)


def _version_number(name, secret):
    """The number of `name` when it is a numbered version of `secret`, else None. The API names the
    project by number, node.env may name it by id: only the secret id and the version are compared."""
    match = re.match(r'^projects/[^/]+/secrets/([A-Za-z0-9_-]+)/versions/([0-9]+)$', name) if isinstance(name, str) else None
    if not match or match.group(1) != secret.rsplit('/', 1)[-1]:
        return None
    return int(match.group(2))


def enabled_versions(api_url, bearer, secret):
    """[(number, name)] of the secret's ENABLED versions, oldest first."""
    found = {}
    page = ''
    for _ in range(MAX_LIST_PAGES):
        query = {'filter': 'state:ENABLED', 'pageSize': str(LIST_PAGE_SIZE)}
        if page:
            query['pageToken'] = page
        body = _call('GET', f'{api_url}/v1/{secret}/versions?{urllib.parse.urlencode(query)}', bearer, secret)
        document = json_object(body, 'Secret Manager\'s list of versions')
        versions = document.get('versions', [])
        if not isinstance(versions, list):
            raise Refused(f'Secret Manager\'s list of versions of {secret} has no list of versions')
        for version in versions:
            # Filtered here as well: what is destroyed must be enabled, whatever the server did with the filter.
            if isinstance(version, dict) and version.get('state') == 'ENABLED':
                number = _version_number(version.get('name'), secret)
                if number is not None:
                    found[number] = version['name']
        page = document.get('nextPageToken') or ''
        if not isinstance(page, str) or not page:
            return sorted(found.items())
    raise Unavailable(f'the list of versions of {secret} has more than {MAX_LIST_PAGES} pages')


def destroy_old_versions(api_url, bearer, secret, added=None):
    """Destroys every ENABLED version of `secret` but the newest KEEP_VERSIONS, never `added` (the
    version this rotation wrote); the numbers destroyed, oldest first."""
    keep = _version_number(added, secret)
    versions = enabled_versions(api_url, bearer, secret)
    destroyed = []
    for number, name in versions[:max(0, len(versions) - KEEP_VERSIONS)]:
        if keep is not None and number >= keep:
            continue
        # Another control plane's rotation may have destroyed it first (FAILED_PRECONDITION: not
        # enabled any more; NOT_FOUND): what was wanted is done.
        _call('POST', f'{api_url}/v1/{name}:destroy', bearer, name, body={}, done=NO_VERSION)
        destroyed.append(str(number))
    return destroyed
