/**
 * No node pool: adding or removing one node changes only that node's resources.
 * Two synths are diffed resource by resource and user-data local by local;
 * nothing outside the node may move, but for the seeds when a control plane
 * comes or goes.
 */
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeGroupOptions } from '../../lib/nodes/node-group';
import { diffSynths as diff, StackJson, synthCluster } from './node-fixture';

const clusterGroups = (workers: Partial<NodeGroupOptions>): Record<string, NodeGroupOptions> => ({
  'aws-cp': { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
  'gcp-workers': { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 },
  'azure-workers': { cloud: Cloud.AZURE, role: NodeRole.WORKER },
  // count or nodeNames, not both (giving both is an error).
  'do-workers': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, ...(workers.nodeNames ? {} : { count: 2 }), ...workers } as NodeGroupOptions,
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
    // Its reserved IP, droplet and IP assignment, its replacement stamp and its user-data local.
    expect(removed.length).toBe(5);
    expect(removed.filter((address) => !address.includes('do-b'))).toEqual([]);
  });

});

/**
 * Control planes come and go through one channel every node shares: the seeds, a local
 * (`<cluster>_api-servers`, the control planes'; `<cluster>_worker-api-servers-<cloud>`, each
 * cloud's workers') that every node's tags or metadata reference. A control plane added or
 * removed changes those locals, so at apply every node's seeds tag or metadata key changes
 * in place (test/nodes/api-servers-in-place.test.ts: no provider replaces a VM for it).
 * Those locals, and only they, may change here (and the user-data of the control plane
 * that becomes the first one, below). User-data stays strict: no other node's user-data
 * local, and no resource, may change.
 */
describe('adding, removing or replacing a control plane changes only that node, and the seeds', () => {
  const groups = (awsControlPlanes: string[], gcpControlPlanes = 1): Record<string, NodeGroupOptions> => ({
    ...clusterGroups({}),
    'aws-cp': { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, nodeNames: awsControlPlanes },
    'gcp-cp': { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE, count: gcpControlPlanes },
  });
  const synth = (g: Record<string, NodeGroupOptions>) => synthCluster([...ALL_CLOUDS], g).json;
  const seedsLocal = (json: StackJson) => Object.keys(json.locals ?? {}).filter((name) => /^c1_api-servers_[0-9A-F]{8}$/.test(name));
  /** The seeds, as the public-address resources they name, in order. */
  const seeds = (json: StackJson) => [...json.locals![seedsLocal(json)[0]].matchAll(/\$\{([a-z_]+\.[\w-]+)\.(?:public_ip|address|ip_address)\}/g)].map((m) => m[1]);
  const workerSeedsLocals = (json: StackJson) => Object.keys(json.locals ?? {}).filter((name) => /^c1_worker-api-servers-[a-z]+_[0-9A-F]{8}$/.test(name));
  const seedsChange = (json: StackJson) => [seedsLocal(json)[0], ...workerSeedsLocals(json)].map((name) => `local.${name}`).sort();

  // The one exception: the next first control plane becomes the one that may found the cluster
  // (when no API server answers at its boot), so its user-data gains the founding release; a
  // running VM ignores its user-data (docs/lifecycle.md), so that changes no machine.
  test.each<[string, Record<string, NodeGroupOptions>, Record<string, NodeGroupOptions>, string[], string[], string[]]>([
    ['adding a control plane', groups(['cp-1', 'cp-2']), groups(['cp-1', 'cp-2'], 2), ['c1-gcp-cp-2'], [], []],
    ['removing a control plane that is not the first', groups(['cp-1', 'cp-2']), groups(['cp-1']), [], ['cp-2'], []],
    ['removing the first control plane', groups(['cp-1', 'cp-2']), groups(['cp-2']), [], ['cp-1'], ['local.c1_aws-cp_cp-2-user-data_DC9D0882']],
    ['replacing the first control plane by one of another name', groups(['cp-1', 'cp-2']), groups(['cp-9', 'cp-2']), ['cp-9'], ['cp-1'], []],
  ])('%s', (_name, before, after, addedNodes, removedNodes, newFounder) => {
    const [a, b] = [synth(before), synth(after)];
    const { added, removed, changed } = diff(a, b);
    expect([...changed].sort()).toEqual([...seedsChange(a), ...newFounder].sort());
    expect(workerSeedsLocals(a)).toHaveLength(ALL_CLOUDS.length);
    expect([...seedsLocal(a), ...workerSeedsLocals(a)]).toEqual([...seedsLocal(b), ...workerSeedsLocals(b)]);
    expect(added.filter((address) => !addedNodes.some((node) => address.includes(node)))).toEqual([]);
    expect(removed.filter((address) => !removedNodes.some((node) => address.includes(node)))).toEqual([]);
    // The seeds: what stayed, in the order it had, with what came after it.
    expect(seeds(a)).toHaveLength(before['aws-cp'].nodeNames!.length + (before['gcp-cp'].count ?? 1));
    const kept = seeds(a).filter((seed) => !removedNodes.some((node) => seed.includes(`_${node}-ip_`)));
    expect(seeds(b).filter((seed) => kept.includes(seed))).toEqual(kept);
    expect(seeds(b)).toHaveLength(kept.length + addedNodes.length);
  });

  // `terraform apply -replace` of its VM, or a cloud that lost it: the configuration is the same one.
  test('replacing the first control plane\'s VM is no change: the same groups synthesize the same configuration', () => {
    expect(diff(synth(groups(['cp-1', 'cp-2'])), synth(groups(['cp-1', 'cp-2'])))).toEqual({ added: [], removed: [], changed: [] });
  });
});
