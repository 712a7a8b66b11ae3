/**
 * Groups that scale themselves on measured utilisation rather than through
 * cluster-autoscaler (docs/autoscaling.md): DigitalOcean autoscale pools (no
 * cluster-autoscaler provider for plain Droplets) and GCP managed instance
 * groups (upstream's GCE provider stops scale-up in a cluster with non-GCE
 * nodes, kubernetes/autoscaler#10140). This maps the policy onto their
 * targets as an approximation: keeping utilisation at 1 − headroom leaves
 * about the headroom free, but on measured use, not on pod requests, so a pod
 * that does not fit can still wait for the next scaling event. Pure.
 */
import { AutoscalingPolicy } from './autoscaling-policy';

/**
 * Bounds of a utilisation target (a decimal): DigitalOcean's API range for
 * target_cpu_utilization and target_memory_utilization, inside the MIG
 * autoscaler's 0 < target ≤ 1.
 */
export const UTILIZATION_TARGET_RANGE = { min: 0.05, max: 1 } as const;

/** Utilisation targets of a self-scaling group. */
export interface UtilizationTargets {
  /** DigitalOcean `target_cpu_utilization`; GCP `cpu_utilization.target`. */
  readonly targetCpuUtilization: number;
  /** DigitalOcean `target_memory_utilization` (a MIG autoscaler scales on CPU only). */
  readonly targetMemoryUtilization: number;
  /** The policy's empty-node removal delay: DigitalOcean `cooldown_minutes`; GCP scale-in control window. */
  readonly cooldownMinutes: number;
}

/** Targets = 1 − headroom / 100, clamped to UTILIZATION_TARGET_RANGE, two decimals. */
export function utilizationTargets(policy: AutoscalingPolicy): UtilizationTargets {
  return {
    targetCpuUtilization: target(policy.headroomCpuPercent),
    targetMemoryUtilization: target(policy.headroomMemoryPercent),
    cooldownMinutes: policy.emptyNodeRemovalDelayMinutes,
  };
}

function target(headroomPercent: number): number {
  const { min, max } = UTILIZATION_TARGET_RANGE;
  return Math.min(max, Math.max(min, Math.round(100 - headroomPercent) / 100));
}
