import { Cloud } from '../../../lib/core/cloud';
import { checkCleanupGuard } from '../../../lib/drift/check/cleanup-guard-check';
import { Severity } from '../../../lib/drift/check/finding';
import { actualState, inventory, inventoryVm, stateResource, UUID } from '../helpers';

const networks = [
  stateResource('aws_vpc.v', { id: 'vpc-1' }),
  stateResource('google_compute_network.n', { id: 'projects/p/global/networks/n', self_link: 'https://www.googleapis.com/compute/v1/projects/p/global/networks/n' }),
  stateResource('azurerm_virtual_network.v', { id: '/subscriptions/s/x', address_space: ['10.30.0.0/16'], location: 'westeurope' }),
  stateResource('digitalocean_vpc.v', { id: 'do-vpc' }),
];

describe('checkCleanupGuard', () => {
  test.each([
    ['AWS VM in the VPC without the UUID', inventoryVm(Cloud.AWS, 'i-1', { networks: ['vpc-1'] }), true],
    ['AWS VM in another VPC', inventoryVm(Cloud.AWS, 'i-1', { networks: ['vpc-2'] }), false],
    ['AWS VM with the UUID', inventoryVm(Cloud.AWS, 'i-1', { networks: ['vpc-1'], clusterUuid: UUID }), false],
    ['AWS VM of another cluster', inventoryVm(Cloud.AWS, 'i-1', { networks: ['vpc-1'], clusterUuid: 'other' }), true],
    ['terminated VM', inventoryVm(Cloud.AWS, 'i-1', { networks: ['vpc-1'], status: 'terminated' }), false],
    ['GCP VM on the network', inventoryVm(Cloud.GCP, '1', { networks: ['projects/p/global/networks/n'] }), true],
    ['Azure VM with an IP in the VNet', inventoryVm(Cloud.AZURE, '/x', { privateIps: ['10.30.1.9'], location: { location: 'westeurope' } }), true],
    ['Azure VM with an IP in the range but another location', inventoryVm(Cloud.AZURE, '/x', { privateIps: ['10.30.1.9'], location: { location: 'eastus' } }), false],
    ['DigitalOcean droplet in the VPC', inventoryVm(Cloud.DIGITALOCEAN, '5', { networks: ['do-vpc'] }), true],
  ])('%s → %s', (_name, vm, reported) => {
    const findings = checkCleanupGuard(actualState(networks, { inventories: [inventory(vm.cloud, [vm])] }), UUID, Severity.ERROR);
    expect(findings.length).toBe(reported ? 1 : 0);
  });
  test('the finding never suggests deleting a foreign VM', () => {
    const vm = inventoryVm(Cloud.AWS, 'i-1', { networks: ['vpc-1'], name: 'ci-runner' });
    const [finding] = checkCleanupGuard(actualState(networks, { inventories: [inventory(Cloud.AWS, [vm])] }), UUID, Severity.WARNING);
    expect(finding).toMatchObject({ rule: 'cleanup-guard/foreign-vm', severity: Severity.WARNING, address: 'aws:i-1' });
    expect(finding.remediation).not.toMatch(/terminate-instances|instances delete|vm delete|droplet delete/);
  });
});

describe('which networks are the cluster’s', () => {
  const vm = inventoryVm(Cloud.AWS, 'i-9', { networks: ['vpc-2'] });
  const twoVpcs = [stateResource('aws_vpc.a', { id: 'vpc-1', tags: { 'cast-cluster-uuid': UUID } }), stateResource('aws_vpc.b', { id: 'vpc-2', tags: { 'cast-cluster-uuid': 'other-cluster' } })];
  test('a VPC tagged with another cluster is not this cluster’s', () => {
    expect(checkCleanupGuard(actualState(twoVpcs, { inventories: [inventory(Cloud.AWS, [vm])] }), UUID, Severity.ERROR)).toEqual([]);
  });
  test('the description’s networks decide when given', () => {
    const actual = actualState(twoVpcs, { inventories: [inventory(Cloud.AWS, [vm])] });
    expect(checkCleanupGuard(actual, UUID, Severity.ERROR, ['aws_vpc.b'])).toHaveLength(1);
    expect(checkCleanupGuard(actual, UUID, Severity.ERROR, ['aws_vpc.a'])).toEqual([]);
  });
});
