# The gcp backend of cast-node-gc (castmesh/node_gc.py): vm_state(ref, env) says whether the
# Compute Engine instance behind a Node still exists: 'present', 'gone' or 'unknown'. The caller
# deletes a Node only on 'gone', so anything short of a definitive "no such instance" is 'unknown'.
#
#   1. The control planes' service account token, as the key reader gets it (keys_gcp.access_token):
#      GET <metadata>/computeMetadata/v1/instance/service-accounts/default/token.
#   2. For a static node only, this VM's project: GET <metadata>/computeMetadata/v1/project/project-id,
#      header Metadata-Flavor: Google -> the project id as text ("Access VM metadata",
#      cloud.google.com/compute/docs/metadata/querying-metadata; "Predefined metadata keys",
#      cloud.google.com/compute/docs/metadata/predefined-metadata-keys). A scaled node names its
#      project in its providerID, gce://<project-id>/<zone>/<instance-name>, which node-identity.sh
#      builds from the same key. A project id, not a number: "A providerID is build out of
#      '${ProviderName}://${project-id}/${zone}/${instance-name}'" (kubernetes, GCE cloud provider,
#      gce_util.go splitProviderID, now in kubernetes/cloud-provider-gcp).
#   3. GET <api>/compute/v1/projects/<project>/zones/<zone>/instances/<name>?fields=name,status,
#      header Authorization: Bearer <token> (Compute Engine REST instances.get,
#      cloud.google.com/compute/docs/reference/rest/v1/instances/get; needs compute.instances.get,
#      which lib/keys/gcp.ts grants). `fields` is the system parameter for a partial response
#      (cloud.google.com/apis/docs/system-parameters): the answer carries no metadata, so another
#      VM's user-data never reaches this process.
#
# How an answer maps:
#   200 with the instance's name and a status -> 'present', whatever the status: PROVISIONING,
#       STAGING, RUNNING, STOPPING, SUSPENDING, SUSPENDED, REPAIRING, TERMINATED (on Compute Engine a
#       stopped instance, which starts again; Instance.status in the REST reference).
#   404 in Compute Engine's error shape ({"error": {"code": 404, "message": "The resource
#       'projects/<p>/zones/<z>/instances/<n>' was not found", "errors": [{"reason": "notFound"}]}})
#       naming this instance -> 'gone'. A 404 without that body (a proxy's page, another path) or
#       naming something else (a project) proves nothing about the instance -> 'unknown'.
#   anything else -> 'unknown': 403 while the grant propagates (IAM is eventually consistent) or
#       where it is missing, 401, 400 (an unknown zone: "Invalid value for field 'zone'"), 429,
#       5xx, a malformed answer, a network error, a ref that names no Compute Engine instance.
#
# The process environment may point both services elsewhere (tests): CAST_KEYS_METADATA_URL (as
# the key reader) and CAST_INVENTORY_API_URL (default https://compute.googleapis.com).
import os
import re
import sys

from castmesh.keys import Refused, Unavailable, http_request, json_object
from castmesh.keys_gcp import METADATA_URL, access_token

API_URL = 'https://compute.googleapis.com'
PROJECT_PATH = '/computeMetadata/v1/project/project-id'
# A project id: 6-30 of [a-z0-9-], starting with a letter, not ending with '-'; older projects may
# carry a domain prefix (example.com:project) (Resource Manager, "Creating and managing projects").
PROJECT_ID = re.compile(r'^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$')
# A zone is <region>-<letter>, the region <continent>-<area><digit(s)> (us-central1-a,
# northamerica-northeast1-b). AWS zones (us-east-1a) and Azure's (1, eastus-2) do not match.
ZONE = re.compile(r'^[a-z]+-[a-z]+[0-9]+-[a-z]$')
# An instance name is an RFC 1035 label (Instance.name in the REST reference).
INSTANCE_NAME = re.compile(r'^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$')
PROVIDER_ID = re.compile(r'^gce://([^/]+)/([^/]+)/([^/]+)$')


class NotResolved(Exception):
    """The ref names no instance this backend can look up."""


def log(message):
    print(f'cast-node-gc: {message}', file=sys.stderr, flush=True)


def own_project(metadata_url):
    """This VM's project id, from the metadata server."""
    status, _, body = http_request('GET', metadata_url + PROJECT_PATH, headers={'Metadata-Flavor': 'Google'})
    if status != 200:
        raise Unavailable(f'the metadata server answered {status} for the project id')
    project = body.decode(errors='replace').strip()
    if not PROJECT_ID.match(project):
        raise Refused(f'the metadata server\'s project id is not one ({project[:80]!r})')
    return project


def instance_of(ref, metadata_url):
    """(project, zone, name) of the instance behind the Node `ref`."""
    name, provider_id = ref.get('name') or '', ref.get('providerID') or ''
    if provider_id:
        match = PROVIDER_ID.match(provider_id)
        if not match:
            raise NotResolved(f'providerID {provider_id!r} is not gce://<project>/<zone>/<name>')
        project, zone, instance = match.groups()
        if not PROJECT_ID.match(project) or not ZONE.match(zone) or not INSTANCE_NAME.match(instance):
            raise NotResolved(f'providerID {provider_id!r} does not name a project id, a zone and an instance name')
        # node-identity.sh names the Node after the instance: a providerID naming another one is not this Node's.
        if instance != name:
            raise NotResolved(f'providerID {provider_id!r} names instance {instance!r}, not the Node\'s name')
        return project, zone, instance
    zone, region = ref.get('zone') or '', ref.get('region') or ''
    if not INSTANCE_NAME.match(name):
        raise NotResolved(f'the Node name {name!r} is not an instance name')
    if not ZONE.match(zone) or (region and not zone.startswith(region + '-')):
        raise NotResolved(f'the Node\'s zone label {zone!r} (region {region!r}) is not a Compute Engine zone')
    return own_project(metadata_url), zone, name


def _gone(body, path):
    """Whether a 404 body is Compute Engine's "not found" for the instance at `path`."""
    error = (json_object(body) or {}).get('error')
    if not isinstance(error, dict) or error.get('code') != 404:
        return False
    reasons = {e.get('reason') for e in error.get('errors') or [] if isinstance(e, dict)}
    message = error.get('message')
    return ('notFound' in reasons or error.get('status') == 'NOT_FOUND') and isinstance(message, str) and f"'{path}'" in message


def _state(ref):
    metadata_url = os.environ.get('CAST_KEYS_METADATA_URL', METADATA_URL).rstrip('/')
    api_url = os.environ.get('CAST_INVENTORY_API_URL', API_URL).rstrip('/')
    project, zone, name = instance_of(ref, metadata_url)
    token = access_token(metadata_url)
    path = f'projects/{project}/zones/{zone}/instances/{name}'
    status, _, body = http_request('GET', f'{api_url}/compute/v1/{path}?fields=name,status', headers={'Authorization': f'Bearer {token}'})
    if status == 200:
        instance = json_object(body) or {}
        if instance.get('name') == name and isinstance(instance.get('status'), str) and instance['status']:
            return 'present', ''
        return 'unknown', f'Compute Engine answered 200 for {path} without its name and status'
    if status == 404 and _gone(body, path):
        return 'gone', ''
    error = (json_object(body) or {}).get('error')
    message = error.get('message') if isinstance(error, dict) else body[:200].decode(errors='replace')
    return 'unknown', f'Compute Engine answered {status} for {path}: {str(message).strip()}'


def vm_state(ref, env):
    """'present', 'gone' or 'unknown' for the instance behind the Node `ref`; never raises."""
    del env  # the process environment and the metadata server say all this backend needs
    try:
        state, why = _state(ref)
    except (Unavailable, Refused, NotResolved) as error:
        state, why = 'unknown', str(error)
    except Exception as error:  # the caller keeps the Node on 'unknown'; a crash would stop its round
        state, why = 'unknown', f'{type(error).__name__}: {error}'
    if state == 'unknown':
        name = ref.get('name') if isinstance(ref, dict) else None
        log(f'{name or repr(ref)}: unknown whether its VM exists: {why}')
    return state
