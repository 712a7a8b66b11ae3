import { TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeShape } from '../../lib/core/shapes';
import { NodeGroupOptions } from '../../lib/nodes/node-group';
import { problemsAt, synthProblems } from '../cluster/synth-problems';

function cluster(clouds = [Cloud.AWS, Cloud.GCP], props = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 's');
  return { app, stack, cluster: new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds, ...props }) };
}

/** The group's problems, reported at synth (not when it is added). */
function errorOf(options: NodeGroupOptions, setup?: (c: CastCluster) => void): string {
  const { cluster: c, stack } = cluster();
  setup?.(c);
  expect(() => c.addNodeGroup('workers', options)).not.toThrow();
  return problemsAt(stack, 's/c1/workers').join('\n');
}

describe('NodeGroup bad input: synth-time errors naming the path and the fix', () => {
  test.each<[string, NodeGroupOptions, string]>([
    ['unknown shape', { cloud: Cloud.AWS, role: NodeRole.WORKER, shape: 'huge' as NodeShape }, 's/c1/workers: shape must be one of x-small, small, medium, large, x-large, 2x-large (got "huge"). Pick a shape, or set instanceType.'],
    ['spot on the control plane', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, spot: true }, 's/c1/workers: spot must be false for a control-plane node group (got true): a reclaimed control-plane node takes an etcd member with it. Use spot for workers only.'],
    ['a cloud the cluster does not span', { cloud: Cloud.AZURE, role: NodeRole.WORKER }, "s/c1/workers: cloud must be one the cluster spans (got Azure; the cluster spans aws, gcp). Add it to the cluster's clouds or pick another."],
    ['invalid Kubernetes version', { cloud: Cloud.AWS, role: NodeRole.WORKER, kubernetesVersion: '1.34' }, 's/c1/workers: kubernetesVersion must be an exact release 1.31.x to 1.35.x, without a "v" (got "1.34"). Use e.g. "1.34.2".'],
    ['more nodes than the subnet holds', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 253 }, 's/c1/workers: count must fit the GCP subnet 10.0.0.0/24: it holds 252 nodes (got 253 with this group). Use a larger subnetCidr or fewer nodes.'],
  ])('%s', (_name, options, message) => {
    expect(errorOf(options)).toBe(message);
  });

  test('duplicate node names across groups', () => {
    expect(errorOf({ cloud: Cloud.GCP, role: NodeRole.WORKER, nodeNames: ['edge-1'] }, (c) => c.addNodeGroup('edge', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, nodeNames: ['edge-1'] }))).toBe(
      's/c1/workers: node names must be unique in the cluster (got "edge-1", already in s/c1/edge). Rename one of them.',
    );
  });

  test('the subnet check counts the nodes of earlier groups', () => {
    expect(errorOf({ cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 }, (c) => c.addNodeGroup('big', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE, count: 251 }))).toBe(
      's/c1/workers: count must fit the GCP subnet 10.0.0.0/24: it holds 252 nodes (got 253 with this group). Use a larger subnetCidr or fewer nodes.',
    );
  });

  test('a control-plane group with a mistake of its own still counts as the control plane: one message, its own', () => {
    const { cluster: c, stack } = cluster();
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, shape: 'huge' as NodeShape });
    c.addNodeGroup('workers', { cloud: Cloud.GCP, role: NodeRole.WORKER });
    expect(synthProblems(stack)).toEqual(['s/c1/cp: shape must be one of x-small, small, medium, large, x-large, 2x-large (got "huge"). Pick a shape, or set instanceType.']);
  });

  test('workers without any control-plane node fail at synth', () => {
    const { cluster: c, stack } = cluster();
    c.addNodeGroup('workers', { cloud: Cloud.AWS, role: NodeRole.WORKER });
    expect(synthProblems(stack)).toEqual(['s/c1: node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.']);
  });

  test('where the control planes are is a warning, not an error: two, on one cloud, an even count', () => {
    const { cluster: c, stack } = cluster();
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, count: 2 });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const warnings = c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);
    expect(warnings).toEqual([
      's/c1: control-plane count should be at least 3 (got 2): no etcd quorum survives losing one. Add control-plane nodes until there are 3.',
      's/c1: control planes should span at least 2 clouds (got all 2 on AWS): a cloud outage takes the API down. Place control planes on other clouds of the Cast region.',
      's/c1: control-plane count should be odd (got 2): 2 members tolerate 0 failures, as 1 does. Add or remove one.',
    ]);
  });

  test('three control planes on three clouds: no warning', () => {
    const { cluster: c, stack } = cluster([Cloud.AWS, Cloud.GCP, Cloud.AZURE]);
    for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE]) c.addNodeGroup(`cp-${cloud}`, { cloud, role: NodeRole.CONTROL_PLANE });
    Testing.synth(stack, true);
    expect(c.node.metadata.filter((m) => m.type === '@cdktf/warn')).toEqual([]);
  });

  test('cloud-network mode across clouds is refused', () => {
    // With a group's own mistake: the mesh's problem does not stop the cluster, both are reported at synth.
    const { cluster: c, stack } = cluster([Cloud.AWS, Cloud.GCP], { mesh: { mode: 'cloud-network' } });
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, diskSizeGb: 10 });
    expect(synthProblems(stack)).toEqual([
      's/c1/mesh: mesh.mode must not be MeshMode.CLOUD_NETWORK for a cluster across several clouds (got cloud-network): clouds reach each other only over WireGuard. Use MeshMode.FULL_MESH or MeshMode.CROSS_LOCATION.',
      's/c1/cp: diskSizeGb must be a whole number of at least 20 (got 10). Use 50 or more for workers that pull many images.',
    ]);
  });
});
