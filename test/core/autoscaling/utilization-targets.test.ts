import { resolveAutoscalingPolicy } from '../../../lib/core/autoscaling/autoscaling-policy';
import { utilizationTargets } from '../../../lib/core/autoscaling/utilization-targets';

describe('utilizationTargets', () => {
  test.each([
    [{}, { targetCpuUtilization: 0.9, targetMemoryUtilization: 0.9, cooldownMinutes: 10 }],
    [{ headroomCpuPercent: 25, headroomMemoryPercent: 0, emptyNodeRemovalDelayMinutes: 3 }, { targetCpuUtilization: 0.75, targetMemoryUtilization: 1, cooldownMinutes: 3 }],
    [{ headroomCpuPercent: 90, headroomMemoryPercent: 33 }, { targetCpuUtilization: 0.1, targetMemoryUtilization: 0.67, cooldownMinutes: 10 }],
  ])('policy %j → %j', (input, targets) => {
    expect(utilizationTargets(resolveAutoscalingPolicy(input).policy!)).toEqual(targets);
  });

  test('targets stay inside the API range 0.05..1 for every valid headroom', () => {
    for (let headroom = 0; headroom <= 90; headroom++) {
      const t = utilizationTargets(resolveAutoscalingPolicy({ headroomCpuPercent: headroom, headroomMemoryPercent: headroom }).policy!);
      for (const value of [t.targetCpuUtilization, t.targetMemoryUtilization]) {
        expect(value).toBeGreaterThanOrEqual(0.05);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });
});
