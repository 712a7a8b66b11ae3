/**
 * Claimed mesh addresses for real: nodes of an autoscaled group boot with an
 * empty CAST_MESH_ADDRESS and CAST_MESH_CLAIM_CIDR set (their group's block),
 * run the `mesh-up.sh worker` their user-data carries, all at once, in network
 * namespaces (agent-lab.ts), with a records directory shared by the nodes
 * standing in for the API. Each claims an address of the block
 * (`claims/<address>`), brings WireGuard up with it, publishes its record once
 * its Node is registered, and all of them, with a static control-plane node,
 * ping each other over the mesh.
 *
 * Needs root, /dev/net/tun, wireguard-go, wg, ip, ss, ping and python3: without
 * them the group is skipped with the reason printed, and fails on CI
 * (agent-lab.ts, test/support/requirements.ts). Everything is removed in afterAll.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cloud } from '../../lib/core/cloud';
import { MeshMode } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { AgentLab, describeAgentLab, MESH_UP_LIMIT_MS } from './agent-lab';
import { BUILD_LIMIT_MS, jestTimeout, PATH_LIMIT_MS, waitFor } from './lab-waits';
import { run } from './namespace-lab';

const BLOCK = '10.4.37.0/24';
/**
 * A static control-plane node (its address allocated at synth, outside the block) and three
 * scaled workers in three clouds; the first two share a home slot (nameHash mod 254 = 190), so
 * one of them probes on.
 */
const STATIC = { name: 'aws-cp-1', cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE };
const SCALED = [
  { name: 'aws-pool-i-0a1b2c', cloud: Cloud.AWS, role: NodeRole.WORKER },
  { name: 'gcp-pool-0024', cloud: Cloud.GCP, role: NodeRole.WORKER },
  { name: 'azure-pool-000003', cloud: Cloud.AZURE, role: NodeRole.WORKER },
];
/** A path that must work: minutes, never reached by a passing run (lab-waits.ts). */
const SETTLE_MS = PATH_LIMIT_MS;

describeAgentLab('claimed mesh addresses in network namespaces', () => {
  let lab: AgentLab;
  beforeAll(async () => {
    lab = await AgentLab.create([STATIC, ...SCALED], MeshMode.FULL_MESH);
    // What the renderer writes for a scaled node: no address, the group's block (a later line wins).
    for (const node of SCALED) appendFileSync(join(lab.nodeDir(node.name), 'node.env'), `CAST_MESH_ADDRESS=''\nCAST_MESH_CLAIM_CIDR='${BLOCK}'\n`);
  }, BUILD_LIMIT_MS);

  afterAll(async () => {
    await lab?.cleanup();
  }, BUILD_LIMIT_MS);

  test('three scaled workers run mesh-up.sh at once: distinct addresses of the block, claimed, on their interfaces, and everyone pings everyone', async () => {
    const started = performance.now();
    // The init node: mesh-up.sh init, then its agent publishes once kubeadm init has registered its Node.
    const init = await lab.meshUp(STATIC.name);
    expect({ code: init.code, output: init.stdout + init.stderr }).toEqual({ code: 0, output: expect.any(String) });
    lab.startAgent(STATIC.name);
    lab.register(STATIC.name);
    const results = await Promise.all(
      SCALED.map(async (node) => {
        const result = await lab.meshUp(node.name, 'worker');
        lab.startAgent(node.name);
        // kubeadm join: the kubelet registers the Node; the agent then publishes the claimed address.
        lab.register(node.name);
        return { node: node.name, code: result.code, output: result.stdout + result.stderr };
      }),
    );
    const up = performance.now();
    expect(results.filter((r) => r.code !== 0)).toEqual([]);

    // node.env's last CAST_MESH_ADDRESS line is the claimed address; the claim file names the node.
    const claimed = new Map(
      SCALED.map((node) => {
        const lines = readFileSync(join(lab.nodeDir(node.name), 'node.env'), 'utf8').match(/^CAST_MESH_ADDRESS='[^']*'$/gm)!;
        return [node.name, lines[lines.length - 1].slice("CAST_MESH_ADDRESS='".length, -1)];
      }),
    );
    const addresses = [...claimed.values()];
    expect(new Set(addresses).size).toBe(SCALED.length);
    // The two that share home slot 190 (10.4.37.191) took it and the next free one.
    expect([claimed.get(SCALED[0].name), claimed.get(SCALED[1].name)].sort()).toEqual(['10.4.37.191', '10.4.37.192']);
    for (const address of addresses) expect(address).toMatch(/^10\.4\.37\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
    const claimsDir = join(lab.recordsDir, 'claims');
    expect(Object.fromEntries(readdirSync(claimsDir).map((a) => [readFileSync(join(claimsDir, a), 'utf8'), a]))).toEqual(Object.fromEntries(claimed));
    for (const r of results) expect(r.output).toContain(`claimed ${claimed.get(r.node)}`);

    // Each interface holds its address, and each record publishes it (once the agent saw its Node).
    for (const node of SCALED) {
      const shown = (await run('ip', ['-n', lab.node(node.name).ns, '-4', '-o', 'address', 'show', 'dev', lab.node(node.name).ifname])).stdout;
      expect(shown).toContain(` inet ${claimed.get(node.name)}/32 `);
    }
    const expected = { ...Object.fromEntries(claimed), [STATIC.name]: lab.meshAddress(STATIC.name) };
    const published = () => Object.fromEntries(lab.records().map((r) => [r.name, r.meshAddress]));
    await waitFor('every record published', () => JSON.stringify(published()) === JSON.stringify(Object.fromEntries(Object.entries(expected).sort())), { limitMs: SETTLE_MS });
    const records = published();
    expect(records).toEqual(expected);

    // All ordered pairs, the static node included, over WireGuard.
    const all = [STATIC, ...SCALED].map((spec) => ({ ns: lab.node(spec.name).ns, address: records[spec.name] }));
    const pairs = all.flatMap((a) => all.filter((b) => b !== a).map((b) => [a.ns, b.address] as const));
    expect(await lab.lab.unreachable(pairs, SETTLE_MS)).toEqual([]);
    console.log(
      `claimed addresses: ${SCALED.length} concurrent mesh-up.sh worker done in ${Math.round(up - started)} ms (${addresses.join(', ')}); ` +
        `all ${pairs.length} ordered pairs pinged after ${Math.round(performance.now() - started)} ms`,
    );
    // Over WireGuard indeed: each scaled node has a handshake with every other node.
    for (const node of SCALED) {
      const handshakes = (await lab.lab.wgShow(lab.node(node.name), 'latest-handshakes')).filter(([, t]) => t !== '0');
      expect(handshakes).toHaveLength(SCALED.length);
    }
  }, jestTimeout(MESH_UP_LIMIT_MS, MESH_UP_LIMIT_MS, SETTLE_MS, SETTLE_MS));
});
