# The azure inventory of cast-node-gc (castmesh/node_gc.py): vm_state(ref, env) says whether the VM behind a
# Node still exists, asked with the control planes' key identity (lib/keys/azure.ts grants it Reader on the
# cluster's resource group).
#
# 1. Where this control plane is (Azure Instance Metadata Service, "Azure Instance Metadata Service",
#    learn.microsoft.com/azure/virtual-machines/instance-metadata-service):
#      GET http://169.254.169.254/metadata/instance?api-version=2021-02-01      Metadata: true
#    -> compute.subscriptionId, compute.resourceGroupName (the cluster's group: every VM of the cluster is in
#    it) and compute.azEnvironment (which cloud, and so which Resource Manager). Asked once per process.
# 2. A Resource Manager token of the key identity from IMDS (keys_azure.imds_token, client_id CAST_KEYS_CLIENT_ID).
# 3. The VM (Compute REST API 2024-07-01, "Virtual Machines - Get" and "Virtual Machine Scale Set VMs - Get",
#    learn.microsoft.com/rest/api/compute/virtual-machines/get, .../virtual-machine-scale-set-vms/get):
#      GET https://management.azure.com<path>?api-version=2024-07-01       Authorization: Bearer <token>
#    <path> is /subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.Compute/ and then
#      virtualMachines/<Node name>                              a static node: the VM is named as its Node
#      virtualMachineScaleSets/<ss>/virtualMachines/<index>     an autoscaled one: its providerID's path
#
# Answers: 200 with the VM's id -> 'present', whatever its power state (a deallocated VM starts again, and
# the model GET carries no power state anyway). 404 with the error code ResourceNotFound or NotFound (the
# Compute resource provider's own), or ParentResourceNotFound for a scale-set VM (its scale set is gone:
# "Resolve errors for parent resources", learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-parent-resource)
# -> 'gone'. Everything else -> 'unknown': 401 / 403 AuthorizationFailed (the role assignment spreads for
# minutes: "Troubleshoot Azure RBAC", learn.microsoft.com/azure/role-based-access-control/troubleshooting),
# 429, 5xx, another 404 (ResourceGroupNotFound, SubscriptionNotFound: the address is wrong, not the VM gone),
# a body that is not what the API documents, a ref that names no VM of this cluster.
#
# The providerID's host is never used: the URL is Resource Manager's, and the path must be one of the two
# above, in this control plane's own subscription and resource group (where the grant is). CAST_INVENTORY_API_URL
# and CAST_KEYS_METADATA_URL (process environment, for tests) send the same requests elsewhere.
import os
import re
import sys
import urllib.parse

from castmesh.keys import Refused, Unavailable, http_request, json_object
from castmesh.keys_azure import CLIENT_ID, IMDS_URL, imds_token, short

IMDS_INSTANCE_API_VERSION = '2021-02-01'
COMPUTE_API_VERSION = '2024-07-01'
# compute.azEnvironment -> (Resource Manager URL, its token resource): "Azure China 21Vianet developer guide"
# (management.chinacloudapi.cn) and "Azure Government developer guide" (management.usgovcloudapi.net).
RESOURCE_MANAGERS = {
    'azurepubliccloud': ('https://management.azure.com', 'https://management.azure.com/'),
    'azurechinacloud': ('https://management.chinacloudapi.cn', 'https://management.chinacloudapi.cn/'),
    'azureusgovernmentcloud': ('https://management.usgovcloudapi.net', 'https://management.usgovcloudapi.net/'),
}
# Azure's naming rules ("Naming rules and restrictions for Azure resources", Microsoft.Resources and
# Microsoft.Compute): a resource group is 1-90 word characters, periods, hyphens and parentheses, not ending
# in a period; a VM or scale set 1-64 letters, digits, underscores, periods and hyphens, not starting with an
# underscore, not ending in a period or hyphen. None can be `.` or `..`, or hold a `/`, `?`, `#` or `%`.
GUID = r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
GROUP = r'[\w().-]{0,89}[\w()-]'
NAME = r'[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?'
PROVIDER_ID = re.compile(
    rf'azure://[^/]*/subscriptions/(?P<subscription>{GUID})/resourceGroups/(?P<group>{GROUP})/providers/Microsoft\.Compute/'
    rf'(?:virtualMachineScaleSets/(?P<scale_set>{NAME})/virtualMachines/(?P<index>[0-9]{{1,10}})|virtualMachines/(?P<vm>{NAME}))',
    re.I,
)
GONE_CODES = {'ResourceNotFound', 'NotFound'}

_placement = None


def log(message):
    print(f'cast-node-gc: {message}', file=sys.stderr, flush=True)


def vm_state(ref, env):
    """'present', 'gone' or 'unknown' for the VM behind the Node `ref` describes; never raises."""
    name = ref.get('name', '')
    try:
        return ask(ref, env)
    except (Unavailable, Refused) as error:
        log(f'azure: {name}: unknown: {error}')
    except Exception as error:  # a bug here must not stop the round: the Node stays, and says why
        log(f'azure: {name}: unknown: {type(error).__name__}: {error}')
    return 'unknown'


def ask(ref, env):
    client_id = env.get('CAST_KEYS_CLIENT_ID', '')
    if not CLIENT_ID.fullmatch(client_id):
        raise Refused(f'CAST_KEYS_CLIENT_ID must be the client id (a UUID) of the control planes\' identity (got {client_id!r})')
    subscription, group, (arm_url, resource) = placement()
    path, scale_set = vm_path(ref, subscription, group)
    token = imds_token(client_id, resource)
    base = os.environ.get('CAST_INVENTORY_API_URL', arm_url).rstrip('/')
    quoted = urllib.parse.quote(path, safe='/')
    status, _, body = http_request('GET', f'{base}{quoted}?api-version={COMPUTE_API_VERSION}', {'Authorization': f'Bearer {token}', 'Accept': 'application/json'})
    document = json_object(body)
    if status == 200:
        vm_id = document.get('id') if document else None
        if not isinstance(vm_id, str) or vm_id.lower() != path.lower():
            raise Refused(f'Resource Manager answered 200 for {path} without its id ({short(body)})')
        return 'present'
    error = document.get('error') if document else None
    code = error.get('code') if isinstance(error, dict) else None
    if status == 404 and (code in GONE_CODES or (scale_set and code == 'ParentResourceNotFound')):
        log(f'azure: {ref.get("name", "")}: gone: {path} (HTTP 404 {code})')
        return 'gone'
    raise Unavailable(f'Resource Manager said HTTP {status} for {path} ({short(body)})')


def placement():
    """(subscription, resource group, (Resource Manager URL, token resource)) of this VM, from IMDS; kept once read."""
    global _placement
    if _placement is None:
        base = os.environ.get('CAST_KEYS_METADATA_URL', IMDS_URL).rstrip('/')
        status, _, body = http_request('GET', f'{base}/metadata/instance?api-version={IMDS_INSTANCE_API_VERSION}', {'Metadata': 'true'})
        if status != 200:
            raise Unavailable(f'IMDS gave no instance metadata (HTTP {status}: {short(body)})')
        compute = (json_object(body, 'the IMDS instance metadata') or {}).get('compute')
        compute = compute if isinstance(compute, dict) else {}
        subscription, group = str(compute.get('subscriptionId', '')), str(compute.get('resourceGroupName', ''))
        environment = str(compute.get('azEnvironment') or 'AzurePublicCloud')
        if not re.fullmatch(GUID, subscription, re.I) or not re.fullmatch(GROUP, group):
            raise Refused(f'IMDS instance metadata names no subscription and resource group (got {subscription!r}, {group!r})')
        if environment.lower() not in RESOURCE_MANAGERS:
            raise Refused(f'no Resource Manager known for the Azure environment {environment!r}')
        _placement = (subscription, group, RESOURCE_MANAGERS[environment.lower()])
    return _placement


def vm_path(ref, subscription, group):
    """(the VM's Resource Manager path, whether it is a scale-set VM); Refused for a ref that names no VM of this cluster."""
    provider_id = ref.get('providerID') or ''
    prefix = f'/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute'
    if not provider_id:
        name = ref.get('name', '')
        if not re.fullmatch(NAME, name):
            raise Refused(f'the Node name {name!r} cannot be an Azure VM name')
        return f'{prefix}/virtualMachines/{name}', False
    match = PROVIDER_ID.fullmatch(provider_id)
    if not match:
        raise Refused(f'providerID {provider_id!r} is not azure:///subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Compute/{{virtualMachines/<name>,virtualMachineScaleSets/<name>/virtualMachines/<index>}}')
    if match['subscription'].lower() != subscription.lower() or match['group'].lower() != group.lower():
        raise Refused(f'providerID {provider_id!r} is outside this control plane\'s resource group {group} (subscription {subscription})')
    if match['scale_set']:
        return f'{prefix}/virtualMachineScaleSets/{match["scale_set"]}/virtualMachines/{match["index"]}', True
    return f'{prefix}/virtualMachines/{match["vm"]}', False
