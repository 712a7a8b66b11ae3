/**
 * `cast-mesh-agent claim`: a node of an autoscaled group (node.env has
 * CAST_MESH_CLAIM_CIDR and an empty CAST_MESH_ADDRESS) claims a host address
 * of its group's block (docs/mesh.md, "Claimed addresses"). With the directory
 * backend (claims/<address> files made with O_EXCL): the home slot
 * nameHash(name) mod hosts, reuse of a claim naming the node, the probe past
 * claims (wrapping), a full block, and 8 processes racing for one home slot.
 * With the Kubernetes backend, against a stub kubectl: claim ConfigMaps made
 * with `kubectl create` (the bootstrap token reads claims, no records),
 * AlreadyExists meaning "next address", and the claim owned by the Node once
 * the agent sees the Node's uid.
 *
 * The node.env and mesh.env files are written here by hand (what the renderer
 * writes for a scaled node, reduced to what the agent reads).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { AGENT } from './agent-cli';
import { RecordsDir, timestamp } from './records-dir';
import { StubCommands } from './stub-commands';

const PUBLIC_KEY = 'bY1m8VfJc8gq8oWfM3vYb0V8fWkYl0m5pYk1Vx9xq2A=';
const BLOCK = '10.4.37.0/24';
const HOSTS = 254;
const MESH_ENV = [
  "CAST_MESH_MODE='full-mesh'",
  "CAST_MESH_CIDR='10.4.0.0/16'",
  "CAST_MESH_LISTEN_PORT='51820'",
  "CAST_MESH_MTU='1420'",
  "CAST_MESH_PERSISTENT_KEEPALIVE='25'",
  "CAST_MESH_GATEWAYS_PER_CLOUD='1'",
].join('\n');

/** nameHash (lib/core/mesh, castmesh/plan.py): the first 4 bytes of SHA-256, big-endian. */
const nameHash = (name: string) => createHash('sha256').update(name).digest().readUInt32BE(0);
/** The host address of slot `slot` (0-based, network address excluded) of a /24 or smaller block of 10.4.37.0. */
const host = (slot: number) => `10.4.37.${slot + 1}`;
const homeSlot = (name: string, hosts = HOSTS) => nameHash(name) % hosts;
/** `count` names `<prefix><i>` whose home slot is `slot`. */
function namesWithSlot(prefix: string, slot: number, count: number, hosts = HOSTS): string[] {
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) if (homeSlot(`${prefix}${i}`, hosts) === slot) names.push(`${prefix}${i}`);
  return names;
}

/** python3 -c RACER <go file> <ready file> <agent args>: the agent's main, started when <go file> exists. */
const RACER = [
  'import os, runpy, sys, time',
  `sys.path.insert(0, ${JSON.stringify(dirname(AGENT))})`,
  'import castmesh.node',
  'go, ready = sys.argv[1:3]',
  'open(ready, "w").close()',
  'while not os.path.exists(go): time.sleep(0.001)',
  `sys.argv = [${JSON.stringify(AGENT)}] + sys.argv[3:]`,
  `runpy.run_path(${JSON.stringify(AGENT)}, run_name='__main__')`,
].join('\n');

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A records directory shared by the nodes, and per node a node.env claiming in `block`. */
function cluster(block = BLOCK) {
  const dir = mkdtempSync(join(tmpdir(), 'cast-claim-'));
  dirs.push(dir);
  const records = join(dir, 'records');
  mkdirSync(records);
  writeFileSync(join(dir, 'mesh.env'), `${MESH_ENV}\nCAST_MESH_RECORDS_DIR='${records}'\n`);
  const nodeEnv = (name: string, address = '') => {
    const path = join(dir, `${name}.env`);
    writeFileSync(path, `CAST_NODE_NAME='${name}'\nCAST_MESH_ADDRESS='${address}'\nCAST_MESH_CLAIM_CIDR='${block}'\n`);
    return path;
  };
  const args = (name: string, address?: string) => ['--node-env', nodeEnv(name, address), '--mesh-env', join(dir, 'mesh.env'), 'claim'];
  return {
    records,
    claimsDir: join(records, 'claims'),
    claim: (name: string, address?: string, timeout = '0') => {
      const r = spawnSync('python3', [AGENT, ...args(name, address), '--timeout', timeout], { encoding: 'utf8', timeout: 30_000 });
      return { status: r.status ?? -1, stdout: r.stdout.trim(), stderr: r.stderr };
    },
    /**
     * One `claim` process per name. Each starts Python and imports the agent's modules, then
     * waits at a barrier (a file), so that all of them list the claims at about the same moment.
     */
    claimAll: async (names: readonly string[]) => {
      const go = join(dir, 'go');
      const children = names.map((name) => {
        const child = spawn('python3', ['-c', RACER, go, join(dir, `ready-${name}`), ...args(name), '--timeout', '10'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        return new Promise<{ name: string; status: number; address: string }>((resolve) => child.on('close', (status) => resolve({ name, status: status ?? -1, address: out.trim() })));
      });
      for (let i = 0; i < 500 && !names.every((name) => existsSync(join(dir, `ready-${name}`))); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      writeFileSync(go, '');
      return Promise.all(children);
    },
    /** A claim file made by another node. */
    claimed: (address: string, name: string) => {
      mkdirSync(join(records, 'claims'), { recursive: true });
      writeFileSync(join(records, 'claims', address), name);
    },
    claims: (): Record<string, string> =>
      existsSync(join(records, 'claims')) ? Object.fromEntries(readdirSync(join(records, 'claims')).map((a) => [a, readFileSync(join(records, 'claims', a), 'utf8')])) : {},
  };
}

describeWithTool('python3', 'python3', 'cast-mesh-agent claim, directory backend', () => {
  test('a fresh block: the home slot nameHash(name) mod hosts, recorded in claims/<address> with the node name', () => {
    const c = cluster();
    const run = c.claim('aws-scaled-i-0abc');
    expect(run).toMatchObject({ status: 0, stdout: host(homeSlot('aws-scaled-i-0abc')) });
    expect(c.claims()).toEqual({ [host(homeSlot('aws-scaled-i-0abc'))]: 'aws-scaled-i-0abc' });
  });

  test('the claims folder is no record: render over the same directory lists the records only', () => {
    const c = cluster();
    const address = c.claim('w-a').stdout;
    const api = new RecordsDir(c.records);
    api.register({ name: 'w-a', controlPlane: false, createdAt: timestamp(0) });
    api.annotate('w-a', { cloud: 'aws', publicKey: PUBLIC_KEY, endpoint: '198.51.100.7', meshAddress: address, privateAddress: '10.10.0.7' });
    const render = spawnSync('python3', [AGENT, '--records-dir', c.records, 'render', '--self', 'w-a'], { encoding: 'utf8' });
    expect(render.stderr).toBe('');
    expect(render.status).toBe(0);
    expect(render.stdout).toContain(`ip address replace ${address}/32 dev wg0`);
  });

  test('a claim naming the node is reused (a node that restarts keeps its address), whatever its home slot', () => {
    const c = cluster();
    const name = 'gcp-scaled-7';
    const other = host((homeSlot(name) + 100) % HOSTS);
    c.claimed(other, name);
    expect(c.claim(name)).toMatchObject({ status: 0, stdout: other });
    expect(c.claim(name)).toMatchObject({ status: 0, stdout: other });
    expect(c.claims()).toEqual({ [other]: name });
  });

  test('the probe skips claimed addresses, in order, and wraps at the end of the block', () => {
    const c = cluster();
    const [name] = namesWithSlot('probe-', 10, 1);
    for (const slot of [10, 11, 12]) c.claimed(host(slot), `scaled-${slot}`);
    expect(c.claim(name)).toMatchObject({ status: 0, stdout: host(13) });

    const w = cluster();
    const [last] = namesWithSlot('wrap-', HOSTS - 1, 1);
    w.claimed(host(HOSTS - 1), 'someone');
    w.claimed(host(0), 'someone-else');
    expect(w.claim(last)).toMatchObject({ status: 0, stdout: host(1) });
  });

  test('an address already in node.env is printed as it is; neither it nor a block is an error', () => {
    const c = cluster();
    expect(c.claim('w-a', '10.4.1.9')).toMatchObject({ status: 0, stdout: '10.4.1.9' });
    expect(c.claims()).toEqual({});
    const none = cluster('');
    const run = none.claim('w-b');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('has neither CAST_MESH_ADDRESS nor CAST_MESH_CLAIM_CIDR');
  });

  test('a full block is a clear error at once, not retried for the timeout, and claims nothing', () => {
    const c = cluster('10.4.37.0/29');
    for (let slot = 0; slot < 6; slot++) c.claimed(host(slot), `n-${slot}`);
    const before = c.claims();
    const started = performance.now();
    const run = c.claim('late-node', '', '60');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('no free address to claim in 10.4.37.0/29: all 6 are taken by claims');
    expect(c.claims()).toEqual(before);
  });

  test('8 processes racing for one home slot get 8 different addresses, the run of slots after it (3 rounds)', async () => {
    const slot = 40;
    for (let round = 0; round < 3; round++) {
      const c = cluster();
      const names = namesWithSlot(`race${round}-`, slot, 8);
      const results = await c.claimAll(names);
      expect(results.filter((r) => r.status !== 0)).toEqual([]);
      const addresses = results.map((r) => r.address);
      expect(new Set(addresses).size).toBe(8);
      expect([...addresses].sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3]))).toEqual(Array.from({ length: 8 }, (_, i) => host(slot + i)));
      // Each claim file names the node that printed its address.
      expect(c.claims()).toEqual(Object.fromEntries(results.map((r) => [r.address, r.name])));
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------
// Kubernetes backend, stub kubectl.

const TOKEN = 'abcdef.0123456789abcdef';
const KUBECTL = `kubectl --kubeconfig /etc/cast/discovery.conf --token ${TOKEN}`;
const STUBS = {
  kubectl: [
    'case " $* " in',
    '  *" get configmaps "*" cast-mesh/claim=true "*) cat "$STUB_DIR/claims.json" ;;',
    '  *" create "*)',
    '    manifest="$(cat)"; printf \'%s\\n\' "$manifest" >>"$STUB_DIR/created.jsonl"',
    '    name="$(printf \'%s\' "$manifest" | grep -o \'claim-[0-9-]*\' | head -1)"',
    '    if [ -n "${KUBECTL_CREATE_FAILS:-}" ]; then echo "The connection to the server 203.0.113.10:6443 was refused" >&2; exit 1; fi',
    '    if grep -qx "$name" "$STUB_DIR/taken" 2>/dev/null; then echo "Error from server (AlreadyExists): error when creating \\"STDIN\\": configmaps \\"$name\\" already exists" >&2; exit 1; fi',
    '    echo "configmap/$name created" ;;',
    '  *" apply "*) cat >>"$STUB_DIR/applied.jsonl"; echo >>"$STUB_DIR/applied.jsonl" ;;',
    '  *" get nodes "*) cat "$STUB_DIR/nodes.json" ;;',
    '  *" patch node "*) ;;',
    'esac',
  ].join('\n'),
  wg: `case "$1" in pubkey) echo ${PUBLIC_KEY} ;; syncconf) cat >/dev/null ;; esac`,
  ip: 'case "$*" in "-force -batch -") cat >/dev/null ;; esac',
  iptables: '',
  'iptables-restore': 'cat >/dev/null',
};

const stubs: StubCommands[] = [];
afterAll(() => stubs.forEach((s) => s.dispose()));

function kubeNode(name: string, address = '', token = TOKEN) {
  const s = new StubCommands(STUBS);
  stubs.push(s);
  writeFileSync(s.path('wg.key'), 'SHd0b3VsZCBiZSBhIHJlYWwga2V5LCB0aGlzIGlzIG5vdC4=\n', { mode: 0o600 });
  writeFileSync(
    s.path('node.env'),
    [`CAST_NODE_NAME='${name}'`, "CAST_NODE_ROLE='worker'", "CAST_CLOUD='aws'", "CAST_PUBLIC_ADDRESS='198.51.100.7'", `CAST_MESH_ADDRESS='${address}'`, `CAST_MESH_CLAIM_CIDR='${BLOCK}'`, "CAST_POD_CIDR='10.244.0.0/16'", ''].join('\n'),
  );
  const overrides = [
    "CAST_MESH_KUBECONFIG='/etc/cast/discovery.conf'",
    `CAST_MESH_TOKEN='${token}'`,
    `CAST_MESH_TOKEN_FILE='${s.path('join-token')}'`,
    "CAST_MESH_PRIVATE_ADDRESS='10.10.0.7'",
    `CAST_MESH_KEY_FILE='${s.path('wg.key')}'`,
    `CAST_MESH_CNI_CONFIG='${s.path('cni/10-cast.conflist')}'`,
    `CAST_MESH_KUBELET_KUBECONFIG='${s.path('kubelet.conf')}'`,
  ];
  writeFileSync(s.path('mesh.env'), `${MESH_ENV}\n${overrides.join('\n')}\n`);
  writeFileSync(s.path('nodes.json'), JSON.stringify({ items: [] }));
  writeFileSync(s.path('claims.json'), JSON.stringify({ items: [] }));
  const lines = (file: string) => (existsSync(s.path(file)) ? readFileSync(s.path(file), 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)) : []);
  return {
    s,
    agent: (args: string[], env: Record<string, string> = {}) => s.run(['python3', AGENT, '--node-env', s.path('node.env'), '--mesh-env', s.path('mesh.env'), ...args], { PATH: `${s.bin}:${process.env.PATH}`, ...env }),
    kubectl: (run: { calls: string[] }) => run.calls.filter((call) => call.startsWith('kubectl')),
    created: () => lines('created.jsonl'),
    applied: () => lines('applied.jsonl'),
    setClaims: (...claims: { node: string; address: string }[]) =>
      writeFileSync(s.path('claims.json'), JSON.stringify({ items: claims.map((data) => ({ metadata: { name: `claim-${data.address.replace(/\./g, '-')}`, namespace: 'cast-mesh' }, data })) })),
    taken: (...addresses: string[]) => writeFileSync(s.path('taken'), addresses.map((a) => `claim-${a.replace(/\./g, '-')}\n`).join('')),
  };
}

const claimConfigMap = (node: string, address: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `claim-${address.replace(/\./g, '-')}`, namespace: 'cast-mesh', labels: { 'cast-mesh/claim': 'true' } },
  data: { node, address },
});

describeWithTool('python3', 'python3', 'cast-mesh-agent claim, Kubernetes backend (stub kubectl)', () => {
  const NAME = 'aws-scaled-i-0f00';
  const HOME = host(homeSlot(NAME));
  const NEXT = host((homeSlot(NAME) + 1) % HOSTS);
  const AFTER = host((homeSlot(NAME) + 2) % HOSTS);

  test('lists the claims, then creates claim-<a>-<b>-<c>-<d> with the bootstrap token; AlreadyExists means the next address', () => {
    const n = kubeNode(NAME);
    // Taken between the listing and the create: another node won the race for the home slot.
    n.taken(HOME);
    const run = n.agent(['claim', '--timeout', '5']);
    expect(run.status).toBe(0);
    expect(run.output.trim().split('\n').pop()).toBe(NEXT);
    expect(n.kubectl(run)).toEqual([
      `${KUBECTL} get configmaps -n cast-mesh -l cast-mesh/claim=true -o json`,
      `${KUBECTL} create -f -`,
      `${KUBECTL} create -f -`,
    ]);
    expect(n.created()).toEqual([claimConfigMap(NAME, HOME), claimConfigMap(NAME, NEXT)]);
  });

  test('addresses of listed claims are not even tried', () => {
    const n = kubeNode(NAME);
    n.setClaims({ node: 'aws-scaled-i-0bbb', address: HOME }, { node: 'aws-scaled-i-0ccc', address: NEXT });
    const run = n.agent(['claim']);
    expect(run.status).toBe(0);
    expect(run.output.trim().split('\n').pop()).toBe(AFTER);
    expect(n.created()).toEqual([claimConfigMap(NAME, AFTER)]);
  });

  test('a claim ConfigMap naming the node is reused: nothing is created', () => {
    const n = kubeNode(NAME);
    n.setClaims({ node: 'someone-else', address: '10.4.37.5' }, { node: NAME, address: '10.4.37.77' });
    const run = n.agent(['claim']);
    expect(run.status).toBe(0);
    expect(run.output.trim().split('\n').pop()).toBe('10.4.37.77');
    expect(n.kubectl(run).filter((call) => call.includes(' create '))).toEqual([]);
  });

  test('any other kubectl error is no "taken": the claim fails with its message after one create', () => {
    const n = kubeNode(NAME);
    const run = n.agent(['claim'], { KUBECTL_CREATE_FAILS: '1' });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('kubectl create: The connection to the server 203.0.113.10:6443 was refused');
    expect(n.created()).toHaveLength(1);
  });

  test('a node that read its join token from a store (mesh.env names none) claims with the token in its token file', () => {
    const n = kubeNode(NAME, '', '');
    writeFileSync(n.s.path('join-token'), 'q7x2mn.k3v9w0z8r2t4y6u1\n', { mode: 0o600 });
    const run = n.agent(['claim']);
    expect(run.status).toBe(0);
    expect(n.kubectl(run)[0]).toBe('kubectl --kubeconfig /etc/cast/discovery.conf --token q7x2mn.k3v9w0z8r2t4y6u1 get configmaps -n cast-mesh -l cast-mesh/claim=true -o json');
    expect(n.created()).toHaveLength(1);
  });

  test('sync: once its Node is listed (its uid), the claim is applied with the Node as owner, with the kubelet\'s credentials; before, it is left alone', () => {
    const n = kubeNode(NAME, '10.4.37.9');
    writeFileSync(n.s.path('kubelet.conf'), 'kubelet kubeconfig\n');
    const before = n.agent(['sync']);
    expect(before.status).toBe(0);
    expect(n.applied()).toEqual([]);

    const node = { metadata: { name: NAME, uid: '6f1c-uid', creationTimestamp: timestamp(3) }, spec: { podCIDR: '10.244.7.0/24' } };
    writeFileSync(n.s.path('nodes.json'), JSON.stringify({ items: [node] }));
    const after = n.agent(['sync']);
    expect(after.status).toBe(0);
    const calls = n.kubectl(after);
    expect(calls[0]).toBe(`kubectl --kubeconfig ${n.s.path('kubelet.conf')} get nodes -o json`);
    // The kubelet's, not the join token: a token read from a store expires within a day.
    expect(calls).toContain(`kubectl --kubeconfig ${n.s.path('kubelet.conf')} apply --server-side --force-conflicts --field-manager=cast-mesh-agent -f -`);
    expect(calls.filter((call) => call.includes('--token'))).toEqual([]);
    const expected = claimConfigMap(NAME, '10.4.37.9');
    expect(n.applied()).toEqual([{ ...expected, metadata: { ...expected.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: NAME, uid: '6f1c-uid' }] } }]);
    // The record itself is the Node's annotations, patched with the kubelet's kubeconfig.
    expect(calls.filter((call) => call.includes(' patch node '))).toEqual([expect.stringMatching(new RegExp(`^kubectl --kubeconfig ${n.s.path('kubelet.conf')} patch node ${NAME} --type merge -p `))]);
  });
});
