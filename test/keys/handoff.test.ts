/**
 * The CA keys over the mesh, for DigitalOcean control planes (docs/decisions/0003): the server,
 * `cast-key-handoff serve` (castmesh/handoff.py), as a control plane with a store runs it, and its
 * client, the mesh-handoff store of `cast-control-plane-keys fetch` (castmesh/keys_handoff.py), as
 * the joining node runs it. The server reads a fake store module (a bundle with keyTickets) and a
 * stub kubectl on its PATH that serves Nodes from files and records the ConfigMaps it creates,
 * answering AlreadyExists as the API does.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_PLANE_KEY_FILES } from '../../lib/core/bootstrap/control-plane-keys';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { bundleOf, ClusterPki, cleanUpKeysLab, installReader, KeysNode, keysLabDir, makeClusterPki, runReader, runReaderAsync } from './keys-lab';

/** The store of the serving control plane: the bundle file of its state directory, or not readable yet. */
const FAKE_STORE = `
import os
from castmesh import keys
def read_bundle(env):
    path = os.path.join(os.environ['FAKE_STATE'], 'bundle')
    if not os.path.exists(path):
        raise keys.Unavailable('AccessDeniedException: not authorized yet')
    return open(path).read()
`;

/** kubectl: `get node <name> -o json` from nodes/<name>.json; `create -f -` into configmaps/<name>.json, once; api-down: the API refuses. */
const KUBECTL = `#!/usr/bin/env python3
import json, os, sys
state = os.environ['FAKE_STATE']
args = sys.argv[1:]
open(os.path.join(state, 'kubectl.log'), 'a').write(' '.join(args) + '\\n')
if args[:2] != ['--kubeconfig', '/etc/kubernetes/admin.conf']:
    sys.exit('error: not the admin kubeconfig')
if os.path.exists(os.path.join(state, 'api-down')):
    sys.exit('The connection to the server 10.99.0.11:6443 was refused - did you specify the right host or port?')
rest = [a for a in args[2:] if not a.startswith('--request-timeout=')]
if rest[:2] == ['get', 'node'] and rest[3:] == ['-o', 'json']:
    path = os.path.join(state, 'nodes', rest[2] + '.json')
    if not os.path.exists(path):
        sys.exit(f'Error from server (NotFound): nodes "{rest[2]}" not found')
    print(open(path).read())
elif rest == ['create', '-f', '-']:
    manifest = json.load(sys.stdin)
    name = manifest['metadata']['name']
    path = os.path.join(state, 'configmaps', name + '.json')
    if os.path.exists(path):
        sys.exit(f'Error from server (AlreadyExists): error when creating "STDIN": configmaps "{name}" already exists')
    json.dump(manifest, open(path, 'w'))
    print(f'configmap/{name} created')
else:
    sys.exit('unexpected kubectl ' + ' '.join(args))
`;

const PATH_V1 = '/v1/control-plane-keys';
const STATIC = 'abcdef.0123456789abcdef';
/** One ticket per DigitalOcean control plane, as Terraform makes them (random, in that node's user-data). */
const TICKETS: Record<string, string> = Object.fromEntries(
  ['do-cp-1', 'do-cp-2', 'do-cp-3', 'do-cp-4', 'do-cp-5', 'do-cp-6', 'do-cp-7'].map((name, i) => [name, `Tk${i}-${createHash('sha256').update(name).digest('base64url').slice(0, 30)}`]),
);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface HandoffServer {
  readonly child: ChildProcess;
  readonly state: string;
  readonly address: string;
  stderr(): string;
  registerNode(name: string, internalIp: string): void;
  configMaps(): string[];
  kubectlCalls(): string[];
}

/** `cast-key-handoff serve` as the node runs it (the shipped executable, one more store registered), on an ephemeral loopback port. */
async function startServer(bundle: string | undefined): Promise<HandoffServer> {
  const root = keysLabDir('cast-handoff-');
  const mesh = join(root, 'mesh');
  mkdirSync(join(mesh, 'castmesh'), { recursive: true });
  for (const module of ['keys.py', 'node_env.py', 'handoff.py']) writeFileSync(join(mesh, 'castmesh', module), compactScript(readTemplateFile(`mesh/agent/castmesh/${module}`)));
  writeFileSync(join(mesh, 'fakestore.py'), FAKE_STORE);
  const executable = compactScript(readTemplateFile('mesh/agent/cast-key-handoff')).replace('from castmesh import handoff', "from castmesh import handoff, keys\nkeys.BACKENDS['fake-store'] = 'fakestore'");
  writeFileSync(join(mesh, 'cast-key-handoff'), executable, { mode: 0o755 });
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'kubectl'), KUBECTL, { mode: 0o755 });
  const state = join(root, 'state');
  mkdirSync(join(state, 'nodes'), { recursive: true });
  mkdirSync(join(state, 'configmaps'));
  if (bundle !== undefined) writeFileSync(join(state, 'bundle'), bundle);
  const nodeEnv = join(root, 'node.env');
  writeFileSync(nodeEnv, "CAST_NODE_NAME='aws-cp-1'\nCAST_KEYS_STORE='fake-store'\nCAST_KEYS_SECRET='the-secret'\nCAST_MESH_ADDRESS='10.99.0.11'\n");
  const child = spawn('python3', [join(mesh, 'cast-key-handoff'), 'serve', '--node-env', nodeEnv, '--listen', '127.0.0.1:0'], {
    env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, FAKE_STATE: state },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  await until(() => /listening on 127\.0\.0\.1:\d+/.test(stderr) || child.exitCode !== null, 10_000);
  const port = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr)?.[1];
  if (port === undefined) throw new Error(`cast-key-handoff did not start: ${stderr}`);
  const lines = (name: string) => (existsSync(join(state, name)) ? readFileSync(join(state, name), 'utf8').split('\n').filter((l) => l !== '') : []);
  return {
    child,
    state,
    address: `127.0.0.1:${port}`,
    stderr: () => stderr,
    registerNode: (name, internalIp) =>
      writeFileSync(
        join(state, 'nodes', `${name}.json`),
        JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-of-${name}` }, status: { addresses: [{ type: 'InternalIP', address: internalIp }, { type: 'Hostname', address: name }] } }),
      ),
    configMaps: () => readdirSync(join(state, 'configmaps')).sort(),
    kubectlCalls: () => lines('kubectl.log'),
  };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function post(server: HandoffServer, body: unknown, init: { path?: string; method?: string } = {}) {
  const response = await fetch(`http://${server.address}${init.path ?? PATH_V1}`, {
    method: init.method ?? 'POST',
    body: init.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

let pki: ClusterPki;
let server: HandoffServer;
let troubled: HandoffServer;
let storeBundle: string;
const servers: HandoffServer[] = [];

/** The joining DigitalOcean control plane: the key reader with the mesh-handoff store and `name`'s ticket. */
function joiner(name: string, ticket = TICKETS[name]): KeysNode {
  return installReader(pki, { CAST_NODE_ROLE: 'control-plane', CAST_NODE_NAME: name, CAST_KEYS_STORE: 'mesh-handoff', CAST_KEYS_SECRET: ticket }, {
    'keys_handoff.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_handoff.py')),
  });
}

const written = (node: KeysNode) => CONTROL_PLANE_KEY_FILES.filter((f) => existsSync(join(node.pkiDir, f.path))).map((f) => f.path);
const serversOf = (...list: HandoffServer[]) => ({ CAST_KEYS_HANDOFF_SERVERS: list.map((s) => s.address).join(',') });

describeWithTool('openssl', 'openssl', 'cast-key-handoff and the mesh-handoff store', () => {
  beforeAll(async () => {
    pki = makeClusterPki();
    storeBundle = bundleOf(pki, (d) => Object.assign(d, { staticJoinTokenId: 'abcdef', staticJoinToken: STATIC, keyTickets: Object.fromEntries(Object.entries(TICKETS).map(([name, t]) => [name, sha256(t)])) }));
    servers.push((server = await startServer(storeBundle)), (troubled = await startServer(undefined)));
    for (const name of ['do-cp-1', 'do-cp-2', 'do-cp-5', 'do-cp-6', 'do-cp-7']) server.registerNode(name, '127.0.0.1');
    server.registerNode('do-cp-3', '10.20.0.9');
  });
  afterAll(() => {
    for (const s of servers) s.child.kill();
    cleanUpKeysLab();
  });

  test('the right ticket from the Node\'s address: exactly {schema, files}, once; the used ticket is a ConfigMap the Node owns', async () => {
    const answer = await post(server, { node: 'do-cp-2', ticket: TICKETS['do-cp-2'] });
    expect(answer.status).toBe(200);
    const { schema, files } = JSON.parse(storeBundle);
    expect(answer.json).toEqual({ schema, files });
    // Never the tickets (even hashed) or the static join token.
    for (const secret of [STATIC, ...Object.values(TICKETS), ...Object.values(TICKETS).map(sha256)]) expect(answer.text).not.toContain(secret);
    expect(JSON.parse(readFileSync(join(server.state, 'configmaps', 'key-handoff-do-cp-2.json'), 'utf8'))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'key-handoff-do-cp-2', namespace: 'cast-mesh', labels: { 'cast-mesh/key-handoff': 'true' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'do-cp-2', uid: 'uid-of-do-cp-2' }] },
      data: { node: 'do-cp-2' },
    });
    const again = await post(server, { node: 'do-cp-2', ticket: TICKETS['do-cp-2'] });
    expect(again).toMatchObject({ status: 403, json: { error: 'the ticket of do-cp-2 was used already; delete its Node object to hand the keys to a replacement' } });
  });

  test('cast-control-plane-keys fetch over the mesh writes the 7 files after its checks; a second fetch with the same ticket is refused at once', () => {
    const node = joiner('do-cp-1');
    const run = runReader(node, ['--timeout', '5'], serversOf(server));
    expect(run).toEqual({ status: 0, stderr: `cast-control-plane-keys: wrote 7 files from mesh-handoff to ${node.pkiDir}\n` });
    for (const file of CONTROL_PLANE_KEY_FILES) expect(readFileSync(join(node.pkiDir, file.path), 'utf8')).toBe(pki[file.path]);
    const again = joiner('do-cp-1');
    const refused = runReader(again, ['--timeout', '5'], serversOf(server));
    expect(refused).toEqual({
      status: 1,
      stderr: `cast-control-plane-keys: mesh-handoff: ${server.address}: the ticket of do-cp-1 was used already; delete its Node object to hand the keys to a replacement\n`,
    });
    expect(written(again)).toEqual([]);
  });

  test('a wrong ticket, or a node with none, is refused before the API is asked; the client stops at once', async () => {
    expect(await post(server, { node: 'do-cp-6', ticket: 'x'.repeat(32) })).toMatchObject({ status: 403, json: { error: 'no valid ticket for do-cp-6' } });
    expect(await post(server, { node: 'do-cp-9', ticket: TICKETS['do-cp-6'] })).toMatchObject({ status: 403, json: { error: 'no valid ticket for do-cp-9' } });
    const node = joiner('do-cp-6', TICKETS['do-cp-7']);
    expect(runReader(node, ['--timeout', '5'], serversOf(server))).toEqual({ status: 1, stderr: `cast-control-plane-keys: mesh-handoff: ${server.address}: no valid ticket for do-cp-6\n` });
    expect(server.kubectlCalls().filter((call) => /do-cp-[69]/.test(call))).toEqual([]);
    expect(written(node)).toEqual([]);
  });

  test('the right ticket from another address than the Node\'s InternalIP is refused and not used up', async () => {
    expect(await post(server, { node: 'do-cp-3', ticket: TICKETS['do-cp-3'] })).toMatchObject({
      status: 403,
      json: { error: 'the request comes from 127.0.0.1, not from the InternalIP of do-cp-3 (10.20.0.9)' },
    });
    expect(server.configMaps()).not.toContain('key-handoff-do-cp-3.json');
  });

  test.each<[string, number, string, unknown, { path?: string; method?: string }]>([
    ['a body that is not JSON', 400, 'the body must be a JSON object {"node": ..., "ticket": ...}', 'node=do-cp-7', {}],
    ['a JSON array', 400, 'the body must be a JSON object {"node": ..., "ticket": ...}', [TICKETS['do-cp-7']], {}],
    ['a node that is no node name', 400, 'node must be a node name (lower-case letters, digits and "-", at most 63)', { node: 'DO_CP_7', ticket: TICKETS['do-cp-7'] }, {}],
    ['a short ticket', 400, 'ticket must be 16 to 128 printable ASCII characters', { node: 'do-cp-7', ticket: 'short' }, {}],
    ['a ticket that is not a string', 400, 'ticket must be 16 to 128 printable ASCII characters', { node: 'do-cp-7', ticket: 12345678901234567890 }, {}],
    ['a body over 4 KiB', 413, 'the body must be at most 4096 bytes', { node: 'do-cp-7', ticket: TICKETS['do-cp-7'], padding: 'x'.repeat(5000) }, {}],
    ['another path', 404, 'no such path; POST /v1/control-plane-keys', { node: 'do-cp-7', ticket: TICKETS['do-cp-7'] }, { path: '/v1/other' }],
    ['a GET', 404, 'no such path; POST /v1/control-plane-keys', undefined, { method: 'GET', path: '/' }],
  ])('%s: %d', async (_name, status, error, body, init) => {
    expect(await post(server, body, init)).toMatchObject({ status, json: { error } });
    expect(server.configMaps()).not.toContain('key-handoff-do-cp-7.json');
  });

  test('a Node not registered yet: the client tries again, and gets the keys once its kubelet has registered', async () => {
    const node = joiner('do-cp-4');
    const run = runReaderAsync(node, ['--timeout', '20', '--first-pause', '0.1'], serversOf(server));
    await until(() => server.stderr().includes('do-cp-4: 403 do-cp-4 has not registered as a node yet'));
    server.registerNode('do-cp-4', '127.0.0.1');
    const done = await run;
    expect(done.status).toBe(0);
    expect(done.stderr).toContain(`cast-control-plane-keys: mesh-handoff: ${server.address}: do-cp-4 has not registered as a node yet; trying again until 20 s have passed`);
    expect(written(node)).toHaveLength(7);
  });

  test('a store or an API that does not answer is a 503; the client asks the next control plane', async () => {
    expect(await post(troubled, { node: 'do-cp-5', ticket: TICKETS['do-cp-5'] })).toMatchObject({
      status: 503,
      json: { error: 'the key bundle could not be read from fake-store: AccessDeniedException: not authorized yet' },
    });
    writeFileSync(join(troubled.state, 'bundle'), storeBundle);
    writeFileSync(join(troubled.state, 'api-down'), '');
    expect(await post(troubled, { node: 'do-cp-5', ticket: TICKETS['do-cp-5'] })).toMatchObject({
      status: 503,
      json: { error: 'kubectl get node do-cp-5: The connection to the server 10.99.0.11:6443 was refused - did you specify the right host or port?' },
    });
    const node = joiner('do-cp-5');
    const dead = `127.0.0.1:${await deadPort()}`;
    const run = runReader(node, ['--timeout', '5'], { CAST_KEYS_HANDOFF_SERVERS: `${dead},${troubled.address},${server.address}` });
    expect(run).toEqual({ status: 0, stderr: `cast-control-plane-keys: wrote 7 files from mesh-handoff to ${node.pkiDir}\n` });
  });

  test('no control plane answers: the client gives up after --timeout with every reason', async () => {
    writeFileSync(join(troubled.state, 'bundle'), storeBundle);
    writeFileSync(join(troubled.state, 'api-down'), '');
    const dead = `127.0.0.1:${await deadPort()}`;
    const run = runReader(joiner('do-cp-7'), ['--timeout', '0.5', '--first-pause', '0.1'], { CAST_KEYS_HANDOFF_SERVERS: `${dead},${troubled.address}` });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`mesh-handoff: gave up after 0.5 s: no control plane handed the keys (POST http://${dead}/v1/control-plane-keys: `);
    expect(run.stderr).toContain(`; ${troubled.address}: kubectl get node do-cp-7: The connection to the server`);
  });

  test('the servers are the control planes of the mesh records but this node, on port 6446; none yet is worth waiting for', () => {
    const node = joiner('do-cp-7');
    const cache = join(node.root, 'mesh-records.json');
    const record = (name: string, role: string, meshAddress: string) => ({ name, role, meshAddress, cloud: 'aws', endpoint: '203.0.113.1', privateAddress: '10.0.0.1' });
    writeFileSync(cache, JSON.stringify({ records: [record('gcp-cp-1', 'control-plane', '10.99.0.12'), record('aws-cp-1', 'control-plane', '10.99.0.11'), record('do-cp-7', 'control-plane', '10.99.0.20'), record('do-w-1', 'worker', '10.99.0.30'), record('bad', 'control-plane', 'not-an-address')] }));
    const script = `import sys\nsys.path.insert(0, ${JSON.stringify(join(node.root, 'mesh'))})\nfrom castmesh import keys_handoff\nprint(keys_handoff.servers('do-cp-7'))\n`;
    const listed = spawnSync('python3', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, CAST_MESH_RECORDS_CACHE: cache } });
    expect(listed.stdout).toBe("[('10.99.0.11', 6446), ('10.99.0.12', 6446)]\n");
    rmSync(cache);
    const run = runReader(node, ['--timeout', '0.3', '--first-pause', '0.1'], { CAST_MESH_RECORDS_CACHE: cache });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('mesh-handoff: gave up after 0.3 s: no control plane in the mesh records yet');
  });

  test('a node.env without a ticket or a node name is refused at once', () => {
    const noTicket = runReader(joiner('do-cp-7', ''), ['--timeout', '5'], serversOf(server));
    expect(noTicket).toEqual({ status: 1, stderr: 'cast-control-plane-keys: mesh-handoff: CAST_KEYS_SECRET in node.env is not a key ticket (16 to 128 printable ASCII characters)\n' });
    const noName = installReader(pki, { CAST_NODE_ROLE: 'control-plane', CAST_KEYS_STORE: 'mesh-handoff', CAST_KEYS_SECRET: TICKETS['do-cp-7'] }, { 'keys_handoff.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_handoff.py')) });
    expect(runReader(noName, ['--timeout', '5'], serversOf(server))).toEqual({ status: 1, stderr: "cast-control-plane-keys: mesh-handoff: CAST_NODE_NAME in node.env is not a node name (got '')\n" });
  });

  test('one port on both sides; the server logs each decision and never a ticket', () => {
    const port = (module: string) => /^HANDOFF_PORT = (\d+)/m.exec(readTemplateFile(`mesh/agent/castmesh/${module}`))?.[1];
    expect(port('handoff.py')).toBe('6446');
    expect(port('keys_handoff.py')).toBe('6446');
    const log = server.stderr() + troubled.stderr();
    expect(log).toContain('cast-key-handoff: 127.0.0.1 do-cp-2: handed the keys');
    expect(log).toContain('cast-key-handoff: 127.0.0.1 do-cp-6: 403 no valid ticket for do-cp-6');
    for (const ticket of Object.values(TICKETS)) expect(log).not.toContain(ticket);
  });
});
