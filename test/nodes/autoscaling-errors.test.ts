/**
 * Autoscaled node groups and the cluster policy: every bad input is a
 * synth-time error naming the construct path and the fix.
 */
import { Testing, TerraformStack } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { Cloud } from '../../lib/core/cloud';
import { MeshMode } from '../../lib/core/mesh/mesh-mode';
import { NodeRole } from '../../lib/core/node-role';
import { NodeGroupOptions } from '../../lib/nodes/node-group';
import { problemsAt, synthProblems } from '../cluster/synth-problems';

function newCluster(props: Partial<CastClusterProps> = {}): CastCluster {
  const stack = new TerraformStack(Testing.app(), 's');
  return new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP, Cloud.DIGITALOCEAN], ...props });
}

/** The group's problems, reported at synth (not when it is added). */
function errorOf(options: NodeGroupOptions, props: Partial<CastClusterProps> = {}): string {
  const cluster = newCluster(props);
  expect(() => cluster.addNodeGroup('burst', options)).not.toThrow();
  return problemsAt(TerraformStack.of(cluster), 's/c1/burst').join('\n');
}

const worker = { cloud: Cloud.AWS, role: NodeRole.WORKER };

describe('autoscaled node groups: bad input', () => {
  test.each<[string, NodeGroupOptions, string]>([
    ['min > max', { ...worker, autoscaling: { minNodes: 5, maxNodes: 3 } }, 's/c1/burst: autoscaling.minNodes must be at most autoscaling.maxNodes (got 5 > 3). Lower minNodes or raise maxNodes.'],
    ['max below 1', { ...worker, autoscaling: { minNodes: 0, maxNodes: 0 } }, 's/c1/burst: autoscaling.maxNodes must be a whole number of at least 1 (got 0)'],
    ['negative min', { ...worker, autoscaling: { minNodes: -1, maxNodes: 3 } }, 's/c1/burst: autoscaling.minNodes must be a whole number of at least 0 (got -1)'],
    ['more than a claim block holds', { ...worker, autoscaling: { maxNodes: 300 } }, 's/c1/burst: autoscaling.maxNodes must be at most 253'],
    ['a control-plane group', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, autoscaling: { maxNodes: 3 } }, 's/c1/burst: autoscaling must be set only on worker groups (got role "control-plane")'],
    ['with count', { ...worker, count: 2, autoscaling: { maxNodes: 3 } }, 's/c1/burst: autoscaling must not be set together with count (got both)'],
    ['with nodeNames', { ...worker, nodeNames: ['a'], autoscaling: { maxNodes: 3 } }, 's/c1/burst: autoscaling must not be set together with nodeNames (got both)'],
    ['with pinned mesh addresses', { ...worker, meshAddresses: { a: '10.4.0.9' }, autoscaling: { maxNodes: 3 } }, 's/c1/burst: meshAddresses must be left out of an autoscaled group (got a map)'],
    ['DigitalOcean below one droplet', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, autoscaling: { minNodes: 0, maxNodes: 3 } }, 's/c1/burst: autoscaling.minNodes must be a whole number of at least 1 (got 0). DigitalOcean autoscale pools keep at least one Droplet'],
    ['shape checks still apply', { ...worker, shape: 'huge' as never, autoscaling: { maxNodes: 3 } }, 's/c1/burst: shape must be one of'],
  ])('%s', (_name, options, message) => {
    expect(errorOf(options)).toContain(message);
  });

  test('every problem of a group at once', () => {
    const message = errorOf({ cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, count: 2, autoscaling: { minNodes: 4, maxNodes: 2 } });
    expect(message.split('\n')).toHaveLength(3);
  });

  test('spot on a cloud the policy leaves out: scaled and static groups alike', () => {
    const props = { autoscaling: { spotClouds: [Cloud.GCP] } };
    // One message for a scaled group too, not one from each check.
    expect(errorOf({ ...worker, spot: true, autoscaling: { maxNodes: 3 } }, props)).toBe(
      's/c1/burst: spot must be used only on a cloud the policy allows (got AWS; autoscaling.spotClouds: gcp). Add "aws" to the cluster\'s autoscaling.spotClouds or turn spot off for this group.',
    );
    expect(errorOf({ ...worker, spot: true }, props)).toBe(
      's/c1/burst: spot must be used only on a cloud the policy allows (got AWS; autoscaling.spotClouds: gcp). Add "aws" to the cluster\'s autoscaling.spotClouds or turn spot off for this group.',
    );
  });

  test('spot on DigitalOcean: one message, the node planner\'s (no spot droplets at all), not a policy one too', () => {
    expect(errorOf({ cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, spot: true, autoscaling: { maxNodes: 3 } })).toBe(
      's/c1/burst: spot must be false on DigitalOcean (got true): DigitalOcean has no spot or preemptible droplets. Use spot on another cloud.',
    );
  });

  test('AWS autoscaling outside the full mesh', () => {
    const message = errorOf({ ...worker, autoscaling: { maxNodes: 3 } }, { clouds: [Cloud.AWS] });
    expect(message).toContain('s/c1/burst: autoscaling on AWS needs the full-mesh mode (got mesh mode cloud-network)');
    expect(errorOf({ ...worker, autoscaling: { maxNodes: 3 } }, { clouds: [Cloud.AWS, Cloud.GCP], mesh: { mode: MeshMode.CROSS_LOCATION } })).toContain('Set mesh: { mode: MeshMode.FULL_MESH }');
  });

  test('maxNodes counts against the subnet', () => {
    const cluster = newCluster();
    cluster.addNodeGroup('static', { ...worker, count: 200 });
    cluster.addNodeGroup('burst', { ...worker, autoscaling: { maxNodes: 53 } });
    expect(problemsAt(TerraformStack.of(cluster), 's/c1/burst')).toEqual([
      's/c1/burst: autoscaling.maxNodes must fit the AWS subnet 10.10.0.0/24: it holds 251 nodes (got 253 with this group, autoscaled groups at their maxNodes). Use a larger subnetCidr or fewer nodes.',
    ]);
  });

  test('more autoscaled groups than mesh claim blocks', () => {
    const cluster = newCluster({ addresses: { meshCidr: '10.4.0.0/20' } });
    cluster.addNodeGroup('b1', { ...worker, autoscaling: { maxNodes: 2 } });
    cluster.addNodeGroup('b2', { ...worker, autoscaling: { maxNodes: 2 } });
    expect(problemsAt(TerraformStack.of(cluster), 's/c1/b2').join('\n')).toContain(
      's/c1/b2: meshCidr must leave a claim block per autoscaled group (got 10.4.0.0/20: 1 claim blocks in 10.4.15.0/24 for 2 groups).',
    );
  });

  test('autoscaled AWS groups need an AWS control-plane node, found at synth', () => {
    const cluster = newCluster();
    cluster.addNodeGroup('cp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE });
    cluster.addNodeGroup('burst', { ...worker, autoscaling: { maxNodes: 3 } });
    expect(synthProblems(TerraformStack.of(cluster))).toEqual([
      "s/c1: autoscaled node groups on AWS need a control-plane node on AWS (got s/c1/burst and none): its cluster-autoscaler runs there with the cloud's instance identity, so no key goes into the configuration. Add a control-plane group on AWS, or make the groups static.",
    ]);
  });

  test('a bad cluster policy names each prop', () => {
    const cluster = newCluster({ autoscaling: { minCores: 10, maxCores: 5, headroomCpuPercent: 95 } });
    expect(synthProblems(TerraformStack.of(cluster)).join('\n')).toMatch(/autoscaling\.minCores[\s\S]*autoscaling\.headroomCpuPercent/);
  });
});
