import { resolveAutoscalingPolicy } from '../../../lib/core/autoscaling/autoscaling-policy';
import { ScaledGroupCheckInput, scaledGroupProblems } from '../../../lib/core/autoscaling/scaled-group-problems';
import { Cloud } from '../../../lib/core/cloud';
import { NodeRole } from '../../../lib/core/node-role';

const policy = resolveAutoscalingPolicy({ spotClouds: [Cloud.AWS, Cloud.GCP] }).policy!;
const GOOD: ScaledGroupCheckInput = {
  minNodes: 0, maxNodes: 10, role: NodeRole.WORKER, countGiven: false, nodeNamesGiven: false, spot: false, cloud: Cloud.AWS, policy,
};

describe('scaledGroupProblems', () => {
  test('a valid group has none', () => {
    expect(scaledGroupProblems(GOOD)).toEqual([]);
    expect(scaledGroupProblems({ ...GOOD, minNodes: 253, maxNodes: 253, spot: true, cloud: Cloud.GCP })).toEqual([]);
    expect(scaledGroupProblems({ ...GOOD, minNodes: 1, cloud: Cloud.DIGITALOCEAN })).toEqual([]);
    expect(scaledGroupProblems({ ...GOOD, minNodes: 1, maxNodes: 1, cloud: Cloud.GCP })).toEqual([]);
    expect(scaledGroupProblems({ ...GOOD, minNodes: 0, cloud: Cloud.AZURE })).toEqual([]);
  });

  const bad: [string, Partial<ScaledGroupCheckInput>, string][] = [
    ['negative minNodes', { minNodes: -1 }, 'autoscaling.minNodes must be a whole number of at least 0 (got -1). Give a whole number, 0 to let the group empty.'],
    ['fractional minNodes', { minNodes: 0.5 }, 'autoscaling.minNodes must be a whole number of at least 0 (got 0.5).'],
    ['maxNodes 0', { maxNodes: 0 }, 'autoscaling.maxNodes must be a whole number of at least 1 (got 0). Give a whole number of at least 1.'],
    ['fractional maxNodes', { maxNodes: 2.5 }, 'autoscaling.maxNodes must be a whole number of at least 1 (got 2.5).'],
    ['min above max', { minNodes: 5, maxNodes: 3 }, 'autoscaling.minNodes must be at most autoscaling.maxNodes (got 5 > 3). Lower minNodes or raise maxNodes.'],
    ['more than a /24 of mesh addresses', { maxNodes: 254 }, "autoscaling.maxNodes must be at most 253, the hosts of the group's /24 mesh block (got 254). Split the group into several groups."],
    ['a control-plane group', { role: NodeRole.CONTROL_PLANE }, 'autoscaling must be set only on worker groups (got role "control-plane"). The control plane is never autoscaled: each member is an etcd member'],
    ['count as well', { countGiven: true }, "autoscaling must not be set together with count (got both). A scaled group's size is minNodes..maxNodes; remove count."],
    ['nodeNames as well', { nodeNamesGiven: true }, 'autoscaling must not be set together with nodeNames (got both). Scaled nodes are named at boot from the instance hostname; remove nodeNames.'],
    ['spot on a cloud the policy does not allow', { spot: true, cloud: Cloud.AZURE }, 'spot must be used only on a cloud the policy allows (got Azure; autoscaling.spotClouds: aws, gcp). Add "azure" to the cluster\'s autoscaling.spotClouds or turn spot off for this group.'],
    ['an empty DigitalOcean pool', { cloud: Cloud.DIGITALOCEAN, minNodes: 0 }, 'autoscaling.minNodes must be a whole number of at least 1 (got 0). DigitalOcean autoscale pools keep at least one Droplet; use 1 or more.'],
    ['an empty GCP group', { cloud: Cloud.GCP, minNodes: 0 }, "autoscaling.minNodes must be a whole number of at least 1 (got 0). A GCP group scales on its nodes' CPU use, so it needs a node to measure; use 1 or more."],
    ['a fractional GCP minNodes', { cloud: Cloud.GCP, minNodes: 1.5 }, 'autoscaling.minNodes must be a whole number of at least 1 (got 1.5).'],
    ['a negative GCP minNodes', { cloud: Cloud.GCP, minNodes: -1, spot: true }, "autoscaling.minNodes must be a whole number of at least 1 (got -1). A GCP group scales on its nodes' CPU use"],
  ];
  test.each(bad)('%s', (_what, change, message) => {
    const problems = scaledGroupProblems({ ...GOOD, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(message)).toBe(true);
  });

  test('spot with no spot cloud allowed says "none"', () => {
    const none = resolveAutoscalingPolicy({ spotClouds: [] }).policy!;
    expect(scaledGroupProblems({ ...GOOD, spot: true, policy: none })[0]).toContain('autoscaling.spotClouds: none');
  });

  test('every problem is reported, with the given prefix', () => {
    const problems = scaledGroupProblems({ ...GOOD, minNodes: 5, maxNodes: 300, role: NodeRole.CONTROL_PLANE, countGiven: true, propPrefix: 'NodeGroup/cp: autoscaling' });
    expect(problems.map((p) => p.split(' must ')[0])).toEqual([
      'NodeGroup/cp: autoscaling.maxNodes',
      'NodeGroup/cp: autoscaling',
      'NodeGroup/cp: autoscaling',
    ]);
    expect(problems).toHaveLength(3);
  });
});
