/**
 * metadata-guard.sh, the node's copy (comments dropped, as its user-data carries it), run
 * with real iptables in network namespaces:
 *
 * ```
 *   <p>-c  "the cloud": lo holds 169.254.169.254 and 168.63.129.16; a python3 server answers
 *          DNS on both (udp and tcp 53) and HTTP (80, and Azure WireServer's 32526)
 *            | 10.99.0.1 -- veth -- 10.99.0.2 eth0
 *   <p>-n  the node: routes both addresses via 10.99.0.1, forwards, runs the guard
 *            | pod0 10.244.1.1 -- veth -- eth0 10.244.1.10
 *   <p>-p  a pod of the node's pod range (10.244.0.0/16)
 * ```
 *
 * Before the guard the pod reads both services (so the lab is not what blocks them); after
 * it, the pod resolves a name at both addresses over udp and tcp, reads neither over HTTP,
 * and the node still does. Running it again, or after something wrote into its chain,
 * leaves exactly the same rules. Needs root, ip, iptables (iptables-nft works) and python3:
 * without them the group is skipped with the reason printed, and fails on CI
 * (test/support/requirements.ts).
 */
import { ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactTemplateFile } from '../../lib/core/bootstrap/compact-script';
import { startInNamespace } from '../support/namespace-process';
import { describeNeeding, missingBinaries, notRoot } from '../support/requirements';

const MISSING = [
  ...notRoot('network namespaces need it'),
  ...missingBinaries(['ip'], 'apt-get install iproute2'),
  ...missingBinaries(['iptables', 'iptables-restore'], 'apt-get install iptables'),
  ...missingBinaries(['python3'], 'apt-get install python3'),
];

const METADATA = '169.254.169.254';
const WIRESERVER = '168.63.129.16';
const POD_RANGE = '10.244.0.0/16';

/** DNS (udp and tcp 53: every question answered with an A record, 192.0.2.53) and HTTP (80, 32526: "metadata") on both addresses; prints "ready". */
const SERVICES = `
import socket, socketserver, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def answer(query):
    # The question, QR and RA set, one answer: a pointer to the question's name, A, IN, TTL 60, 192.0.2.53.
    return query[:2] + b'\\x81\\x80' + query[4:6] + b'\\x00\\x01\\x00\\x00\\x00\\x00' + query[12:] + b'\\xc0\\x0c\\x00\\x01\\x00\\x01\\x00\\x00\\x00\\x3c\\x00\\x04\\xc0\\x00\\x02\\x35'

class Udp(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(answer(data), self.client_address)

class Tcp(socketserver.BaseRequestHandler):
    def handle(self):
        size = int.from_bytes(self.request.recv(2), 'big')
        reply = answer(self.request.recv(size))
        self.request.sendall(len(reply).to_bytes(2, 'big') + reply)

class Http(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'metadata')
    def log_message(self, *args):
        pass

servers = []
for address in sys.argv[1:]:
    servers += [socketserver.ThreadingUDPServer((address, 53), Udp), socketserver.ThreadingTCPServer((address, 53), Tcp),
                ThreadingHTTPServer((address, 80), Http), ThreadingHTTPServer((address, 32526), Http)]
for server in servers:
    threading.Thread(target=server.serve_forever, daemon=True).start()
print('ready', flush=True)
threading.Event().wait()
`;

/** One A question for cast.example over udp or tcp; prints the answer's address, or exits 1 after 2 s. */
const RESOLVE = `
import socket, sys
address, proto = sys.argv[1], sys.argv[2]
query = b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x04cast\\x07example\\x00\\x00\\x01\\x00\\x01'
try:
    if proto == 'udp':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(query, (address, 53))
        reply = s.recv(512)
    else:
        s = socket.create_connection((address, 53), timeout=2)
        s.sendall(len(query).to_bytes(2, 'big') + query)
        reply = s.recv(514)[2:]
except OSError:
    sys.exit(1)
print('.'.join(str(b) for b in reply[-4:]) if reply[:2] == query[:2] else 'wrong id')
`;

describeNeeding('metadata-guard.sh with real iptables, in network namespaces', MISSING, () => {
  const prefix = `mdg${process.pid.toString(36)}`;
  const [cloud, node, pod] = ['c', 'n', 'p'].map((suffix) => `${prefix}-${suffix}`);
  let dir = '';
  let services: ChildProcess | undefined;

  const sh = (ns: string, args: readonly string[], input?: string) => spawnSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', input, timeout: 30_000 });
  const must = (ns: string, args: readonly string[], input?: string) => {
    const run = sh(ns, args, input);
    if (run.status !== 0) throw new Error(`${ns}: ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    return run.stdout;
  };
  const resolves = (ns: string, address: string, proto: 'udp' | 'tcp') => sh(ns, ['python3', '-c', RESOLVE, address, proto]).stdout.trim();
  const reads = (ns: string, address: string, port: number) => sh(ns, ['curl', '-s', '--max-time', '2', `http://${address}:${port}/`]).stdout;
  const runGuard = () => spawnSync('ip', ['netns', 'exec', node, 'bash', join(dir, 'metadata-guard.sh')], { encoding: 'utf8', env: { ...process.env, CAST_NODE_ENV: join(dir, 'node.env') } });
  const rules = () => must(node, ['iptables', '-w', '-S']);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cast-metadata-guard-'));
    writeFileSync(join(dir, 'node.env'), `CAST_POD_CIDR='${POD_RANGE}'\n`);
    // The node's copy: the template without its comment lines.
    writeFileSync(join(dir, 'metadata-guard.sh'), compactTemplateFile('scripts/metadata-guard.sh'), { mode: 0o755 });
    for (const ns of [cloud, node, pod]) spawnSync('ip', ['netns', 'add', ns]);
    const batch = (ns: string, lines: string[]) => {
      const run = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${ns}: ${run.stderr}`);
    };
    batch(cloud, ['link set lo up', `address add ${METADATA}/32 dev lo`, `address add ${WIRESERVER}/32 dev lo`, `link add eth0 type veth peer name eth0 netns ${node}`, 'address add 10.99.0.1/24 dev eth0', 'link set eth0 up', 'route add 10.244.0.0/16 via 10.99.0.2']);
    batch(node, ['link set lo up', 'address add 10.99.0.2/24 dev eth0', 'link set eth0 up', `route add ${METADATA}/32 via 10.99.0.1`, `route add ${WIRESERVER}/32 via 10.99.0.1`, `link add pod0 type veth peer name eth0 netns ${pod}`, 'address add 10.244.1.1/24 dev pod0', 'link set pod0 up']);
    batch(pod, ['link set lo up', 'address add 10.244.1.10/24 dev eth0', 'link set eth0 up', 'route add default via 10.244.1.1']);
    must(node, ['sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    services = await startInNamespace(cloud, ['python3', '-c', SERVICES, METADATA, WIRESERVER], 'the lab\'s DNS and HTTP services');
  }, 120_000);

  afterAll(() => {
    services?.kill('SIGKILL');
    for (const ns of [cloud, node, pod]) spawnSync('ip', ['netns', 'delete', ns]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('before the guard, a pod reads the metadata service and WireServer (the lab blocks nothing)', () => {
    expect([reads(pod, METADATA, 80), reads(pod, WIRESERVER, 80), reads(pod, WIRESERVER, 32526)]).toEqual(['metadata', 'metadata', 'metadata']);
  });

  test('after it, pods resolve names at both addresses over udp and tcp but read neither; the node still does', () => {
    const run = runGuard();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(Object.fromEntries([METADATA, WIRESERVER].flatMap((address) => (['udp', 'tcp'] as const).map((proto) => [`${address} ${proto}`, resolves(pod, address, proto)])))).toEqual({
      [`${METADATA} udp`]: '192.0.2.53',
      [`${METADATA} tcp`]: '192.0.2.53',
      [`${WIRESERVER} udp`]: '192.0.2.53',
      [`${WIRESERVER} tcp`]: '192.0.2.53',
    });
    expect([reads(pod, METADATA, 80), reads(pod, WIRESERVER, 80), reads(pod, WIRESERVER, 32526)]).toEqual(['', '', '']);
    expect([reads(node, METADATA, 80), reads(node, WIRESERVER, 32526)]).toEqual(['metadata', 'metadata']);
    // The drops are the guard's: its DROP rules counted the pod's packets.
    const counted = must(node, ['iptables', '-w', '-L', 'CAST-METADATA', '-v', '-x', '-n']);
    expect([...counted.matchAll(/^\s*(\d+)\s+\d+\s+DROP/gm)].map((m) => Number(m[1]) > 0)).toEqual([true, true]);
  });

  test('running it again, or after another rule landed in its chain, leaves exactly one jump and the same chain', () => {
    const first = rules();
    expect(first.split('\n').filter((line) => line.startsWith('-A FORWARD'))).toEqual([`-A FORWARD -s ${POD_RANGE} -j CAST-METADATA`]);
    expect(runGuard().status).toBe(0);
    expect(rules()).toBe(first);
    must(node, ['iptables', '-w', '-A', 'CAST-METADATA', '-p', 'udp', '-j', 'RETURN']);
    expect(runGuard().status).toBe(0);
    expect(rules()).toBe(first);
    expect(resolves(pod, METADATA, 'udp')).toBe('192.0.2.53');
    expect(reads(pod, METADATA, 80)).toBe('');
  });

  test('a node.env without the pod range: the guard fails and says so', () => {
    writeFileSync(join(dir, 'node.env'), "CAST_NODE_NAME='n'\n");
    const run = runGuard();
    writeFileSync(join(dir, 'node.env'), `CAST_POD_CIDR='${POD_RANGE}'\n`);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('CAST_POD_CIDR: missing in /etc/cast/node.env');
  });
});
