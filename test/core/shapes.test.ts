import { ALL_CLOUDS } from '../../lib/core/cloud';
import { ALL_SHAPES, instanceTypeOf, NodeShape, SHAPES } from '../../lib/core/shapes';

// vCPU and memory of each instance type, from each cloud's published specifications:
// an independent table, so a wrong entry in SHAPES shows up as a mismatch.
const PUBLISHED: Record<string, [vcpu: number, memoryGiB: number]> = {
  't3.medium': [2, 4], 'm6i.large': [2, 8], 'm6i.xlarge': [4, 16], 'm6i.2xlarge': [8, 32], 'm6i.4xlarge': [16, 64], 'm6i.8xlarge': [32, 128],
  'e2-medium': [2, 4], 'e2-standard-2': [2, 8], 'e2-standard-4': [4, 16], 'e2-standard-8': [8, 32], 'e2-standard-16': [16, 64], 'e2-standard-32': [32, 128],
  Standard_B2s: [2, 4], Standard_D2s_v5: [2, 8], Standard_D4s_v5: [4, 16], Standard_D8s_v5: [8, 32], Standard_D16s_v5: [16, 64], Standard_D32s_v5: [32, 128],
  's-2vcpu-4gb': [2, 4], 'g-2vcpu-8gb': [2, 8], 'g-4vcpu-16gb': [4, 16], 'g-8vcpu-32gb': [8, 32], 'g-16vcpu-64gb': [16, 64], 'g-32vcpu-128gb': [32, 128],
};

describe('node shapes', () => {
  test('six shapes, smallest first, doubling from small up', () => {
    expect(ALL_SHAPES).toEqual(['x-small', 'small', 'medium', 'large', 'x-large', '2x-large']);
    const sizes = ALL_SHAPES.map((s) => [SHAPES[s].vcpu, SHAPES[s].memoryGiB]);
    expect(sizes).toEqual([[2, 4], [2, 8], [4, 16], [8, 32], [16, 64], [32, 128]]);
  });

  test.each(ALL_SHAPES)('%s has the same vCPU and memory on every cloud', (shape) => {
    for (const cloud of ALL_CLOUDS) {
      const type = instanceTypeOf(shape, cloud)!;
      expect({ cloud, type, size: PUBLISHED[type] }).toEqual({ cloud, type, size: [SHAPES[shape].vcpu, SHAPES[shape].memoryGiB] });
    }
  });

  test('an unknown shape has no instance type', () => {
    expect(instanceTypeOf('huge' as NodeShape, ALL_CLOUDS[0])).toBeUndefined();
  });
});
