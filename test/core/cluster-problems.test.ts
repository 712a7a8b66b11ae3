/** The checks across node groups, with plain footprints and no App. */
import { planAddresses } from '../../lib/core/address-plan';
import { Cloud } from '../../lib/core/cloud';
import { admissionProblems, clusterProblems, clusterWarnings, GroupFootprint, initNodeOf, scaledMeshModeProblems } from '../../lib/core/cluster-problems';
import { MeshMode } from '../../lib/core/mesh/mesh-mode';
import { NodeRole } from '../../lib/core/node-role';

const KEY = 'd005c303-c9b3-5a20-8512-787b5eb53954';
const addresses = planAddresses({ clouds: [Cloud.AWS, Cloud.GCP], clusterKey: KEY, networks: { gcp: { subnetCidr: '10.0.0.0/28' } }, podCidr: '10.217.0.0/19' });
const cluster = { addresses, meshMode: MeshMode.FULL_MESH };

function named(path: string, cloud: Cloud, role: NodeRole, names: string[]): GroupFootprint {
  return { path, cloud, role, nodes: names.map((name) => ({ name })) };
}
const count = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
const scaled = (path: string, cloud: Cloud, name: string, maxNodes: number): GroupFootprint => ({ path, cloud, role: NodeRole.WORKER, nodes: [], scaled: { name, maxNodes } });

describe('admissionProblems: a group against the groups before it', () => {
  test.each<[string, GroupFootprint[], GroupFootprint, string[]]>([
    ['room left', [named('s/c1/cp', Cloud.GCP, NodeRole.CONTROL_PLANE, ['a'])], named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['b']), []],
    [
      'every duplicate name, each with the group that has it',
      [named('s/c1/a', Cloud.AWS, NodeRole.CONTROL_PLANE, ['n1', 'n2'])],
      named('s/c1/b', Cloud.AWS, NodeRole.WORKER, ['n2', 'n1']),
      [
        'node names must be unique in the cluster (got "n2", already in s/c1/a). Rename one of them.',
        'node names must be unique in the cluster (got "n1", already in s/c1/a). Rename one of them.',
      ],
    ],
    [
      'the subnet counts the nodes of earlier groups on the same cloud only',
      [named('s/c1/cp', Cloud.GCP, NodeRole.CONTROL_PLANE, count('g', 8)), named('s/c1/aws', Cloud.AWS, NodeRole.WORKER, count('a', 5))],
      named('s/c1/w', Cloud.GCP, NodeRole.WORKER, count('w', 8)),
      ['count must fit the GCP subnet 10.0.0.0/28: it holds 12 nodes (got 16 with this group). Use a larger subnetCidr or fewer nodes.'],
    ],
    [
      'autoscaled groups count at their maxNodes, and the message says so',
      [scaled('s/c1/s', Cloud.GCP, 'c1-s', 11)],
      named('s/c1/cp', Cloud.GCP, NodeRole.CONTROL_PLANE, ['a', 'b']),
      ['count must fit the GCP subnet 10.0.0.0/28: it holds 12 nodes (got 13 with this group, autoscaled groups at their maxNodes). Use a larger subnetCidr or fewer nodes.'],
    ],
    [
      'the pod range counts every cloud; an autoscaled group is checked on its maxNodes',
      [named('s/c1/aws', Cloud.AWS, NodeRole.CONTROL_PLANE, count('a', 10)), named('s/c1/gcp', Cloud.GCP, NodeRole.WORKER, count('g', 10))],
      scaled('s/c1/burst', Cloud.AWS, 'c1-burst', 13),
      ['autoscaling.maxNodes must fit the pod range 10.217.0.0/19: a /24 per node leaves room for 32 nodes (got 33, autoscaled groups at their maxNodes). Use a larger podCidr.'],
    ],
  ])('%s', (_name, admitted, group, problems) => {
    expect(admissionProblems(admitted, group, cluster)).toEqual(problems);
  });

  test('a claim block per autoscaled group, in the WireGuard modes only', () => {
    const small = { addresses: planAddresses({ clouds: [Cloud.AWS], clusterKey: KEY, meshCidr: '10.4.0.0/20' }), meshMode: MeshMode.FULL_MESH };
    const first = scaled('s/c1/b1', Cloud.AWS, 'c1-b1', 2);
    const second = scaled('s/c1/b2', Cloud.AWS, 'c1-b2', 2);
    expect(admissionProblems([], first, small)).toEqual([]);
    expect(admissionProblems([first], second, small)).toEqual([
      'meshCidr must leave a claim block per autoscaled group (got 10.4.0.0/20: 1 claim blocks in 10.4.15.0/24 for 2 groups). Use a larger mesh range, such as a /16 (16 blocks), or fewer autoscaled groups.',
    ]);
    expect(admissionProblems([first], second, { ...small, meshMode: MeshMode.CLOUD_NETWORK })).toEqual([]);
  });
});

describe('scaledMeshModeProblems', () => {
  test.each<[Cloud, MeshMode, number]>([
    [Cloud.AWS, MeshMode.FULL_MESH, 0],
    [Cloud.AWS, MeshMode.CROSS_LOCATION, 1],
    [Cloud.AWS, MeshMode.CLOUD_NETWORK, 1],
    [Cloud.GCP, MeshMode.CLOUD_NETWORK, 0],
  ])('%s in %s: %d problem(s)', (cloud, mode, problems) => {
    expect(scaledMeshModeProblems(cloud, mode)).toHaveLength(problems);
  });

  test('the message names the mode and the fix', () => {
    expect(scaledMeshModeProblems(Cloud.AWS, MeshMode.CLOUD_NETWORK)[0]).toMatch(/^autoscaling on AWS needs the full-mesh mode \(got mesh mode cloud-network\).*Set mesh: \{ mode: MeshMode.FULL_MESH \} on the cluster\.$/);
  });
});

describe('clusterProblems and clusterWarnings: once every group is known', () => {
  const cp = (cloud: Cloud, n = 1) => named(`s/c1/cp-${cloud}`, cloud, NodeRole.CONTROL_PLANE, count(`cp-${cloud}`, n));

  test.each<[string, GroupFootprint[], string[]]>([
    ['no groups: nothing to check', [], []],
    ['a control plane', [cp(Cloud.GCP), named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['w'])], []],
    ['only workers', [named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['w'])], ['node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.']],
    ['groups that scale themselves need no control plane on their cloud', [cp(Cloud.AWS), scaled('s/c1/web', Cloud.GCP, 'c1-web', 3)], []],
    [
      'cluster-autoscaler runs on a control plane of its own cloud',
      [cp(Cloud.GCP), scaled('s/c1/a', Cloud.AWS, 'c1-a', 2), scaled('s/c1/a2', Cloud.AWS, 'c1-a2', 2)],
      [
        "autoscaled node groups on AWS need a control-plane node on AWS (got s/c1/a, s/c1/a2 and none): its cluster-autoscaler runs there with the cloud's instance identity, so no key goes into the configuration. Add a control-plane group on AWS, or make the groups static.",
      ],
    ],
  ])('%s', (_name, groups, problems) => {
    expect(clusterProblems(groups)).toEqual(problems);
  });

  test.each<[number, number]>([
    [1, 0],
    [2, 1],
    [3, 0],
    [4, 1],
  ])('%d control-plane nodes: %d warning(s)', (nodes, warnings) => {
    expect(clusterWarnings([cp(Cloud.GCP, nodes)])).toHaveLength(warnings);
  });

  test('the init node: the first node of the first control-plane group', () => {
    expect(initNodeOf([named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['w']), cp(Cloud.AWS, 2), cp(Cloud.GCP)])?.node.name).toBe('cp-aws-1');
    expect(initNodeOf([named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['w'])])).toBeUndefined();
  });
});
