/**
 * Headroom as overprovisioning (docs/design/autoscaling.md, decision 4): pause
 * pods with a negative priority hold the headroom; real pods evict them, the
 * evicted pods cannot be scheduled, and cluster-autoscaler adds a node for
 * them before real pods ever wait. cluster-proportional-autoscaler (linear
 * mode) keeps their number proportional to the cluster's vCPUs. Pure.
 *
 * Arithmetic, with H_cpu and H_mem the headroom percentages, D = max(H_cpu,
 * H_mem), and the smallest scaled node's v vCPU and g GiB:
 *
 *   one pod requests      cpu = v × F × H_cpu / D,   memory = g × F × H_mem / D
 *   coresPerReplica       = v × F × 100 / D
 *   replicas              ≈ C / coresPerReplica      (C = the cluster's vCPUs)
 *   replicas × cpu        ≈ C × H_cpu / 100          ✓ the CPU headroom
 *   replicas × memory     ≈ C × (g / v) × H_mem / 100 = the memory headroom
 *                           when the cluster has the smallest node's GiB per vCPU
 *
 * F = 1/2: one pod asks for at most half the smallest scaled node in either
 * resource, so it fits there beside the kubelet's reservation and the
 * DaemonSets, and a new node always has room for the pod that called it.
 * cluster-proportional-autoscaler rounds up (ceil), so the headroom is at
 * least the percentage, by at most one pod.
 */

/** Share of the smallest scaled node one placeholder pod may ask for. */
export const OVERPROVISIONING_POD_SHARE = 0.5;

/** What sizing needs. */
export interface OverprovisioningInput {
  readonly headroomCpuPercent: number;
  readonly headroomMemoryPercent: number;
  /** The smallest scaled node (by vCPU, then memory) of the cluster. */
  readonly smallestNode: { readonly vcpu: number; readonly memoryGiB: number };
}

/** The placeholder pods and the linear parameters that scale them. */
export interface OverprovisioningPlan {
  /** CPU request of one pod, millicores. */
  readonly cpuMillis: number;
  /** Memory request of one pod, MiB. */
  readonly memoryMiB: number;
  /** cluster-proportional-autoscaler `linear` parameters. */
  readonly linear: { readonly coresPerReplica: number; readonly min: number };
}

/** The plan, or undefined when both headroom percentages are 0 (no placeholder pods). */
export function planOverprovisioning(input: OverprovisioningInput): OverprovisioningPlan | undefined {
  const { headroomCpuPercent: cpu, headroomMemoryPercent: memory, smallestNode } = input;
  const dominant = Math.max(cpu, memory);
  if (dominant <= 0) return undefined;
  const f = OVERPROVISIONING_POD_SHARE;
  return {
    cpuMillis: Math.floor((smallestNode.vcpu * 1000 * f * cpu) / dominant),
    memoryMiB: Math.floor((smallestNode.memoryGiB * 1024 * f * memory) / dominant),
    linear: {
      // Three decimals: the value is JSON in a ConfigMap and read as a float.
      coresPerReplica: Math.round(((smallestNode.vcpu * f * 100) / dominant) * 1000) / 1000,
      // One pod even in an empty cluster, so the first real pod never waits for a node.
      min: 1,
    },
  };
}

/** Replicas cluster-proportional-autoscaler runs for `clusterCores` (its linear mode, nodes not used). */
export function overprovisioningReplicas(plan: OverprovisioningPlan, clusterCores: number): number {
  return Math.max(plan.linear.min, Math.ceil(clusterCores / plan.linear.coresPerReplica));
}
