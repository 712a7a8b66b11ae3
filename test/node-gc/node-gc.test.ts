/**
 * cast-node-gc (castmesh/node_gc.py), the part every cloud shares: which Nodes it deletes and
 * which it leaves, and which address claims it expires. kubectl is a stub that answers from
 * files and records what it was asked to delete; the cloud's inventory is a fake module that
 * answers each VM's state from a file (test/node-gc/<cloud>*.test.ts test the real ones
 * against their cloud's documented API).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A fake inventory: the VM state of each ref, by name, from vm-states.json; what it was asked, in asked.jsonl. */
const FAKE_INVENTORY = `
import json, os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
def vm_state(ref, env):
    with open(os.path.join(ROOT, 'asked.jsonl'), 'a') as f:
        f.write(json.dumps(ref, sort_keys=True) + '\\n')
    return json.load(open(os.path.join(ROOT, 'vm-states.json'))).get(ref['name'], 'unknown')
`;

/** kubectl: get nodes / get configmaps answer from files; delete appends to deleted.txt. */
const KUBECTL = `#!/bin/bash
root="$(dirname "$(dirname "$0")")"
case " $* " in
  *" get nodes "*) cat "$root/nodes.json" ;;
  *" get configmaps "*) cat "$root/claims.json" ;;
  *" delete "*) echo "$*" | sed 's/^--kubeconfig [^ ]* //' >>"$root/deleted.txt" ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac
`;

interface FakeNode {
  name: string;
  cloud?: string;
  ready?: boolean;
  since?: number;
  controlPlane?: boolean;
  providerID?: string;
}

const node = ({ name, cloud = 'aws', ready = false, since = 3600, controlPlane = false, providerID }: FakeNode) => ({
  metadata: {
    name,
    labels: {
      'cast-cluster/cloud': cloud,
      'topology.kubernetes.io/region': 'eu-west-1',
      'topology.kubernetes.io/zone': 'eu-west-1a',
      ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    },
  },
  spec: providerID ? { providerID } : {},
  status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready ? 'True' : 'Unknown', lastTransitionTime: ago(since) }] },
});

const claim = (address: string, nodeName: string, age: number, owned = false) => ({
  metadata: {
    name: `claim-${address.replace(/\./g, '-')}`,
    creationTimestamp: ago(age),
    ...(owned ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: 'u-1' }] } : {}),
  },
  data: { node: nodeName, address },
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function lab(cloud: string, nodes: object[], states: Record<string, string>, claims: object[] = []) {
  const root = mkdtempSync(join(tmpdir(), 'cast-node-gc-'));
  dirs.push(root);
  mkdirSync(join(root, 'mesh', 'castmesh'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  for (const name of ['node_gc.py', 'node_env.py']) writeFileSync(join(root, 'mesh', 'castmesh', name), compactScript(readTemplateFile(`mesh/agent/castmesh/${name}`)));
  writeFileSync(join(root, 'mesh', 'cast-node-gc'), compactScript(readTemplateFile('mesh/agent/cast-node-gc')));
  if (cloud !== 'digitalocean') writeFileSync(join(root, 'mesh', 'castmesh', `inventory_${cloud}.py`), FAKE_INVENTORY);
  writeFileSync(join(root, 'bin', 'kubectl'), KUBECTL);
  chmodSync(join(root, 'bin', 'kubectl'), 0o755);
  writeFileSync(join(root, 'node.env'), `CAST_CLUSTER_NAME='prod'\nCAST_CLOUD='${cloud}'\nCAST_NODE_ROLE='control-plane'\n`);
  writeFileSync(join(root, 'nodes.json'), JSON.stringify({ items: nodes }));
  writeFileSync(join(root, 'claims.json'), JSON.stringify({ items: claims }));
  writeFileSync(join(root, 'vm-states.json'), JSON.stringify(states));
  return root;
}

/** One round at NOW: the child runs with time.time pinned there, so every age is exact. */
function once(root: string, args: string[] = []) {
  const clock = `import sys, time; sys.path.insert(0, ${JSON.stringify(join(root, 'mesh'))}); time.time = lambda: ${NOW / 1000}; from castmesh import node_gc; sys.exit(node_gc.main(sys.argv[1:]))`;
  const run = spawnSync('python3', ['-c', clock, 'once', '--kubeconfig', join(root, 'admin.conf'), '--node-env', join(root, 'node.env'), ...args], {
    encoding: 'utf8',
    env: { PATH: `${join(root, 'bin')}:${process.env.PATH}` },
  });
  const read = (name: string) => (existsSync(join(root, name)) ? readFileSync(join(root, name), 'utf8').split('\n').filter(Boolean) : []);
  return { status: run.status, stderr: run.stderr, deleted: read('deleted.txt'), asked: read('asked.jsonl').map((line) => JSON.parse(line).name as string) };
}

describe('cast-node-gc once', () => {
  test('deletes the Node of a VM the cloud says is gone, after the grace; frees nothing else', () => {
    const root = lab('aws', [node({ name: 'prod-aws-workers-2' }), node({ name: 'prod-aws-workers-1', ready: true })], { 'prod-aws-workers-2': 'gone', 'prod-aws-workers-1': 'gone' });
    const run = once(root);
    expect(run.status).toBe(0);
    expect(run.deleted).toEqual(['delete node prod-aws-workers-2 --ignore-not-found --wait=false']);
    // A Ready node is never asked about, whatever the cloud would say.
    expect(run.asked).toEqual(['prod-aws-workers-2']);
    expect(run.stderr).toContain('cast-node-gc: deleted Node prod-aws-workers-2: its VM is gone and it was not Ready for 3600 s');
  });

  test.each([
    ['the VM is there (stopped counts)', 'present'],
    ['the cloud could not say (an error, a grant not in effect yet)', 'unknown'],
  ])('keeps a Node that is not Ready when %s', (_name, state) => {
    const run = once(lab('aws', [node({ name: 'w1' })], { w1: state }));
    expect(run.deleted).toEqual([]);
    expect(run.asked).toEqual(['w1']);
  });

  test('keeps a Node not Ready for less than --grace, without asking the cloud', () => {
    const run = once(lab('aws', [node({ name: 'w1', since: 300 })], { w1: 'gone' }), ['--grace', '600']);
    expect(run).toMatchObject({ deleted: [], asked: [] });
  });

  test("asks only about its own cloud's Nodes: the others' identity is not its own", () => {
    const run = once(lab('gcp', [node({ name: 'a1', cloud: 'aws' }), node({ name: 'g1', cloud: 'gcp' })], { a1: 'gone', g1: 'gone' }));
    expect(run.asked).toEqual(['g1']);
    expect(run.deleted).toEqual(['delete node g1 --ignore-not-found --wait=false']);
  });

  test('never deletes a control plane: it says to remove its etcd member first', () => {
    const run = once(lab('azure', [node({ name: 'prod-azure-cp-1', cloud: 'azure', controlPlane: true })], { 'prod-azure-cp-1': 'gone' }));
    expect(run.deleted).toEqual([]);
    expect(run.stderr).toContain('control plane prod-azure-cp-1: its VM is gone; remove its etcd member (etcd-remove-member.sh prod-azure-cp-1), then its Node (kubectl delete node prod-azure-cp-1)');
  });

  test('gives the inventory what identifies the VM: name, provider id, region, zone, cluster', () => {
    const root = lab('aws', [node({ name: 'prod-burst-i-0abc', providerID: 'aws:///eu-west-1a/i-0abc' })], {});
    once(root);
    const ref = JSON.parse(readFileSync(join(root, 'asked.jsonl'), 'utf8'));
    expect(ref).toEqual({ name: 'prod-burst-i-0abc', providerID: 'aws:///eu-west-1a/i-0abc', region: 'eu-west-1', zone: 'eu-west-1a', clusterName: 'prod' });
  });

  test('expires claims nobody owns, older than --claim-ttl, whose node never registered; keeps the rest', () => {
    const claims = [
      claim('10.4.64.7', 'prod-burst-i-gone', 7200),
      claim('10.4.64.8', 'prod-burst-i-young', 600),
      claim('10.4.64.9', 'prod-burst-i-owned', 7200, true),
      claim('10.4.64.10', 'w1', 7200),
    ];
    const run = once(lab('aws', [node({ name: 'w1', ready: true })], {}, claims));
    expect(run.deleted).toEqual(['delete configmap -n cast-mesh claim-10-4-64-7 --ignore-not-found --wait=false']);
    expect(run.stderr).toContain('deleted claim claim-10-4-64-7 of prod-burst-i-gone: no Node registered in 7200 s');
  });

  test('on a cloud without an inventory (DigitalOcean) it leaves Nodes alone and still expires claims', () => {
    const run = once(lab('digitalocean', [node({ name: 'd1', cloud: 'digitalocean' })], {}, [claim('10.4.64.7', 'gone', 7200)]));
    expect(run.deleted).toEqual(['delete configmap -n cast-mesh claim-10-4-64-7 --ignore-not-found --wait=false']);
    expect(run.stderr).toContain('no inventory on digitalocean');
  });

  test('a failing API stops the round, says why, and deletes nothing', () => {
    const root = lab('aws', [node({ name: 'w1' })], { w1: 'gone' });
    writeFileSync(join(root, 'bin', 'kubectl'), '#!/bin/bash\necho "The connection to the server 127.0.0.1:6444 was refused" >&2\nexit 1\n');
    const run = once(root);
    expect(run.status).toBe(0);
    expect(run.deleted).toEqual([]);
    expect(run.stderr).toContain('cast-node-gc: this round stopped: kubectl get nodes -o json: The connection to the server 127.0.0.1:6444 was refused');
  });
});

test('the node GC is valid Python with no import beyond the standard library and castmesh', () => {
  const out = execFileSync('python3', ['-c', 'import ast,sys; t=ast.parse(open(sys.argv[1]).read()); print(sorted({(n.module or "").split(".")[0] for n in ast.walk(t) if isinstance(n, ast.ImportFrom)} | {a.name.split(".")[0] for n in ast.walk(t) if isinstance(n, ast.Import) for a in n.names}))', join(__dirname, '../../templates/mesh/agent/castmesh/node_gc.py')], { encoding: 'utf8' });
  expect(JSON.parse(out.replace(/'/g, '"'))).toEqual(['argparse', 'castmesh', 'datetime', 'importlib', 'json', 'subprocess', 'sys', 'time']);
});
