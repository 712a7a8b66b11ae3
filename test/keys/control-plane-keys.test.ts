/**
 * cast-control-plane-keys (castmesh/keys.py), the part every cloud shares: what it
 * accepts from a store, what it writes where, and how it waits. The cloud's module is
 * a fake here that answers from a script of responses (test/keys/<cloud>*.test.ts test
 * the real ones against their cloud's documented API).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_PLANE_KEY_FILES } from '../../lib/core/bootstrap/control-plane-keys';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { bundleOf, ClusterPki, cleanUpKeysLab, installReader, KeysNode, makeClusterPki, runReader } from './keys-lab';

/**
 * A store module that answers each call with the next line of `responses` in the node's
 * directory: `bundle <file>` (that file's text), `unavailable <why>` or `refused <why>`;
 * the last line repeats. It counts its calls in `calls`.
 */
const SCRIPTED_STORE = `
import os
from castmesh.keys import Refused, Unavailable

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_bundle(env):
    calls = os.path.join(ROOT, 'calls')
    count = int(open(calls).read()) if os.path.exists(calls) else 0
    open(calls, 'w').write(str(count + 1))
    lines = open(os.path.join(ROOT, 'responses')).read().splitlines()
    kind, _, rest = lines[min(count, len(lines) - 1)].partition(' ')
    if kind == 'bundle':
        return open(os.path.join(ROOT, rest)).read()
    if kind == 'unavailable':
        raise Unavailable(rest)
    raise Refused(rest)
`;

const STORE_ENV = { CAST_NODE_ROLE: 'control-plane', CAST_KEYS_STORE: 'aws-secrets-manager', CAST_KEYS_SECRET: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:k', CAST_KEYS_REGION: 'eu-west-1', CAST_KEYS_CLIENT_ID: '' };

let pki: ClusterPki;
let otherPki: ClusterPki;

beforeAll(() => {
  pki = makeClusterPki();
  otherPki = makeClusterPki();
});
afterAll(cleanUpKeysLab);

function nodeWith(responses: string[], bundles: Record<string, string> = {}): KeysNode {
  const node = installReader(pki, STORE_ENV, { 'keys_aws.py': SCRIPTED_STORE });
  writeFileSync(join(node.root, 'responses'), responses.join('\n') + '\n');
  for (const [name, text] of Object.entries(bundles)) writeFileSync(join(node.root, name), text);
  return node;
}

const calls = (node: KeysNode) => Number(readFileSync(join(node.root, 'calls'), 'utf8'));
const written = (node: KeysNode) => CONTROL_PLANE_KEY_FILES.filter((f) => existsSync(join(node.pkiDir, f.path))).map((f) => f.path);

describeWithTool('openssl', 'openssl', 'cast-control-plane-keys fetch', () => {
  test('writes every file of the bundle where kubeadm looks, keys readable by root alone, and says so', () => {
    const node = nodeWith(['bundle good.json'], { 'good.json': bundleOf(pki) });
    const run = runReader(node);
    expect(run).toEqual({ status: 0, stderr: `cast-control-plane-keys: wrote 7 files from aws-secrets-manager to ${node.pkiDir}\n` });
    for (const file of CONTROL_PLANE_KEY_FILES) {
      expect(readFileSync(join(node.pkiDir, file.path), 'utf8')).toBe(pki[file.path]);
      expect((statSync(join(node.pkiDir, file.path)).mode & 0o777).toString(8)).toBe(file.permissions.slice(1));
    }
    // Nothing left behind from the atomic writes.
    expect(readdirSync(node.pkiDir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  test('a second run finds the same keys in place and writes nothing (a reboot or a resumed join)', () => {
    const node = nodeWith(['bundle good.json'], { 'good.json': bundleOf(pki) });
    expect(runReader(node).status).toBe(0);
    const before = statSync(join(node.pkiDir, 'ca.key')).mtimeMs;
    expect(runReader(node)).toEqual({ status: 0, stderr: 'cast-control-plane-keys: the keys from aws-secrets-manager are in place already\n' });
    expect(statSync(join(node.pkiDir, 'ca.key')).mtimeMs).toBe(before);
  });

  test("refuses another cluster's keys (not the key of the ca.crt every node pins) and writes nothing", () => {
    const node = nodeWith(['bundle other.json'], { 'other.json': bundleOf(otherPki) });
    const run = runReader(node);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("ca.key in the store is not the key of ca.crt: the secret holds another cluster's keys, or the CA changed");
    expect(written(node)).toEqual([]);
  });

  test.each<[string, (document: { schema: string; files: Record<string, string> }) => void, string]>([
    ['another schema', (d) => (d.schema = 'cast-control-plane-keys/v0'), "the secret is not a cast-control-plane-keys/v1 bundle (schema: 'cast-control-plane-keys/v0')"],
    ['a file missing', (d) => delete d.files['sa.pub'], 'the bundle must hold exactly ca.key, etcd/ca.crt, etcd/ca.key, front-proxy-ca.crt, front-proxy-ca.key, sa.key, sa.pub'],
    ['a path outside the list', (d) => (d.files['../../etc/passwd'] = Buffer.from('-----BEGIN x').toString('base64')), 'the bundle must hold exactly'],
    ['a value that is no PEM', (d) => (d.files['sa.key'] = Buffer.from('not a key').toString('base64')), 'sa.key in the bundle is not base64 of a PEM'],
    ['a key swapped for another of its kind', (d) => (d.files['etcd/ca.key'] = d.files['front-proxy-ca.key']), "etcd/ca.key in the store is not the key of etcd/ca.crt"],
  ])('refuses a bundle with %s, at once, and writes nothing', (_name, change, message) => {
    const node = nodeWith(['bundle bad.json'], { 'bad.json': bundleOf(pki, change) });
    const run = runReader(node);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(calls(node)).toBe(1);
    expect(written(node)).toEqual([]);
  });

  test('refuses a secret that is not JSON', () => {
    const node = nodeWith(['bundle text.txt'], { 'text.txt': 'ca.key=...' });
    const run = runReader(node);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the secret is not JSON');
  });

  test('tries again while the store is not ready (a grant that has not reached the cloud yet), then writes', () => {
    const node = nodeWith(['unavailable AccessDeniedException: not authorized yet', 'bundle good.json'], { 'good.json': bundleOf(pki) });
    const run = runReader(node, ['--timeout', '30']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('aws-secrets-manager: AccessDeniedException: not authorized yet; trying again until 30 s have passed');
    expect(calls(node)).toBe(2);
    expect(written(node)).toHaveLength(7);
  });

  test('gives up when the store is not ready within --timeout, with the last reason', () => {
    const node = nodeWith(['unavailable connection refused']);
    const run = runReader(node, ['--timeout', '1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('aws-secrets-manager: gave up after 1 s: connection refused');
    expect(written(node)).toEqual([]);
  });

  test('stops at once when the store refuses', () => {
    const node = nodeWith(['refused the secret id is not an ARN']);
    const run = runReader(node, ['--timeout', '30']);
    expect(run).toEqual({ status: 1, stderr: 'cast-control-plane-keys: aws-secrets-manager: the secret id is not an ARN\n' });
    expect(calls(node)).toBe(1);
  });

  test('with no store in node.env (keys in the user-data) it reads nothing and succeeds', () => {
    const node = installReader(pki, { CAST_NODE_ROLE: 'control-plane', CAST_KEYS_STORE: '' });
    expect(runReader(node)).toEqual({ status: 0, stderr: 'cast-control-plane-keys: no key store in node.env (CAST_KEYS_STORE): the keys came with the user-data; nothing to fetch\n' });
  });

  test('an unknown store is refused by name', () => {
    const node = installReader(pki, { ...STORE_ENV, CAST_KEYS_STORE: 'vault' });
    const run = runReader(node);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("unknown store 'vault' in CAST_KEYS_STORE (known: aws-secrets-manager, azure-key-vault, gcp-secret-manager, mesh-handoff)");
  });
});

test('the reader writes exactly the files and modes of CONTROL_PLANE_KEY_FILES (one list, two languages)', () => {
  const source = readTemplateFile('mesh/agent/castmesh/keys.py');
  const block = /^FILES = \{\n([\s\S]*?)\n\}/m.exec(source)![1];
  const files = [...block.matchAll(/'([^']+)': 0o(\d+)/g)].map((m) => ({ path: m[1], permissions: `0${m[2]}` }));
  expect(files).toEqual(CONTROL_PLANE_KEY_FILES.map(({ path, permissions }) => ({ path, permissions })));
});

describe('keys.http_request', () => {
  test('follows no redirect: a 302 comes back as the answer, and the credential never reaches the other host', async () => {
    const { createServer } = await import('node:http');
    const { spawn } = await import('node:child_process');
    const seen: string[] = [];
    const other = createServer((request, response) => {
      seen.push(`other ${request.headers.authorization ?? 'no credential'}`);
      response.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as { port: number }).port;
    const first = createServer((request, response) => {
      seen.push(`first ${request.headers.authorization}`);
      response.writeHead(302, { Location: `http://127.0.0.1:${otherPort}/stolen` });
      response.end();
    });
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const firstPort = (first.address() as { port: number }).port;
    const node = installReader(pki, STORE_ENV);
    const script = `import sys\nsys.path.insert(0, ${JSON.stringify(join(node.root, 'mesh'))})\nfrom castmesh import keys\nstatus, _, _ = keys.http_request('GET', 'http://127.0.0.1:${firstPort}/secret', {'Authorization': 'Bearer SECRET'})\nprint(status)\n`;
    const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    first.close();
    other.close();
    expect({ status, out }).toEqual({ status: 0, out: '302\n' });
    expect(seen).toEqual(['first Bearer SECRET']);
  });
});
