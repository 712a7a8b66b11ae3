/**
 * A fake cluster for the rolling upgrade's scripts, kept in files, and the way to run one
 * reconcile step against it: the CronJob's own container command, taken from the rendered
 * manifests, with the scripts ConfigMap "mounted" from a folder and the recording stubs of
 * test/upgrade/stubs first on PATH. kubeadm, kubectl and the kubelet are stubs because none is
 * installable here; the stubs answer the exact calls the scripts make (anything else fails
 * and is recorded as UNKNOWN) and change the fake cluster as the real tools would change the
 * real one: drain cordons, `kubeadm upgrade apply` moves the ClusterConfiguration's version,
 * apt-get installs a version only from the node's repository of that minor, restarting the
 * kubelet makes the node report its package's version. A node Job runs at once, inside the
 * kubectl call that creates it, with CAST_FAKE_NODE naming its node.
 *
 * Needs bash and coreutils only; every run costs a few dozen short processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { KUBERNETES_APT_KEY_FINGERPRINT, KUBERNETES_TOOL_PINS } from '../../lib/core/supply';
import { renderUpgradeManifests } from '../../lib/core/upgrade';

export const STUBS = join(__dirname, 'stubs');

export interface FakeNode {
  readonly name: string;
  readonly role: 'control-plane' | 'worker';
  /** The kubelet's version, `1.34.2`; the node's packages are at this version too. */
  readonly version: string;
  readonly unschedulable?: boolean;
}

export interface FakeClusterSpec {
  readonly nodes: readonly FakeNode[];
  /** What kubeadm's ClusterConfiguration names. */
  readonly clusterVersion: string;
  /** The control plane whose etcd member leads. */
  readonly etcdLeader: string;
  /** The kubernetesVersion the manifests are rendered with. */
  readonly target: string;
  /** kured's DaemonSet exists, with this lock annotation ('' when free). */
  readonly kuredLock?: string;
}

/** One reconcile step: its exit status, its log, and the calls the stubs recorded during it. */
export interface StepRun {
  readonly status: number;
  readonly stderr: string;
  readonly calls: readonly Call[];
}

/** One recorded call: where it ran (a node, or "cluster" for the CronJob's step) and the command line. */
export interface Call {
  readonly where: string;
  readonly line: string;
}

/** The rendered manifests, parsed as the API server would read them (after Terraform). */
export function parsedManifests(target: string): Record<string, unknown>[] {
  return renderUpgradeManifests({ kubernetesVersion: target }).map((m) => parse(unescapeTerraformTemplate(m)) as Record<string, unknown>);
}

export class FakeCluster {
  readonly dir: string;
  readonly state: string;
  private readonly scripts: string;
  private readonly cronCommand: string[];
  private callCount = 0;

  constructor(spec: FakeClusterSpec) {
    this.dir = mkdtempSync(join(tmpdir(), 'cast-upgrade-'));
    this.state = join(this.dir, 'state');
    this.scripts = join(this.dir, 'scripts');
    const [target, scripts, cronJob] = parsedManifests(spec.target) as any[];
    mkdirSync(this.scripts);
    for (const [name, text] of Object.entries(scripts.data as Record<string, string>)) writeFileSync(join(this.scripts, name), text);
    this.cronCommand = cronJob.spec.jobTemplate.spec.template.spec.containers[0].command;
    for (const node of spec.nodes) {
      const d = join(this.state, 'nodes', node.name);
      mkdirSync(d, { recursive: true });
      const minor = node.version.split('.').slice(0, 2).join('.');
      this.write(`nodes/${node.name}/role`, node.role);
      this.write(`nodes/${node.name}/version`, `v${node.version}`);
      this.write(`nodes/${node.name}/ready`, 'True');
      this.write(`nodes/${node.name}/unschedulable`, node.unschedulable ? 'true' : '');
      for (const pkg of ['kubeadm', 'kubelet', 'kubectl']) this.write(`nodes/${node.name}/pkg-${pkg}`, node.version);
      for (const [pkg, pin] of Object.entries(toolPins(minor))) this.write(`nodes/${node.name}/pkg-${pkg}`, pin);
      // As install-kubernetes.sh leaves it (its keyring path is the node's own here).
      this.write(`nodes/${node.name}/kubernetes.list`, `${sourceLine(join(d, 'keyring.gpg'), minor)}\n`);
    }
    mkdirSync(join(this.state, 'dpkg-updates'));
    mkdirSync(join(this.state, 'configmaps', 'cast-upgrade'), { recursive: true });
    this.write('configmaps/cast-upgrade/version', target.data.version);
    this.write('cluster-version', spec.clusterVersion);
    this.write('etcd-leader', spec.etcdLeader);
    // What pkgs.k8s.io's Release.key holds (a test may swap it).
    this.write('release-key-fingerprint', KUBERNETES_APT_KEY_FINGERPRINT);
    if (spec.kuredLock !== undefined) {
      this.write('kured/rv', '100');
      this.write('kured/lock', spec.kuredLock);
    }
    this.write('calls.log', '');
  }

  /** Runs one reconcile step as the CronJob's pod would. */
  step(env: Record<string, string> = {}): StepRun {
    const [shell, ...args] = this.cronCommand.map((part) => part.replace(/\/cast\//g, `${this.scripts}/`));
    // stdin from /dev/null: bash reads ~/.bashrc when its stdin is a socket (its rsh heuristic),
    // and node's default pipes are socket pairs.
    const result = spawnSync(shell, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: `${STUBS}${delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
        CAST_FAKE_STATE: this.state,
        CAST_FAKE_SCRIPTS: this.scripts,
        CAST_UPGRADE_POLL_SECONDS: '0',
        CAST_UPGRADE_JOB_TIMEOUT: '0',
        CAST_UPGRADE_READY_TIMEOUT: '0',
        ...env,
      },
    });
    const calls = this.calls().slice(this.callCount);
    this.callCount += calls.length;
    return { status: result.status ?? -1, stderr: result.stderr, calls };
  }

  /** Steps until the status says Done or Failed, or `limit` steps ran; returns every step. */
  stepUntilSettled(limit = 30): StepRun[] {
    const runs: StepRun[] = [];
    while (runs.length < limit) {
      runs.push(this.step());
      const phase = this.status().phase;
      if (phase === 'Done' || phase === 'Failed') break;
    }
    return runs;
  }

  /** A command as the user would type it, against the fake cluster (e.g. the documented Retry patch). */
  kubectl(args: string[]): number {
    const result = spawnSync(join(STUBS, 'kubectl'), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, CAST_FAKE_STATE: this.state, CAST_FAKE_NODE: 'user' },
    });
    this.callCount += 1;
    return result.status ?? -1;
  }

  calls(): Call[] {
    return this.read('calls.log').split('\n').filter((l) => l !== '').map((l) => {
      const tab = l.indexOf('\t');
      return { where: l.slice(0, tab), line: l.slice(tab + 1) };
    });
  }

  status(): Record<string, string> {
    const d = join(this.state, 'configmaps', 'cast-upgrade-status');
    if (!existsSync(d)) return {};
    return Object.fromEntries(readdirSync(d).map((key) => [key, readFileSync(join(d, key), 'utf8')]));
  }

  node(name: string) {
    return {
      version: this.read(`nodes/${name}/version`).trim(),
      unschedulable: this.read(`nodes/${name}/unschedulable`).trim() === 'true',
      aptSource: this.read(`nodes/${name}/kubernetes.list`).trim(),
    };
  }

  /** The versions of a node's Kubernetes packages, as its apt would list them. */
  packages(name: string): Record<string, string> {
    return Object.fromEntries(['kubeadm', 'kubelet', 'kubectl', 'cri-tools', 'kubernetes-cni'].map((pkg) => [pkg, this.read(`nodes/${name}/pkg-${pkg}`).trim()]));
  }

  nodeNames(): string[] {
    return readdirSync(join(this.state, 'nodes')).sort();
  }

  read(path: string): string {
    const file = join(this.state, path);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  write(path: string, text: string): void {
    const file = join(this.state, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }

  remove(path: string): void {
    rmSync(join(this.state, path), { force: true });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The cri-tools and kubernetes-cni versions lib/core/supply.ts pins for a minor. */
export function toolPins(minor: string): Record<string, string> {
  const row = KUBERNETES_TOOL_PINS[minor];
  return { 'cri-tools': row.criTools.version, 'kubernetes-cni': row.kubernetesCni.version };
}

/** The apt source line install-kubernetes.sh writes for a minor. */
export function sourceLine(keyring: string, minor: string): string {
  return `deb [signed-by=${keyring}] https://pkgs.k8s.io/core:/stable:/v${minor}/deb/ /`;
}

/** Calls that change a node or the cluster: cordon, drain, uncordon, node Jobs, lock changes. */
export function touches(calls: readonly Call[]): Call[] {
  return calls.filter((c) => / (cordon|uncordon|drain|apply -f -|annotate daemonset|delete job) /.test(` ${c.line} `) || c.where !== 'cluster' && c.where !== 'user');
}
