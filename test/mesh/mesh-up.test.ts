/**
 * mesh-up.sh as a node receives it (from the rendered user-data), run with
 * stubs for wg, ip, systemctl, wireguard-go, curl and the agent: what it does
 * for each kind, in what order, and what it refuses. The real thing runs in
 * agent-namespaces.test.ts and restore-namespaces.test.ts; this test covers the
 * paths a namespace cannot (kernel WireGuard, systemd, the download).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Cloud } from '../../lib/core/cloud';
import { meshAgentArchive } from '../../lib/core/bootstrap/mesh-agent-archive';
import { NodeBootstrapKind, NodeBootstrapMesh, renderNodeUserData } from '../../lib/core/bootstrap/node-bootstrap';
import { MeshMode } from '../../lib/core/mesh';
import { fakeInput } from '../core/bootstrap/bootstrap-fixtures';
import { contentOf, fileAt, parseUserData } from '../core/bootstrap/user-data-files';
import { StubCommands } from './stub-commands';

const KEY = 'kPqBFm0E3b8HnJ4dq8OC1tXqZ3b8Ks3fW1mXc0D6y2M=';
const STUBS = {
  wg: `case "$1" in genkey) echo ${KEY} ;; esac`,
  // The interface does not exist yet; "link add" succeeds unless the kernel has no WireGuard.
  ip: 'case "$*" in "link show "*) exit 1 ;; "link add "*) exit "${IP_LINK_ADD_STATUS:-0}" ;; esac',
  systemctl: '',
  'systemd-run': '',
  'wireguard-go': '',
  // claim prints the address the agent claimed (CLAIMED), or fails (CLAIM_FAILS); restore may fail (RESTORE_FAILS).
  agent: [
    'case " $* " in',
    '  *" claim "*) [ -z "${CLAIM_FAILS:-}" ] || { echo "cast-mesh-agent: claim failed for 1800 s" >&2; exit 1; }; echo "${CLAIMED-10.4.37.9}" ;;',
    '  *" restore "*) [ -z "${RESTORE_FAILS:-}" ] || { echo "cast-mesh-agent: bad cache" >&2; exit 1; } ;;',
    'esac',
  ].join('\n'),
  // Beside the agent, as on the node: `fetch --node-env E --out F --timeout N` writes a token to F.
  'cast-join-token': '[ "$1" = fetch ] && echo q7x2mn.k3v9w0z8r2t4y6u1 >"$5"',
};
/** What the renderer writes for a node of an autoscaled group (appended: a later line wins). */
const SCALED = "CAST_MESH_ADDRESS=''\nCAST_MESH_CLAIM_CIDR='10.4.37.0/24'\n";
const MESH: NodeBootstrapMesh = { mode: MeshMode.FULL_MESH, meshCidr: '10.4.0.0/16', listenPort: 51820, mtu: 1420, persistentKeepalive: 25, gatewaysPerCloud: 1 };

const stubs: StubCommands[] = [];
afterAll(() => stubs.forEach((s) => s.dispose()));

/** A node's mesh-up.sh, node.env and mesh.env from its user-data, with the key and state under the stub folder. */
function node(kind: NodeBootstrapKind, mesh: Partial<NodeBootstrapMesh> = {}) {
  const s = new StubCommands(STUBS);
  stubs.push(s);
  const config = parseUserData(renderNodeUserData(fakeInput(kind, Cloud.AWS, { nodeName: kind === 'worker' ? 'aws-n-2' : 'aws-cp-1', mesh: { ...MESH, ...mesh } })));
  const write = (name: string, text: string, mode: number) => {
    writeFileSync(s.path(name), text, { mode });
    return s.path(name);
  };
  const meshUp = write('mesh-up.sh', contentOf(fileAt(config, '/opt/cast/bin/mesh-up.sh')), 0o755);
  const env = {
    CAST_NODE_ENV: write('node.env', contentOf(fileAt(config, '/etc/cast/node.env')), 0o600),
    CAST_MESH_ENV: write('mesh.env', `${contentOf(fileAt(config, '/etc/cast/mesh.env'))}CAST_MESH_KEY_FILE='${s.path('keys/wg0.key')}'\nCAST_MESH_STATE_DIR='${s.path('state')}'\n`, 0o600),
    CAST_MESH_AGENT: s.path('bin/agent'),
    CAST_MESH_SYSTEMD: 'yes',
  };
  const agent = `agent --node-env ${env.CAST_NODE_ENV} --mesh-env ${env.CAST_MESH_ENV}`;
  return { s, env, agent, run: (arg: string = kind, extra: Record<string, string> = {}) => s.run([meshUp, arg], { ...env, ...extra }) };
}

const interfaceUp = (key: string) => [
  `ip link add dev wg0 type wireguard`,
  `wg set wg0 listen-port 51820 private-key ${key}`,
  'ip link set dev wg0 mtu 1420',
  'ip address replace 10.4.17.3/32 dev wg0',
  'ip link set dev wg0 up',
];

describe('mesh-up.sh', () => {
  test('worker: makes the key (0600), the interface with its address, restores the last records, starts the agent service; publishes nothing', () => {
    const n = node('worker');
    const run = n.run();
    expect(run.status).toBe(0);
    const key = n.s.path('keys/wg0.key');
    expect(run.calls).toEqual([
      'wg genkey',
      'ip link show dev wg0',
      ...interfaceUp(key),
      `${n.agent} restore`,
      'systemctl daemon-reload',
      'systemctl enable --now cast-mesh-agent.service',
    ]);
    expect(readFileSync(key, 'utf8')).toBe(`${KEY}\n`);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(run.output).toContain('mesh is up on aws-n-2');
  });

  test('every other kind does the same: control-plane, init, join-control-plane (the wait for a control plane is bootstrap-node.sh\'s, between its two kubeadm join steps)', () => {
    const calls = (n: ReturnType<typeof node>, arg: string) => {
      const run = n.run(arg);
      expect(run.status).toBe(0);
      return run.calls.filter((call) => call !== 'wg genkey').map((call) => call.split(n.s.dir).join('<node>'));
    };
    const worker = calls(node('worker'), 'worker');
    const n = node('control-plane');
    for (const arg of ['control-plane', 'init', 'join-control-plane']) expect({ arg, calls: calls(n, arg) }).toEqual({ arg, calls: worker });
  });

  test('no MTU in mesh.env: the interface keeps the kernel\'s until the agent sets the one it computes from the records', () => {
    const n = node('worker', { mtu: undefined });
    const run = n.run();
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('ip link set dev wg0'))).toEqual(['ip link set dev wg0 up']);
    expect(run.calls).toContain(`${n.agent} restore`);
  });

  test('a failing restore (a damaged copy) is reported and does not stop the interface or the service', () => {
    const n = node('worker');
    const run = n.run('worker', { RESTORE_FAILS: '1' });
    expect(run.status).toBe(0);
    expect(run.output).toContain('could not restore the last mesh records; the agent will sync them from the API');
    expect(run.calls.slice(-2)).toEqual(['systemctl daemon-reload', 'systemctl enable --now cast-mesh-agent.service']);
  });

  test('a key that exists is kept: the node never gets a second one', () => {
    const n = node('worker');
    n.run();
    const again = n.run();
    expect(again.calls).not.toContain('wg genkey');
    expect(readFileSync(n.s.path('keys/wg0.key'), 'utf8')).toBe(`${KEY}\n`);
  });

  test('no WireGuard in the kernel: wireguard-go, in a transient unit under systemd, else in the background with a pid file', () => {
    const n = node('worker');
    const withSystemd = n.run('interface', { IP_LINK_ADD_STATUS: '2' });
    expect(withSystemd.status).toBe(0);
    expect(withSystemd.calls).toContain('systemd-run --unit cast-wireguard-go-wg0 --property Restart=on-failure wireguard-go -f wg0');
    const without = n.run('interface', { IP_LINK_ADD_STATUS: '2', CAST_MESH_SYSTEMD: 'no' });
    expect(without.calls).toContain('wireguard-go -f wg0');
    expect(Number(readFileSync(n.s.path('state/wireguard-go-wg0.pid'), 'utf8'))).toBeGreaterThan(1);
  });

  test('interface (the unit after a reboot): key, interface and the peers of the last sync, nothing else', () => {
    const n = node('worker');
    const run = n.run('interface');
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['wg genkey', 'ip link show dev wg0', ...interfaceUp(n.s.path('keys/wg0.key')), `${n.agent} restore`]);
  });

  test('cloud-network: no key and no interface; the last pod routes are restored and the agent service starts', () => {
    const n = node('control-plane', { mode: MeshMode.CLOUD_NETWORK });
    const run = n.run();
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([`${n.agent} restore`, 'systemctl daemon-reload', 'systemctl enable --now cast-mesh-agent.service']);
    expect(existsSync(n.s.path('keys/wg0.key'))).toBe(false);
  });

  test('a scaled node: claims its address before the interface, appends it to node.env, and the interface gets it', () => {
    const n = node('worker');
    appendFileSync(n.env.CAST_NODE_ENV, SCALED);
    const run = n.run();
    expect(run.status).toBe(0);
    const key = n.s.path('keys/wg0.key');
    expect(run.calls).toEqual([
      `${n.agent} claim --timeout 1800`,
      'wg genkey',
      'ip link show dev wg0',
      ...interfaceUp(key).map((call) => call.replace('10.4.17.3', '10.4.37.9')),
      `${n.agent} restore`,
      'systemctl daemon-reload',
      'systemctl enable --now cast-mesh-agent.service',
    ]);
    expect(readFileSync(n.env.CAST_NODE_ENV, 'utf8').endsWith(`${SCALED}CAST_MESH_ADDRESS='10.4.37.9'\n`)).toBe(true);
    expect(run.output).toContain('claimed 10.4.37.9');
    // After a reboot (the unit runs `interface`) the address is in node.env: no second claim.
    const again = n.run('interface', { CLAIMED: '10.4.37.200' });
    expect(again.calls.filter((call) => call.includes(' claim '))).toEqual([]);
    expect(again.calls).toContain('ip address replace 10.4.37.9/32 dev wg0');
  });

  test('a scaled node that reads its join token from a store reads it before it claims (once), a node without one never does', () => {
    const n = node('worker');
    const tokenFile = n.s.path('join-token');
    appendFileSync(n.env.CAST_NODE_ENV, `${SCALED}CAST_JOIN_TOKEN_STORE='aws-secrets-manager'\n`);
    const run = n.run('worker', { CAST_MESH_TOKEN_FILE: tokenFile });
    expect(run.status).toBe(0);
    expect(run.calls.slice(0, 2)).toEqual([`cast-join-token fetch --node-env ${n.env.CAST_NODE_ENV} --out ${tokenFile} --timeout 3600`, `${n.agent} claim --timeout 1800`]);
    expect(readFileSync(tokenFile, 'utf8')).toBe('q7x2mn.k3v9w0z8r2t4y6u1\n');
    // A token already on disk is not read again; a node without a store reads none.
    const m = node('worker');
    appendFileSync(m.env.CAST_NODE_ENV, SCALED);
    expect(m.run('worker', { CAST_MESH_TOKEN_FILE: m.s.path('join-token') }).calls.filter((c) => c.startsWith('cast-join-token'))).toEqual([]);
  });

  test('a scaled node whose claim fails, or prints no address: no interface, node.env unchanged', () => {
    for (const extra of [{ CLAIM_FAILS: '1' }, { CLAIMED: '' }, { CLAIMED: "10.4.37.9'; rm -rf /" }] as Record<string, string>[]) {
      const n = node('worker');
      appendFileSync(n.env.CAST_NODE_ENV, SCALED);
      const before = readFileSync(n.env.CAST_NODE_ENV, 'utf8');
      const run = n.run('worker', extra);
      expect(run.status).not.toBe(0);
      expect(run.calls).toEqual([`${n.agent} claim --timeout 1800`]);
      expect(readFileSync(n.env.CAST_NODE_ENV, 'utf8')).toBe(before);
    }
  });

  test('a bad kind is refused', () => {
    const run = node('worker').run('master');
    expect(run.status).toBe(2);
    expect(run.output).toContain('usage: ');
  });
});

describe('mesh-up.sh with agentUrl: downloads the agent and checks its SHA-256', () => {
  const archive = meshAgentArchive();
  const URL = 'https://downloads.example.com/cast-mesh-agent.tar';
  // curl -fsSL ... -o <file> <url>: copies the archive the test placed in the stub folder.
  const CURL = 'out=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done; cp "$STUB_DIR/archive.tar" "$out"';

  function downloadNode(sha256: string) {
    const n = node('control-plane', { agentUrl: URL, agentSha256: sha256 });
    n.s.add('curl', CURL);
    writeFileSync(n.s.path('archive.tar'), archive.bytes);
    const agent = n.s.path('opt/mesh/cast-mesh-agent');
    return { ...n, agent, result: n.run('control-plane', { CAST_MESH_AGENT: agent, CAST_MESH_SYSTEMD: 'no' }) };
  }

  test('the pinned archive: extracted where the agent is expected, executable', () => {
    const { result, agent, s } = downloadNode(archive.sha256);
    expect(result.status).toBe(0);
    expect(result.calls.filter((call) => call.startsWith('curl'))).toEqual([expect.stringMatching(/^curl -fsSL --retry 10 --retry-connrefused --max-time 120 -o \S+ https:\/\/downloads\.example\.com\/cast-mesh-agent\.tar$/)]);
    expect(statSync(agent).mode & 0o777).toBe(0o755);
    expect(readFileSync(s.path('opt/mesh/castmesh/plan.py'), 'utf8')).toContain('def plan_node(');
  });

  test('a scaled node on AWS: the agent is downloaded first, then claims the address the interface gets (real agent, directory backend)', () => {
    const n = node('worker', { agentUrl: URL, agentSha256: archive.sha256 });
    n.s.add('curl', CURL);
    writeFileSync(n.s.path('archive.tar'), archive.bytes);
    appendFileSync(n.env.CAST_NODE_ENV, SCALED);
    mkdirSync(n.s.path('records'));
    appendFileSync(n.env.CAST_MESH_ENV, `CAST_MESH_RECORDS_DIR='${n.s.path('records')}'\n`);
    const agent = n.s.path('opt/mesh/cast-mesh-agent');
    const result = n.run('interface', { CAST_MESH_AGENT: agent, CAST_MESH_SYSTEMD: 'no', PATH: `${n.s.bin}:${process.env.PATH}` });
    expect(result.status).toBe(0);
    // The home slot of aws-n-2 in 10.4.37.0/24: nameHash mod 254, after the network address.
    const home = `10.4.37.${(createHash('sha256').update('aws-n-2').digest().readUInt32BE(0) % 254) + 1}`;
    expect(result.calls[0]).toMatch(/^curl /);
    expect(result.calls.slice(1, 3)).toEqual(['wg genkey', 'ip link show dev wg0']);
    expect(result.calls).toContain(`ip address replace ${home}/32 dev wg0`);
    expect(readFileSync(n.s.path('records/claims', home), 'utf8')).toBe('aws-n-2');
    expect(readFileSync(n.env.CAST_NODE_ENV, 'utf8').endsWith(`CAST_MESH_ADDRESS='${home}'\n`)).toBe(true);
  });

  test('a reboot: the agent already on disk is not downloaded again, so a bucket that is gone (404) does not matter', () => {
    const { result, agent, s, run } = downloadNode(archive.sha256);
    expect(result.status).toBe(0);
    // A deleted bucket or object: curl -f exits 22 on an HTTP error.
    s.add('curl', 'echo "curl: (22) The requested URL returned error: 404" >&2; exit 22');
    const reboot = run('interface', { CAST_MESH_AGENT: agent, CAST_MESH_SYSTEMD: 'no' });
    expect(reboot.status).toBe(0);
    expect(reboot.calls.filter((call) => call.startsWith('curl'))).toEqual([]);
  });

  test('another archive: refused, nothing extracted', () => {
    const { result, agent } = downloadNode('0'.repeat(64));
    expect(result.status).toBe(1);
    expect(result.output).toContain(`the archive at ${URL} is not the pinned one (sha256 ${'0'.repeat(64)})`);
    expect(existsSync(agent)).toBe(false);
  });
});
