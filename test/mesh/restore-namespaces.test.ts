/**
 * Reboot survival, for real: 5 nodes in 3 "clouds" as network namespaces
 * (agent-lab.ts) sync over the directory standing in for the API. Then the API
 * becomes unreachable (the directory is moved away) and one node "reboots": its
 * agent stops and its wireguard-go ends, taking wg0 and every route through it.
 * `mesh-up.sh interface` (what the agent service runs before it starts) makes
 * the interface again and applies the records of the node's last sync from
 * its own copy, with no API: it pings every peer again, and every peer pings
 * it. Then every node reboots at once, the API still unreachable, and all come
 * back from their copies: every mesh and pod pair answers.
 *
 * Needs root, /dev/net/tun, wireguard-go, wg, ip, ss, ping and python3: without
 * them the group is skipped with the reason printed, and fails on CI
 * (agent-lab.ts, test/support/requirements.ts). Everything is removed in afterAll.
 */
import { readFileSync } from 'node:fs';
import { Cloud } from '../../lib/core/cloud';
import { MeshMode } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { AgentLab, describeAgentLab, MESH_UP_LIMIT_MS } from './agent-lab';
import { BUILD_LIMIT_MS, jestTimeout, PATH_LIMIT_MS, waitFor } from './lab-waits';
import { LabNode, run } from './namespace-lab';

const SPECS = [
  { name: 'aws-cp-1', cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
  { name: 'aws-w-1', cloud: Cloud.AWS, role: NodeRole.WORKER },
  { name: 'gcp-cp-1', cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
  { name: 'gcp-w-1', cloud: Cloud.GCP, role: NodeRole.WORKER },
  { name: 'azure-w-1', cloud: Cloud.AZURE, role: NodeRole.WORKER },
];
/** A path that must work: minutes, never reached by a passing run (lab-waits.ts). */
const SETTLE_MS = PATH_LIMIT_MS;

const orderedPairs = <T,>(items: readonly T[]): [T, T][] => items.flatMap((a) => items.filter((b) => b !== a).map((b): [T, T] => [a, b]));

describeAgentLab('mesh records restored at boot, without the API, in network namespaces', () => {
  let lab: AgentLab;
  const meshPairs = (pairs: [LabNode, LabNode][]) => pairs.map(([a, b]) => [a.ns, lab.meshAddress(b.name)] as const);
  const podPairs = (pairs: [LabNode, LabNode][]) => pairs.map(([a, b]) => [a.podNs, b.podAddress] as const);
  const hasInterface = async (node: LabNode) => (await run('ip', ['-n', node.ns, 'link', 'show', 'dev', node.ifname])).code === 0;

  beforeAll(async () => {
    lab = await AgentLab.create(SPECS, MeshMode.FULL_MESH);
  }, BUILD_LIMIT_MS);

  afterAll(async () => {
    await lab?.cleanup();
  }, BUILD_LIMIT_MS);

  test('synced over the API: every node keeps the records it applied and the control planes\' mesh addresses', async () => {
    for (const node of lab.nodes) {
      const result = await lab.meshUp(node.name);
      expect({ node: node.name, code: result.code }).toEqual({ node: node.name, code: 0 });
      lab.startAgent(node.name);
      lab.register(node.name);
    }
    expect(await lab.lab.unreachable(meshPairs(orderedPairs(lab.nodes)), SETTLE_MS)).toEqual([]);
    const names = JSON.stringify(lab.nodes.map((node) => node.name).sort());
    const cachedNames = (node: LabNode) => JSON.stringify(readCache(node).map((r) => r.name));
    await waitFor('every node keeps every record', () => lab.nodes.every((node) => cachedNames(node) === names), { limitMs: SETTLE_MS });
    for (const node of lab.nodes) expect(lab.apiServers(node.name)).toEqual([lab.meshAddress('aws-cp-1'), lab.meshAddress('gcp-cp-1')]);
  }, jestTimeout(MESH_UP_LIMIT_MS, SETTLE_MS, SETTLE_MS));

  test('one node rebooted while the API is unreachable: mesh-up.sh interface brings its peers back from its own copy', async () => {
    lab.api.goOffline();
    const node = lab.node('gcp-w-1');
    await lab.powerOff(node.name);
    expect(await hasInterface(node)).toBe(false);
    expect(await lab.lab.ping(node.ns, lab.meshAddress('aws-cp-1'), 1)).toBe(false);

    const started = performance.now();
    const result = await lab.meshUp(node.name, 'interface');
    expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: expect.stringContaining(`restored ${lab.nodes.length - 1} peers from ${lab.cachePath(node.name)}`) });
    const pairs = orderedPairs(lab.nodes).filter(([a, b]) => a === node || b === node);
    expect(await lab.lab.unreachable([...meshPairs(pairs), ...podPairs(pairs)], SETTLE_MS)).toEqual([]);
    console.log(`one node rebooted without the API: all ${2 * pairs.length} mesh and pod pairs to and from it answer ${Math.round(performance.now() - started)} ms after mesh-up.sh interface started`);
  }, jestTimeout(MESH_UP_LIMIT_MS, SETTLE_MS));

  test('every node rebooted at once, the API still unreachable: all come back from their own copies', async () => {
    await Promise.all(lab.nodes.map((node) => lab.powerOff(node.name)));
    for (const node of lab.nodes) expect({ node: node.name, wg0: await hasInterface(node) }).toEqual({ node: node.name, wg0: false });

    const started = performance.now();
    const results = await Promise.all(lab.nodes.map(async (node) => ({ node: node.name, code: (await lab.meshUp(node.name, 'interface')).code })));
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    const pairs = orderedPairs(lab.nodes);
    expect(await lab.lab.unreachable([...meshPairs(pairs), ...podPairs(pairs)], SETTLE_MS)).toEqual([]);
    console.log(`every node rebooted at once without the API: all ${2 * pairs.length} mesh and pod pairs answer ${Math.round(performance.now() - started)} ms after the mesh-up.sh interface runs started`);
    for (const node of lab.nodes) expect(lab.apiServers(node.name)).toEqual([lab.meshAddress('aws-cp-1'), lab.meshAddress('gcp-cp-1')]);
  }, jestTimeout(MESH_UP_LIMIT_MS, SETTLE_MS));

  /** The records of the node's last sync (none before its first). */
  function readCache(node: LabNode): { name: string }[] {
    try {
      return JSON.parse(readFileSync(lab.cachePath(node.name), 'utf8')).records;
    } catch {
      return [];
    }
  }
});
