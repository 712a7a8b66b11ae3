/**
 * A lab for the node's key reader (templates/mesh/agent/cast-control-plane-keys and
 * castmesh/keys.py): a cluster's PKI made with openssl as ClusterCredentials makes it
 * (ECDSA P-256 CAs, an RSA 2048 service-account key pair), the bundle a secret store
 * would hold, and the reader installed as the node gets it (full-line comments dropped,
 * compactScript) in a temporary directory, with the cloud modules the test gives.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL_PLANE_KEY_BUNDLE_SCHEMA, CONTROL_PLANE_KEY_FILES } from '../../lib/core/bootstrap/control-plane-keys';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';

const dirs: string[] = [];

/** A fresh directory, removed by `cleanUpKeysLab`. */
export function keysLabDir(prefix = 'cast-keys-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function cleanUpKeysLab(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A cluster's PKI: every file of the bundle and ca.crt, as PEM text by path under the PKI directory. */
export type ClusterPki = Readonly<Record<string, string>>;

/** Makes a cluster's CAs and service-account key pair with openssl. */
export function makeClusterPki(): ClusterPki {
  const dir = keysLabDir('cast-pki-');
  mkdirSync(join(dir, 'etcd'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ca = (name: string, cn: string) => openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${cn}`);
  ca('ca', 'kubernetes');
  ca('front-proxy-ca', 'front-proxy-ca');
  ca('etcd/ca', 'etcd-ca');
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key');
  openssl('pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
  const paths = ['ca.crt', ...CONTROL_PLANE_KEY_FILES.map((f) => f.path)];
  return Object.fromEntries(paths.map((path) => [path, readFileSync(join(dir, path), 'utf8')]));
}

/** The bundle a store holds for `pki` (what `jsonencode(controlPlaneKeyBundle(...))` makes), with `change` applied. */
export function bundleOf(pki: ClusterPki, change: (document: { schema: string; files: Record<string, string> }) => void = () => {}): string {
  const files = Object.fromEntries(CONTROL_PLANE_KEY_FILES.map((f) => [f.path, Buffer.from(pki[f.path]).toString('base64')]));
  const document = { schema: CONTROL_PLANE_KEY_BUNDLE_SCHEMA, files };
  change(document);
  return JSON.stringify(document);
}

/** A node's directory: the reader under mesh/ (with `modules`, name -> Python source, beside keys.py), node.env, and pki/ holding ca.crt. */
export interface KeysNode {
  readonly root: string;
  readonly reader: string;
  readonly nodeEnv: string;
  readonly pkiDir: string;
}

export function installReader(pki: ClusterPki, env: Record<string, string>, modules: Record<string, string> = {}): KeysNode {
  const root = keysLabDir();
  const mesh = join(root, 'mesh');
  mkdirSync(join(mesh, 'castmesh'), { recursive: true });
  const reader = join(mesh, 'cast-control-plane-keys');
  writeFileSync(reader, compactScript(readTemplateFile('mesh/agent/cast-control-plane-keys')), { mode: 0o755 });
  writeFileSync(join(mesh, 'castmesh', 'keys.py'), compactScript(readTemplateFile('mesh/agent/castmesh/keys.py')));
  writeFileSync(join(mesh, 'castmesh', 'node_env.py'), compactScript(readTemplateFile('mesh/agent/castmesh/node_env.py')));
  for (const [name, source] of Object.entries(modules)) writeFileSync(join(mesh, 'castmesh', name), source);
  const nodeEnv = join(root, 'node.env');
  writeFileSync(nodeEnv, Object.entries(env).map(([key, value]) => `${key}='${value}'\n`).join(''));
  const pkiDir = join(root, 'pki');
  mkdirSync(pkiDir);
  writeFileSync(join(pkiDir, 'ca.crt'), pki['ca.crt']);
  return { root, reader, nodeEnv, pkiDir };
}

export interface ReaderRun {
  readonly status: number;
  readonly stderr: string;
}

/**
 * The first pause between tries the labs use: the reader's default is 2 s, doubling; a tenth
 * of it keeps a retried test short and still exercises the same loop.
 */
export const LAB_FIRST_PAUSE = ['--first-pause', '0.2'];

/** The reader's command line on the lab node: `fetch` as bootstrap-node.sh runs it, with the lab's short first pause unless `args` gives one. */
function readerCommand(node: KeysNode, args: readonly string[]): string[] {
  return [node.reader, 'fetch', '--node-env', node.nodeEnv, '--pki-dir', node.pkiDir, ...(args.includes('--first-pause') ? [] : LAB_FIRST_PAUSE), ...args];
}

/**
 * `cast-control-plane-keys fetch` on the lab node without blocking the event loop, for labs
 * whose fake cloud services live in this process; killed after 30 s.
 */
export function runReaderAsync(node: KeysNode, args: readonly string[], processEnv: Record<string, string>): Promise<ReaderRun> {
  return new Promise((resolve) => {
    const child = spawn('python3', readerCommand(node, args), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...processEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', (error) => (stderr += String(error)));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status: status ?? -1, stderr });
    });
  });
}

/** `cast-control-plane-keys fetch` on the lab node, as bootstrap-node.sh runs it. */
export function runReader(node: KeysNode, args: readonly string[] = [], processEnv: Record<string, string> = {}): ReaderRun {
  const run = spawnSync('python3', readerCommand(node, args), {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...processEnv },
    timeout: 60_000,
  });
  return { status: run.status ?? -1, stderr: `${run.stderr ?? ''}${run.error ? String(run.error) : ''}` };
}
