/**
 * A loopback Azure for inventory_azure.py: a fake IMDS (instance metadata and managed-identity
 * tokens) and a fake Resource Manager, Node HTTP servers in the test process that answer as the
 * documented services do, and the node's Python modules installed as a node gets them
 * (compactScript) and run asynchronously, so the servers keep answering.
 *
 * IMDS, "Azure Instance Metadata Service" (learn.microsoft.com/azure/virtual-machines/instance-metadata-service):
 * GET /metadata/instance?api-version=… with `Metadata: true` -> {"compute": {azEnvironment,
 * subscriptionId, resourceGroupName, name, vmScaleSetName, …}, "network": {…}}; without the
 * header, 400 "Required metadata header not specified". The token endpoint, as "How to use managed
 * identities for Azure resources on an Azure VM to acquire an access token"
 * (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token):
 * GET /metadata/identity/oauth2/token with api-version, resource and client_id -> access_token,
 * token_type "Bearer"; a client_id of no identity on the VM, 400 invalid_request "Identity not found".
 *
 * Resource Manager, as the Compute REST API 2024-07-01 "Virtual Machines - Get" and "Virtual
 * Machine Scale Set VMs - Get" (learn.microsoft.com/rest/api/compute/virtual-machines/get,
 * …/virtual-machine-scale-set-vms/get) and "Azure Resource Manager error codes"
 * (learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors) describe it:
 * paths compare case-insensitively; no bearer token, 401 AuthenticationFailed; a token for another
 * audience, 401 InvalidAuthenticationTokenAudience; no api-version, 400 MissingApiVersionParameter;
 * a principal without a role on the resource group, 403 AuthorizationFailed ("If access was
 * recently granted, please refresh your credentials."); no such group, 404 ResourceGroupNotFound;
 * no such VM, 404 ResourceNotFound ("The Resource 'Microsoft.Compute/virtualMachines/<n>' under
 * resource group '<g>' was not found."); a scale set that is not there, 404 ParentResourceNotFound;
 * no such instance in a scale set, 404 NotFound ("The entity was not found in this Azure location.",
 * the Compute resource provider's own); else 200 with the VM's model (id, name, type, location,
 * properties), the power state only under `$expand=instanceView`. Errors are
 * {"error": {"code", "message"}}.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { SeenRequest, tokenFor } from '../keys/azure-lab';
import { listenOnLoopback } from '../support/loopback-http';
import { installCastmesh as installModules, NodeRef, removeCastmesh, vmStates as inventoryStates, VmStateRun } from './inventory-lab';
export { installModules, removeCastmesh };
export type { NodeRef };

export { SeenRequest, tokenFor };

export const ARM_RESOURCE = 'https://management.azure.com/';
export const SUBSCRIPTION = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
export const GROUP = 'c1';
export const CLIENT_ID = '6f1d2c3b-8a4e-4f5a-9b6c-7d8e9f0a1b2c';

/** A VM's power state: only `$expand=instanceView` shows it; the VM exists in each. */
export type PowerState = 'running' | 'stopped' | 'deallocated';

/** What the fake Azure holds and how it behaves; tests change it between runs. */
export interface AzureInventoryState {
  /** Client ids of the identities on the control plane (IMDS issues tokens for these alone). */
  identities: string[];
  /** Client ids with a role assignment on the cluster's resource group that reaches Resource Manager. */
  readers: string[];
  /** The resource groups that exist (lower case). */
  groups: string[];
  /** Static VMs in the cluster's group, by name. */
  vms: Record<string, PowerState>;
  /** Scale sets in the cluster's group: name -> instance id -> power state. */
  scaleSets: Record<string, Record<string, PowerState>>;
  /** Replaces Resource Manager's answer for a VM, by the last segment of its path: a status and a raw body. */
  armAnswers: Record<string, { status: number; body: string }>;
  /** Replaces IMDS's instance document's compute section when set. */
  compute?: Record<string, unknown>;
}

export function freshState(): AzureInventoryState {
  return { identities: [CLIENT_ID], readers: [CLIENT_ID], groups: [GROUP], vms: {}, scaleSets: {}, armAnswers: {}, compute: undefined };
}

export interface AzureInventoryLab {
  readonly imdsUrl: string;
  readonly armUrl: string;
  readonly state: AzureInventoryState;
  readonly imdsRequests: SeenRequest[];
  readonly armRequests: SeenRequest[];
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function armError(response: ServerResponse, status: number, code: string, message: string): void {
  send(response, status, { error: { code, message } });
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return { server, url: await listenOnLoopback(server) };
}

function seen(request: IncomingMessage): SeenRequest {
  const url = new URL(request.url ?? '/', 'http://lab');
  return { method: request.method ?? '', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: request.headers };
}

function claimsOf(token: string): { appid?: string; aud?: string } {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

function vmModel(id: string, name: string, type: string, power: PowerState, expand: boolean, extra: Record<string, unknown> = {}) {
  const statuses = [{ code: 'ProvisioningState/succeeded', level: 'Info' }, { code: `PowerState/${power}`, level: 'Info' }];
  return {
    id,
    name,
    type,
    location: 'eastus',
    ...extra,
    properties: {
      vmId: '0f2cc1d9-2d8f-4bd6-a04b-6e1e8a4f0e6a',
      hardwareProfile: { vmSize: 'Standard_B2s' },
      provisioningState: 'Succeeded',
      ...(expand ? { instanceView: { statuses } } : {}),
    },
  };
}

export async function startAzureInventoryLab(state: AzureInventoryState): Promise<AzureInventoryLab> {
  const imdsRequests: SeenRequest[] = [];
  const armRequests: SeenRequest[] = [];
  const imds = await listen((request, response) => {
    const r = seen(request);
    imdsRequests.push(r);
    if (r.headers.metadata !== 'true') return send(response, 400, { error: 'Bad request. Required metadata header not specified' });
    if (r.path === '/metadata/instance') {
      if (!r.query.get('api-version')) return send(response, 400, { error: 'Bad request. api-version was not specified in the request.' });
      const compute = state.compute ?? { azEnvironment: 'AzurePublicCloud', location: 'eastus', name: 'c1-cp-1', resourceGroupName: GROUP, subscriptionId: SUBSCRIPTION, vmScaleSetName: '', zone: '' };
      return send(response, 200, { compute, network: { interface: [] } });
    }
    if (r.path === '/metadata/identity/oauth2/token') {
      const clientId = r.query.get('client_id') ?? '';
      const resource = r.query.get('resource') ?? '';
      if (!state.identities.includes(clientId)) return send(response, 400, { error: 'invalid_request', error_description: 'Identity not found' });
      return send(response, 200, { access_token: tokenFor(clientId, resource), expires_in: '86399', expires_on: '1893456000', not_before: '1893369300', resource, token_type: 'Bearer' });
    }
    send(response, 404, { error: 'Not found' });
  });
  const arm = await listen((request, response) => {
    const r = seen(request);
    armRequests.push(r);
    const bearer = /^Bearer (\S+)$/.exec(r.headers.authorization ?? '')?.[1];
    if (!bearer) return armError(response, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const claims = claimsOf(bearer);
    if (claims.aud !== ARM_RESOURCE) return armError(response, 401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${claims.aud}'.`);
    if (!r.query.get('api-version')) return armError(response, 400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    const path = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/(?:virtualMachineScaleSets\/([^/]+)\/virtualMachines\/([^/]+)|virtualMachines\/([^/]+))$/i.exec(r.path);
    if (!path) return armError(response, 400, 'InvalidResourceType', 'The resource type could not be found in the namespace.');
    const [, subscription, group, scaleSet, instance, vm] = path;
    const action = scaleSet ? 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read' : 'Microsoft.Compute/virtualMachines/read';
    if (subscription.toLowerCase() !== SUBSCRIPTION || !state.readers.includes(claims.appid ?? '') || group.toLowerCase() !== GROUP) {
      return armError(response, 403, 'AuthorizationFailed', `The client '${claims.appid}' with object id '${claims.appid}' does not have authorization to perform action '${action}' over scope '${r.path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const answer = state.armAnswers[r.path.split('/').pop()!];
    if (answer) return send(response, answer.status, answer.body);
    if (!state.groups.includes(group.toLowerCase())) return armError(response, 404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`);
    const expand = r.query.get('$expand') === 'instanceView';
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP.toUpperCase()}/providers/Microsoft.Compute`;
    if (vm !== undefined) {
      const power = Object.entries(state.vms).find(([name]) => name.toLowerCase() === vm.toLowerCase());
      if (!power) return armError(response, 404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachines/${vm}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
      return send(response, 200, vmModel(`${id}/virtualMachines/${power[0]}`, power[0], 'Microsoft.Compute/virtualMachines', power[1], expand));
    }
    const set = Object.entries(state.scaleSets).find(([name]) => name.toLowerCase() === scaleSet.toLowerCase());
    if (!set) return armError(response, 404, 'ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource '${scaleSet}' not found.`);
    const power = set[1][instance];
    if (!power) return armError(response, 404, 'NotFound', 'The entity was not found in this Azure location.');
    return send(response, 200, vmModel(`${id}/virtualMachineScaleSets/${set[0]}/virtualMachines/${instance}`, `${set[0]}_${instance}`, 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines', power, expand, { instanceId: instance }));
  });
  const close = async () => {
    await Promise.all([imds.server, arm.server].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
  return { imdsUrl: imds.url, armUrl: arm.url, state, imdsRequests, armRequests, close };
}

/** vm_state(ref, env) for each ref, in one python process (as one round of cast-node-gc calls it). */
export async function vmStates(dir: string, refs: readonly NodeRef[], env: Record<string, string>, processEnv: Record<string, string>): Promise<VmStateRun> {
  const run = await inventoryStates('azure', dir, refs, env, processEnv);
  if (run.status !== 0) throw new Error(`the driver exited ${run.status}: ${run.stderr}`);
  return run;
}
