/**
 * The cluster-level autoscaling policy: core limits, headroom for pods that
 * cannot be scheduled, how long an empty node waits before removal, and which
 * clouds may run spot capacity. Pure; no cdktf import.
 */
import { ALL_CLOUDS, Cloud, CLOUD_DISPLAY_NAME } from '../cloud';

/**
 * The cluster's autoscaling policy (CastClusterProps.autoscaling): what the
 * autoscalers of its autoscaled node groups may do. See docs/autoscaling.md.
 */
export interface AutoscalingPolicyOptions {
  /**
   * Fewest vCPUs the cluster keeps while scaling down (`--cores-total` min).
   * @default 0
   */
  readonly minCores?: number;
  /**
   * Most vCPUs the cluster may reach by scaling up (`--cores-total` max): a
   * guard against a runaway scale-up bill.
   * @default 1000
   */
  readonly maxCores?: number;
  /**
   * CPU kept free for pods that are not scheduled yet, in percent of the
   * cluster's vCPUs (overprovisioning pods that real pods evict).
   * @default 10
   */
  readonly headroomCpuPercent?: number;
  /**
   * Memory kept free for pods that are not scheduled yet, in percent of the
   * cluster's memory.
   * @default 10
   */
  readonly headroomMemoryPercent?: number;
  /**
   * Minutes a node stays unneeded before it is removed
   * (`--scale-down-unneeded-time`).
   * @default 10
   */
  readonly emptyNodeRemovalDelayMinutes?: number;
  /**
   * Clouds whose scaled groups may use spot capacity. DigitalOcean has no spot.
   * @default [aws, gcp, azure]
   */
  readonly spotClouds?: Cloud[];
}

/** The policy with every default resolved. */
export interface AutoscalingPolicy {
  readonly minCores: number;
  readonly maxCores: number;
  readonly headroomCpuPercent: number;
  readonly headroomMemoryPercent: number;
  readonly emptyNodeRemovalDelayMinutes: number;
  /** In the library's cloud order, without duplicates. */
  readonly spotClouds: readonly Cloud[];
}

/** Clouds that sell spot (preemptible) capacity. */
export const SPOT_CAPABLE_CLOUDS: readonly Cloud[] = [Cloud.AWS, Cloud.GCP, Cloud.AZURE];

/** The defaults, in one place (docs/autoscaling.md has the same table). */
export const AUTOSCALING_POLICY_DEFAULTS: AutoscalingPolicy = {
  minCores: 0,
  maxCores: 1000,
  headroomCpuPercent: 10,
  headroomMemoryPercent: 10,
  emptyNodeRemovalDelayMinutes: 10,
  spotClouds: SPOT_CAPABLE_CLOUDS,
};

/** Headroom above this leaves most of the cluster to placeholder pods. */
export const MAX_HEADROOM_PERCENT = 90;
/** One day: cluster-autoscaler takes any duration, but a longer delay is surely a unit mistake. */
export const MAX_REMOVAL_DELAY_MINUTES = 1440;

/**
 * Resolves the defaults and checks the policy. Every problem is one
 * `<prop> must be <rule> (got <value>). <fix>` line, the prop named with
 * `propPrefix` (e.g. `autoscaling.maxCores`); `policy` is set only when there
 * is no problem.
 */
export function resolveAutoscalingPolicy(
  input: AutoscalingPolicyOptions | undefined,
  propPrefix = 'autoscaling',
): { policy?: AutoscalingPolicy; problems: string[] } {
  const given = input ?? {};
  const d = AUTOSCALING_POLICY_DEFAULTS;
  const prop = (name: string) => (propPrefix === '' ? name : `${propPrefix}.${name}`);
  const problems: string[] = [];
  const minCores = given.minCores ?? d.minCores;
  const maxCores = given.maxCores ?? d.maxCores;
  const headroomCpuPercent = given.headroomCpuPercent ?? d.headroomCpuPercent;
  const headroomMemoryPercent = given.headroomMemoryPercent ?? d.headroomMemoryPercent;
  const delay = given.emptyNodeRemovalDelayMinutes ?? d.emptyNodeRemovalDelayMinutes;

  wholeInRange(problems, prop('minCores'), minCores, 0, undefined, 'Give a whole number of vCPUs, 0 for no floor.');
  wholeInRange(problems, prop('maxCores'), maxCores, 1, undefined, 'Give a whole number of vCPUs the cluster may reach.');
  if (Number.isInteger(minCores) && Number.isInteger(maxCores) && minCores > maxCores) {
    problems.push(`${prop('minCores')} must be at most ${prop('maxCores')} (got ${minCores} > ${maxCores}). Lower minCores or raise maxCores.`);
  }
  const percentFix = `Give a whole percentage from 0 (no headroom) to ${MAX_HEADROOM_PERCENT}.`;
  wholeInRange(problems, prop('headroomCpuPercent'), headroomCpuPercent, 0, MAX_HEADROOM_PERCENT, percentFix);
  wholeInRange(problems, prop('headroomMemoryPercent'), headroomMemoryPercent, 0, MAX_HEADROOM_PERCENT, percentFix);
  wholeInRange(problems, prop('emptyNodeRemovalDelayMinutes'), delay, 1, MAX_REMOVAL_DELAY_MINUTES,
    `Give whole minutes from 1 to ${MAX_REMOVAL_DELAY_MINUTES} (one day).`);

  const spotClouds = given.spotClouds ?? d.spotClouds;
  const seen = new Set<string>();
  for (const cloud of spotClouds) {
    if (seen.has(cloud)) {
      problems.push(`${prop('spotClouds')} must not name a cloud twice (got "${cloud}" twice). Remove the duplicate.`);
    } else if (cloud === Cloud.DIGITALOCEAN) {
      problems.push(`${prop('spotClouds')} must name only clouds that sell spot capacity: ${SPOT_CAPABLE_CLOUDS.join(', ')} (got "${cloud}"). ${CLOUD_DISPLAY_NAME[Cloud.DIGITALOCEAN]} has no spot Droplets; remove it.`);
    } else if (!ALL_CLOUDS.includes(cloud)) {
      problems.push(`${prop('spotClouds')} must name only clouds that sell spot capacity: ${SPOT_CAPABLE_CLOUDS.join(', ')} (got "${cloud}"). Use one of those.`);
    }
    seen.add(cloud);
  }

  if (problems.length > 0) return { problems };
  return {
    policy: {
      minCores,
      maxCores,
      headroomCpuPercent,
      headroomMemoryPercent,
      emptyNodeRemovalDelayMinutes: delay,
      spotClouds: SPOT_CAPABLE_CLOUDS.filter((cloud) => spotClouds.includes(cloud)),
    },
    problems,
  };
}

/** Adds a problem unless `value` is a whole number in [min, max] (no upper bound when max is undefined). */
export function wholeInRange(problems: string[], prop: string, value: number, min: number, max: number | undefined, fix: string): void {
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && (max === undefined || value <= max);
  if (ok) return;
  const rule = max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  problems.push(`${prop} must be ${rule} (got ${JSON.stringify(value)}). ${fix}`);
}
