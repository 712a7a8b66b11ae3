/**
 * DigitalOcean has no cluster-autoscaler provider for plain Droplets; its
 * autoscale pools scale on average CPU and memory utilisation instead
 * (docs/design/autoscaling.md, decision 5). This maps the policy onto a pool's
 * `config` as an approximation: keeping utilisation at 1 − headroom leaves
 * about the headroom free, but on measured use, not on pod requests, so a pod
 * that does not fit can still wait for the next scaling event. Pure.
 */
import { AutoscalingPolicy } from './autoscaling-policy';

/** DigitalOcean API bounds of target_cpu_utilization and target_memory_utilization (a decimal). */
export const DIGITALOCEAN_TARGET_RANGE = { min: 0.05, max: 1 } as const;

/** The utilisation part of a `digitalocean_droplet_autoscale` config. */
export interface DigitalOceanPoolTargets {
  readonly targetCpuUtilization: number;
  readonly targetMemoryUtilization: number;
  /** Minutes between scaling events; the policy's empty-node removal delay. */
  readonly cooldownMinutes: number;
}

/** Targets = 1 − headroom / 100, clamped to the API's range, two decimals. */
export function digitalOceanPoolTargets(policy: AutoscalingPolicy): DigitalOceanPoolTargets {
  return {
    targetCpuUtilization: target(policy.headroomCpuPercent),
    targetMemoryUtilization: target(policy.headroomMemoryPercent),
    cooldownMinutes: policy.emptyNodeRemovalDelayMinutes,
  };
}

function target(headroomPercent: number): number {
  const { min, max } = DIGITALOCEAN_TARGET_RANGE;
  return Math.min(max, Math.max(min, Math.round(100 - headroomPercent) / 100));
}
