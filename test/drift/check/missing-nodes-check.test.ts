import { Cloud } from '../../../lib/core/cloud';
import { Severity } from '../../../lib/drift/check/finding';
import { checkMissingNodes } from '../../../lib/drift/check/missing-nodes-check';
import { DriftAction } from '../../../lib/drift/model';
import { actualState, deletedDrift, desiredResource, desiredState, inventory, inventoryVm, stateResource, UUID } from '../helpers';

const nodes = desiredResource('aws_instance.node', { tags: { Name: 'worker-${count.index}' } }, [0, 1]);
const node = (i: number, options: { tainted?: boolean; zone?: string } = {}) => stateResource(`aws_instance.node[${i}]`, { id: `i-${i}`, availability_zone: options.zone ?? 'eu-west-1a', tags: { 'cast-cluster-uuid': UUID } }, options);

describe('checkMissingNodes', () => {
  test('all present: nothing', () => {
    expect(checkMissingNodes(desiredState([nodes]), actualState([node(0), node(1)]), UUID)).toEqual([]);
  });
  test.each([
    ['absent from the state', actualState([node(0)]), 'missing-nodes/absent-from-state', Severity.ERROR],
    ['deleted outside Terraform', actualState([node(0), node(1)], { drift: [deletedDrift('aws_instance.node[1]')] }), 'missing-nodes/deleted-outside', Severity.ERROR],
    ['tainted', actualState([node(0), node(1, { tainted: true })]), 'missing-nodes/tainted', Severity.WARNING],
    ['absent from the inventory', actualState([node(0), node(1)], { inventories: [inventory(Cloud.AWS, [inventoryVm(Cloud.AWS, 'i-0', { scope: 'eu-west-1' })])] }), 'missing-nodes/absent-from-inventory', Severity.ERROR],
    ['terminated', actualState([node(0), node(1)], { inventories: [inventory(Cloud.AWS, [inventoryVm(Cloud.AWS, 'i-0'), inventoryVm(Cloud.AWS, 'i-1', { status: 'terminated', statusText: 'terminated' })])] }), 'missing-nodes/absent-from-inventory', Severity.ERROR],
    ['stopped', actualState([node(0), node(1)], { inventories: [inventory(Cloud.AWS, [inventoryVm(Cloud.AWS, 'i-0'), inventoryVm(Cloud.AWS, 'i-1', { status: 'stopped', statusText: 'stopped' })])] }), 'missing-nodes/stopped', Severity.WARNING],
  ])('%s', (_name, actual, rule, severity) => {
    const findings = checkMissingNodes(desiredState([nodes]), actual, UUID);
    expect(findings.map((f) => [f.address, f.rule, f.severity])).toEqual([['aws_instance.node[1]', rule, severity]]);
  });
  test.each([
    ['the state records it stopped', actualState([node(0), stateResource('aws_instance.node[1]', { id: 'i-1', instance_state: 'stopped' })]), 'state'],
    [
      'a refresh-only plan finds it stopped',
      actualState([node(0), node(1)], { drift: [{ address: 'aws_instance.node[1]', type: 'aws_instance', cloud: Cloud.AWS, action: DriftAction.UPDATED, after: { instance_state: 'stopped' }, sensitivePaths: [], file: 'plan.json' }] }),
      'refresh-only plan',
    ],
  ])('without an inventory, %s: a warning', (_name, actual, source) => {
    const findings = checkMissingNodes(desiredState([nodes]), actual, UUID);
    expect(findings.map((f) => [f.address, f.rule, f.severity, f.message])).toEqual([['aws_instance.node[1]', 'missing-nodes/stopped', Severity.WARNING, `node aws_instance.node[1] is stopped according to the ${source}`]]);
  });
  test.each([
    ['google_compute_instance', 'current_status', 'TERMINATED', true],
    ['google_compute_instance', 'current_status', 'RUNNING', false],
    ['digitalocean_droplet', 'status', 'off', true],
    ['digitalocean_droplet', 'status', 'active', false],
    ['aws_instance', 'instance_state', 'running', false],
  ])('%s with %s %s: stopped %s', (type, attribute, value, stopped) => {
    const actual = actualState([stateResource(`${type}.n`, { id: '1', [attribute]: value })]);
    expect(checkMissingNodes(desiredState([desiredResource(`${type}.n`, { name: 'n' })]), actual, UUID).map((f) => f.rule)).toEqual(stopped ? ['missing-nodes/stopped'] : []);
  });
  test('remediations name the address, quoted for the shell', () => {
    const [finding] = checkMissingNodes(desiredState([nodes]), actualState([node(0), node(1, { tainted: true })]), UUID);
    expect(finding.remediation).toBe("Run `terraform apply -replace='aws_instance.node[1]'` to replace it now, or `terraform untaint 'aws_instance.node[1]'` if the node is healthy.");
  });
  test('an inventory of another region says nothing about the node', () => {
    const actual = actualState([node(0), node(1, { zone: 'us-east-1b' })], { inventories: [inventory(Cloud.AWS, [inventoryVm(Cloud.AWS, 'i-0', { scope: 'eu-west-1' })])] });
    expect(checkMissingNodes(desiredState([nodes]), actual, UUID)).toEqual([]);
  });
  test('a VM the cloud still has is offered for import', () => {
    const named = desiredResource('google_compute_instance.n', { name: 'gcp-worker' });
    const vm = inventoryVm(Cloud.GCP, '123', { name: 'gcp-worker', clusterUuid: UUID });
    const [finding] = checkMissingNodes(desiredState([named]), actualState([], { inventories: [inventory(Cloud.GCP, [vm])] }), UUID);
    expect(finding.remediation).toContain('import { to = google_compute_instance.n, id = "123" }');
  });
  test('nodes of the description at module addresses', () => {
    const description = { schema: 'cast-cluster/v1', clouds: [], networks: [], nodes: [{ name: 'extra', address: 'module.pool.digitalocean_droplet.w[0]' }] };
    expect(checkMissingNodes(desiredState([], { description }), actualState([]), UUID).map((f) => [f.address, f.message])).toEqual([['module.pool.digitalocean_droplet.w[0]', 'node extra (module.pool.digitalocean_droplet.w[0]) is in the configuration but not in the state']]);
  });
  test('ids per cloud: GCP self link, Azure case-insensitive ids', () => {
    const gcp = stateResource('google_compute_instance.n', { id: 'projects/p/zones/z/instances/n', instance_id: '42', self_link: 'https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/n', project: 'p' });
    const azure = stateResource('azurerm_linux_virtual_machine.v', { id: '/subscriptions/S/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v', virtual_machine_id: 'VM-ID' });
    const desired = desiredState([desiredResource('google_compute_instance.n', {}), desiredResource('azurerm_linux_virtual_machine.v', {})]);
    const actual = actualState([gcp, azure], {
      inventories: [inventory(Cloud.GCP, [inventoryVm(Cloud.GCP, '42', { scope: 'p' })]), inventory(Cloud.AZURE, [inventoryVm(Cloud.AZURE, '/SUBSCRIPTIONS/S/resourcegroups/RG/providers/Microsoft.Compute/virtualMachines/V', { aliases: ['vm-id'], scope: 's' })])],
    });
    expect(checkMissingNodes(desired, actual, UUID)).toEqual([]);
  });
});
