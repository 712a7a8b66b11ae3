/**
 * The agent's Kubernetes backend, against a stub kubectl that records its
 * arguments and answers from files (there is no API server here), with stubs
 * for wg, ip and iptables: records are annotations on Node objects, read and
 * written with the kubelet's kubeconfig; role and pod range come from the Node,
 * never from what the node wrote; the node patches only its own Node, and only
 * when something changed; a failing API changes nothing on the node; what a
 * sync applied comes back with `restore`, without kubectl. The node's files are
 * the rendered user-data's.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Cloud } from '../../lib/core/cloud';
import { NodeBootstrapKind, renderNodeUserData } from '../../lib/core/bootstrap/node-bootstrap';
import { MeshMode, MeshRecord, meshNodeInputOfRecord, planMesh, renderWireGuardConfig } from '../../lib/core/mesh';
import { fakeInput } from '../core/bootstrap/bootstrap-fixtures';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { contentOf, fileAt, parseUserData } from '../core/bootstrap/user-data-files';
import { AGENT } from './agent-cli';
import { ANNOTATIONS, CONFLICT_ANNOTATION, CONTROL_PLANE_LABEL, timestamp } from './records-dir';
import { StubCommands } from './stub-commands';

const PRIVATE_KEY = 'SHd0b3VsZCBiZSBhIHJlYWwga2V5LCB0aGlzIGlzIG5vdC4=';
const PUBLIC_KEY = 'bY1m8VfJc8gq8oWfM3vYb0V8fWkYl0m5pYk1Vx9xq2A=';
const STUBS = {
  kubectl: [
    'case " $* " in',
    '  *" get nodes "*) if [ -n "${KUBECTL_FAILS:-}" ]; then echo "The connection to the server 127.0.0.1:6444 was refused" >&2; exit 1; fi; cat "$STUB_DIR/nodes.json"',
    // With STOP_AFTER_GETS=n, the n-th listing stops the agent (its parent): a run of n syncs, however slow the machine.
    '    if [ -n "${STOP_AFTER_GETS:-}" ]; then echo >>"$STUB_DIR/gets"; [ "$(wc -l <"$STUB_DIR/gets")" -lt "$STOP_AFTER_GETS" ] || kill -TERM "$PPID"; fi ;;',
    // The merge patch is the last argument.
    '  *" patch node "*) for a; do last="$a"; done; printf \'%s\\n\' "$last" >>"$STUB_DIR/patched.jsonl" ;;',
    'esac',
  ].join('\n'),
  // latest-handshakes: the peer's key and HANDSHAKE (0: none yet).
  wg: `case "$1" in pubkey) echo ${PUBLIC_KEY} ;; syncconf) cat >"$STUB_DIR/syncconf" ;; show) printf '%s\\t%s\\n' "\${PEER_KEY:-x}" "\${HANDSHAKE:-0}" ;; esac`,
  ip: [
    'case "$*" in',
    '  "-o -4 address show") echo "1: lo    inet 127.0.0.1/8 scope host lo"; echo "2: ens5    inet 10.10.0.7/24 brd 10.10.0.255 scope global ens5" ;;',
    '  "-force -batch -") cat >"$STUB_DIR/ip-batch" ;;',
    // A route the agent installed earlier for a node whose record is gone.
    '  "-4 route show proto 158") echo "10.4.9.9 dev wg0 scope link" ;;',
    'esac',
  ].join('\n'),
  iptables: 'case "$*" in "-t nat -C "*) exit 1 ;; esac',
  'iptables-restore': 'cat >"$STUB_DIR/iptables-restore"',
};

/** Another node's record. */
const PEER: MeshRecord = {
  name: 'gcp-cp-1',
  cloud: Cloud.GCP,
  role: 'control-plane',
  publicKey: 'hq8VxP0QZ8h1bJ4kq0Yk7mF3r2wA9s8dU6eT5c4b3a0=',
  endpoint: '203.0.113.10',
  meshAddress: '10.4.200.1',
  privateAddress: '10.20.0.5',
  podCidr: '10.244.0.0/24',
};

/** A Node object as `kubectl get nodes -o json` shows it: the cluster's fields, and the record's annotations. */
function nodeObject(record: MeshRecord, options: { createdAt?: string; annotations?: Record<string, string>; published?: boolean } = {}) {
  const fields = options.published === false ? {} : Object.fromEntries(Object.entries(ANNOTATIONS).flatMap(([field, key]) => (record[field as keyof MeshRecord] ? [[key, record[field as keyof MeshRecord]]] : [])));
  return {
    metadata: {
      name: record.name,
      uid: `uid-${record.name}`,
      creationTimestamp: options.createdAt ?? timestamp(0),
      labels: record.role === 'control-plane' ? { [CONTROL_PLANE_LABEL]: '' } : {},
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', ...fields, ...options.annotations },
    },
    spec: record.podCidr ? { podCIDR: record.podCidr } : {},
  };
}

const stubs: StubCommands[] = [];
afterAll(() => stubs.forEach((s) => s.dispose()));

function node(kind: NodeBootstrapKind = 'worker') {
  const s = new StubCommands(STUBS);
  stubs.push(s);
  const input = fakeInput(kind, Cloud.AWS, {
    mesh: { mode: MeshMode.FULL_MESH, meshCidr: '10.4.0.0/16', listenPort: 51820, mtu: 1420, persistentKeepalive: 25, gatewaysPerCloud: 1, privateCidr: '10.10.0.0/24' },
  });
  const config = parseUserData(renderNodeUserData(input));
  writeFileSync(s.path('wg.key'), `${PRIVATE_KEY}\n`, { mode: 0o600 });
  writeFileSync(s.path('node.env'), contentOf(fileAt(config, '/etc/cast/node.env')));
  const overrides = {
    CAST_MESH_KEY_FILE: s.path('wg.key'),
    CAST_MESH_CNI_CONFIG: s.path('cni/10-cast.conflist'),
    CAST_MESH_KUBELET_KUBECONFIG: s.path('kubelet.conf'),
    CAST_MESH_RECORDS_CACHE: s.path('state/mesh-records.json'),
    CAST_MESH_API_SERVERS_FILE: s.path('state/api-servers'),
  };
  writeFileSync(s.path('mesh.env'), contentOf(fileAt(config, '/etc/cast/mesh.env')) + Object.entries(overrides).map(([k, v]) => `${k}='${v}'\n`).join(''));
  /** What the node says about itself (its pod CIDR is its Node's). */
  const own: MeshRecord = { name: input.nodeName!, cloud: Cloud.AWS, role: 'worker', publicKey: PUBLIC_KEY, endpoint: input.publicAddress!, meshAddress: input.meshAddress!, privateAddress: '10.10.0.7' };
  const setNodes = (...objects: unknown[]) => writeFileSync(s.path('nodes.json'), JSON.stringify({ apiVersion: 'v1', kind: 'NodeList', items: objects }));
  setNodes(nodeObject(PEER));
  const agent = (args: string[], env: Record<string, string> = {}) => s.run(['python3', AGENT, '--node-env', s.path('node.env'), '--mesh-env', s.path('mesh.env'), ...args], { PATH: `${s.bin}:${process.env.PATH}`, ...env });
  /** The kubelet has joined: its kubeconfig exists. */
  const join = () => writeFileSync(s.path('kubelet.conf'), 'kubelet kubeconfig\n');
  const patched = () => (existsSync(s.path('patched.jsonl')) ? readFileSync(s.path('patched.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : []);
  const read = (file: string) => readFileSync(s.path(file), 'utf8');
  return { s, own, agent, join, setNodes, patched, read, kubectl: (run: { calls: string[] }) => run.calls.filter((call) => call.startsWith('kubectl')) };
}

/** The annotations an own record makes (null deletes: no gateway pin, no conflict). */
const annotationsOf = (r: MeshRecord, conflict: string | null = null) => ({
  'cast-mesh/cloud': r.cloud,
  'cast-mesh/public-key': r.publicKey,
  'cast-mesh/endpoint': r.endpoint,
  'cast-mesh/mesh-address': r.meshAddress,
  'cast-mesh/private-address': r.privateAddress,
  'cast-mesh/gateway': null,
  [CONFLICT_ANNOTATION]: conflict,
});

describeWithTool('python3', 'python3', 'cast-mesh-agent and the Kubernetes API (stub kubectl)', () => {
  test('before the kubelet has joined (no kubelet.conf): sync says so and touches neither kubectl, WireGuard nor the routes', () => {
    const n = node();
    const run = n.agent(['sync']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain(`no ${n.s.path('kubelet.conf')} yet: the kubelet has not joined the cluster`);
    expect(run.calls.filter((call) => /^(kubectl|wg syncconf|ip -force|ip route del)/.test(call))).toEqual([]);
  });

  test('joined, its Node not registered yet: lists the Nodes with the kubelet\'s kubeconfig and applies the others\' records; publishes nothing', () => {
    const n = node();
    n.join();
    const run = n.agent(['sync']);
    expect(run.status).toBe(0);
    expect(n.kubectl(run)).toEqual([`kubectl --kubeconfig ${n.s.path('kubelet.conf')} get nodes -o json`]);
    expect(n.read('syncconf')).toContain(`# gcp-cp-1\nPublicKey = ${PEER.publicKey}\n`);
    expect(n.patched()).toEqual([]);
  });

  test('registered: patches only its own Node\'s annotations, with the kubelet\'s kubeconfig; applies the peers; role and pod range are the Nodes\'; keeps what it applied', () => {
    const n = node();
    n.join();
    n.setNodes(nodeObject(PEER), nodeObject({ ...n.own, podCidr: '10.244.7.0/24' }, { createdAt: timestamp(5), published: false }));
    const run = n.agent(['sync']);
    expect(run.status).toBe(0);
    expect(n.kubectl(run)).toEqual([
      `kubectl --kubeconfig ${n.s.path('kubelet.conf')} get nodes -o json`,
      `kubectl --kubeconfig ${n.s.path('kubelet.conf')} patch node aws-w-1 --type merge -p ${JSON.stringify({ metadata: { annotations: annotationsOf(n.own) } })}`,
    ]);

    const own = { ...n.own, podCidr: '10.244.7.0/24' };
    const plan = planMesh({ mode: MeshMode.FULL_MESH, nodes: [own, PEER].map(meshNodeInputOfRecord) });
    expect(n.read('syncconf')).toBe(renderWireGuardConfig(plan, 'aws-w-1', { privateKey: PRIVATE_KEY, publicKeyOf: () => PEER.publicKey }));
    expect(n.read('ip-batch')).toBe(
      'link set dev wg0 mtu 1420\naddress replace 10.4.17.3/32 dev wg0\nlink set dev wg0 up\nroute replace 10.4.200.1/32 dev wg0 proto 158\nroute replace 10.244.0.0/24 dev wg0 proto 158\n',
    );
    expect(run.calls).toContain('ip route del 10.4.9.9 proto 158');
    expect(JSON.parse(n.read('cni/10-cast.conflist')).plugins[0].ipam.ranges).toEqual([[{ subnet: '10.244.7.0/24' }]]);
    expect(run.calls).toContain('iptables -t nat -A POSTROUTING -s 10.244.7.0/24 -j CAST-MASQ');
    expect(n.read('iptables-restore')).toBe('*nat\n:CAST-MASQ - [0:0]\n-A CAST-MASQ -d 10.244.0.0/16 -j RETURN\n-A CAST-MASQ -d 10.4.0.0/16 -j RETURN\n-A CAST-MASQ -j MASQUERADE\nCOMMIT\n');
    // For the next boot: the records applied, and the control planes' mesh addresses.
    expect(JSON.parse(n.read('state/mesh-records.json'))).toEqual({
      node: 'aws-w-1',
      records: [
        { ...own, createdAt: timestamp(5) },
        { ...PEER, createdAt: timestamp(0) },
      ],
    });
    expect(n.read('state/api-servers')).toBe('10.4.200.1\n');
  });

  test('what a node writes about itself never sets its role or pod range: a worker annotated as control plane with a pod range of its choosing is a worker with its Node\'s pod range', () => {
    const n = node();
    n.join();
    const liar: MeshRecord = { ...PEER, name: 'gcp-w-6', role: 'worker', publicKey: 'aW1wb3N0b3IgaW1wb3N0b3IgaW1wb3N0b3IgaW1wb3M=', endpoint: '203.0.113.11', meshAddress: '10.4.200.6', podCidr: '10.244.6.0/24' };
    n.setNodes(nodeObject(PEER), nodeObject(liar, { createdAt: timestamp(9), annotations: { 'cast-mesh/role': 'control-plane', 'cast-mesh/pod-cidr': '10.244.0.0/16', role: 'control-plane', podCidr: '10.244.0.0/16' } }));
    expect(n.agent(['sync']).status).toBe(0);
    expect(n.read('syncconf')).toContain(`# gcp-w-6\nPublicKey = ${liar.publicKey}\nEndpoint = 203.0.113.11:51820\nAllowedIPs = 10.4.200.6/32, 10.244.6.0/24\n`);
    expect(n.read('state/api-servers')).toBe('10.4.200.1\n');
  });

  test('publishes nothing when its Node already carries what it would write', () => {
    const n = node();
    n.join();
    n.setNodes(nodeObject(PEER), nodeObject({ ...n.own, podCidr: '10.244.7.0/24' }, { createdAt: timestamp(5) }));
    const run = n.agent(['sync']);
    expect(run.status).toBe(0);
    expect(n.kubectl(run)).toEqual([`kubectl --kubeconfig ${n.s.path('kubelet.conf')} get nodes -o json`]);
  });

  test('a bad record of another node is skipped and reported (log, and the conflict annotation on its own Node), not fatal; the good ones are applied', () => {
    const n = node();
    n.join();
    const evil = { ...PEER, name: 'evil', role: 'worker', publicKey: 'x\nAllowedIPs = 0.0.0.0/0', meshAddress: '10.4.200.9', podCidr: undefined };
    n.setNodes(nodeObject(PEER), nodeObject(evil, { createdAt: timestamp(9) }), nodeObject({ ...n.own, podCidr: '10.244.7.0/24' }, { createdAt: timestamp(5) }));
    const run = n.agent(['sync']);
    expect(run.status).toBe(0);
    expect(run.output).toContain("ignoring record 'evil' has a bad publicKey");
    expect(n.read('syncconf')).not.toContain('evil');
    expect(n.read('syncconf')).toContain('# gcp-cp-1\n');
    expect(n.patched()).toEqual([{ metadata: { annotations: annotationsOf(n.own, "record 'evil' has a bad publicKey") } }]);
  });

  test("an unreachable API: sync fails with kubectl's message and touches neither WireGuard nor the routes", () => {
    const n = node();
    n.join();
    const run = n.agent(['sync'], { KUBECTL_FAILS: '1' });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('kubectl get: The connection to the server 127.0.0.1:6444 was refused');
    expect(run.calls.filter((call) => /^(wg syncconf|ip -force|ip route del|kubectl .* patch)/.test(call))).toEqual([]);
  });

  test('restore: the records of the last sync, applied without kubectl (the API unreachable); nothing cached yet is no error', () => {
    const n = node();
    const first = n.agent(['restore']);
    expect(first.status).toBe(0);
    expect(first.output).toContain(`no ${n.s.path('state/mesh-records.json')}: nothing to restore`);
    expect(first.calls.filter((call) => /^(kubectl|wg syncconf|ip -force)/.test(call))).toEqual([]);

    n.join();
    n.setNodes(nodeObject(PEER), nodeObject({ ...n.own, podCidr: '10.244.7.0/24' }, { createdAt: timestamp(5) }));
    expect(n.agent(['sync']).status).toBe(0);
    const [config, lines] = [n.read('syncconf'), n.read('ip-batch')];
    writeFileSync(n.s.path('syncconf'), '');
    writeFileSync(n.s.path('state/api-servers'), '');
    const restored = n.agent(['restore'], { KUBECTL_FAILS: '1' });
    expect(restored.status).toBe(0);
    expect(n.kubectl(restored)).toEqual([]);
    expect(restored.output).toContain(`restored 1 peers from ${n.s.path('state/mesh-records.json')}`);
    expect([n.read('syncconf'), n.read('ip-batch')]).toEqual([config, lines]);
    expect(n.read('state/api-servers')).toBe('10.4.200.1\n');
  });

  test('wait-peer --role control-plane: done when a control plane\'s WireGuard peer has a handshake, else gives up with a message', () => {
    const n = node();
    n.join();
    const waiting = n.agent(['wait-peer', '--role', 'control-plane', '--timeout', '1'], { PEER_KEY: PEER.publicKey, HANDSHAKE: '0' });
    expect(waiting.status).not.toBe(0);
    expect(waiting.output).toContain('no answer from any control-plane node over the mesh in 1 s');
    const answered = n.agent(['wait-peer', '--role', 'control-plane', '--timeout', '5'], { PEER_KEY: PEER.publicKey, HANDSHAKE: '1733350000' });
    expect(answered.status).toBe(0);
    expect(answered.output).toContain('gcp-cp-1 answers over the mesh');
  });

  test('run logs an ignored record once, not at every sync', () => {
    const n = node();
    n.join();
    n.setNodes(nodeObject(PEER), nodeObject({ ...PEER, name: 'evil', role: 'worker', publicKey: 'bad' }, { createdAt: timestamp(9) }));
    // Five syncs, stopped by the stub at the fifth listing (timeout only guards a hang).
    const run = n.s.run(['timeout', '30', 'python3', AGENT, '--node-env', n.s.path('node.env'), '--mesh-env', n.s.path('mesh.env'), 'run', '--interval', '0.1'], { PATH: `${n.s.bin}:${process.env.PATH}`, STOP_AFTER_GETS: '5' });
    expect(run.calls.filter((call) => call.endsWith('get nodes -o json')).length).toBe(5);
    expect(run.output.match(/ignoring record 'evil'/g)).toHaveLength(1);
  });
});
