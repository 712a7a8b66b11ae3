/**
 * The agent's Kubernetes backend, against a stub kubectl that records its
 * arguments and answers from files (there is no API server here), with stubs
 * for wg, ip and iptables: which credentials it uses before and after the node
 * joins, what it publishes, and that a failing API changes nothing on the node.
 * The node's files are the rendered user-data's.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Cloud } from '../../lib/core/cloud';
import { NodeBootstrapKind, renderNodeUserData } from '../../lib/core/bootstrap/node-bootstrap';
import { MeshMode, MeshRecord, meshNodeInputOfRecord, planMesh, renderWireGuardConfig } from '../../lib/core/mesh';
import { fakeInput } from '../core/bootstrap/bootstrap-fixtures';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { contentOf, fileAt, parseUserData } from '../core/bootstrap/user-data-files';
import { AGENT } from './agent-cli';
import { StubCommands } from './stub-commands';

const PRIVATE_KEY = 'SHd0b3VsZCBiZSBhIHJlYWwga2V5LCB0aGlzIGlzIG5vdC4=';
const PUBLIC_KEY = 'bY1m8VfJc8gq8oWfM3vYb0V8fWkYl0m5pYk1Vx9xq2A=';
const STUBS = {
  kubectl: [
    'case " $* " in',
    '  *" get configmaps "*) if [ -n "${KUBECTL_FAILS:-}" ]; then echo "The connection to the server 203.0.113.10:6443 was refused" >&2; exit 1; fi; cat "$STUB_DIR/configmaps.json" ;;',
    '  *" apply "*) cat >>"$STUB_DIR/applied.jsonl"; echo >>"$STUB_DIR/applied.jsonl" ;;',
    '  *" get node "*) cat "$STUB_DIR/node.json" ;;',
    'esac',
  ].join('\n'),
  wg: `case "$1" in pubkey) echo ${PUBLIC_KEY} ;; syncconf) cat >"$STUB_DIR/syncconf" ;; esac`,
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

/** Another node's record, as its ConfigMap holds it. */
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

/** `kubectl get configmaps -o json` output: one ConfigMap per record, named after its node. */
function configMaps(...records: MeshRecord[]): string {
  return JSON.stringify({ items: records.map((data) => ({ metadata: { name: data.name, namespace: 'cast-mesh' }, data })) });
}

const stubs: StubCommands[] = [];
afterAll(() => stubs.forEach((s) => s.dispose()));

function node(kind: NodeBootstrapKind) {
  const s = new StubCommands(STUBS);
  stubs.push(s);
  const input = fakeInput(kind, Cloud.AWS, {
    mesh: { mode: MeshMode.FULL_MESH, meshCidr: '10.4.0.0/16', listenPort: 51820, mtu: 1420, persistentKeepalive: 25, gatewaysPerCloud: 1, initNodeName: kind === 'init' ? 'aws-cp-1' : 'gcp-cp-1', privateCidr: '10.10.0.0/24' },
  });
  const config = parseUserData(renderNodeUserData(input));
  writeFileSync(s.path('wg.key'), `${PRIVATE_KEY}\n`, { mode: 0o600 });
  writeFileSync(s.path('node.env'), contentOf(fileAt(config, '/etc/cast/node.env')));
  const overrides = `CAST_MESH_KEY_FILE='${s.path('wg.key')}'\nCAST_MESH_CNI_CONFIG='${s.path('cni/10-cast.conflist')}'\nCAST_MESH_KUBELET_KUBECONFIG='${s.path('kubelet.conf')}'\n`;
  writeFileSync(s.path('mesh.env'), contentOf(fileAt(config, '/etc/cast/mesh.env')) + overrides);
  writeFileSync(s.path('configmaps.json'), configMaps(PEER));
  const own: MeshRecord = { name: input.nodeName!, cloud: Cloud.AWS, role: kind === 'worker' ? 'worker' : 'control-plane', publicKey: PUBLIC_KEY, endpoint: input.publicAddress!, meshAddress: input.meshAddress!, privateAddress: '10.10.0.7' };
  const agent = (...args: string[]) => s.run(['python3', AGENT, '--node-env', s.path('node.env'), '--mesh-env', s.path('mesh.env'), ...args], { PATH: `${s.bin}:${process.env.PATH}` });
  /** The kubelet has registered the node: its kubeconfig exists, the Node has a pod CIDR. */
  const join = () => {
    writeFileSync(s.path('kubelet.conf'), 'kubelet kubeconfig\n');
    writeFileSync(s.path('node.json'), JSON.stringify({ metadata: { name: input.nodeName, uid: '6f1c-uid' }, spec: { podCIDR: '10.244.7.0/24' } }));
  };
  const applied = () => (existsSync(s.path('applied.jsonl')) ? readFileSync(s.path('applied.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : []);
  return { s, own, agent, join, applied, kubectl: (...args: string[]) => `kubectl --kubeconfig ${args.join(' ')}` };
}

const APPLY = 'apply --server-side --force-conflicts --field-manager=cast-mesh-agent -f -';
const TOKEN = '--token abcdef.0123456789abcdef';

describeWithTool('python3', 'python3', 'cast-mesh-agent and the Kubernetes API (stub kubectl)', () => {
  test('a joining node publishes with the discovery kubeconfig and the bootstrap token; its address is found in its subnet', () => {
    const n = node('worker');
    const run = n.agent('publish');
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('kubectl'))).toEqual([`kubectl --kubeconfig /etc/cast/discovery.conf ${TOKEN} ${APPLY}`]);
    expect(n.applied()).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-w-1', namespace: 'cast-mesh', labels: { 'cast-mesh/record': 'true' } }, data: n.own },
    ]);
  });

  test('the init node uses admin.conf and no token', () => {
    const n = node('init');
    const run = n.agent('publish');
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('kubectl'))).toEqual([`kubectl --kubeconfig /etc/kubernetes/admin.conf ${APPLY}`]);
  });

  test('sync after the join: reads its Node with the kubelet kubeconfig, publishes the pod CIDR owned by the Node, applies the peers, removes a stale route, writes the CNI config', () => {
    const n = node('worker');
    n.join();
    const run = n.agent('sync');
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('kubectl'))).toEqual([
      `kubectl --kubeconfig ${n.s.path('kubelet.conf')} get node aws-w-1 -o json`,
      `kubectl --kubeconfig /etc/cast/discovery.conf ${TOKEN} get configmaps -n cast-mesh -l cast-mesh/record=true -o json`,
      `kubectl --kubeconfig /etc/cast/discovery.conf ${TOKEN} ${APPLY}`,
    ]);
    const own = { ...n.own, podCidr: '10.244.7.0/24' };
    expect(n.applied()[0].data).toEqual(own);
    expect(n.applied()[0].metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'aws-w-1', uid: '6f1c-uid' }]);

    const plan = planMesh({ mode: MeshMode.FULL_MESH, nodes: [own, PEER].map(meshNodeInputOfRecord) });
    expect(readFileSync(n.s.path('syncconf'), 'utf8')).toBe(renderWireGuardConfig(plan, 'aws-w-1', { privateKey: PRIVATE_KEY, publicKeyOf: () => PEER.publicKey }));
    expect(readFileSync(n.s.path('ip-batch'), 'utf8')).toBe(
      'link set dev wg0 mtu 1420\naddress replace 10.4.17.3/32 dev wg0\nlink set dev wg0 up\nroute replace 10.4.200.1/32 dev wg0 proto 158\nroute replace 10.244.0.0/24 dev wg0 proto 158\n',
    );
    expect(run.calls).toContain('ip route del 10.4.9.9 proto 158');
    expect(JSON.parse(readFileSync(n.s.path('cni/10-cast.conflist'), 'utf8')).plugins[0].ipam.ranges).toEqual([[{ subnet: '10.244.7.0/24' }]]);
    expect(run.calls).toContain('iptables -t nat -A POSTROUTING -s 10.244.7.0/24 -j CAST-MASQ');
    expect(readFileSync(n.s.path('iptables-restore'), 'utf8')).toBe(
      '*nat\n:CAST-MASQ - [0:0]\n-A CAST-MASQ -d 10.244.0.0/16 -j RETURN\n-A CAST-MASQ -d 10.4.0.0/16 -j RETURN\n-A CAST-MASQ -j MASQUERADE\nCOMMIT\n',
    );
  });

  test('sync publishes nothing when the listed record is already its own; a bad record of another node is skipped, not fatal', () => {
    const n = node('worker');
    writeFileSync(n.s.path('configmaps.json'), configMaps(PEER, n.own, { ...PEER, name: 'evil', publicKey: 'x\nAllowedIPs = 0.0.0.0/0' }));
    const run = n.agent('sync');
    expect(run.status).toBe(0);
    expect(run.calls.some((call) => call.includes(' apply '))).toBe(false);
    expect(run.output).toContain("ignoring record 'evil' has a bad publicKey");
    expect(readFileSync(n.s.path('syncconf'), 'utf8')).not.toContain('evil');
  });

  test("a ConfigMap speaks for the node it is named after, whatever its data says", () => {
    const n = node('worker');
    const impostor = { ...PEER, name: 'gcp-cp-1', publicKey: 'aW1wb3N0b3IgaW1wb3N0b3IgaW1wb3N0b3IgaW1wb3M=', meshAddress: '10.4.200.6', podCidr: '10.244.6.0/24' };
    writeFileSync(n.s.path('configmaps.json'), JSON.stringify({ items: [{ metadata: { name: 'gcp-cp-1' }, data: PEER }, { metadata: { name: 'gcp-w-6' }, data: impostor }] }));
    expect(n.agent('sync').status).toBe(0);
    const config = readFileSync(n.s.path('syncconf'), 'utf8');
    expect(config).toContain(`# gcp-cp-1\nPublicKey = ${PEER.publicKey}\n`);
    expect(config).toContain(`# gcp-w-6\nPublicKey = ${impostor.publicKey}\n`);
  });

  test('an unreachable API: sync fails with kubectl\'s message and touches neither WireGuard nor the routes', () => {
    const n = node('worker');
    const run = n.s.run(['python3', AGENT, '--node-env', n.s.path('node.env'), '--mesh-env', n.s.path('mesh.env'), 'sync'], { PATH: `${n.s.bin}:${process.env.PATH}`, KUBECTL_FAILS: '1' });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('kubectl get: The connection to the server 203.0.113.10:6443 was refused');
    expect(run.calls.filter((call) => /^(wg syncconf|ip -force|ip route del|kubectl .* apply)/.test(call))).toEqual([]);
  });
});
