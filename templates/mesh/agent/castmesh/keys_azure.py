# The azure backend of cast-control-plane-keys (castmesh/keys.py) and cast-join-token (castmesh/join_token.py),
# with a user-assigned identity of this VM:
#   read_bundle(env)              -> the control-plane key bundle's text (CAST_KEYS_SECRET, CAST_KEYS_CLIENT_ID:
#                                    the control planes' identity)
#   read_join_token(env)          -> the cluster's current join token (CAST_JOIN_TOKEN_SECRET, CAST_JOIN_TOKEN_CLIENT_ID:
#                                    a worker's identity, or the control planes')
#   write_join_token(env, token)  -> makes `token` the join token's current value (control planes)
# (docs/decisions/0003-control-plane-keys-from-the-cloud.md, 0006-join-tokens-from-the-cloud.md; lib/keys/azure.ts
# makes both vaults and their grants).
#
# 1. A token for Key Vault from IMDS ("How to use managed identities for Azure resources on an Azure VM to
#    acquire an access token", learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token):
#      GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=<vault resource>&client_id=<id>
#      Metadata: true
#    -> JSON {"access_token": ..., "token_type": "Bearer", ...}. client_id names the identity: required when the
#    VM has several (control planes carry the cluster-autoscaler's too).
# 2. The secret (Key Vault REST API 7.4, "Get Secret"):
#      GET https://<vault>.vault.azure.net/secrets/<name>?api-version=7.4
#      Authorization: Bearer <token>
#    -> SecretBundle JSON, the secret in `value`; no version in the path reads the latest.
#    The join token's secret does not exist until the first control plane writes it (Terraform makes the vault
#    only): Key Vault answers 404 with the error code SecretNotFound, read as "no join token published yet".
# 3. Writing the join token (Key Vault REST API 7.4, "Set Secret", learn.microsoft.com/rest/api/keyvault/secrets/set-secret):
#      PUT https://<vault>.vault.azure.net/secrets/<name>?api-version=7.4
#      Authorization: Bearer <token>, Content-Type: application/json
#      {"value": "<token>"}
#    -> 200 and the new SecretBundle. "If the named secret already exists, Azure Key Vault creates a new version
#    of that secret"; the first write creates it. "This operation requires the secrets/set permission": the
#    control planes' policy on the join token's vault (Get, Set); workers have Get alone and get 403.
#
# What may pass raises Unavailable: IMDS 404 / 410 (updating) / 429 / 5xx and "Identity not found" (the identity
# is attached to the VM in place by Terraform and reaches IMDS a while later); Key Vault 401 / 403 (the access
# policy not in force yet) / 404 / 429 / 5xx ("Azure Key Vault REST API Error Codes",
# learn.microsoft.com/azure/key-vault/general/rest-error-codes). The rest raises Refused, among them a write's
# 409 (a soft-deleted secret of that name: a person deleted it, and Key Vault keeps the name until it is purged
# or recovered).
#
# The token goes only to a Key Vault: the secret's URL must be https://<vault>.<Key Vault DNS suffix>/secrets/<name>,
# checked before IMDS is asked. CAST_KEYS_API_URL (process environment, for tests) sends the same path elsewhere,
# CAST_KEYS_METADATA_URL the IMDS requests.
import json
import os
import re
import urllib.parse

from castmesh.keys import Refused, Unavailable, http_request, json_object

IMDS_URL = 'http://169.254.169.254'
IMDS_API_VERSION = '2018-02-01'
KEY_VAULT_API_VERSION = '7.4'
# Key Vault DNS suffix -> the resource (token audience) of that cloud's Key Vault: the global cloud, Azure
# operated by 21Vianet (docs.azure.cn, "About keys, secrets, and certificates": https://{vault}.vault.azure.cn),
# Azure Government ("Azure Government developer guide", Key Vault: *.vault.usgovcloudapi.net).
VAULT_RESOURCES = {
    'vault.azure.net': 'https://vault.azure.net',
    'vault.azure.cn': 'https://vault.azure.cn',
    'vault.usgovcloudapi.net': 'https://vault.usgovcloudapi.net',
}
# A vault name is 3-24 letters, digits and hyphens, starting with a letter; a secret name 1-127 letters, digits
# and hyphens. Nothing else in the URL: no port, user, query or fragment a token could be steered with.
SECRET_URL = re.compile(r'https://([a-z][a-z0-9-]{1,22}[a-z0-9])\.([a-z.]+)/secrets/([a-z0-9-]{1,127})', re.I)
CLIENT_ID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', re.I)


def read_bundle(env):
    secret_url, resource, client_id = target(env, 'CAST_KEYS_SECRET', 'CAST_KEYS_CLIENT_ID')
    document = vault_call('GET', secret_url, resource, imds_token(client_id, resource))
    return secret_value(document, secret_url)


def read_join_token(env):
    secret_url, resource, client_id = target(env, 'CAST_JOIN_TOKEN_SECRET', 'CAST_JOIN_TOKEN_CLIENT_ID')
    document = vault_call('GET', secret_url, resource, imds_token(client_id, resource), missing='no join token published yet')
    return secret_value(document, secret_url).strip()


def write_join_token(env, token):
    secret_url, resource, client_id = target(env, 'CAST_JOIN_TOKEN_SECRET', 'CAST_JOIN_TOKEN_CLIENT_ID')
    # The request body "Set Secret" requires, nothing more: no contentType, tags or attributes to keep in step.
    body = json.dumps({'value': token}).encode()
    vault_call('PUT', secret_url, resource, imds_token(client_id, resource), body=body)


def target(env, secret_key, client_key):
    """(secret URL, the vault's token resource, the identity's client id) from node.env; Refused unless both are sound."""
    secret_url, resource = checked_secret_url(env.get(secret_key, ''), secret_key)
    client_id = env.get(client_key, '')
    if not CLIENT_ID.fullmatch(client_id):
        raise Refused(f'{client_key} must be the client id (a UUID) of the identity that reads the vault (got {client_id!r})')
    return secret_url, resource, client_id


def checked_secret_url(url, key='CAST_KEYS_SECRET'):
    """(url, the vault's token resource); Refused unless it is a Key Vault secret's https URL."""
    match = SECRET_URL.fullmatch(url)
    suffix = match.group(2).lower() if match else None
    if suffix not in VAULT_RESOURCES:
        raise Refused(f'{key} must be https://<vault>.{{{",".join(sorted(VAULT_RESOURCES))}}}/secrets/<name> (got {url!r}): the node sends its identity\'s token there, and only to a Key Vault')
    return url, VAULT_RESOURCES[suffix]


def imds_token(client_id, resource):
    query = urllib.parse.urlencode({'api-version': IMDS_API_VERSION, 'resource': resource, 'client_id': client_id})
    base = os.environ.get('CAST_KEYS_METADATA_URL', IMDS_URL).rstrip('/')
    status, _, body = http_request('GET', f'{base}/metadata/identity/oauth2/token?{query}', {'Metadata': 'true'})
    document = json_object(body)
    if status == 200:
        token = document.get('access_token') if document else None
        if not isinstance(token, str) or not token or document.get('token_type', 'Bearer').lower() != 'bearer':
            raise Refused('IMDS answered 200 without a bearer access_token')
        return token
    error = imds_error(document, body)
    # The docs warn that error descriptions change; this one is what IMDS says while the identity is not on
    # the VM yet (Terraform adds it in place), so it only earns a retry, never a different outcome.
    if status in (404, 410, 429) or status >= 500 or (status == 400 and 'identity not found' in error.lower()):
        raise Unavailable(f'IMDS gave no token for identity {client_id} yet (HTTP {status}: {error})')
    raise Refused(f'IMDS refused a token for identity {client_id} (HTTP {status}: {error})')


def vault_call(method, secret_url, resource, token, body=None, missing=None):
    """One Key Vault request on the secret's URL: the 200 answer's JSON object (or None), else Unavailable or Refused.
    `missing` words a 404 (the secret does not exist yet) for the caller."""
    path = urllib.parse.urlsplit(secret_url).path
    base = os.environ.get('CAST_KEYS_API_URL')
    url = f'{base.rstrip("/")}{path}' if base else secret_url
    headers = {'Authorization': f'Bearer {token}', 'Accept': 'application/json'}
    if body is not None:
        headers['Content-Type'] = 'application/json'
    status, answer_headers, answer = http_request(method, f'{url}?api-version={KEY_VAULT_API_VERSION}', headers, body)
    document = json_object(answer)
    if status == 200:
        return document
    error = vault_error(document, answer)
    if status == 401:
        # Key Vault answers 401 with a challenge naming the resource its tokens must be for. Ours is the one
        # for the URL's cloud: a different one will not change with time; the same one means the token itself
        # was not taken (expired on the way, or not known yet), and the next try asks IMDS again.
        challenged = challenge_resource(header(answer_headers, 'WWW-Authenticate'))
        if challenged is not None and challenged != resource:
            raise Refused(f'Key Vault at {secret_url} wants a token for {challenged}, not {resource}')
        raise Unavailable(f'Key Vault did not take the token for {secret_url} (HTTP 401: {error})')
    if status == 404 and missing:
        raise Unavailable(f'{missing} at {secret_url} (HTTP 404: {error})')
    if status in (403, 404, 429) or status >= 500:
        what = 'gave no secret at' if method == 'GET' else 'did not take the write to'
        raise Unavailable(f'Key Vault {what} {secret_url} yet (HTTP {status}: {error})')
    what = secret_url if method == 'GET' else f'the write to {secret_url}'
    raise Refused(f'Key Vault refused {what} (HTTP {status}: {error})')


def secret_value(document, secret_url):
    value = document.get('value') if document else None
    if not isinstance(value, str):
        raise Refused(f'Key Vault answered 200 for {secret_url} without a secret value')
    return value


def imds_error(document, body):
    if document and isinstance(document.get('error'), str):
        return f'{document["error"]}: {document.get("error_description", "")}'.strip(': ')
    return short(body)


def vault_error(document, body):
    error = document.get('error') if document else None
    if isinstance(error, dict):
        inner = error.get('innererror')
        code = error.get('code', '')
        if isinstance(inner, dict) and inner.get('code'):
            code = f'{code}/{inner["code"]}'
        return f'{code}: {short(str(error.get("message", "")).encode())}'
    return short(body)


def short(body):
    text = body.decode('utf-8', errors='replace').strip().replace('\r', ' ').replace('\n', ' ')
    return text[:300] or 'no body'


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ''


def challenge_resource(value):
    """The resource a Bearer challenge names (`resource="..."`, or `scope="<resource>/.default"`), without a trailing /."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', value or ''))
    resource = params.get('resource') or params.get('scope', '').removesuffix('/.default')
    return resource.rstrip('/') or None
