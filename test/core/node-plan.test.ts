import { Cloud } from '../../lib/core/cloud';
import { NodeGroupInput, planNodeGroup } from '../../lib/core/node-plan';
import { NodeRole } from '../../lib/core/node-role';
import { PlanError } from '../../lib/core/plan-error';
import { NodeShape } from '../../lib/core/shapes';

const base: NodeGroupInput = {
  id: 'workers',
  clusterName: 'prod',
  cloud: Cloud.AWS,
  role: NodeRole.WORKER,
  shape: NodeShape.MEDIUM,
  count: 3,
  spot: false,
  kubernetesVersion: '1.34.2',
  diskSizeGb: 50,
  clusterClouds: [Cloud.AWS, Cloud.GCP],
};

function problems(overrides: Partial<NodeGroupInput>): readonly string[] {
  try {
    planNodeGroup({ ...base, ...overrides });
  } catch (error) {
    return (error as PlanError).problems;
  }
  return [];
}

describe('planNodeGroup', () => {
  test('count gives 1-based names under the cluster and group, with the shape instance type', () => {
    expect(planNodeGroup(base)).toEqual([1, 2, 3].map((i) => ({ name: `prod-workers-${i}`, cloud: Cloud.AWS, role: NodeRole.WORKER, instanceType: 'm6i.xlarge' })));
  });

  test('explicit names and an explicit instance type win', () => {
    expect(planNodeGroup({ ...base, nodeNames: ['edge-b', 'edge-a'], instanceType: 'c7i.large' }).map((n) => [n.name, n.instanceType])).toEqual([
      ['edge-b', 'c7i.large'],
      ['edge-a', 'c7i.large'],
    ]);
  });

  test('scaling down removes the last name only', () => {
    const three = planNodeGroup(base).map((n) => n.name);
    const two = planNodeGroup({ ...base, count: 2 }).map((n) => n.name);
    expect(three.slice(0, 2)).toEqual(two);
  });

  test.each<[string, Partial<NodeGroupInput>, string]>([
    ['unknown shape', { shape: 'huge' as NodeShape }, 'shape must be one of x-small, small, medium, large, x-large, 2x-large (got "huge"). Pick a shape, or set instanceType.'],
    ['spot on control plane', { role: NodeRole.CONTROL_PLANE, spot: true }, 'spot must be false for a control-plane node group (got true): a reclaimed control-plane node takes an etcd member with it. Use spot for workers only.'],
    ['spot on DigitalOcean', { cloud: Cloud.DIGITALOCEAN, clusterClouds: [Cloud.DIGITALOCEAN], spot: true }, 'spot must be false on DigitalOcean (got true): DigitalOcean has no spot or preemptible droplets. Use spot on another cloud.'],
    ['a cloud the cluster does not span', { cloud: Cloud.AZURE }, "cloud must be one the cluster spans (got Azure; the cluster spans aws, gcp). Add it to the cluster's clouds or pick another."],
    ['invalid Kubernetes version', { kubernetesVersion: 'v1.34' }, 'kubernetesVersion must be an exact release 1.31.x to 1.35.x, without a "v" (got "v1.34"). Use e.g. "1.34.2".'],
    ['unsupported Kubernetes minor', { kubernetesVersion: '1.20.1' }, 'kubernetesVersion must be an exact release 1.31.x to 1.35.x, without a "v" (got "1.20.1"). Use e.g. "1.34.2".'],
    ['duplicate node names', { nodeNames: ['a', 'b', 'a'] }, 'nodeNames must be unique (got "a" twice). Give every node its own name.'],
    ['bad node name', { nodeNames: ['Node_1'] }, 'nodeNames must be lowercase DNS labels of at most 63 characters, starting with a letter (got "Node_1"). Rename the node.'],
    ['zero count', { count: 0 }, 'count must be a whole number of at least 1 (got 0). Remove the node group to have no nodes.'],
    ['tiny disk', { diskSizeGb: 8 }, 'diskSizeGb must be a whole number of at least 20 (got 8). Use 50 or more for workers that pull many images.'],
    ['bad group id', { id: 'Workers' }, 'id must be lowercase letters, digits and dashes, starting with a letter (got "Workers"): it is part of every node name. Rename the node group.'],
  ])('%s', (_name, overrides, message) => {
    expect(problems(overrides)).toEqual([message]);
  });

  test('names longer than 63 characters are refused', () => {
    expect(problems({ id: 'x'.repeat(60) })).toEqual([`id must keep node names within 63 characters (got "prod-${'x'.repeat(60)}-1"). Use a shorter node group id or cluster name.`]);
  });
});
