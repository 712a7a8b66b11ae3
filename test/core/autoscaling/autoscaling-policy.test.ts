import { AUTOSCALING_POLICY_DEFAULTS, AutoscalingPolicyOptions, resolveAutoscalingPolicy } from '../../../lib/core/autoscaling/autoscaling-policy';
import { Cloud } from '../../../lib/core/cloud';

describe('resolveAutoscalingPolicy', () => {
  test('no input: the documented defaults', () => {
    expect(resolveAutoscalingPolicy(undefined)).toEqual({
      policy: { minCores: 0, maxCores: 1000, headroomCpuPercent: 10, headroomMemoryPercent: 10, emptyNodeRemovalDelayMinutes: 10, spotClouds: ['aws', 'gcp', 'azure'] },
      problems: [],
    });
    expect(resolveAutoscalingPolicy({}).policy).toEqual(AUTOSCALING_POLICY_DEFAULTS);
  });

  test('given values are kept; spot clouds come back in the library order', () => {
    const { policy, problems } = resolveAutoscalingPolicy({
      minCores: 8, maxCores: 8, headroomCpuPercent: 0, headroomMemoryPercent: 90, emptyNodeRemovalDelayMinutes: 1440, spotClouds: [Cloud.AZURE, Cloud.AWS],
    });
    expect(problems).toEqual([]);
    expect(policy).toEqual({ minCores: 8, maxCores: 8, headroomCpuPercent: 0, headroomMemoryPercent: 90, emptyNodeRemovalDelayMinutes: 1440, spotClouds: ['aws', 'azure'] });
    expect(resolveAutoscalingPolicy({ spotClouds: [] }).policy!.spotClouds).toEqual([]);
  });

  const bad: [string, AutoscalingPolicyOptions, string][] = [
    ['negative minCores', { minCores: -1 }, 'autoscaling.minCores must be a whole number of at least 0 (got -1). Give a whole number of vCPUs, 0 for no floor.'],
    ['fractional minCores', { minCores: 1.5 }, 'autoscaling.minCores must be a whole number of at least 0 (got 1.5).'],
    ['maxCores 0', { maxCores: 0 }, 'autoscaling.maxCores must be a whole number of at least 1 (got 0).'],
    ['fractional maxCores', { maxCores: 10.5 }, 'autoscaling.maxCores must be a whole number of at least 1 (got 10.5).'],
    ['NaN maxCores', { maxCores: NaN }, 'autoscaling.maxCores must be a whole number of at least 1 (got null).'],
    ['min above max', { minCores: 20, maxCores: 10 }, 'autoscaling.minCores must be at most autoscaling.maxCores (got 20 > 10). Lower minCores or raise maxCores.'],
    ['cpu headroom above 90', { headroomCpuPercent: 91 }, 'autoscaling.headroomCpuPercent must be a whole number from 0 to 90 (got 91). Give a whole percentage from 0 (no headroom) to 90.'],
    ['negative cpu headroom', { headroomCpuPercent: -5 }, 'autoscaling.headroomCpuPercent must be a whole number from 0 to 90 (got -5).'],
    ['fractional memory headroom', { headroomMemoryPercent: 12.5 }, 'autoscaling.headroomMemoryPercent must be a whole number from 0 to 90 (got 12.5).'],
    ['delay 0', { emptyNodeRemovalDelayMinutes: 0 }, 'autoscaling.emptyNodeRemovalDelayMinutes must be a whole number from 1 to 1440 (got 0). Give whole minutes from 1 to 1440 (one day).'],
    ['delay above a day', { emptyNodeRemovalDelayMinutes: 1441 }, 'autoscaling.emptyNodeRemovalDelayMinutes must be a whole number from 1 to 1440 (got 1441).'],
    ['fractional delay', { emptyNodeRemovalDelayMinutes: 2.5 }, 'autoscaling.emptyNodeRemovalDelayMinutes must be a whole number from 1 to 1440 (got 2.5).'],
    ['spot on DigitalOcean', { spotClouds: [Cloud.DIGITALOCEAN] }, 'autoscaling.spotClouds must name only clouds that sell spot capacity: aws, gcp, azure (got "digitalocean"). DigitalOcean has no spot Droplets; remove it.'],
    ['an unknown cloud', { spotClouds: ['oracle' as Cloud] }, 'autoscaling.spotClouds must name only clouds that sell spot capacity: aws, gcp, azure (got "oracle"). Use one of those.'],
    ['a duplicate', { spotClouds: [Cloud.AWS, Cloud.GCP, Cloud.AWS] }, 'autoscaling.spotClouds must not name a cloud twice (got "aws" twice). Remove the duplicate.'],
  ];
  test.each(bad)('%s', (_what, input, message) => {
    const { policy, problems } = resolveAutoscalingPolicy(input);
    expect(policy).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(message)).toBe(true);
  });

  test('every problem is reported, named with the given prefix', () => {
    const { problems } = resolveAutoscalingPolicy({ minCores: -1, maxCores: 0, headroomCpuPercent: 95, spotClouds: [Cloud.DIGITALOCEAN] }, 'CastCluster/prod: autoscaling');
    expect(problems.map((p) => p.split(' must ')[0])).toEqual([
      'CastCluster/prod: autoscaling.minCores',
      'CastCluster/prod: autoscaling.maxCores',
      'CastCluster/prod: autoscaling.headroomCpuPercent',
      'CastCluster/prod: autoscaling.spotClouds',
    ]);
  });
});
