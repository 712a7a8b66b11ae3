/**
 * Runs a node script against a rendered user-data document without touching the
 * host: in a private mount namespace, /etc, /opt and /var/lib become overlays
 * whose upper layers hold the files cloud-init would have written, and PATH
 * starts with stubs for the commands that would change the machine (kubeadm,
 * kubectl, systemctl, curl, ip, sleep), each of which appends its command line
 * to a log; commands called by their full path are stubbed in place (`stubFile`).
 * Several sandboxes can run at once (`start`) and share files under /tmp, which
 * is not sandboxed. Needs root, unshare and overlayfs; `sandboxMissing()` says
 * which of them this machine lacks, for describeNeeding (test/support/requirements.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeNeeding, missingBinaries, notRoot } from '../../support/requirements';
import { CloudConfig, contentOf } from './user-data-files';

const LAYERS = ['/etc', '/opt', '/var/lib'] as const;

/**
 * Why the sandbox cannot run here, each reason saying what to do (empty: it can): root, and a
 * private mount namespace (`unshare -m`, util-linux) in which an overlay mounts.
 */
export function sandboxMissing(): string[] {
  const root = notRoot('the node sandbox mounts overlays in a private mount namespace');
  if (root.length > 0) return root;
  const unshare = missingBinaries(['unshare'], 'apt-get install util-linux');
  if (unshare.length > 0) return unshare;
  const probe = mkdtempSync(join(tmpdir(), 'cast-probe-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(probe, d));
    const run = spawnSync('unshare', ['-m', 'mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${probe}/lower,upperdir=${probe}/upper,workdir=${probe}/work`, `${probe}/merged`], { encoding: 'utf8' });
    if (run.status === 0) return [];
    const said = (run.stderr || run.error?.message || `exit ${run.status}`).trim();
    return [`unshare -m with an overlay mount does not work here (${said}): the node sandbox needs mount namespaces and overlayfs (a privileged container, or the overlay kernel module)`];
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

let probed: string[] | undefined;

/**
 * `describe` for a group that runs node sandboxes (and needs what `alsoMissing` lacks besides):
 * without what it needs, skipped with the reason printed, or on CI failing
 * (test/support/requirements.ts). The sandbox is probed once per test file.
 */
export function describeInSandbox(name: string, body: () => void, alsoMissing: readonly string[] = []): void {
  probed ??= sandboxMissing();
  describeNeeding(name, [...probed, ...alsoMissing], body);
}

/** Stub bodies by command; `"$@"` is logged before the body runs. */
export type Stubs = Readonly<Record<string, string>>;

export interface SandboxRun {
  readonly status: number;
  readonly output: string;
  /** The stubs' command lines, in order. */
  readonly calls: string[];
  /** Reads a file as the script left it (from the overlay's upper layer). */
  readonly fileAfter: (path: string) => string | undefined;
}

export class NodeSandbox {
  private readonly root = mkdtempSync(join(tmpdir(), 'cast-node-'));

  /** Places every write_files entry of `config` where cloud-init would. */
  writeCloudConfig(config: CloudConfig): this {
    for (const file of config.write_files) this.writeFile(file.path, contentOf(file), parseInt(file.permissions, 8));
    return this;
  }

  /** Places one file on the sandboxed machine. */
  writeFile(path: string, content: string, mode = 0o644): this {
    const target = this.upperPath(path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    chmodSync(target, mode);
    return this;
  }

  /**
   * Places an executable stub at `path`, for a command the scripts call by its full path
   * (the API proxy, the agent, api-seeds.sh): like a PATH stub it logs `<name> <args>`,
   * then runs `body`.
   */
  stubFile(path: string, body: string): this {
    const name = path.split('/').pop()!;
    return this.writeFile(path, `#!/usr/bin/env bash\necho "${name}\${*:+ $*}" >>"$CAST_TEST_LOG"\n${body}\n`, 0o755);
  }

  /** Runs `command` as root in the sandbox, with `stubs` first on PATH. */
  run(command: readonly string[], stubs: Stubs, env: Readonly<Record<string, string>> = {}): SandboxRun {
    const { args, options, log } = this.prepare(command, stubs, env);
    const result = spawnSync('unshare', args, { ...options, encoding: 'utf8', timeout: 30_000 });
    return this.outcome(result.status ?? -1, `${result.stdout}${result.stderr}`, log);
  }

  /**
   * `run` without blocking, for nodes that boot at the same time and wait on each other
   * (through files outside the sandboxes: /tmp is shared). Killed after `timeoutMs`.
   */
  start(command: readonly string[], stubs: Stubs, env: Readonly<Record<string, string>> = {}, timeoutMs = 60_000): Promise<SandboxRun> {
    const { args, options, log } = this.prepare(command, stubs, env);
    return new Promise((resolve, reject) => {
      const child = spawn('unshare', args, options);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve(this.outcome(status ?? -1, output, log));
      });
    });
  }

  /** The stubs, the call log and the unshare command line of one run. */
  private prepare(command: readonly string[], stubs: Stubs, env: Readonly<Record<string, string>>) {
    const stubDir = join(this.root, 'stubs');
    const log = join(this.root, 'calls.log');
    rmSync(stubDir, { recursive: true, force: true });
    mkdirSync(stubDir);
    writeFileSync(log, '');
    for (const [name, body] of Object.entries(stubs)) {
      const path = join(stubDir, name);
      writeFileSync(path, `#!/usr/bin/env bash\necho "${name} $*" >>"$CAST_TEST_LOG"\n${body}\n`);
      chmodSync(path, 0o755);
    }
    const mounts = LAYERS.map((layer) => {
      const upper = this.upperPath(layer);
      const work = join(this.root, 'work', layer);
      mkdirSync(upper, { recursive: true });
      mkdirSync(work, { recursive: true });
      return `mount -t overlay overlay -o lowerdir=${layer},upperdir=${upper},workdir=${work} ${layer}`;
    });
    const script = `set -e\n${mounts.join('\n')}\nexec "$@"\n`;
    return {
      args: ['-m', 'bash', '-c', script, 'sandbox', ...command],
      options: { env: { PATH: `${stubDir}:/usr/sbin:/usr/bin:/sbin:/bin`, CAST_TEST_LOG: log, HOME: this.root, ...env } },
      log,
    };
  }

  private outcome(status: number, output: string, log: string): SandboxRun {
    return {
      status,
      output,
      calls: readFileSync(log, 'utf8').split('\n').filter((line) => line !== ''),
      fileAfter: (path) => {
        try {
          return readFileSync(this.upperPath(path), 'utf8');
        } catch {
          return undefined;
        }
      },
    };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private upperPath(path: string): string {
    const layer = LAYERS.find((l) => path === l || path.startsWith(`${l}/`));
    if (!layer) throw new Error(`${path} is outside the sandboxed layers ${LAYERS.join(', ')}`);
    return join(this.root, 'upper', layer, path.slice(layer.length));
  }
}
