/**
 * The node agent is the run-time twin of planMesh: for the same records and
 * settings, `cast-mesh-agent render` must print exactly what
 * renderWireGuardConfig and renderInterfaceSetup render from planMesh, and its
 * plan must give the node the pod MTU planMesh gives it (what the agent writes
 * into the CNI configuration). Random record sets (fast-check) go to one
 * `render-batch` call, so python3 starts once per batch.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import {
  allocateMeshAddresses,
  ALL_ENCAPSULATIONS,
  ALL_MESH_MODES,
  Encapsulation,
  MeshMode,
  MeshRecord,
  meshNodeInputOfRecord,
  planMesh,
  renderInterfaceSetup,
  renderWireGuardConfig,
} from '../../lib/core/mesh';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { AGENT, runAgent } from './agent-cli';
import { RecordsDir, timestamp } from './records-dir';

interface Settings {
  readonly mode: MeshMode;
  readonly meshCidr: string;
  readonly listenPort: number;
  /** Absent: from the clouds of the records (defaultWireGuardMtu). */
  readonly mtu?: number;
  readonly persistentKeepalive: number;
  readonly gatewaysPerCloud: number;
  /** Absent: the default table (DEFAULT_ENCAPSULATION, the agent's ENCAPSULATION); else overrides of some clouds. */
  readonly encapsulation?: Partial<Record<Cloud, Encapsulation>>;
}

/** One render-batch case: what the agent is given. */
interface Case {
  readonly settings: Settings;
  readonly records: MeshRecord[];
  readonly self: string;
  readonly privateKey?: string;
  readonly interface: string;
}

type Rendered = { config: string | null; setup: string[] } | { problems: string[] };

const MESH_CIDRS = ['10.4.0.0/16', '100.64.0.0/24', '10.4.0.0/26', '172.16.0.0/12'];
const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join('.'));
const endpoint = fc.oneof({ weight: 9, arbitrary: ipv4 }, { weight: 1, arbitrary: fc.ipV6() });
// Names exercise the sort: digits before letters, "-" and "." inside, prefixes of each other.
const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,10}[a-z0-9])?$/);

const settingsArb = (mode: MeshMode): fc.Arbitrary<Settings> =>
  fc.record({
    mode: fc.constant(mode),
    meshCidr: fc.constantFrom(...MESH_CIDRS),
    listenPort: fc.integer({ min: 1, max: 65535 }),
    // Unset half of the time (then it follows the clouds of the records), else any.
    mtu: fc.option(fc.integer({ min: 576, max: 9000 }), { nil: undefined }),
    persistentKeepalive: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120 })),
    gatewaysPerCloud: fc.integer({ min: 1, max: 3 }),
    // The default table half of the time, else overrides of some clouds (CAST_MESH_ENCAPSULATION).
    encapsulation: fc.option(
      fc.subarray([...ALL_CLOUDS]).chain((clouds) => fc.tuple(...clouds.map(() => fc.constantFrom(...ALL_ENCAPSULATIONS))).map((kinds) => Object.fromEntries(clouds.map((cloud, i) => [cloud, kinds[i]])))),
      { nil: undefined },
    ),
  }).map(({ mtu, encapsulation, ...settings }) => ({ ...settings, ...(mtu === undefined ? {} : { mtu }), ...(encapsulation === undefined ? {} : { encapsulation }) }));

/** 1-40 nodes over 1-4 clouds (one for cloud-network), roles, gateway pins, pod CIDRs for some. */
const caseArb = (mode: MeshMode): fc.Arbitrary<Case> =>
  fc
    .record({
      settings: settingsArb(mode),
      clouds: fc.shuffledSubarray([...ALL_CLOUDS], { minLength: 1, maxLength: mode === MeshMode.CLOUD_NETWORK ? 1 : 4 }),
      // Sizes uniform in 1..40 (left alone, fast-check prefers small arrays).
      names: fc.integer({ min: 1, max: 40 }).chain((n) => fc.uniqueArray(name, { minLength: n, maxLength: n })),
      interface: fc.constantFrom('wg0', 'cast-mesh', 'wg.a_b-9'),
      privateKey: fc.option(key, { nil: undefined }),
    })
    .chain(({ settings, clouds, names, ...rest }) =>
      fc
        .record({
          nodes: fc.tuple(
            ...names.map((nodeName, i) =>
              fc.record({
                name: fc.constant(nodeName),
                cloud: fc.constantFrom(...clouds),
                role: fc.constantFrom('control-plane', 'worker'),
                publicKey: key,
                endpoint,
                privateAddress: ipv4,
                // Pod /24s out of 10.128.0.0/9 in a shuffled order, so address order is not name order.
                podCidr: fc.option(fc.constant(`10.${128 + (i >> 8)}.${(i * 97) & 255}.0/24`), { nil: undefined, freq: 3 }),
                gateway: fc.option(fc.constantFrom('true', 'false'), { nil: undefined, freq: 2 }),
              }),
            ),
          ),
          self: fc.constantFrom(...names),
        })
        .map(({ nodes, self }): Case => {
          // The addresses allocateMeshAddresses gave the nodes at synth (the agent takes whatever a record says).
          const allocated = new Map(allocateMeshAddresses(nodes.map((n) => ({ name: n.name })), settings.meshCidr).map((a) => [a.name, a.address]));
          const records = fixGatewayPins(
            nodes.map(({ podCidr, gateway, ...n }): MeshRecord => ({
              ...n,
              meshAddress: allocated.get(n.name)!,
              ...(podCidr ? { podCidr } : {}),
              ...(gateway ? { gateway } : {}),
            })),
            settings.gatewaysPerCloud,
          );
          return { settings, records, self, ...rest };
        }),
    );

/** planMesh refuses more `true` pins than gatewaysPerCloud in a cloud, or a cloud pinned all `false`: keep the random pins that are valid. */
function fixGatewayPins(records: readonly MeshRecord[], perCloud: number): MeshRecord[] {
  const unpin = new Set<MeshRecord>();
  for (const cloud of ALL_CLOUDS) {
    const members = records.filter((r) => r.cloud === cloud);
    members.filter((r) => r.gateway === 'true').slice(perCloud).forEach((r) => unpin.add(r));
    if (members.length > 0 && members.every((r) => r.gateway === 'false')) unpin.add(members[0]);
  }
  return records.map((r) => (unpin.has(r) ? { ...r, gateway: undefined } : r)).map(({ gateway, ...r }) => (gateway ? { ...r, gateway } : r));
}

/** What the TypeScript renders for the case. */
function renderTypeScript(c: Case): Rendered {
  const plan = planMesh({ ...c.settings, nodes: c.records.map(meshNodeInputOfRecord) });
  const publicKeys = new Map(c.records.map((r) => [r.name, r.publicKey]));
  return {
    config: plan.wireGuard ? renderWireGuardConfig(plan, c.self, { privateKey: c.privateKey, publicKeyOf: (peer) => publicKeys.get(peer)! }) : null,
    setup: renderInterfaceSetup(plan, c.self, { interfaceName: c.interface }),
  };
}

function someGateway(c: Case, i: number): string {
  const gateways = planMesh({ ...c.settings, nodes: c.records.map(meshNodeInputOfRecord) }).nodes.filter((node) => node.gateway);
  return gateways[i % gateways.length].name;
}

function renderBatch(cases: readonly Case[]): Rendered[] {
  const run = runAgent(['render-batch'], { input: JSON.stringify(cases) });
  if (run.status !== 0) throw new Error(`cast-mesh-agent render-batch failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** The pod MTU the agent's plan gives the node of each case (castmesh.plan.plan_node, what node.py writes into the CNI configuration); null where it refuses the records. */
function agentPodMtus(cases: readonly Case[]): (number | null)[] {
  const script = [
    'import json, sys',
    'from castmesh import plan, records',
    'out = []',
    'for c in json.load(sys.stdin):',
    "    nodes = [records.parse(d, c['settings']) for d in c['records']]",
    "    bad = any(isinstance(n, str) for n in nodes) or plan.problems(nodes, c['settings'])",
    "    out.append(None if bad else plan.plan_node(nodes, c['self'], c['settings'])['podMtu'])",
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const run = spawnSync('python3', ['-B', '-c', script], { input: JSON.stringify(cases), encoding: 'utf8', cwd: dirname(AGENT), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (run.status !== 0) throw new Error(`castmesh.plan pod MTUs failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function podMtuOf(c: Case): number {
  return planMesh({ ...c.settings, nodes: c.records.map(meshNodeInputOfRecord) }).nodes.find((node) => node.name === c.self)!.podMtu;
}

describeWithTool('python3', 'python3', 'cast-mesh-agent render is byte-identical to planMesh + renderWireGuardConfig + renderInterfaceSetup', () => {
  const RUNS_PER_MODE = 400;

  test.each(ALL_MESH_MODES)('%s: random record sets', (mode) => {
    const sampled = fc.sample(caseArb(mode), { numRuns: RUNS_PER_MODE, seed: 4 + ALL_MESH_MODES.indexOf(mode) });
    // A random node is seldom a cross-location gateway: render each case from one of its gateways too.
    const cases = mode === MeshMode.CROSS_LOCATION ? sampled.flatMap((c, i) => [c, { ...c, self: someGateway(c, i) }]) : sampled;
    const started = performance.now();
    const agent = renderBatch(cases);
    const elapsed = performance.now() - started;
    const mismatches = cases.flatMap((c, i) => {
      const expected = renderTypeScript(c);
      return JSON.stringify(agent[i]) === JSON.stringify(expected) ? [] : [{ case: c, expected, agent: agent[i] }];
    });
    expect(mismatches.slice(0, 1)).toEqual([]);
    const podMtus = agentPodMtus(cases);
    const podMismatches = cases.flatMap((c, i) => (podMtus[i] === podMtuOf(c) ? [] : [{ case: c, expected: podMtuOf(c), agent: podMtus[i] }]));
    expect(podMismatches.slice(0, 1)).toEqual([]);
    const nodes = cases.reduce((sum, c) => sum + c.records.length, 0);
    const peers = agent.reduce((sum, r) => sum + ('config' in r && r.config ? r.config.split('[Peer]').length - 1 : 0), 0);
    console.log(`parity ${mode}: ${cases.length} cases, ${nodes} records, ${peers} peer sections, identical; python3 render-batch ${Math.round(elapsed)} ms`);
  });

  test('the record sets cover what the rules branch on', () => {
    const cases = fc.sample(caseArb(MeshMode.CROSS_LOCATION), { numRuns: 200, seed: 5 });
    const records = cases.flatMap((c) => c.records);
    expect(records.some((r) => r.gateway === 'true') && records.some((r) => r.gateway === 'false')).toBe(true);
    expect(records.some((r) => r.podCidr) && records.some((r) => !r.podCidr)).toBe(true);
    expect(records.some((r) => r.endpoint.includes(':'))).toBe(true);
    expect(cases.some((c) => c.settings.gatewaysPerCloud > 1 && c.records.length > 20)).toBe(true);
    expect(cases.some((c) => new Set(c.records.map((r) => r.cloud)).size === 4)).toBe(true);
    expect(cases.some((c) => c.settings.persistentKeepalive === 0)).toBe(true);
    expect(cases.some((c) => c.settings.encapsulation === undefined) && cases.some((c) => c.settings.encapsulation?.[Cloud.GCP] === Encapsulation.NONE)).toBe(true);
    expect(cases.some((c) => c.settings.mtu === undefined) && cases.some((c) => c.settings.mtu !== undefined)).toBe(true);
    // Tunnelled (IPIP and VXLAN) and plain nodes, gateways and not, with and without same-cloud peers.
    const planned = cases.flatMap((c, i) => {
      const plan = planMesh({ ...c.settings, nodes: c.records.map(meshNodeInputOfRecord) });
      return [c.self, someGateway(c, i)].map((self) => ({ c, plan, node: plan.nodes.find((n) => n.name === self)!, setup: renderInterfaceSetup(plan, self) }));
    });
    for (const kind of [Encapsulation.IPIP, Encapsulation.VXLAN]) {
      const tunnelled = planned.filter(({ node }) => node.encapsulation === kind);
      const device = kind === Encapsulation.IPIP ? 'cast-ipip' : 'cast-vxlan';
      expect(tunnelled.some(({ node }) => node.gateway) && tunnelled.some(({ node }) => !node.gateway)).toBe(true);
      expect(tunnelled.some(({ setup }) => setup.filter((line) => line.includes(` dev ${device} onlink src `)).length > 10)).toBe(true);
    }
    expect(planned.some(({ setup }) => setup.filter((line) => line.startsWith('bridge fdb replace ')).length > 10)).toBe(true);
    expect(planned.some(({ node }) => !node.encapsulation && node.routes.some((r) => r.via !== undefined))).toBe(true);
    // The WireGuard MTU both with a GCP node (1400) and without (1440), and pod MTUs below it (a tunnel) and equal.
    expect(new Set(planned.filter(({ c }) => c.settings.mtu === undefined).map(({ plan }) => plan.mtu))).toEqual(new Set([1400, 1440]));
    expect(planned.some(({ plan, node }) => node.podMtu < plan.mtu) && planned.some(({ plan, node }) => node.podMtu === plan.mtu)).toBe(true);
    // Gateways carrying several nodes, with and without pod CIDRs, behind more than one gateway of their cloud.
    const carried = cases.map((c, i) => planMesh({ ...c.settings, nodes: c.records.map(meshNodeInputOfRecord) }).nodes.find((n) => n.name === someGateway(c, i))!);
    expect(carried.some((node) => node.peers.some((peer) => peer.allowedIps.length > 10))).toBe(true);
    // Cloud-network mode on tunnelled clouds (default table and overrides) and on plain ones.
    const single = fc.sample(caseArb(MeshMode.CLOUD_NETWORK), { numRuns: 200, seed: 5 }).map((c) => {
      const plan = planMesh({ ...c.settings, nodes: c.records.map(meshNodeInputOfRecord) });
      return { c, node: plan.nodes.find((n) => n.name === c.self)!, setup: renderInterfaceSetup(plan, c.self) };
    });
    const tunnelledPods = single.filter(({ node, setup }) => node.encapsulation && setup.some((line) => / dev cast-(ipip|vxlan) onlink$/.test(line)));
    expect([...new Set(tunnelledPods.map(({ node }) => node.cloud))]).toEqual(expect.arrayContaining([Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN]));
    expect(tunnelledPods.some(({ c }) => c.settings.encapsulation === undefined) && tunnelledPods.some(({ c }) => c.settings.encapsulation !== undefined)).toBe(true);
    expect(single.some(({ node, setup }) => !node.encapsulation && node.cloud !== Cloud.AWS && setup.some((line) => line.includes(' via ')))).toBe(true);
  });

  test('`render --records-dir` prints the same config and lines (the CLI a person runs on a node)', () => {
    const [c] = fc.sample(caseArb(MeshMode.FULL_MESH).filter((x) => x.records.length > 3), { numRuns: 1, seed: 7 });
    const dir = mkdtempSync(join(tmpdir(), 'cast-records-'));
    try {
      // The directory backend's layout: the Node (role label, pod CIDR) and the node's own annotations.
      const api = new RecordsDir(dir);
      for (const [i, { name: nodeName, role, podCidr, ...fields }] of c.records.entries()) {
        api.register({ name: nodeName, controlPlane: role === 'control-plane', podCidr, createdAt: timestamp(i) });
        api.annotate(nodeName, fields);
      }
      const keyFile = join(dir, 'key');
      const privateKey = randomBytes(32).toString('base64');
      writeFileSync(keyFile, `${privateKey}\n`);
      // The CLI takes an MTU (1420 unless given) and no encapsulation (full mesh has none).
      const s = { ...c.settings, mtu: c.settings.mtu ?? 1420 };
      const args = ['--records-dir', dir, 'render', '--self', c.self, '--private-key-file', keyFile, '--interface', c.interface, '--mode', s.mode, '--mesh-cidr', s.meshCidr];
      const numbers = ['--listen-port', s.listenPort, '--mtu', s.mtu, '--persistent-keepalive', s.persistentKeepalive, '--gateways-per-cloud', s.gatewaysPerCloud].map(String);
      const run = runAgent([...args, ...numbers]);
      const expected = renderTypeScript({ ...c, settings: s, privateKey }) as { config: string; setup: string[] };
      expect(run).toEqual({ status: 0, stdout: `${expected.config}${expected.setup.join('\n')}\n`, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithTool('python3', 'python3', 'cast-mesh-agent refuses what planMesh refuses, and records that could inject config', () => {
  const settings: Settings = { mode: MeshMode.CROSS_LOCATION, meshCidr: '10.4.0.0/16', listenPort: 51820, mtu: 1420, persistentKeepalive: 25, gatewaysPerCloud: 1 };
  const pub = (i: number) => Buffer.alloc(32, i).toString('base64');
  const record = (nodeName: string, i: number, extra: Partial<Record<keyof MeshRecord, string | undefined>> = {}): MeshRecord =>
    ({ name: nodeName, cloud: Cloud.AWS, role: 'worker', publicKey: pub(i), endpoint: `198.18.0.${i}`, meshAddress: `10.4.0.${i}`, privateAddress: `10.10.0.${i}`, podCidr: `10.244.${i}.0/24`, ...extra }) as MeshRecord;
  const base = [record('a', 1), record('b', 2, { cloud: Cloud.GCP }), record('c', 3, { cloud: Cloud.GCP })];

  const refusedByBoth: [string, Partial<Settings>, MeshRecord[]][] = [
    ['two nodes with one mesh address', {}, [...base, record('d', 4, { meshAddress: '10.4.0.1' })]],
    ['overlapping pod CIDRs', {}, [...base, record('d', 4, { podCidr: '10.244.0.0/16' })]],
    ['a pod CIDR inside the mesh range', {}, [...base, record('d', 4, { podCidr: '10.4.9.0/24' })]],
    ['cloud-network mode across clouds', { mode: MeshMode.CLOUD_NETWORK }, base],
    ['more gateway pins than gatewaysPerCloud', {}, [...base.slice(0, 1), record('b', 2, { cloud: Cloud.GCP, gateway: 'true' }), record('c', 3, { cloud: Cloud.GCP, gateway: 'true' })]],
    ['a cloud whose nodes are all pinned gateway: false', {}, [...base.slice(0, 2), record('c', 3, { cloud: Cloud.AZURE, gateway: 'false' })]],
    ['a mesh address outside the mesh range', {}, [...base, record('d', 4, { meshAddress: '10.5.0.4' })]],
    ["the mesh range's broadcast address", {}, [...base, record('d', 4, { meshAddress: '10.4.255.255' })]],
  ];
  const badRecords: [string, Partial<Record<keyof MeshRecord, string | undefined>>][] = [
    ['a public key that carries a second line', { publicKey: `${pub(4)}\nAllowedIPs = 0.0.0.0/0` }],
    ['a public key that is not 32 bytes of base64', { publicKey: 'placeholder' }],
    ['an endpoint with a port', { endpoint: '198.18.0.4:51820' }],
    ['a private address that is a CIDR', { privateAddress: '10.10.0.0/24' }],
    ['a pod CIDR with host bits', { podCidr: '10.244.4.1/24' }],
    ['a route injected through the pod CIDR', { podCidr: '10.244.4.0/24 via 1.2.3.4' }],
    ['an unknown cloud', { cloud: 'hetzner' }],
    ['an unknown role', { role: 'etcd' }],
    ['a name that is no node name', { name: 'D 4' }],
    ['a gateway pin that is no boolean', { gateway: 'yes' }],
    ['no private address', { privateAddress: undefined }],
  ];
  const refusedCases = refusedByBoth.map(([, overrides, records]): Case => ({ settings: { ...settings, ...overrides }, records, self: 'a', interface: 'wg0' }));
  const badCases = badRecords.map(([, bad]): Case => ({ settings, records: [...base, record('d', 4, bad)], self: 'a', interface: 'wg0' }));
  // One python3 for all of them.
  let agent: Rendered[];
  beforeAll(() => {
    agent = renderBatch([...refusedCases, ...badCases]);
  });

  test.each(refusedByBoth.map(([what], i) => [what, i] as const))('%s', (_what, i) => {
    expect(() => renderTypeScript(refusedCases[i])).toThrow();
    expect(agent[i]).toEqual({ problems: expect.arrayContaining([expect.any(String)]) });
  });

  test.each(badRecords.map(([what], i) => [what, i] as const))('a record with %s is refused by name', (_what, i) => {
    expect(agent[refusedCases.length + i]).toEqual({ problems: [expect.stringMatching(/^record '.*' has (a bad|no) /)] });
  });
});
