/**
 * No node pool: adding or removing one node changes only that node's resources.
 * Two synths are diffed resource by resource and user-data local by local;
 * nothing outside the node may move.
 */
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeGroupOptions } from '../../lib/nodes/node-group';
import { diffSynths as diff, synthCluster } from './node-fixture';

const clusterGroups = (workers: Partial<NodeGroupOptions>): Record<string, NodeGroupOptions> => ({
  'aws-cp': { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
  'gcp-workers': { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 },
  'azure-workers': { cloud: Cloud.AZURE, role: NodeRole.WORKER },
  'do-workers': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, count: 2, ...workers } as NodeGroupOptions,
});

describe('adding or removing one node changes only that node', () => {
  test.each(ALL_CLOUDS)('adding a node on %s', (cloud) => {
    const groups = (count: number) => ({ ...clusterGroups({}), extra: { cloud, role: NodeRole.WORKER, count } });
    const before = synthCluster([...ALL_CLOUDS], groups(2)).json;
    const after = synthCluster([...ALL_CLOUDS], groups(3)).json;
    const { added, removed, changed } = diff(before, after);
    expect({ removed, changed }).toEqual({ removed: [], changed: [] });
    expect(added.length).toBeGreaterThanOrEqual(2);
    expect(added.filter((address) => !address.includes('c1-extra-3'))).toEqual([]);
  });

  test('removing a node from the middle of an explicit list', () => {
    const groups = (names: string[]) => clusterGroups({ nodeNames: names });
    const before = synthCluster([...ALL_CLOUDS], groups(['do-a', 'do-b', 'do-c'])).json;
    const after = synthCluster([...ALL_CLOUDS], groups(['do-a', 'do-c'])).json;
    const { added, removed, changed } = diff(before, after);
    expect({ added, changed }).toEqual({ added: [], changed: [] });
    // Its reserved IP, droplet and IP assignment, and its user-data local.
    expect(removed.length).toBe(4);
    expect(removed.filter((address) => !address.includes('do-b'))).toEqual([]);
  });

  test('adding a control-plane node leaves the init node and every other node alone', () => {
    const groups = (count: number): Record<string, NodeGroupOptions> => ({ ...clusterGroups({}), 'gcp-cp': { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE, count } });
    const { added, removed, changed } = diff(synthCluster([...ALL_CLOUDS], groups(1)).json, synthCluster([...ALL_CLOUDS], groups(2)).json);
    expect({ removed, changed }).toEqual({ removed: [], changed: [] });
    expect(added.filter((address) => !address.includes('c1-gcp-cp-2'))).toEqual([]);
  });
});
