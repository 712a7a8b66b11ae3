/**
 * What the inventory tests of every cloud share: the node's castmesh package installed as a
 * control plane gets it (every module, full-line comments dropped by compactScript), and one
 * python3 that asks `inventory_<cloud>.vm_state(ref, env)` for any number of refs, as one round
 * of cast-node-gc does (starting python3 and importing urllib costs ~150 ms a process). It is
 * spawned asynchronously: the fake cloud services live in the test process.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile, templatesDirectory } from '../../lib/core/bootstrap/template-files';

/** A Node as cast-node-gc hands it to vm_state (node_gc.ref_of). */
export interface NodeRef {
  readonly name: string;
  readonly providerID: string;
  readonly region: string;
  readonly zone: string;
  readonly clusterName: string;
}

export interface VmStateRun {
  /** What vm_state returned for each ref, in order. */
  readonly states: string[];
  /** Its stderr: one `cast-node-gc: …` line per 'unknown'. */
  readonly stderr: string;
  readonly status: number;
}

/** castmesh/*.py in a new temporary directory; returns the directory to put on sys.path (remove it with `removeCastmesh`). */
export function installCastmesh(): string {
  const root = mkdtempSync(join(tmpdir(), 'cast-node-gc-'));
  mkdirSync(join(root, 'castmesh'));
  for (const file of readdirSync(join(templatesDirectory(), 'mesh/agent/castmesh')).filter((f) => f.endsWith('.py'))) {
    writeFileSync(join(root, 'castmesh', file), compactScript(readTemplateFile(`mesh/agent/castmesh/${file}`)));
  }
  return root;
}

export function removeCastmesh(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

const DRIVER = [
  'import json, sys',
  'sys.path.insert(0, sys.argv[1])',
  'import importlib',
  'i = importlib.import_module("castmesh.inventory_" + sys.argv[2])',
  'for ref in json.loads(sys.argv[3]): print(i.vm_state(ref, json.loads(sys.argv[4])))',
].join('\n');

/** `inventory_<cloud>.vm_state(ref, env)` for each of `refs` on the copy at `root`, with `processEnv` (the fakes' URLs). */
export function vmStates(cloud: 'aws' | 'gcp' | 'azure', root: string, refs: readonly object[], env: object, processEnv: Record<string, string>): Promise<VmStateRun> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', DRIVER, root, cloud, JSON.stringify(refs), JSON.stringify(env)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...processEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.on('error', (error) => (err += String(error)));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ states: out.split('\n').filter((line) => line !== ''), stderr: err, status: status ?? -1 });
    });
  });
}
