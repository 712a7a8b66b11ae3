/**
 * inventory_azure.py, cast-node-gc's Azure inventory, run as a control plane runs it (the castmesh
 * modules with comments dropped) against a fake IMDS and a fake Resource Manager on loopback that
 * follow the documented APIs (test/node-gc/azure-lab.ts names the documents): which VM it asks
 * for, with what credential, and how each answer becomes 'present', 'gone' or 'unknown'.
 */
import { ARM_RESOURCE, AzureInventoryLab, CLIENT_ID, freshState, GROUP, installModules, NodeRef, removeCastmesh, startAzureInventoryLab, SUBSCRIPTION, tokenFor, vmStates } from './azure-lab';

const COMPUTE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.Compute`;
const ENV = { CAST_CLUSTER_NAME: 'c1', CAST_CLOUD: 'azure', CAST_KEYS_CLIENT_ID: CLIENT_ID };

let lab: AzureInventoryLab;
let modules: string;

beforeAll(async () => {
  lab = await startAzureInventoryLab(freshState());
  modules = installModules();
});
afterAll(async () => {
  await lab.close();
  removeCastmesh(modules);
});
beforeEach(() => {
  Object.assign(lab.state, freshState());
  lab.imdsRequests.length = 0;
  lab.armRequests.length = 0;
});

const staticNode = (name: string): NodeRef => ({ name, providerID: '', region: 'eastus', zone: '0', clusterName: 'c1' });
const scaledNode = (scaleSet: string, index: string, providerID = `azure://${COMPUTE}/virtualMachineScaleSets/${scaleSet}/virtualMachines/${index}`): NodeRef => ({
  name: `${scaleSet}00000${index}`, providerID, region: 'eastus', zone: '1', clusterName: 'c1',
});

function run(refs: NodeRef[], env: Record<string, string> = ENV, processEnv: Record<string, string> = {}) {
  return vmStates(modules, refs, env, { CAST_KEYS_METADATA_URL: lab.imdsUrl, CAST_INVENTORY_API_URL: lab.armUrl, ...processEnv });
}

async function stateOf(ref: NodeRef, env: Record<string, string> = ENV): Promise<{ state: string; stderr: string }> {
  const result = await run([ref], env);
  return { state: result.states[0], stderr: result.stderr };
}

describe('inventory_azure.py against a fake IMDS and Resource Manager', () => {
  test('a static node whose VM exists: present, asked with a Resource Manager token of the key identity, for exactly that VM', async () => {
    lab.state.vms = { 'c1-workers-1': 'running' };
    expect(await stateOf(staticNode('c1-workers-1'))).toEqual({ state: 'present', stderr: '' });
    expect(lab.imdsRequests.map((r) => [r.path, Object.fromEntries(r.query), r.headers.metadata])).toEqual([
      ['/metadata/instance', { 'api-version': '2021-02-01' }, 'true'],
      ['/metadata/identity/oauth2/token', { 'api-version': '2018-02-01', 'resource': ARM_RESOURCE, 'client_id': CLIENT_ID }, 'true'],
    ]);
    expect(lab.armRequests).toHaveLength(1);
    const [request] = lab.armRequests;
    expect(request.method).toBe('GET');
    expect(request.path).toBe(`${COMPUTE}/virtualMachines/c1-workers-1`);
    expect(Object.fromEntries(request.query)).toEqual({ 'api-version': '2024-07-01' });
    expect(request.headers.authorization).toBe(`Bearer ${tokenFor(CLIENT_ID, ARM_RESOURCE)}`);
  });

  test('a static node whose VM is not there (404 ResourceNotFound): gone, and one line says why', async () => {
    lab.state.vms = { 'c1-workers-2': 'running' };
    const { state, stderr } = await stateOf(staticNode('c1-workers-1'));
    expect(state).toBe('gone');
    expect(stderr).toBe(`cast-node-gc: azure: c1-workers-1: gone: ${COMPUTE}/virtualMachines/c1-workers-1 (HTTP 404 ResourceNotFound)\n`);
  });

  test('a stopped or a deallocated VM is present (it starts again)', async () => {
    lab.state.vms = { 'c1-workers-1': 'stopped', 'c1-workers-2': 'deallocated' };
    expect((await run([staticNode('c1-workers-1'), staticNode('c1-workers-2')])).states).toEqual(['present', 'present']);
  });

  test("an autoscaled node: its providerID's scale-set VM, present while the instance exists", async () => {
    lab.state.scaleSets = { 'c1-pool': { 3: 'running' } };
    expect(await stateOf(scaledNode('c1-pool', '3'))).toEqual({ state: 'present', stderr: '' });
    expect(lab.armRequests.map((r) => [r.path, Object.fromEntries(r.query)])).toEqual([[`${COMPUTE}/virtualMachineScaleSets/c1-pool/virtualMachines/3`, { 'api-version': '2024-07-01' }]]);
    expect(lab.armRequests[0].headers.authorization).toBe(`Bearer ${tokenFor(CLIENT_ID, ARM_RESOURCE)}`);
  });

  test('an autoscaled node whose instance is gone (404 NotFound), or whose whole scale set is (404 ParentResourceNotFound): gone', async () => {
    lab.state.scaleSets = { 'c1-pool': { 3: 'running' } };
    const result = await run([scaledNode('c1-pool', '4'), scaledNode('c1-other', '0')]);
    expect(result.states).toEqual(['gone', 'gone']);
    expect(result.stderr).toContain('virtualMachineScaleSets/c1-pool/virtualMachines/4 (HTTP 404 NotFound)');
    expect(result.stderr).toContain('virtualMachineScaleSets/c1-other/virtualMachines/0 (HTTP 404 ParentResourceNotFound)');
  });

  test("one round asks IMDS for the instance metadata once, and Resource Manager once per Node", async () => {
    lab.state.vms = { 'c1-workers-1': 'running' };
    const result = await run([staticNode('c1-workers-1'), staticNode('c1-workers-2')]);
    expect(result.states).toEqual(['present', 'gone']);
    expect(lab.imdsRequests.filter((r) => r.path === '/metadata/instance')).toHaveLength(1);
    expect(lab.armRequests).toHaveLength(2);
  });

  test('403 AuthorizationFailed (the role assignment has not spread yet): unknown, with the reason', async () => {
    lab.state.vms = {};
    lab.state.readers = [];
    const { state, stderr } = await stateOf(staticNode('c1-workers-1'));
    expect(state).toBe('unknown');
    expect(stderr).toMatch(/^cast-node-gc: azure: c1-workers-1: unknown: Resource Manager said HTTP 403 for \S+ \(\{"error":\{"code":"AuthorizationFailed",.*\n$/);
  });

  test('429, 5xx, a 404 that is no Resource Manager error or names another missing thing, a redirect: unknown, with the answer', async () => {
    const answers: Array<[number, string]> = [
      [429, '{"error":{"code":"TooManyRequests","message":"Number of requests exceeded the limit."}}'],
      [500, '{"error":{"code":"InternalServerError","message":"Encountered internal server error."}}'],
      [503, 'Service Unavailable'],
      [404, '<html>Not Found</html>'],
      [404, '{"error":{"code":"SubscriptionNotFound","message":"The subscription could not be found."}}'],
      [302, ''],
    ];
    const names = answers.map((_, i) => `c1-workers-${i + 1}`);
    lab.state.vms = Object.fromEntries(names.map((name) => [name, 'running']));
    lab.state.armAnswers = Object.fromEntries(answers.map(([status, body], i) => [names[i], { status, body }]));
    const result = await run(names.map(staticNode));
    expect(result.states).toEqual(names.map(() => 'unknown'));
    answers.forEach(([status], i) => expect(result.stderr).toContain(`${names[i]}: unknown: Resource Manager said HTTP ${status} for ${COMPUTE}/virtualMachines/${names[i]}`));
  });

  test('404 ResourceGroupNotFound says the address is wrong, not that the VM is gone: unknown', async () => {
    lab.state.groups = [];
    expect((await stateOf(staticNode('c1-workers-1'))).state).toBe('unknown');
  });

  test('a 200 answer that is not JSON, not an object, without an id or with another VM\'s: unknown', async () => {
    const bodies = ['upstream connect error', '[1]', '{"name":"c1-workers-3"}', `{"id":"${COMPUTE}/virtualMachines/c1-workers-9"}`];
    const names = bodies.map((_, i) => `c1-workers-${i + 1}`);
    lab.state.armAnswers = Object.fromEntries(bodies.map((body, i) => [names[i], { status: 200, body }]));
    const result = await run(names.map(staticNode));
    expect(result.states).toEqual(names.map(() => 'unknown'));
    for (const name of names) expect(result.stderr).toContain(`${name}: unknown: Resource Manager answered 200`);
  });

  test("the providerID's host is never asked: the same path goes to Resource Manager", async () => {
    lab.state.scaleSets = { 'c1-pool': { 3: 'running' } };
    expect((await stateOf(scaledNode('c1-pool', '3', `azure://attacker.example:8443${COMPUTE}/virtualMachineScaleSets/c1-pool/virtualMachines/3`))).state).toBe('present');
    expect(lab.armRequests.map((r) => r.path)).toEqual([`${COMPUTE}/virtualMachineScaleSets/c1-pool/virtualMachines/3`]);
  });

  test('a providerID that is not a Compute VM path in this control plane\'s group: unknown, and Resource Manager is not asked', async () => {
    const providerIDs: Array<[string, string]> = [
      ['another provider', 'aws:///us-east-1a/i-0123456789abcdef0'],
      ['no subscription GUID', `azure:///subscriptions/mine/resourceGroups/${GROUP}/providers/Microsoft.Compute/virtualMachines/x`],
      ['another resource provider', `azure:///subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.KeyVault/vaults/x`],
      ['a path that climbs out', `azure://${COMPUTE}/virtualMachineScaleSets/../../../Microsoft.KeyVault/vaults/x/virtualMachines/1`],
      ['a group named ..', `azure:///subscriptions/${SUBSCRIPTION}/resourceGroups/../providers/Microsoft.Compute/virtualMachines/x`],
      ['a query', `azure://${COMPUTE}/virtualMachines/x?api-version=2015-01-01`],
      ['an instance that is not a number', `azure://${COMPUTE}/virtualMachineScaleSets/c1-pool/virtualMachines/3%2F..`],
      ['another resource group', `azure:///subscriptions/${SUBSCRIPTION}/resourceGroups/other/providers/Microsoft.Compute/virtualMachineScaleSets/c1-pool/virtualMachines/3`],
      ['another subscription', `azure:///subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/${GROUP}/providers/Microsoft.Compute/virtualMachineScaleSets/c1-pool/virtualMachines/3`],
    ];
    const result = await run(providerIDs.map(([, providerID]) => ({ ...scaledNode('c1-pool', '3'), providerID })));
    expect(result.states).toEqual(providerIDs.map(() => 'unknown'));
    for (const [, providerID] of providerIDs) expect(result.stderr).toContain(`unknown: providerID '${providerID}'`);
    expect(lab.armRequests).toEqual([]);
  });

  test("a providerID in this group spelled in another case is this group's (Azure names are case-insensitive)", async () => {
    lab.state.scaleSets = { 'c1-pool': { 3: 'running' } };
    const providerID = `azure:///subscriptions/${SUBSCRIPTION.toUpperCase()}/resourceGroups/${GROUP.toUpperCase()}/providers/microsoft.compute/virtualMachineScaleSets/c1-pool/virtualMachines/3`;
    expect((await stateOf(scaledNode('c1-pool', '3', providerID))).state).toBe('present');
  });

  test('a static node whose name cannot be a VM name: unknown, nothing asked of Resource Manager', async () => {
    expect((await run([staticNode('../c1-workers-1'), staticNode('x'.repeat(65))])).states).toEqual(['unknown', 'unknown']);
    expect(lab.armRequests).toEqual([]);
  });

  test('no key identity in node.env, or one IMDS has no token for: unknown', async () => {
    const missing = await stateOf(staticNode('c1-workers-1'), { ...ENV, CAST_KEYS_CLIENT_ID: '' });
    expect(missing.state).toBe('unknown');
    expect(missing.stderr).toContain('CAST_KEYS_CLIENT_ID must be the client id');
    lab.state.identities = [];
    const notAttached = await stateOf(staticNode('c1-workers-1'));
    expect(notAttached.state).toBe('unknown');
    expect(notAttached.stderr).toContain('Identity not found');
    expect(lab.armRequests).toEqual([]);
  });

  test('Resource Manager unreachable: unknown', async () => {
    const result = await run([staticNode('c1-workers-1')], ENV, { CAST_INVENTORY_API_URL: 'http://127.0.0.1:9' });
    expect(result.states).toEqual(['unknown']);
    expect(result.stderr).toMatch(/unknown: GET http:\/\/127\.0\.0\.1:9\/subscriptions\/.*refused/i);
  });

  test("IMDS without the group's placement, or in an Azure it does not know: unknown, no token asked", async () => {
    lab.state.compute = { azEnvironment: 'AzurePublicCloud', subscriptionId: SUBSCRIPTION };
    expect((await stateOf(staticNode('c1-workers-1'))).stderr).toContain('names no subscription and resource group');
    lab.state.compute = { azEnvironment: 'AzureStackCloud', subscriptionId: SUBSCRIPTION, resourceGroupName: GROUP };
    expect((await stateOf(staticNode('c1-workers-1'))).stderr).toContain("no Resource Manager known for the Azure environment 'AzureStackCloud'");
    expect(lab.imdsRequests.filter((r) => r.path !== '/metadata/instance')).toEqual([]);
  });

  test("in Azure operated by 21Vianet the token is for that cloud's Resource Manager", async () => {
    lab.state.compute = { azEnvironment: 'AzureChinaCloud', subscriptionId: SUBSCRIPTION, resourceGroupName: GROUP };
    await stateOf(staticNode('c1-workers-1'));
    expect(lab.imdsRequests.find((r) => r.path === '/metadata/identity/oauth2/token')?.query.get('resource')).toBe('https://management.chinacloudapi.cn/');
  });
});
