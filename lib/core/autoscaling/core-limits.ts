/**
 * Splits the policy's core limits between the cluster-autoscalers, one per
 * cloud with scaled groups (docs/design/autoscaling.md, decision 4). Pure.
 *
 * Each cloud's weight is its scaled capacity, Σ maxNodes × vCPU over its
 * scaled groups. A limit L is split by largest remainder (Hamilton):
 *
 *   exact_c = L × weight_c / Σ weight      e.g. L = 100, weights 48 : 32 : 16
 *   part_c  = floor(exact_c)                     exact 50 : 33.33 : 16.67
 *   the L − Σ part_c units left go one each       floor 50 : 33 : 16 (99)
 *   to the largest fractions, ties by cloud order  → 50 : 33 : 17 (100)
 *
 * so the parts are integers, sum to L exactly, and each is within 1 of its
 * exact share.
 */
import { ALL_CLOUDS, Cloud } from '../cloud';

/** One scaled group as the split sees it. */
export interface ScaledGroupCapacity {
  readonly maxNodes: number;
  /** vCPU of one node of the group (its shape). */
  readonly vcpu: number;
}

/** The scaled groups of one cloud. */
export interface CloudScaledCapacity {
  readonly cloud: Cloud;
  readonly groups: readonly ScaledGroupCapacity[];
}

/** `--cores-total=<min>:<max>` of one instance. */
export interface CoreRange {
  readonly min: number;
  readonly max: number;
}

/** One cloud's share of the limits. */
export interface CloudCoreLimits {
  readonly cloud: Cloud;
  readonly cores: CoreRange;
}

/**
 * The per-cloud shares of `limits`, in the library's cloud order. Clouds are
 * given once each with at least one group; a cloud whose capacity is 0 (no
 * groups) gets 0:0 unless every cloud is 0, when the split is even.
 */
export function splitCoreLimits(limits: CoreRange, clouds: readonly CloudScaledCapacity[]): CloudCoreLimits[] {
  const sorted = [...clouds].sort((a, b) => ALL_CLOUDS.indexOf(a.cloud) - ALL_CLOUDS.indexOf(b.cloud));
  const weights = sorted.map((c) => c.groups.reduce((sum, g) => sum + g.maxNodes * g.vcpu, 0));
  const mins = largestRemainder(limits.min, weights);
  const maxes = largestRemainder(limits.max, weights);
  return sorted.map((c, i) => ({ cloud: c.cloud, cores: { min: mins[i], max: maxes[i] } }));
}

/** Integers proportional to `weights` that sum to `total` (a whole number ≥ 0). */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = sum > 0 ? weights : weights.map(() => 1);
  const shareSum = sum > 0 ? sum : weights.length;
  // Integer arithmetic: total × weight stays exact for any realistic cluster.
  const parts = shares.map((w) => Math.floor((total * w) / shareSum));
  const remainders = shares.map((w, i) => ({ i, rest: total * w - parts[i] * shareSum }));
  remainders.sort((a, b) => b.rest - a.rest || a.i - b.i);
  let left = total - parts.reduce((a, b) => a + b, 0);
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i] += 1;
    left -= 1;
  }
  return parts;
}
