import { Cloud } from '../../../lib/core/cloud';
import { MeshMode, MeshRecord, meshNodeInputOfRecord, planMesh } from '../../../lib/core/mesh';
import { NodeRole } from '../../../lib/core/node-role';

const record: MeshRecord = {
  name: 'gcp-w-1',
  cloud: 'gcp',
  role: 'worker',
  publicKey: 'hq8VxP0QZ8h1bJ4kq0Yk7mF3r2wA9s8dU6eT5c4b3a0=',
  endpoint: '203.0.113.7',
  meshAddress: '10.4.80.12',
  privateAddress: '10.20.0.5',
};

describe('meshNodeInputOfRecord', () => {
  test('a record becomes planner input with its published mesh address pinned', () => {
    expect(meshNodeInputOfRecord(record)).toEqual({
      name: 'gcp-w-1',
      cloud: Cloud.GCP,
      role: NodeRole.WORKER,
      publicAddress: '203.0.113.7',
      privateAddress: '10.20.0.5',
      meshAddress: '10.4.80.12',
    });
  });

  test.each([
    [{ podCidr: '10.244.3.0/24' }, { podCidr: '10.244.3.0/24' }],
    [{ podCidr: '' }, {}],
    [{ gateway: 'true' }, { gateway: true }],
    [{ gateway: 'false' }, { gateway: false }],
    [{ gateway: '' }, {}],
  ])('optional fields: %j gives %j', (extra, expected) => {
    const input = meshNodeInputOfRecord({ ...record, ...extra });
    expect({ podCidr: input.podCidr, gateway: input.gateway }).toEqual({ podCidr: undefined, gateway: undefined, ...expected });
  });

  test('planMesh keeps the published address even where the allocator would pick another', () => {
    const plan = planMesh({ nodes: [meshNodeInputOfRecord(record)], mode: MeshMode.FULL_MESH });
    expect(plan.nodes[0].meshAddress).toBe('10.4.80.12');
  });
});
