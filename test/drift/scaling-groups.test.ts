/** Autoscaled worker groups: described in `scalingGroups`, their cloud-created instances are scaled nodes, not leaked. */
import { Cloud } from '../../lib/core/cloud';
import { scalingGroupOf } from '../../lib/drift/catalog/cluster-tags';
import { CheckId } from '../../lib/drift/check/finding';
import { checkMissingNodes } from '../../lib/drift/check/missing-nodes-check';
import { runChecks } from '../../lib/drift/check/run-checks';
import { classifyScaledItem } from '../../lib/drift/check/scaling-groups';
import { checkUnusedResources } from '../../lib/drift/check/unused-resources-check';
import { ClusterDescription, DescribedScalingGroup, InventoryItem } from '../../lib/drift/model';
import { findClusterDescriptions, parseClusterDescription } from '../../lib/drift/read/desired/cluster-description';
import { readAwsInventoryItem } from '../../lib/drift/read/inventory/aws';
import { readAzureInventoryItem } from '../../lib/drift/read/inventory/azure';
import { readDigitalOceanInventoryItem } from '../../lib/drift/read/inventory/digitalocean';
import { readGcpInventoryItem } from '../../lib/drift/read/inventory/gcp';
import { actualState, desiredResource, desiredState, inventory, inventoryVm, stateResource, UUID } from './helpers';

const GROUPS: DescribedScalingGroup[] = [
  { name: 'prod-burst', cloud: Cloud.AWS, address: 'aws_autoscaling_group.cluster_burst_ABC123', minNodes: 0, maxNodes: 10 },
  { name: 'prod-gpu', cloud: Cloud.GCP, address: 'google_compute_region_instance_group_manager.cluster_gpu_DEF456', minNodes: 1, maxNodes: 4 },
  { name: 'prod-spot', cloud: Cloud.AZURE, address: 'azurerm_orchestrated_virtual_machine_scale_set.cluster_spot_0A1B2C', minNodes: 0, maxNodes: 5 },
  { name: 'prod-pool', cloud: Cloud.DIGITALOCEAN, address: 'digitalocean_droplet_autoscale.cluster_pool_9F8E7D', minNodes: 1, maxNodes: 3 },
];

function description(scalingGroups: DescribedScalingGroup[] | undefined): ClusterDescription {
  return { schema: 'cast-cluster/v1', uuid: UUID, name: 'prod', clouds: [], nodes: [], networks: [], ...(scalingGroups ? { scalingGroups } : {}) };
}

/** One instance per cloud, as each cloud's CLI prints it, carrying the cluster labels and `cast-scaling-group`. */
function scaledInstance(cloud: Cloud, group: string, id: string): InventoryItem {
  switch (cloud) {
    case Cloud.AWS:
      return readAwsInventoryItem(
        {
          InstanceId: id,
          State: { Name: 'running' },
          VpcId: 'vpc-1',
          Placement: { AvailabilityZone: 'eu-west-1a' },
          Tags: [
            { Key: 'cast-cluster-uuid', Value: UUID },
            { Key: 'cast-cluster-name', Value: 'prod' },
            { Key: 'cast-scaling-group', Value: group },
            { Key: 'aws:autoscaling:groupName', Value: group },
          ],
        },
        'aws.json',
      )[0];
    case Cloud.GCP:
      return readGcpInventoryItem(
        {
          kind: 'compute#instance',
          id,
          name: `${group}-x7k2`,
          zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b',
          selfLink: `https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b/instances/${group}-x7k2`,
          status: 'RUNNING',
          labels: { 'cast-cluster-uuid': UUID, 'cast-cluster-name': 'prod', 'cast-scaling-group': group },
        },
        'gcp.json',
      )[0];
    case Cloud.AZURE:
      return readAzureInventoryItem(
        {
          id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${id}`,
          name: id,
          vmId: `vm-${id}`,
          location: 'westeurope',
          resourceGroup: 'rg',
          powerState: 'VM running',
          privateIps: '10.30.1.9',
          tags: { 'cast-cluster-uuid': UUID, 'cast-cluster-name': 'prod', 'cast-scaling-group': group },
        },
        'azure.json',
      )[0];
    case Cloud.DIGITALOCEAN:
      return readDigitalOceanInventoryItem(
        { id: Number(id), name: `${group}-${id}`, status: 'active', vpc_uuid: 'vpc-do', size_slug: 's-2vcpu-4gb', region: { slug: 'fra1' }, tags: [`cast-cluster-uuid:${UUID}`, 'cast-cluster-name:prod', `cast-scaling-group:${group}`] },
        'digitalocean.json',
      )[0];
  }
}

const INSTANCES: [Cloud, string, string][] = [
  [Cloud.AWS, 'prod-burst', 'i-0scaled'],
  [Cloud.GCP, 'prod-gpu', '7001'],
  [Cloud.AZURE, 'prod-spot', 'prod-spot_1a2b3c4d'],
  [Cloud.DIGITALOCEAN, 'prod-pool', '9001'],
];

function inventories(items: InventoryItem[]) {
  const byCloud = new Map<Cloud, InventoryItem[]>();
  for (const item of items) byCloud.set(item.cloud, [...(byCloud.get(item.cloud) ?? []), item]);
  return [...byCloud].map(([cloud, list]) => inventory(cloud, list));
}

describe('scalingGroups in the cluster description', () => {
  test('read with the rest of the description', () => {
    const parsed = parseClusterDescription(
      JSON.stringify({
        schema: 'cast-cluster/v1',
        uuid: UUID,
        scalingGroups: [
          { name: 'prod-burst', cloud: 'aws', address: 'aws_autoscaling_group.cluster_burst_ABC123', minNodes: 0, maxNodes: 10, future: true },
          { name: 'prod-pool', cloud: 'digitalocean', address: 'digitalocean_droplet_autoscale.cluster_pool_9F8E7D', minNodes: '1', maxNodes: '3' },
        ],
      }),
      'f',
    );
    expect(parsed?.scalingGroups).toEqual([
      { name: 'prod-burst', cloud: Cloud.AWS, address: 'aws_autoscaling_group.cluster_burst_ABC123', minNodes: 0, maxNodes: 10 },
      { name: 'prod-pool', cloud: Cloud.DIGITALOCEAN, address: 'digitalocean_droplet_autoscale.cluster_pool_9F8E7D', minNodes: 1, maxNodes: 3 },
    ]);
  });
  test('entries of the wrong shape are dropped, fields of the wrong shape are absent', () => {
    const parsed = parseClusterDescription(
      { schema: 'cast-cluster/v1', scalingGroups: ['prod-burst', 7, null, [], { name: 5, cloud: 'mars', address: {}, minNodes: -1, maxNodes: 2.5 }, { name: '', minNodes: 'many', maxNodes: true }] },
      'f',
    );
    expect(parsed?.scalingGroups).toEqual([{}, {}]);
  });
  test('${…} references count as absent', () => {
    const parsed = parseClusterDescription(
      JSON.stringify({
        scalingGroups: [{ name: '${var.cluster}-burst', cloud: 'aws', address: '${aws_autoscaling_group.x.id}', minNodes: '${var.min}', maxNodes: '${var.max}' }],
      }),
      'f',
    );
    expect(parsed?.scalingGroups).toEqual([{ cloud: Cloud.AWS }]);
  });
  test.each([
    ['no scalingGroups field (a description from before autoscaling)', { schema: 'cast-cluster/v1' }],
    ['scalingGroups that is not a list', { schema: 'cast-cluster/v1', scalingGroups: { name: 'prod-burst' } }],
    ['scalingGroups that is still a reference', { schema: 'cast-cluster/v1', scalingGroups: '${local.groups}' }],
  ])('%s: which groups exist is unknown', (_name, value) => {
    const parsed = parseClusterDescription(JSON.stringify(value), 'f');
    expect(parsed?.scalingGroups).toBeUndefined();
    expect(parsed).toMatchObject({ nodes: [], networks: [] });
  });
  test('an empty list: the cluster has no scaling groups', () => {
    expect(parseClusterDescription(JSON.stringify({ scalingGroups: [] }), 'f')?.scalingGroups).toEqual([]);
  });
  test('found in a cast_cluster_<name> output', () => {
    const [found] = findClusterDescriptions({ cast_cluster_prod: JSON.stringify({ schema: 'cast-cluster/v1', uuid: UUID, scalingGroups: [{ name: 'prod-burst', cloud: 'aws' }] }) }, 'f');
    expect(found.scalingGroups).toEqual([{ name: 'prod-burst', cloud: Cloud.AWS }]);
  });
});

describe('cast-scaling-group as each inventory reader normalizes it', () => {
  test.each(INSTANCES)('%s: the tag or label is read, DigitalOcean key:value split', (cloud, group, id) => {
    const item = scaledInstance(cloud, group, id);
    expect(item.clusterUuid).toBe(UUID);
    expect(item.tags['cast-scaling-group']).toBe(group);
    expect(scalingGroupOf(item.tags)).toBe(group);
  });
  test('an empty tag is no group; the key is matched case-insensitively', () => {
    expect(scalingGroupOf({ 'cast-scaling-group': '' })).toBeUndefined();
    expect(scalingGroupOf({ 'Cast-Scaling-Group': 'prod-spot' })).toBe('prod-spot');
    expect(scalingGroupOf({})).toBeUndefined();
  });
});

describe('unused-resources: scaled nodes are not leaked', () => {
  const desired = desiredState([], { description: description(GROUPS) });

  test.each(INSTANCES)('%s: an instance of a described group is not reported', (cloud, group, id) => {
    const actual = actualState([], { inventories: inventories([scaledInstance(cloud, group, id)]) });
    expect(checkUnusedResources(desired, actual, UUID)).toEqual([]);
  });

  test('the state description alone is enough (the stacks changed, the group is still applied)', () => {
    const actual = { ...actualState([], { inventories: inventories([scaledInstance(Cloud.AWS, 'prod-burst', 'i-0scaled')]) }), description: description(GROUPS) };
    expect(checkUnusedResources(desiredState([], { description: description([]) }), actual, UUID)).toEqual([]);
  });

  test('Azure group names compare case-insensitively', () => {
    const actual = actualState([], { inventories: inventories([scaledInstance(Cloud.AZURE, 'PROD-SPOT', 'vm1')]) });
    expect(checkUnusedResources(desired, actual, UUID)).toEqual([]);
  });

  test.each(INSTANCES)('%s: an instance of a group the description does not have is leaked, the group named', (cloud, _group, id) => {
    const item = scaledInstance(cloud, 'prod-old', id);
    const findings = checkUnusedResources(desired, actualState([], { inventories: inventories([item]) }), UUID);
    expect(findings.map((f) => [f.rule, f.address])).toEqual([['unused-resources/leaked', `${cloud}:${item.id}`]]);
    expect(findings[0].message).toContain('carries this cluster\'s UUID but no state knows it (leaked): its cast-scaling-group tag names scaling group "prod-old", which the cluster description no longer has (the group is gone, its instance was left behind)');
    expect(findings[0].remediation).toContain('scaling group "prod-old", which created it, is gone');
    expect(findings[0].remediation).not.toContain('import');
  });

  test('a described group of another cloud does not cover the instance', () => {
    const item = scaledInstance(Cloud.GCP, 'prod-burst', '7002');
    const [finding] = checkUnusedResources(desired, actualState([], { inventories: inventories([item]) }), UUID);
    expect(finding.message).toBe(`GCP VM prod-burst-x7k2 (7002) carries this cluster's UUID but no state knows it (leaked): its cast-scaling-group tag names scaling group "prod-burst", which the cluster description has only on AWS`);
  });

  test('a described group whose cloud is unknown covers any cloud', () => {
    const item = scaledInstance(Cloud.GCP, 'prod-any', '7003');
    const actual = actualState([], { inventories: inventories([item]) });
    expect(checkUnusedResources(desiredState([], { description: description([{ name: 'prod-any' }]) }), actual, UUID)).toEqual([]);
  });

  test('a group of the same cloud whose name is not known until apply: cannot tell, not reported', () => {
    const item = scaledInstance(Cloud.AWS, 'prod-new', 'i-0new');
    const actual = actualState([], { inventories: inventories([item]) });
    expect(checkUnusedResources(desiredState([], { description: description([{ cloud: Cloud.AWS, address: 'aws_autoscaling_group.x' }]) }), actual, UUID)).toEqual([]);
    expect(checkUnusedResources(desiredState([], { description: description([{ cloud: Cloud.GCP }]) }), actual, UUID).map((f) => f.rule)).toEqual(['unused-resources/leaked']);
  });

  test('an untagged VM with the UUID is still leaked, as before', () => {
    const vm = inventoryVm(Cloud.AWS, 'i-0plain', { clusterUuid: UUID, name: 'old-node', location: { region: 'eu-west-1' } });
    const findings = checkUnusedResources(desired, actualState([], { inventories: inventories([vm, scaledInstance(Cloud.AWS, 'prod-burst', 'i-0scaled')]) }), UUID);
    expect(findings.map((f) => [f.address, f.message, f.remediation])).toEqual([
      [
        'aws:i-0plain',
        "AWS VM old-node (i-0plain) carries this cluster's UUID but no state knows it (leaked)",
        'Delete it: `aws ec2 terminate-instances --region eu-west-1 --instance-ids i-0plain`; or, if it should be a node, import it: import { to = aws_instance.<name>, id = "i-0plain" }.',
      ],
    ]);
  });

  test('scaled instances of another cluster, terminated ones and ones a state knows are not this check\'s', () => {
    const other = { ...scaledInstance(Cloud.AWS, 'prod-old', 'i-0other'), clusterUuid: 'another' };
    const gone = { ...scaledInstance(Cloud.AWS, 'prod-old', 'i-0gone'), status: 'terminated' as const };
    const known = scaledInstance(Cloud.AWS, 'prod-old', 'i-0known');
    const actual = actualState([stateResource('aws_instance.n', { id: 'i-0known' })], { inventories: inventories([other, gone, known]) });
    expect(checkUnusedResources(desiredState([desiredResource('aws_instance.n', {})], { description: description(GROUPS) }), actual, UUID)).toEqual([]);
  });

  test.each([
    ['no description', undefined],
    ['a description without scalingGroups', description(undefined)],
  ])('%s: tagged VMs are still reported, and the message says they carry the tag', (_name, described) => {
    const item = scaledInstance(Cloud.DIGITALOCEAN, 'prod-pool', '9001');
    const plain = inventoryVm(Cloud.DIGITALOCEAN, '9002', { clusterUuid: UUID });
    const findings = checkUnusedResources(desiredState([], { description: described }), actualState([], { inventories: inventories([item, plain]) }), UUID);
    expect(findings.map((f) => [f.address, f.message])).toEqual([
      [
        'digitalocean:9001',
        'DigitalOcean VM prod-pool-9001 (9001) carries this cluster\'s UUID but no state knows it (leaked); it has a cast-scaling-group tag (scaling group "prod-pool"), but no cluster description lists scaling groups, so whether that group still exists is unknown',
      ],
      ['digitalocean:9002', "DigitalOcean VM 9002 carries this cluster's UUID but no state knows it (leaked)"],
    ]);
    expect(findings[0].remediation).toBe('If scaling group "prod-pool" still exists, this is one of its instances and the group manages it; a cluster description listing scaling groups (CastCluster\'s cast_cluster_<name> output) lets cast-drift tell. Otherwise delete it: `doctl compute droplet delete 9001 --force`.');
  });

  test('classification, directly', () => {
    const item = scaledInstance(Cloud.AWS, 'prod-burst', 'i-1');
    expect(classifyScaledItem(item, GROUPS)).toEqual({ kind: 'scaled', group: 'prod-burst' });
    expect(classifyScaledItem(item, undefined)).toEqual({ kind: 'undescribed', group: 'prod-burst' });
    expect(classifyScaledItem(item, [])).toEqual({ kind: 'group-gone', group: 'prod-burst', otherClouds: [] });
    expect(classifyScaledItem(inventoryVm(Cloud.AWS, 'i-2'), GROUPS)).toEqual({ kind: 'untagged' });
  });
});

describe('other checks with scaling groups', () => {
  test('scaled instances are never missing nodes, nor offered for import as one', () => {
    const node = desiredResource('aws_instance.worker', { tags: { Name: 'prod-burst-1' } });
    const scaled = { ...scaledInstance(Cloud.AWS, 'prod-burst', 'i-0scaled'), name: 'prod-burst-1' };
    const [finding, ...rest] = checkMissingNodes(desiredState([node], { description: description(GROUPS) }), actualState([], { inventories: inventories([scaled]) }), UUID);
    expect(rest).toEqual([]);
    expect(finding.rule).toBe('missing-nodes/absent-from-state');
    expect(finding.remediation).toBe('Run `terraform apply` to create it.');
  });

  test('a whole check over all four clouds: only the instance of the removed group and the untagged VM are reported', () => {
    const group = desiredResource('aws_autoscaling_group.cluster_burst_ABC123', { name: 'prod-burst', min_size: 0, max_size: 10 });
    const node = desiredResource('aws_instance.cp', {});
    const vpc = desiredResource('aws_vpc.main', { cidr_block: '10.10.0.0/16' });
    const state = [
      stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.10.0.0/16', tags: { 'cast-cluster-uuid': UUID } }),
      stateResource('aws_autoscaling_group.cluster_burst_ABC123', { id: 'prod-burst', name: 'prod-burst' }),
      stateResource('aws_instance.cp', { id: 'i-0cp', availability_zone: 'eu-west-1a', tags: { 'cast-cluster-uuid': UUID } }),
    ];
    const items = [
      ...INSTANCES.map(([cloud, name, id]) => scaledInstance(cloud, name, id)),
      scaledInstance(Cloud.AWS, 'prod-old', 'i-0left'),
      inventoryVm(Cloud.AWS, 'i-0plain', { clusterUuid: UUID, scope: 'eu-west-1', networks: ['vpc-1'] }),
      inventoryVm(Cloud.AWS, 'i-0cp', { clusterUuid: UUID, scope: 'eu-west-1', networks: ['vpc-1'] }),
    ];
    const findings = runChecks(desiredState([group, node, vpc], { description: description(GROUPS) }), actualState(state, { inventories: inventories(items) }), { clusterUuid: UUID });
    expect(findings.map((f) => [f.check, f.rule, f.address])).toEqual([
      [CheckId.UNUSED_RESOURCES, 'unused-resources/leaked', 'aws:i-0left'],
      [CheckId.UNUSED_RESOURCES, 'unused-resources/leaked', 'aws:i-0plain'],
    ]);
    expect(findings[0].message).toContain('scaling group "prod-old"');
  });

  test('the group resource itself is an ordinary resource: unused once no stack declares it', () => {
    const actual = actualState([stateResource('aws_autoscaling_group.cluster_burst_ABC123', { id: 'prod-burst' })]);
    expect(checkUnusedResources(desiredState([], { description: description([]) }), actual, UUID).map((f) => [f.rule, f.address])).toEqual([['unused-resources/not-desired', 'aws_autoscaling_group.cluster_burst_ABC123']]);
  });
});
