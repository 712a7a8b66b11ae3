/** The checks across node groups, with plain footprints and no App. */
import { planAddresses } from '../../lib/core/address-plan';
import { Cloud } from '../../lib/core/cloud';
import { MAX_API_SERVER_SEEDS } from '../../lib/core/api-seeds';
import { admissionProblems, clusterProblems, clusterWarnings, controlPlaneCloudsOf, firstControlPlaneOf, GroupFootprint, scaledMeshModeProblems, staticTokenWarnings } from '../../lib/core/cluster-problems';
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

  test.each<[string, GroupFootprint[], string[]]>([
    [
      `${MAX_API_SERVER_SEEDS} control planes, the most seeds a node carries: allowed`,
      [named('s/c1/a', Cloud.AWS, NodeRole.CONTROL_PLANE, count('a', 8)), named('s/c1/g', Cloud.GCP, NodeRole.CONTROL_PLANE, count('g', 7))],
      [],
    ],
    [
      `${MAX_API_SERVER_SEEDS + 1} control planes, counted across groups; workers and autoscaled groups do not count`,
      [
        named('s/c1/a', Cloud.AWS, NodeRole.CONTROL_PLANE, count('a', 8)),
        named('s/c1/w', Cloud.AWS, NodeRole.WORKER, count('w', 30)),
        named('s/c1/g', Cloud.GCP, NodeRole.CONTROL_PLANE, count('g', 8)),
        scaled('s/c1/web', Cloud.GCP, 'c1-web', 50),
      ],
      [
        'control-plane nodes must be at most 15 (got 16): every node carries their public addresses in one cloud tag of 256 characters. Use fewer control planes (etcd recommends 3, 5 or 7).',
      ],
    ],
    [
      'too many control planes and an autoscaled group without its control plane: both at once',
      [named('s/c1/g', Cloud.GCP, NodeRole.CONTROL_PLANE, count('g', 16)), scaled('s/c1/z', Cloud.AZURE, 'c1-z', 2)],
      [expect.stringMatching(/^control-plane nodes must be at most 15 \(got 16\)/), expect.stringMatching(/^autoscaled node groups on Azure need a control-plane node on Azure \(got s\/c1\/z and none\)/)],
    ],
  ])('the API seeds: %s', (_name, groups, problems) => {
    expect(clusterProblems(groups)).toEqual(problems);
  });

  // One AWS or Azure tag of at most 256 characters holds every seed (lib/core/api-seeds.ts).
  test('the limit keeps the seeds in one tag: 15 of the longest dotted addresses, space-separated, take 239 of its 256 characters', () => {
    const longest = Array.from({ length: MAX_API_SERVER_SEEDS }, () => '255.255.255.255').join(' ');
    expect(longest.length).toBe(239);
  });

  test.each<[string, GroupFootprint[], string[]]>([
    ['no control plane: no warning (clusterProblems reports it)', [named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['w'])], []],
    ['three on three clouds: none', [cp(Cloud.AWS), cp(Cloud.GCP), cp(Cloud.AZURE), named('s/c1/w', Cloud.AWS, NodeRole.WORKER, count('w', 4))], []],
    ['one: fewer than 3', [cp(Cloud.GCP)], ['control-plane count should be at least 3 (got 1): no etcd quorum survives losing one. Add control-plane nodes until there are 3.']],
    [
      'two in one group: fewer than 3, one cloud, an even count',
      [cp(Cloud.AWS, 2)],
      [
        'control-plane count should be at least 3 (got 2): no etcd quorum survives losing one. Add control-plane nodes until there are 3.',
        'control planes should span at least 2 clouds (got all 2 on AWS): a cloud outage takes the API down. Place control planes on other clouds of the Cast region.',
        'control-plane count should be odd (got 2): 2 members tolerate 0 failures, as 1 does. Add or remove one.',
      ],
    ],
    [
      'three, two of them on one cloud in two groups: that cloud holds a quorum',
      [cp(Cloud.GCP), cp(Cloud.AWS), named('s/c1/cp-gcp-b', Cloud.GCP, NodeRole.CONTROL_PLANE, ['cp-gcp-b'])],
      [
        "control planes on one cloud should be fewer than etcd's quorum of 2 (got 2 of 3 on GCP): a GCP outage leaves 1 member, no quorum, and takes the API down. Move control planes to other clouds.",
      ],
    ],
    [
      'four on four clouds: an even count; the DigitalOcean one gets its keys over the mesh, not in its user-data',
      [cp(Cloud.AWS), cp(Cloud.GCP), cp(Cloud.AZURE), cp(Cloud.DIGITALOCEAN)],
      ['control-plane count should be odd (got 4): 4 members tolerate 1 failure, as 3 do. Add or remove one.'],
    ],
    [
      'DigitalOcean control planes first, in two groups: the first founds, so it alone holds the keys; one warning naming the fix',
      [cp(Cloud.DIGITALOCEAN, 2), cp(Cloud.AWS), named('s/c1/cp-do-b', Cloud.DIGITALOCEAN, NodeRole.CONTROL_PLANE, ['cp-do-b'])],
      [
        "control planes on one cloud should be fewer than etcd's quorum of 3 (got 3 of 4 on DigitalOcean): a DigitalOcean outage leaves 1 member, no quorum, and takes the API down. Move control planes to other clouds.",
        'control-plane count should be odd (got 4): 4 members tolerate 1 failure, as 3 do. Add or remove one.',
        "the first control-plane group should run where its cloud can hand it the CA keys (got DigitalOcean, which gives its VMs no identity to read a secret store with): the first control plane founds the cluster, so it holds the cluster's CA and service-account keys in its user-data, readable through the DigitalOcean API and by any process on it (docs/security.md); the other DigitalOcean control planes get them over the mesh. Add the AWS, GCP or Azure control-plane group first.",
      ],
    ],
    [
      'DigitalOcean control planes only: all hold the keys, one warning with their count',
      [cp(Cloud.DIGITALOCEAN, 3)],
      [
        "control planes should span at least 2 clouds (got all 3 on DigitalOcean): a cloud outage takes the API down. Place control planes on other clouds of the Cast region.",
        "control planes should run where their cloud can hand them the CA keys (got 3 of 3 on DigitalOcean, which gives its VMs no identity to read a secret store with): their user-data holds the cluster's CA and service-account keys, readable by anyone who can read those VMs through the DigitalOcean API and by any process on them (docs/security.md). Place control planes on AWS, GCP or Azure, whose control planes read the keys from the cloud's secret store.",
      ],
    ],
    ['autoscaled workers do not count as control planes', [cp(Cloud.AWS), cp(Cloud.GCP), cp(Cloud.AZURE), scaled('s/c1/web', Cloud.GCP, 'c1-web', 10)], []],
  ])('warnings, where the control planes are: %s', (_name, groups, warnings) => {
    expect(clusterWarnings(groups)).toEqual(warnings);
  });

  test('the control planes\' clouds: one per node, in group order, workers left out', () => {
    const groups = [cp(Cloud.GCP, 2), named('s/c1/w', Cloud.AWS, NodeRole.WORKER, ['w']), cp(Cloud.AZURE), cp(Cloud.AWS)];
    expect(controlPlaneCloudsOf(groups)).toEqual([Cloud.GCP, Cloud.GCP, Cloud.AZURE, Cloud.AWS]);
    expect(controlPlaneCloudsOf([])).toEqual([]);
  });

  test('the first control plane: the first node of the first control-plane group with nodes', () => {
    expect(firstControlPlaneOf([named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['w']), cp(Cloud.AWS, 2), cp(Cloud.GCP)])?.node.name).toBe('cp-aws-1');
    expect(firstControlPlaneOf([named('s/c1/empty', Cloud.GCP, NodeRole.CONTROL_PLANE, []), cp(Cloud.AZURE)])?.node.name).toBe('cp-azure-1');
    expect(firstControlPlaneOf([named('s/c1/w', Cloud.GCP, NodeRole.WORKER, ['w'])])).toBeUndefined();
  });
});

describe('staticTokenWarnings: groups that join with the static token', () => {
  const cp = (cloud: Cloud) => named(`s/c1/cp-${cloud}`, cloud, NodeRole.CONTROL_PLANE, [`cp-${cloud}-1`]);
  const workers = (cloud: Cloud) => named(`s/c1/w-${cloud}`, cloud, NodeRole.WORKER, [`w-${cloud}-1`]);

  test('none where every group\'s cloud has a control plane with a store, and none without any control plane (clusterProblems speaks)', () => {
    expect(staticTokenWarnings([cp(Cloud.AWS), cp(Cloud.GCP), workers(Cloud.AWS), scaled('s/c1/web', Cloud.GCP, 'c1-web', 3)])).toEqual([]);
    expect(staticTokenWarnings([workers(Cloud.DIGITALOCEAN)])).toEqual([]);
  });

  test('one warning naming every such group, why for each cloud, and the fix', () => {
    const [warning, ...more] = staticTokenWarnings([cp(Cloud.AWS), workers(Cloud.DIGITALOCEAN), workers(Cloud.AZURE), scaled('s/c1/burst', Cloud.AZURE, 'c1-burst', 2)]);
    expect(more).toEqual([]);
    expect(warning).toMatch(/^node groups s\/c1\/w-digitalocean, s\/c1\/w-azure, s\/c1\/burst join with the cluster's static token/);
    expect(warning).toContain('DigitalOcean gives its VMs no identity to read a secret store with; the cluster has no control plane on Azure to keep a token in its secret store');
    expect(warning).toMatch(/Add a control-plane group on Azure so its nodes read a 24-hour token from the cloud's secret store, or accept the exposure\.$/);
  });

  test('DigitalOcean control planes join with it too', () => {
    expect(staticTokenWarnings([cp(Cloud.AWS), cp(Cloud.DIGITALOCEAN)])[0]).toMatch(/^node groups s\/c1\/cp-digitalocean join .*Accept the exposure, or run these groups on AWS, GCP or Azure beside a control plane there\.$/);
  });
});
