import fc from 'fast-check';
import { CloudScaledCapacity, largestRemainder, splitCoreLimits } from '../../../lib/core/autoscaling/core-limits';
import { Cloud } from '../../../lib/core/cloud';

describe('splitCoreLimits', () => {
  test('the worked example of the doc comment: weights 48 : 32 : 16 split 100 as 50 : 33 : 17', () => {
    const clouds: CloudScaledCapacity[] = [
      { cloud: Cloud.AZURE, groups: [{ maxNodes: 4, vcpu: 4 }] },
      { cloud: Cloud.AWS, groups: [{ maxNodes: 10, vcpu: 4 }, { maxNodes: 1, vcpu: 8 }] },
      { cloud: Cloud.GCP, groups: [{ maxNodes: 8, vcpu: 4 }] },
    ];
    expect(splitCoreLimits({ min: 10, max: 100 }, clouds)).toEqual([
      { cloud: 'aws', cores: { min: 5, max: 50 } },
      { cloud: 'gcp', cores: { min: 3, max: 33 } },
      { cloud: 'azure', cores: { min: 2, max: 17 } },
    ]);
  });

  test('one cloud takes the whole policy', () => {
    expect(splitCoreLimits({ min: 3, max: 1000 }, [{ cloud: Cloud.GCP, groups: [{ maxNodes: 2, vcpu: 2 }] }])).toEqual([{ cloud: 'gcp', cores: { min: 3, max: 1000 } }]);
  });

  test('no capacity anywhere: an even split', () => {
    expect(largestRemainder(10, [0, 0, 0])).toEqual([4, 3, 3]);
    expect(largestRemainder(5, [])).toEqual([]);
  });

  const weights = fc.array(fc.integer({ min: 0, max: 253 * 32 * 20 }), { minLength: 1, maxLength: 4 });
  const total = fc.integer({ min: 0, max: 1_000_000 });

  test('property: integers that sum to the limit', () => {
    fc.assert(fc.property(total, weights, (t, w) => {
      const parts = largestRemainder(t, w);
      expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(t);
    }));
  });

  test('property: each part is within 1 of its exact proportional share', () => {
    fc.assert(fc.property(total, weights.filter((w) => w.some((x) => x > 0)), (t, w) => {
      const sum = w.reduce((a, b) => a + b, 0);
      largestRemainder(t, w).forEach((part, i) => {
        const exact = (t * w[i]) / sum;
        expect(part).toBeGreaterThanOrEqual(Math.floor(exact));
        expect(part).toBeLessThanOrEqual(Math.ceil(exact));
      });
    }));
  });

  test('property: a heavier cloud never gets less; a cloud with no capacity gets nothing', () => {
    fc.assert(fc.property(total, weights.filter((w) => w.some((x) => x > 0)), (t, w) => {
      const parts = largestRemainder(t, w);
      for (let i = 0; i < w.length; i++) {
        if (w[i] === 0) expect(parts[i]).toBe(0);
        for (let j = 0; j < w.length; j++) if (w[i] > w[j]) expect(parts[i]).toBeGreaterThanOrEqual(parts[j]);
      }
    }));
  });

  test('property: the split does not depend on the order clouds are given in', () => {
    const capacity = fc.array(fc.record({ maxNodes: fc.integer({ min: 1, max: 253 }), vcpu: fc.constantFrom(2, 4, 8, 16, 32) }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(total, total, capacity, capacity, capacity, (a, b, aws, gcp, azure) => {
      const limits = { min: Math.min(a, b), max: Math.max(a, b) };
      const given: CloudScaledCapacity[] = [{ cloud: Cloud.AWS, groups: aws }, { cloud: Cloud.GCP, groups: gcp }, { cloud: Cloud.AZURE, groups: azure }];
      const split = splitCoreLimits(limits, given);
      expect(splitCoreLimits(limits, [...given].reverse())).toEqual(split);
      expect(split.every((s) => s.cores.min <= s.cores.max)).toBe(true);
    }));
  });
});
