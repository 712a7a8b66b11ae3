import { Cloud } from '../../../lib/core/cloud';
import { checkUnusedResources } from '../../../lib/drift/check/unused-resources-check';
import { actualState, deletedDrift, desiredResource, desiredState, inventory, inventoryVm, stateResource, UUID } from '../helpers';

describe('checkUnusedResources', () => {
  const desired = desiredState([desiredResource('aws_vpc.main', {}), desiredResource('aws_instance.n', {}, [0, 1])], { modules: new Set(['addons']) });
  test('declared resources, declared modules and data sources are used', () => {
    const actual = actualState([stateResource('aws_vpc.main', {}), stateResource('aws_instance.n[1]', {}), stateResource('module.addons.aws_iam_role.r', {}), stateResource('data.aws_ami.x', {})]);
    expect(checkUnusedResources(desired, actual, UUID)).toEqual([]);
  });
  test.each([
    ['an undeclared resource', 'aws_vpc.old', 'aws_vpc.old is in the state but no stack declares it'],
    ['a count index no longer configured', 'aws_instance.n[2]', 'aws_instance.n[2] is in the state but its count index is no longer configured'],
    ['a module no longer called', 'module.legacy.aws_s3_bucket.b', 'module.legacy.aws_s3_bucket.b is in the state but module "legacy" is no longer called'],
  ])('%s', (_name, address, message) => {
    const findings = checkUnusedResources(desired, actualState([stateResource(address, {})]), UUID);
    expect(findings.map((f) => [f.rule, f.message])).toEqual([['unused-resources/not-desired', message]]);
    expect(findings[0].remediation).toContain('terraform state rm');
  });
  test('a resource already deleted outside Terraform is not reported', () => {
    expect(checkUnusedResources(desired, actualState([stateResource('aws_vpc.old', {})], { drift: [deletedDrift('aws_vpc.old')] }), UUID)).toEqual([]);
  });
  test('leaked: in an inventory with the UUID, in no state', () => {
    const vms = [inventoryVm(Cloud.DIGITALOCEAN, '7', { clusterUuid: UUID, name: 'old' }), inventoryVm(Cloud.DIGITALOCEAN, '8', { clusterUuid: UUID, status: 'terminated' }), inventoryVm(Cloud.DIGITALOCEAN, '9'), inventoryVm(Cloud.DIGITALOCEAN, '10', { clusterUuid: UUID })];
    const actual = actualState([stateResource('digitalocean_droplet.n', { id: '10' })], { inventories: [inventory(Cloud.DIGITALOCEAN, vms)] });
    const findings = checkUnusedResources(desiredState([desiredResource('digitalocean_droplet.n', {})]), actual, UUID);
    expect(findings.map((f) => [f.rule, f.address, f.remediation])).toEqual([['unused-resources/leaked', 'digitalocean:7', 'Delete it: `doctl compute droplet delete 7 --force`; or, if it should be a node, import it: import { to = digitalocean_droplet.<name>, id = "7" }.']]);
  });
  test('without a UUID, leaks cannot be told', () => {
    const actual = actualState([], { inventories: [inventory(Cloud.AWS, [inventoryVm(Cloud.AWS, 'i-1', { clusterUuid: UUID })])] });
    expect(checkUnusedResources(desiredState([]), actual, undefined)).toEqual([]);
  });
});
