/**
 * The mesh at run time, for real: 8 nodes in 4 "clouds" as network namespaces
 * (agent-lab.ts), each running the `mesh-up.sh` and `cast-mesh-agent` its
 * user-data carries, with a shared directory standing in for the Kubernetes
 * API (records-dir.ts): the test registers each Node (role label, pod CIDR,
 * age) as kubeadm would, and each agent publishes its own annotations. Nobody
 * hands a node its peers: it makes its key, publishes its record once its Node
 * exists, and configures itself from the others' records. Forged records
 * change no node's peers or routes. A ninth node joins later and is removed
 * again. Then the same nodes switch to cross-location.
 *
 * Needs root, /dev/net/tun, wireguard-go, wg, ip, ss, ping and python3: without
 * them the group is skipped with the reason printed, and fails on CI
 * (agent-lab.ts, test/support/requirements.ts). The pod masquerade check needs iptables
 * too, in a group of its own (skipped without it, failing on CI). Everything is removed in afterAll: the agents
 * and the wireguard-go processes mesh-up.sh started (by pid), the namespaces, the files.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Cloud } from '../../lib/core/cloud';
import { MeshMode, vxlanMac } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { describeNeeding, missingBinaries } from '../support/requirements';
import { AgentLab, describeAgentLab, MESH_UP_LIMIT_MS } from './agent-lab';
import { BUILD_LIMIT_MS, jestTimeout, PATH_LIMIT_MS, sleep } from './lab-waits';
import { LabNode, run } from './namespace-lab';
import { CONFLICT_ANNOTATION, timestamp } from './records-dir';

const IPTABLES_MISSING = missingBinaries(['iptables', 'iptables-restore'], 'apt-get install iptables');

/** 4 clouds, a control-plane node and a worker in each, plus one worker that joins later. */
const SPECS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN].flatMap((cloud) => {
  const short = cloud === Cloud.DIGITALOCEAN ? 'do' : cloud;
  return [
    { name: `${short}-cp-1`, cloud, role: NodeRole.CONTROL_PLANE },
    { name: `${short}-w-1`, cloud, role: NodeRole.WORKER },
  ];
});
const LATE = { name: 'gcp-w-9', cloud: Cloud.GCP, role: NodeRole.WORKER };
/** A path that must work (agents sync every second; crossing handshakes, lab-waits.ts): minutes, never reached by a passing run. */
const SETTLE_MS = PATH_LIMIT_MS;

const orderedPairs = <T,>(items: readonly T[]): [T, T][] => items.flatMap((a) => items.filter((b) => b !== a).map((b): [T, T] => [a, b]));

describeAgentLab('the mesh agent in network namespaces', () => {
  let lab: AgentLab;
  let first: LabNode[];
  const meshPairs = (nodes: readonly LabNode[]) => orderedPairs(nodes).map(([a, b]) => [a.ns, lab.meshAddress(b.name)] as const);
  const podPairs = (nodes: readonly LabNode[]) => orderedPairs(nodes).map(([a, b]) => [a.podNs, b.podAddress] as const);
  const privateKeyOf = (node: LabNode) => readFileSync(join(lab.nodeDir(node.name), 'wg.key'), 'utf8').trim();
  const peersOf = async (node: LabNode) => (await lab.lab.wgShow(node, 'peers')).flat().sort();
  /** Polls `check` until it holds or `ms` have passed; returns its last value. */
  const eventually = async <T,>(check: () => Promise<T>, done: (value: T) => boolean, ms = SETTLE_MS): Promise<T> => {
    const deadline = performance.now() + ms;
    let value = await check();
    while (!done(value) && performance.now() < deadline) {
      await sleep(200);
      value = await check();
    }
    return value;
  };

  beforeAll(async () => {
    lab = await AgentLab.create([...SPECS, LATE], MeshMode.FULL_MESH);
    first = lab.nodes.filter((node) => node.name !== LATE.name);
  }, BUILD_LIMIT_MS);

  afterAll(async () => {
    await lab?.cleanup();
  }, BUILD_LIMIT_MS);

  test('full mesh: each node runs mesh-up.sh and its agent, then registers; joining control planes wait for a control plane over the mesh; every ordered pair pings', async () => {
    const started = performance.now();
    // As bootstrap-node.sh: mesh-up.sh <kind> (key, interface, nothing published), then kubeadm.
    // The init node's Node exists first (kubeadm init); the others register as their kubelets
    // join. A joining control plane registers without kubeadm's control-plane label
    // (`kubeadm join --skip-phases control-plane-join`), waits for any control plane over the
    // mesh, and only then gets the label (`kubeadm join phase control-plane-join`).
    const init = await lab.meshUp(lab.initNode().name);
    expect({ code: init.code, output: init.stdout + init.stderr }).toEqual({ code: 0, output: expect.stringContaining('nothing to restore') });
    lab.startAgent(lab.initNode().name);
    lab.register(lab.initNode().name);
    const results = await Promise.all(
      first
        .filter((node) => node !== lab.initNode())
        .map(async (node) => {
          const result = await lab.meshUp(node.name);
          lab.startAgent(node.name);
          const joining = node.role === NodeRole.CONTROL_PLANE;
          lab.register(node.name, false);
          const wait = joining ? await lab.agent(node.name, ['wait-peer', '--role', 'control-plane', '--timeout', String(Math.ceil(SETTLE_MS / 1000))]) : undefined;
          if (joining) lab.register(node.name, true);
          return { node: node.name, code: result.code, output: result.stdout + result.stderr, wait: wait && { code: wait.code, output: wait.stderr } };
        }),
    );
    const up = performance.now();
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    for (const r of results.filter((x) => x.wait)) {
      expect(r.wait!.code).toBe(0);
      const answered = /cast-mesh-agent: (\S+) answers over the mesh/.exec(r.wait!.output)?.[1];
      expect(first.filter((node) => node.role === NodeRole.CONTROL_PLANE && node.name !== r.node).map((node) => node.name)).toContain(answered);
    }
    expect(await lab.lab.unreachable(meshPairs(first), SETTLE_MS)).toEqual([]);
    const pinged = performance.now();
    expect(await lab.lab.unreachable(podPairs(first), SETTLE_MS)).toEqual([]);
    console.log(
      `agent mesh of ${first.length} nodes: every node up and registered (joining control planes after a control plane answered over the mesh) in ${Math.round(up - started)} ms; ` +
        `all ${first.length * (first.length - 1)} ordered pairs pinged after ${Math.round(pinged - started)} ms`,
    );

    for (const node of first) {
      const others = first.filter((other) => other !== node).map(publicKey).sort();
      expect({ node: node.name, peers: await peersOf(node) }).toEqual({ node: node.name, peers: others });
    }
  }, jestTimeout(MESH_UP_LIMIT_MS, MESH_UP_LIMIT_MS, SETTLE_MS, SETTLE_MS, SETTLE_MS));

  test('keys are made on the node, stay there (0600), and only the public key is published, on the node\'s own Node; role and pod range are the Node\'s', async () => {
    const records = lab.records();
    expect(records.map((r) => r.name).sort()).toEqual(first.map((node) => node.name).sort());
    for (const node of first) {
      const keyFile = join(lab.nodeDir(node.name), 'wg.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const record = records.find((r) => r.name === node.name)!;
      const [[shownPublicKey]] = await lab.lab.wgShow(node, 'public-key');
      expect(record).toEqual({
        name: node.name,
        cloud: node.cloud,
        // From kubeadm's label, not from anything the node wrote.
        role: node.role,
        publicKey: shownPublicKey,
        endpoint: node.publicAddress,
        meshAddress: lab.meshAddress(node.name),
        // Found by the agent inside mesh.privateCidr, not handed to it.
        privateAddress: node.privateAddress,
        // spec.podCIDR of the Node.
        podCidr: node.podCidr,
      });
      // The node writes its self-declared fields and nothing else (no conflict: nothing is ignored).
      expect(Object.keys(lab.api.annotations(node.name)).sort()).toEqual(['cast-mesh/cloud', 'cast-mesh/endpoint', 'cast-mesh/mesh-address', 'cast-mesh/private-address', 'cast-mesh/public-key']);
      expect(JSON.stringify(records)).not.toContain(privateKeyOf(node));
      // What the node keeps for its next boot: every record it applied, and the control planes' mesh addresses.
      const cached = JSON.parse(readFileSync(lab.cachePath(node.name), 'utf8'));
      expect(cached.records.map((r: { name: string }) => r.name)).toEqual(first.map((n) => n.name).sort());
      expect(statSync(lab.cachePath(node.name)).mode & 0o777).toBe(0o600);
    }
    // The last control plane got kubeadm's label a moment ago: each agent lists it at its next sync.
    const controlPlanes = first.filter((n) => n.role === NodeRole.CONTROL_PLANE).sort((a, b) => (a.name < b.name ? -1 : 1));
    const expected = JSON.stringify(controlPlanes.map((n) => lab.meshAddress(n.name)));
    const stale = await eventually(async () => first.filter((node) => JSON.stringify(lab.apiServers(node.name)) !== expected).map((node) => node.name), (names) => names.length === 0);
    expect(stale).toEqual([]);
  }, jestTimeout(SETTLE_MS));

  test('forged records (a worker claiming the API server\'s mesh address, 169.254.169.254 as a mesh address or endpoint, a pod CIDR outside the pod range): no node\'s peers or routes change, the API server still answers, every agent reports them on its own Node', async () => {
    const apiServer = lab.initNode();
    const snapshot = async () =>
      Object.fromEntries(await Promise.all(first.map(async (node) => [node.name, { peers: (await lab.lab.wgShow(node, 'allowed-ips')).map((p) => p.join(' ')).sort(), routes: (await lab.agentRoutes(node.name)).sort() }] as const)));
    const before = await snapshot();
    const key = () => execFileSync('wg', ['genkey']).toString().trim();
    // Nodes whose kubelet credentials a forger holds: they may write their own annotations, nothing else.
    const forged = [
      { name: 'evil-w-1', meshAddress: lab.meshAddress(apiServer.name), endpoint: '198.18.9.1' },
      { name: 'evil-w-2', meshAddress: '169.254.169.254', endpoint: '198.18.9.2' },
      { name: 'evil-w-3', meshAddress: '10.4.250.3', endpoint: '169.254.169.254' },
      // A kubelet may set its Node's spec.podCIDR itself before the controller manager does.
      { name: 'evil-w-4', meshAddress: '10.4.250.4', endpoint: '198.18.9.4', podCidr: '0.0.0.0/0' },
    ];
    for (const [i, f] of forged.entries()) {
      lab.api.register({ name: f.name, controlPlane: false, podCidr: f.podCidr ?? `10.244.${200 + i}.0/24`, createdAt: timestamp(100 + i) });
      const publicKey = execFileSync('wg', ['pubkey'], { input: key() }).toString().trim();
      lab.api.annotate(f.name, { cloud: 'aws', publicKey, endpoint: f.endpoint, meshAddress: f.meshAddress, privateAddress: '10.10.0.99' });
    }
    const reported = (node: LabNode) => lab.api.annotations(node.name)[CONFLICT_ANNOTATION] ?? '';
    const unreported = await eventually(
      async () => first.filter((node) => forged.some((f) => !reported(node).includes(`record '${f.name}'`))).map((node) => node.name),
      (names) => names.length === 0,
    );
    expect(unreported).toEqual([]);
    const report = reported(first[1]);
    expect(report).toContain(`record 'evil-w-1' claims the meshAddress ${lab.meshAddress(apiServer.name)} of '${apiServer.name}', an earlier record`);
    expect(report).toContain("record 'evil-w-2' has a bad meshAddress");
    expect(report).toContain("record 'evil-w-3' has an unusable endpoint 169.254.169.254");
    expect(report).toContain("record 'evil-w-4' has a bad podCidr");
    expect(await snapshot()).toEqual(before);
    const toApiServer = first.filter((node) => node !== apiServer).map((node) => [node.ns, lab.meshAddress(apiServer.name)] as const);
    expect(await lab.lab.unreachable(toApiServer, SETTLE_MS)).toEqual([]);

    // Deleting the forgers' Nodes clears the reports.
    for (const f of forged) lab.removeRecord(f.name);
    const stillReported = await eventually(async () => first.filter((node) => reported(node) !== '').map((node) => node.name), (names) => names.length === 0);
    expect(stillReported).toEqual([]);
  }, jestTimeout(SETTLE_MS, SETTLE_MS, SETTLE_MS));

  test('CNI: the agent wrote the bridge configuration on the pod CIDR', () => {
    const node = lab.node('azure-w-1');
    const conflist = JSON.parse(readFileSync(join(lab.nodeDir(node.name), 'cni/10-cast.conflist'), 'utf8'));
    expect(conflist.plugins.map((p: { type: string }) => p.type)).toEqual(['bridge', 'portmap']);
    // The pods' MTU: the smallest path, here the lab's WireGuard MTU (its mesh.env says 1420).
    expect(conflist.plugins[0]).toMatchObject({ bridge: 'cni0', isGateway: true, ipMasq: false, mtu: 1420, ipam: { type: 'host-local', ranges: [[{ subnet: node.podCidr }]] } });
  });

  describeNeeding('with iptables', IPTABLES_MISSING, () => {
    test('CNI: the agent masquerades only traffic leaving pods and mesh', async () => {
      const node = lab.node('azure-w-1');
      const rules = (await run('ip', ['netns', 'exec', node.ns, 'iptables', '-t', 'nat', '-S'])).stdout;
      expect(rules).toContain(`-A POSTROUTING -s ${node.podCidr} -j CAST-MASQ`);
      expect(rules).toContain('-A CAST-MASQ -d 10.244.0.0/16 -j RETURN\n-A CAST-MASQ -d 10.4.0.0/16 -j RETURN\n-A CAST-MASQ -j MASQUERADE');
      // "The internet" (the router) has no route to pod addresses: a pod reaches it only behind its node's address.
      const router = node.publicAddress.replace(/\.\d+$/, '.1');
      expect(await lab.lab.reachable(node.podNs, router, SETTLE_MS)).toBe(true);
    }, jestTimeout(SETTLE_MS));
  });

  test("a node added later becomes reachable from its record alone: no other node's files change", async () => {
    const late = lab.node(LATE.name);
    const before = new Map(first.map((node) => [node.name, lab.filesOf(node.name)]));
    const started = performance.now();
    const result = await lab.meshUp(late.name);
    expect(result.code).toBe(0);
    lab.startAgent(late.name);
    lab.register(late.name);
    const all = [...first, late];
    const pairs = [...meshPairs(all), ...podPairs(all)].filter(([from, to]) => from === late.ns || from === late.podNs || to === lab.meshAddress(late.name) || to === late.podAddress);
    expect(await lab.lab.unreachable(pairs, SETTLE_MS)).toEqual([]);
    console.log(`a ninth node: reachable both ways from all ${first.length} others ${Math.round(performance.now() - started)} ms after its mesh-up.sh started`);
    for (const node of first) expect(lab.filesOf(node.name)).toBe(before.get(node.name));
  }, jestTimeout(MESH_UP_LIMIT_MS, SETTLE_MS));

  test('deleting a Node removes its peer and its routes everywhere', async () => {
    const late = lab.node(LATE.name);
    const lateKey = (await lab.lab.wgShow(late, 'public-key'))[0][0];
    await lab.stopAgent(late.name);
    lab.removeRecord(late.name);
    const lateRoutes = [`${lab.meshAddress(late.name)}/32`, late.podCidr];
    const leftovers = await eventually(
      async () => (await Promise.all(first.map(async (node) => ((await peersOf(node)).includes(lateKey) || (await lab.agentRoutes(node.name)).some((d) => lateRoutes.includes(d.includes('/') ? d : `${d}/32`)) ? [node.name] : [])))).flat(),
      (names) => names.length === 0,
    );
    expect(leftovers).toEqual([]);
    expect(await lab.lab.ping(first[0].ns, lab.meshAddress(late.name), 1)).toBe(false);
    expect(await lab.lab.unreachable(meshPairs(first), SETTLE_MS)).toEqual([]);
  }, jestTimeout(SETTLE_MS, SETTLE_MS));

  test('cross-location: the same nodes, switched by mesh.env; gateways peer across clouds, the others route through the cloud network', async () => {
    await lab.stopAgents();
    lab.writeFiles(MeshMode.CROSS_LOCATION);
    const started = performance.now();
    for (const node of first) lab.startAgent(node.name);
    const gateways = first.filter((node) => node.role === NodeRole.CONTROL_PLANE);
    const expectedPeers = (node: LabNode) => (gateways.includes(node) ? gateways.filter((g) => g.cloud !== node.cloud).map(publicKey).sort() : []);
    const wrong = await eventually(
      async () => (await Promise.all(first.map(async (node) => (JSON.stringify(await peersOf(node)) === JSON.stringify(expectedPeers(node)) ? [] : [node.name])))).flat(),
      (names) => names.length === 0,
    );
    expect(wrong).toEqual([]);
    expect(await lab.lab.unreachable([...meshPairs(first), ...podPairs(first)], SETTLE_MS)).toEqual([]);
    console.log(`cross-location from full mesh: all ${2 * first.length * (first.length - 1)} mesh and pod pairs reach each other ${Math.round(performance.now() - started)} ms after the agents restarted`);

    const [awsWorker, gcpWorker] = [lab.node('aws-w-1'), lab.node('gcp-w-1')];
    const routeTo = async (from: LabNode, to: string) => (await run('ip', ['-n', from.ns, 'route', 'get', lab.meshAddress(to)])).stdout;
    expect(await routeTo(awsWorker, 'aws-cp-1')).toContain(`via ${lab.node('aws-cp-1').privateAddress} dev eth0`);
    expect(await routeTo(awsWorker, gcpWorker.name)).toContain(`via ${lab.node('aws-cp-1').privateAddress} dev eth0`);
    // Azure's nodes reach each other through the VXLAN device the agent made (UDP between private addresses).
    const azureWorker = lab.node('azure-w-1');
    expect(await routeTo(azureWorker, 'azure-cp-1')).toContain(`via ${lab.node('azure-cp-1').privateAddress} dev cast-vxlan`);
    expect(await routeTo(azureWorker, gcpWorker.name)).toContain(`via ${lab.node('azure-cp-1').privateAddress} dev cast-vxlan`);
    // One next hop (its gateway, the only other Azure node): one permanent neighbour and forwarding entry, the MAC from its address.
    const hop = lab.node('azure-cp-1').privateAddress;
    const mac = vxlanMac(hop);
    expect((await run('ip', ['-n', azureWorker.ns, 'neigh', 'show', 'dev', 'cast-vxlan'])).stdout.trim()).toBe(`${hop} lladdr ${mac} PERMANENT`);
    expect((await run('bridge', ['-n', azureWorker.ns, 'fdb', 'show', 'dev', 'cast-vxlan'])).stdout.trim()).toBe(`${mac} dst ${hop} self permanent`);
    // The full-mesh routes into the WireGuard interface are gone from the non-gateways.
    expect(await lab.agentRoutes(awsWorker.name)).toHaveLength(2 * (first.length - 1));
    expect((await run('ip', ['-n', awsWorker.ns, 'route', 'show', 'dev', awsWorker.ifname])).stdout.trim()).toBe('');
  }, jestTimeout(SETTLE_MS, SETTLE_MS));

  test('wait-peer gives up with a message when the peer never answers', async () => {
    const result = await lab.agent('aws-w-1', ['wait-peer', 'nobody', '--timeout', '2']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no answer from nobody over the mesh in 2 s');
    const both = await lab.agent('aws-w-1', ['wait-peer', 'aws-cp-1', '--role', 'control-plane', '--timeout', '2']);
    expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('wait-peer takes a node name or --role, one of them') });
  }, jestTimeout());

  function publicKey(node: LabNode): string {
    return lab.records().find((r) => r.name === node.name)!.publicKey;
  }
});
