import { overprovisioningReplicas, planOverprovisioning } from '../../../lib/core/autoscaling/overprovisioning';

describe('planOverprovisioning', () => {
  test('10 % / 10 % on medium nodes: half-node pods, one per 20 vCPUs', () => {
    const plan = planOverprovisioning({ headroomCpuPercent: 10, headroomMemoryPercent: 10, smallestNode: { vcpu: 4, memoryGiB: 16 } })!;
    expect(plan).toEqual({ cpuMillis: 2000, memoryMiB: 8192, linear: { coresPerReplica: 20, min: 1 } });
  });

  test.each([
    // [cluster vCPUs, GiB per vCPU of the cluster = the smallest node's]
    [100], [40], [400], [1000],
  ])('a %d-vCPU cluster of medium nodes keeps at least 10 %% free, by at most one pod more', (cores) => {
    const plan = planOverprovisioning({ headroomCpuPercent: 10, headroomMemoryPercent: 10, smallestNode: { vcpu: 4, memoryGiB: 16 } })!;
    const replicas = overprovisioningReplicas(plan, cores);
    const cpu = (replicas * plan.cpuMillis) / 1000;
    const memoryGiB = (replicas * plan.memoryMiB) / 1024;
    expect(cpu).toBeGreaterThanOrEqual(cores * 0.1);
    expect(cpu).toBeLessThan(cores * 0.1 + plan.cpuMillis / 1000);
    expect(memoryGiB).toBeGreaterThanOrEqual(cores * 4 * 0.1);
    expect(memoryGiB).toBeLessThan(cores * 4 * 0.1 + plan.memoryMiB / 1024);
  });

  test('one pod fits the smallest node: at most half of it in either resource', () => {
    for (const [cpu, memory] of [[10, 10], [5, 40], [40, 5], [90, 0], [0, 90], [1, 1]]) {
      for (const node of [{ vcpu: 2, memoryGiB: 4 }, { vcpu: 2, memoryGiB: 8 }, { vcpu: 32, memoryGiB: 128 }]) {
        const plan = planOverprovisioning({ headroomCpuPercent: cpu, headroomMemoryPercent: memory, smallestNode: node })!;
        expect(plan.cpuMillis).toBeLessThanOrEqual(node.vcpu * 500);
        expect(plan.memoryMiB).toBeLessThanOrEqual(node.memoryGiB * 512);
        // The dominant resource takes exactly half the node.
        expect(Math.max(plan.cpuMillis / (node.vcpu * 1000), plan.memoryMiB / (node.memoryGiB * 1024))).toBeCloseTo(0.5, 3);
      }
    }
  });

  test('memory-heavy headroom: the pods ask for more memory than CPU, in the ratio of the percentages', () => {
    const plan = planOverprovisioning({ headroomCpuPercent: 5, headroomMemoryPercent: 20, smallestNode: { vcpu: 2, memoryGiB: 8 } })!;
    expect(plan).toEqual({ cpuMillis: 250, memoryMiB: 4096, linear: { coresPerReplica: 5, min: 1 } });
    // 100 vCPUs, 400 GiB: 20 pods = 5 vCPU (5 %) and 80 GiB (20 %).
    expect(overprovisioningReplicas(plan, 100)).toBe(20);
  });

  test('no headroom: no placeholder pods; an empty cluster still keeps one', () => {
    expect(planOverprovisioning({ headroomCpuPercent: 0, headroomMemoryPercent: 0, smallestNode: { vcpu: 2, memoryGiB: 4 } })).toBeUndefined();
    const plan = planOverprovisioning({ headroomCpuPercent: 10, headroomMemoryPercent: 10, smallestNode: { vcpu: 2, memoryGiB: 4 } })!;
    expect(overprovisioningReplicas(plan, 0)).toBe(1);
  });
});
