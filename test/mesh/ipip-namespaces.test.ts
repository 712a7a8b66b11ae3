/**
 * Cross-location mode on a cloud that, like GCP and Azure, delivers a packet to
 * a node only when the node owns its destination address: the lab's GCP
 * network drops bridged frames from GCP nodes whose IPv4 destination is outside
 * the cloud's private and public /24 (nftables, in the router namespace). AWS
 * stays an L2 network that delivers any destination.
 *
 * 1. Plain routing (`ipipClouds: []`): GCP private addresses reach each other,
 *    the gateways reach each other over WireGuard, AWS nodes reach each other,
 *    but every path that routes a mesh or pod address via a GCP private
 *    address is dropped.
 * 2. The default plan (GCP nodes tunnel through `cast-ipip`): every mesh and
 *    pod pair of the 5 nodes reaches each other, GCP nodes route same-cloud
 *    and other-cloud traffic through the tunnel, AWS ones straight onto their
 *    network, and the filter drops nothing more.
 *
 * 3. Cloud-network mode (no WireGuard) on a GCP-only lab: plain routing
 *    (`ipipClouds: []`) drops pod to pod; the default plan tunnels the pod
 *    routes through `cast-ipip` and every pod pair answers.
 *
 * Needs what wireguard-namespaces.test.ts needs, plus `nft` (skipped with a
 * printed reason without it: .ci/run does not install nftables). On a kernel
 * without the ipip driver (CONFIG_NET_IPIP unset, as on the development
 * container) part 2 runs test/mesh/userspace-ipip.py as each GCP node's
 * cast-ipip device instead of the rendered `ip link replace … type ipip` line
 * (said in a printed note), and is skipped with a printed reason when python3
 * is missing too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Cloud } from '../../lib/core/cloud';
import { MeshMode, MeshPlan, planMesh } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { BUILD_LIMIT_MS, jestTimeout, PATH_LIMIT_MS, READY_LIMIT_MS } from './lab-waits';
import { LabNode, NamespaceLab, run } from './namespace-lab';

const BINARIES = ['wireguard-go', 'wg', 'ip', 'ss', 'ping'];
const onPath = (binary: string) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, binary)));
const missingBinaries = BINARIES.filter((binary) => !onPath(binary));
const root = process.getuid?.() === 0;
const skipReasons = [
  ...(root ? [] : ['not running as root (network namespaces need it)']),
  ...(existsSync('/dev/net/tun') ? [] : ['/dev/net/tun is missing (wireguard-go needs a TUN device)']),
  ...(missingBinaries.length > 0 && process.env.CI !== 'true' ? [`missing binaries: ${missingBinaries.join(', ')} (apt-get install wireguard-go wireguard-tools iproute2 iputils-ping)`] : []),
  ...(onPath('nft') ? [] : ['nft is missing (apt-get install nftables; the lab filters its GCP network with it)']),
];
const describeIf = skipReasons.length > 0 ? describe.skip : describe;
if (skipReasons.length > 0) console.warn(`Skipping the IPIP namespace test: ${skipReasons.join('; ')}.`);

/** Why this kernel makes no ipip device (tried in a throwaway network namespace); undefined when it does. */
const noKernelIpip = (() => {
  if (skipReasons.length > 0) return undefined;
  const probe = spawnSync('unshare', ['--net', 'ip', 'link', 'add', 'probe', 'type', 'ipip', 'local', '192.0.2.1'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `this kernel makes no ipip device (${(probe.stderr || probe.error?.message || '').trim()}; CONFIG_NET_IPIP)`;
})();
const userspaceIpip = noKernelIpip !== undefined && onPath('python3');
if (noKernelIpip && userspaceIpip) console.warn(`IPIP namespace test: ${noKernelIpip}; cast-ipip is test/mesh/userspace-ipip.py instead of the rendered \`ip link replace … type ipip\` line.`);
if (noKernelIpip && !userspaceIpip) console.warn(`Skipping the IPIP part of the IPIP namespace test: ${noKernelIpip}, and no python3 for the userspace stand-in.`);
const testIpip = noKernelIpip && !userspaceIpip ? test.skip : test;

const SPECS = [
  { name: 'aws-cp-1', cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
  { name: 'aws-w-1', cloud: Cloud.AWS, role: NodeRole.WORKER },
  { name: 'gcp-cp-1', cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
  { name: 'gcp-w-1', cloud: Cloud.GCP, role: NodeRole.WORKER },
  { name: 'gcp-w-2', cloud: Cloud.GCP, role: NodeRole.WORKER },
];
/** A path that must work: minutes, never reached by a passing run (lab-waits.ts). */
const SETTLE_MS = PATH_LIMIT_MS;
/** A ping that must fail: two 1 s waits. */
const FAIL_ATTEMPTS = 2;

const orderedPairs = <T,>(items: readonly T[]): [T, T][] => items.flatMap((a) => items.filter((b) => b !== a).map((b): [T, T] => [a, b]));

describeIf('IPIP inside a cloud that drops foreign destinations, in network namespaces', () => {
  if (missingBinaries.length > 0) {
    test('the binaries .ci/run installs are present', () => {
      throw new Error(`missing binaries on CI: ${missingBinaries.join(', ')}. .ci/run installs wireguard-go, wireguard-tools, iproute2 and iputils-ping.`);
    });
    return;
  }

  let lab: NamespaceLab;
  const mesh = (plan: MeshPlan, name: string) => plan.nodes.find((node) => node.name === name)!.meshAddress;
  const routeTo = async (from: LabNode, address: string) => (await run('ip', ['-n', from.ns, 'route', 'get', address])).stdout;

  beforeAll(async () => {
    lab = await NamespaceLab.create(SPECS, { l3Clouds: [Cloud.GCP], userspaceIpip });
  }, BUILD_LIMIT_MS);

  afterAll(async () => {
    await lab?.cleanup();
  }, BUILD_LIMIT_MS);

  test('plain routing: GCP drops mesh and pod addresses routed via private ones; gateways and AWS still work', async () => {
    const plan = planMesh({ nodes: lab.meshNodes(), mode: MeshMode.CROSS_LOCATION, ipipClouds: [] });
    expect(plan.nodes.filter((node) => node.gateway).map((node) => node.name)).toEqual(['aws-cp-1', 'gcp-cp-1']);
    await lab.apply(plan);
    const [awsCp, awsW, gcpCp, gcpW1, gcpW2] = SPECS.map((spec) => lab.node(spec.name));
    expect(await routeTo(gcpW1, mesh(plan, 'gcp-w-2'))).toContain(`via ${gcpW2.privateAddress} dev eth0`);

    const works = await lab.unreachable(
      [
        [gcpW1.ns, gcpW2.privateAddress],
        [gcpCp.ns, mesh(plan, 'aws-cp-1')],
        [awsCp.ns, mesh(plan, 'gcp-cp-1')],
        [awsW.ns, mesh(plan, 'aws-cp-1')],
        [awsCp.podNs, awsW.podAddress],
      ],
      SETTLE_MS,
    );
    expect(works).toEqual([]);

    const dropped = [
      [gcpW1.ns, mesh(plan, 'gcp-w-2')],
      [gcpW1.podNs, gcpW2.podAddress],
      [gcpCp.ns, mesh(plan, 'gcp-w-1')],
      [gcpW1.ns, mesh(plan, 'aws-w-1')],
      [awsW.ns, mesh(plan, 'gcp-w-2')],
    ] as const;
    const before = await lab.droppedFrames();
    const answered = await Promise.all(dropped.map(([ns, address]) => lab.ping(ns, address, FAIL_ATTEMPTS)));
    expect(answered).toEqual(dropped.map(() => false));
    expect(await lab.droppedFrames()).toBeGreaterThanOrEqual(before + dropped.length * FAIL_ATTEMPTS);
  }, jestTimeout(3 * READY_LIMIT_MS, SETTLE_MS));

  testIpip('IPIP: every mesh and pod pair reaches each other; GCP traffic inside GCP goes through cast-ipip', async () => {
    const plan = planMesh({ nodes: lab.meshNodes(), mode: MeshMode.CROSS_LOCATION });
    expect(plan.nodes.map((node) => [node.name, node.ipip === true])).toEqual([
      ['aws-cp-1', false],
      ['aws-w-1', false],
      ['gcp-cp-1', true],
      ['gcp-w-1', true],
      ['gcp-w-2', true],
    ]);
    const started = performance.now();
    await lab.apply(plan);
    const before = await lab.droppedFrames();
    const pairs = orderedPairs(lab.nodes).flatMap(([a, b]) => [[a.ns, mesh(plan, b.name)] as const, [a.podNs, b.podAddress] as const]);
    expect(await lab.unreachable(pairs, SETTLE_MS)).toEqual([]);
    console.log(`ipip: all ${pairs.length} mesh and pod pairs of ${lab.nodes.length} nodes reached ${Math.round(performance.now() - started)} ms after apply`);
    // Nothing went to a foreign destination on the GCP network.
    expect(await lab.droppedFrames()).toBe(before);

    const [awsCp, awsW, gcpCp, gcpW1, gcpW2] = SPECS.map((spec) => lab.node(spec.name));
    expect(await routeTo(gcpW1, mesh(plan, 'gcp-w-2'))).toContain(`via ${gcpW2.privateAddress} dev cast-ipip`);
    expect(await routeTo(gcpW1, gcpW2.podAddress)).toContain(`via ${gcpW2.privateAddress} dev cast-ipip`);
    expect(await routeTo(gcpW1, mesh(plan, 'aws-w-1'))).toContain(`via ${gcpCp.privateAddress} dev cast-ipip`);
    expect(await routeTo(gcpCp, mesh(plan, 'aws-w-1'))).toContain(`dev ${gcpCp.ifname}`);
    expect(await routeTo(awsW, mesh(plan, 'gcp-w-1'))).toContain(`via ${awsCp.privateAddress} dev eth0`);
    // Cross-cloud traffic goes through the gateways: only they peer, and only with each other.
    for (const node of lab.nodes) {
      const peers = (await lab.wgShow(node, 'peers')).flat();
      const expected = node === awsCp ? [gcpCp.publicKey] : node === gcpCp ? [awsCp.publicKey] : [];
      expect({ node: node.name, peers }).toEqual({ node: node.name, peers: expected });
    }
    // With the GCP gateway's WireGuard down, GCP nodes still reach each other through the tunnel, but not AWS.
    await run('ip', ['-n', gcpCp.ns, 'link', 'set', 'dev', gcpCp.ifname, 'down']);
    const [inside, outside] = await Promise.all([lab.reachable(gcpW1.ns, mesh(plan, 'gcp-w-2'), SETTLE_MS), lab.ping(gcpW1.ns, mesh(plan, 'aws-w-1'), FAIL_ATTEMPTS)]);
    expect({ inside, outside }).toEqual({ inside: true, outside: false });
  }, jestTimeout(2 * READY_LIMIT_MS, SETTLE_MS, SETTLE_MS));
});

const GCP_SPECS = [
  { name: 'gcp-a', cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
  { name: 'gcp-b', cloud: Cloud.GCP, role: NodeRole.WORKER },
  { name: 'gcp-c', cloud: Cloud.GCP, role: NodeRole.WORKER },
];

describeIf('cloud-network mode inside a cloud that drops foreign destinations, in network namespaces', () => {
  if (missingBinaries.length > 0) return;

  let lab: NamespaceLab;
  const routeTo = async (from: LabNode, address: string) => (await run('ip', ['-n', from.ns, 'route', 'get', address])).stdout;

  beforeAll(async () => {
    lab = await NamespaceLab.create(GCP_SPECS, { l3Clouds: [Cloud.GCP], userspaceIpip });
  }, BUILD_LIMIT_MS);

  afterAll(async () => {
    await lab?.cleanup();
  }, BUILD_LIMIT_MS);

  test('plain routing: pod to pod via private addresses is dropped; private addresses still reach each other', async () => {
    const plan = planMesh({ nodes: lab.meshNodes(), mode: MeshMode.CLOUD_NETWORK, ipipClouds: [] });
    expect(plan.wireGuard).toBe(false);
    expect(plan.nodes.some((node) => node.ipip)).toBe(false);
    await lab.apply(plan);
    const [a, b] = GCP_SPECS.map((spec) => lab.node(spec.name));
    expect(await routeTo(a, b.podAddress)).toContain(`via ${b.privateAddress} dev eth0`);
    expect(await lab.unreachable([[a.ns, b.privateAddress]], SETTLE_MS)).toEqual([]);

    const pairs = orderedPairs(lab.nodes).map(([x, y]) => [x.podNs, y.podAddress] as const);
    const before = await lab.droppedFrames();
    const answered = await Promise.all(pairs.map(([ns, address]) => lab.ping(ns, address, FAIL_ATTEMPTS)));
    expect(answered).toEqual(pairs.map(() => false));
    expect(await lab.droppedFrames()).toBeGreaterThanOrEqual(before + pairs.length * FAIL_ATTEMPTS);
  }, jestTimeout(SETTLE_MS));

  testIpip('IPIP: every pod pair answers through cast-ipip; the filter drops nothing', async () => {
    const plan = planMesh({ nodes: lab.meshNodes(), mode: MeshMode.CLOUD_NETWORK });
    expect(plan.nodes.map((node) => node.ipip)).toEqual([true, true, true]);
    await lab.apply(plan);
    const before = await lab.droppedFrames();
    const pairs = orderedPairs(lab.nodes).map(([x, y]) => [x.podNs, y.podAddress] as const);
    expect(await lab.unreachable(pairs, SETTLE_MS)).toEqual([]);
    expect(await lab.droppedFrames()).toBe(before);
    const [a, b] = GCP_SPECS.map((spec) => lab.node(spec.name));
    expect(await routeTo(a, b.podAddress)).toContain(`via ${b.privateAddress} dev cast-ipip`);
    // No WireGuard interface in this mode.
    expect((await run('ip', ['-n', a.ns, 'link', 'show', 'dev', a.ifname])).code).not.toBe(0);
  }, jestTimeout(READY_LIMIT_MS, SETTLE_MS));
});
