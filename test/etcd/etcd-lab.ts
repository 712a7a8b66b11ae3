/**
 * Real etcd over a real WireGuard mesh: the agent lab (test/mesh/agent-lab.ts) with one
 * control plane per cloud, each running the `mesh-up.sh` and `cast-mesh-agent` its rendered
 * user-data carries, the round trips of lib/core/etcd-timings.ts between the clouds, and one
 * Debian etcd member per node listening on its mesh address. All I/O of the etcd test lives
 * here and in the mesh labs it builds on.
 *
 * ```
 *   <prefix>-r ("the internet"): every packet routed between two clouds goes
 *      out of <prefix>-dl, a TUN device of delay-line.py, which hands it back
 *      after half the table's round trip of its two clouds (± a fifth of that)
 *   <prefix>-n<i>: wireguard-go (started by mesh-up.sh) + etcd on its mesh address
 *      <agent lab>/nodes/<node>/                  the node's disk (agent-lab.ts): node.env, mesh.env,
 *                                                 wg.key, state/mesh-records.json (the last sync)
 *      <agent lab>/nodes/<node>/etcd, etcd.log    etcd's data directory and log
 *   <agent lab>/records: the stand-in API (records-dir.ts), moved away to make it unreachable
 * ```
 *
 * The mesh comes up as on a node: `mesh-up.sh control-plane` (key, interface, no peers: nothing
 * is published before the Node exists), the lab registers the Nodes as kubeadm would, and each
 * node's agent syncs over the records directory until it keeps every member's record. A reboot is
 * AgentLab.powerOff (wireguard-go ends, the interface and its routes go with it) and `mesh-up.sh
 * interface`, which runs `cast-mesh-agent restore`: the peers come back from the node's own copy of
 * its last sync, with no API.
 *
 * Delays: `tc qdisc … netem delay` is what one would reach for, but kernels built
 * without sch_netem (CONFIG_NET_SCH_NETEM unset: the machines this project runs on)
 * have no netem, so the router namespace uses policy routing into a userspace delay
 * line instead; the effect on the wire is the same (a per-pair one-way delay with jitter).
 *
 * etcd runs with the flags kubeadm gives a stacked member, minus TLS (kubeadm's
 * certificates; plain HTTP between members is enough to prove the timers and the
 * quorum), plus `--heartbeat-interval` and `--election-timeout` from `etcdTimings`.
 * Those two land in templates/kubeadm/init.yaml, ClusterConfiguration
 * `etcd.local.extraArgs` (joining control planes read the same ClusterConfiguration
 * from the cluster); that rendering is wired separately.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cloud } from '../../lib/core/cloud';
import { etcdTimings, EtcdTimings, roundTripMs } from '../../lib/core/etcd-timings';
import { MeshMode } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { AgentLab, agentLabMissing } from '../mesh/agent-lab';
import { READY_LIMIT_MS, scaled, waitFor } from '../mesh/lab-waits';
import { LabNode, must, NamespaceLab, run, RunResult } from '../mesh/namespace-lab';
import { describeNeeding, missingBinaries } from '../support/requirements';

/**
 * What the etcd lab lacks on this machine, each reason saying how to get it (empty: nothing):
 * etcd and etcdctl, then what the agent lab needs (root, /dev/net/tun, which the delay line
 * uses too, wireguard-go, wg, ip, ss, ping, python3). .ci/run installs them all.
 */
export function etcdLabMissing(): string[] {
  return [...missingBinaries(['etcd'], 'apt-get install etcd-server'), ...missingBinaries(['etcdctl'], 'apt-get install etcd-client'), ...agentLabMissing()];
}

/** `describe` for a group that runs the etcd lab: without what it needs, skipped with the reason printed, or on CI failing (test/support/requirements.ts). */
export function describeEtcdLab(name: string, body: () => void): void {
  describeNeeding(name, etcdLabMissing(), body);
}

const PEER_PORT = 2380;
const CLIENT_PORT = 2379;

/** One control plane per cloud of `clouds`, named `<cloud>-cp-1`. */
export function controlPlaneSpecs(clouds: readonly Cloud[]) {
  return clouds.map((cloud) => ({ name: `${cloud === Cloud.DIGITALOCEAN ? 'do' : cloud}-cp-1`, cloud, role: NodeRole.CONTROL_PLANE }));
}

export class EtcdLab {
  /**
   * Builds the namespaces, starts the delay line, brings every node's mesh up with its own
   * mesh-up.sh and agent (synced over the reachable records directory until each keeps every
   * member's record); no etcd yet.
   */
  static async create(castRegion: string, clouds: readonly Cloud[]): Promise<EtcdLab> {
    const mesh = await AgentLab.create(controlPlaneSpecs(clouds), MeshMode.FULL_MESH);
    const etcdLab = new EtcdLab(mesh, castRegion);
    try {
      await etcdLab.startDelayLine();
      const results = await Promise.all(etcdLab.nodes.map(async (node) => ({ node: node.name, ...(await mesh.meshUp(node.name)) })));
      const failed = results.filter((result) => result.code !== 0);
      if (failed.length > 0) throw new Error(failed.map((r) => `mesh-up.sh on ${r.node} failed (${r.code}): ${r.stdout}${r.stderr}`).join('\n'));
      // As kubeadm and the controller manager would: each Node with the control-plane label and its pod CIDR.
      for (const node of etcdLab.nodes) mesh.register(node.name);
      await mesh.syncEach();
    } catch (error) {
      await etcdLab.cleanup();
      throw error;
    }
    return etcdLab;
  }

  /** The timers every member runs with, as the library computes them for these clouds. */
  readonly timings: EtcdTimings;
  private readonly members = new Map<string, ChildProcess>();
  private delayLine: ChildProcess | undefined;

  private constructor(
    /** The nodes' meshes: mesh-up.sh, the agent, the records directory standing in for the API. */
    readonly mesh: AgentLab,
    readonly castRegion: string,
  ) {
    this.timings = etcdTimings({ castRegion, controlPlaneClouds: mesh.nodes.map((node) => node.cloud) });
  }

  /** The namespaces and their processes. */
  get lab(): NamespaceLab {
    return this.mesh.lab;
  }

  get nodes(): LabNode[] {
    return this.mesh.nodes;
  }

  node(name: string): LabNode {
    return this.mesh.node(name);
  }

  meshAddress(name: string): string {
    return this.mesh.meshAddress(name);
  }

  /** The node's disk (agent-lab.ts), which holds etcd's data directory and log too. */
  stateDir(name: string): string {
    return this.mesh.nodeDir(name);
  }

  /**
   * One-way delay and jitter (ms) for each ordered pair of lab clouds: half the table's
   * round trip, ± a fifth of it. Keyed by the lab's cloud index (third octet of 198.18.<k>.x).
   */
  delays(): Record<string, Record<string, [number, number]>> {
    const delays: Record<string, Record<string, [number, number]>> = {};
    for (const a of this.nodes) {
      for (const b of this.nodes.filter((other) => other.cloud !== a.cloud)) {
        const oneWay = roundTripMs(this.castRegion, a.cloud, b.cloud)! / 2;
        (delays[cloudIndex(a)] ??= {})[cloudIndex(b)] = [oneWay, oneWay / 5];
      }
    }
    return delays;
  }

  /** Starts a member (same data directory every time: a restart keeps its state). */
  startMember(name: string, state: 'new' | 'existing' = 'new'): void {
    if (this.members.has(name)) throw new Error(`etcd ${name} is already running`);
    const address = this.meshAddress(name);
    const dataDir = join(this.stateDir(name), 'etcd');
    const log = openSync(join(this.stateDir(name), 'etcd.log'), 'a');
    const args = [
      ...['--name', name, '--data-dir', dataDir],
      ...['--listen-peer-urls', `http://${address}:${PEER_PORT}`, '--initial-advertise-peer-urls', `http://${address}:${PEER_PORT}`],
      ...['--listen-client-urls', `http://${address}:${CLIENT_PORT},http://127.0.0.1:${CLIENT_PORT}`, '--advertise-client-urls', `http://${address}:${CLIENT_PORT}`],
      ...['--initial-cluster', this.nodes.map((node) => `${node.name}=http://${this.meshAddress(node.name)}:${PEER_PORT}`).join(','), '--initial-cluster-state', state],
      ...['--initial-cluster-token', this.lab.prefix],
      ...['--heartbeat-interval', String(this.timings.heartbeatIntervalMs), '--election-timeout', String(this.timings.electionTimeoutMs)],
    ];
    // `ip netns exec` execs etcd: the child's pid is etcd's, so a signal to it reaches etcd.
    this.members.set(name, spawn('ip', ['netns', 'exec', this.node(name).ns, 'etcd', ...args], { stdio: ['ignore', log, log] }));
    closeSync(log);
  }

  /** Stops a member: SIGKILL for a crash, SIGTERM for a shutdown; resolves once it has exited. */
  async stopMember(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.members.get(name);
    this.members.delete(name);
    if (child) await stopChild(child, signal);
  }

  isRunning(name: string): boolean {
    const child = this.members.get(name);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** `etcdctl <args>` in the node's namespace, against its own member (127.0.0.1). */
  etcdctl(name: string, args: readonly string[], commandTimeout = '5s'): Promise<RunResult> {
    const endpoint = `http://127.0.0.1:${CLIENT_PORT}`;
    return run('ip', ['netns', 'exec', this.node(name).ns, 'etcdctl', '--endpoints', endpoint, '--dial-timeout', '2s', '--command-timeout', commandTimeout, ...args], undefined, {
      ETCDCTL_API: '3',
    });
  }

  /** `endpoint status` of the node's own member: whether it leads, and the raft term it is in. */
  async status(name: string): Promise<{ leader: boolean; term: number } | undefined> {
    const result = await this.etcdctl(name, ['endpoint', 'status']);
    // "endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors"
    const fields = result.stdout.trim().split(', ');
    return result.code === 0 && fields.length >= 7 ? { leader: fields[4] === 'true', term: Number(fields[6]) } : undefined;
  }

  /** Names of the members in `member list` as the node's member sees it. */
  async memberNames(name: string): Promise<string[]> {
    const { stdout } = await this.etcdctl(name, ['member', 'list']);
    return stdout.split('\n').filter((line) => line !== '').map((line) => line.split(', ')[2]).sort();
  }

  /** Waits until every named member answers a health check (a quorum read). */
  async waitHealthy(names: readonly string[], limitMs: number): Promise<void> {
    await Promise.all(
      names.map((name) =>
        waitFor(`etcd ${name} is not healthy`, async () => (await this.etcdctl(name, ['endpoint', 'health'])).code === 0, {
          limitMs,
          pollMs: 100,
          gaveUp: () => (this.members.has(name) && !this.isRunning(name) ? `etcd exited: ${this.logTail(name)}` : undefined),
        }),
      ),
    );
  }

  /** The end of a member's log, for failure messages. */
  logTail(name: string): string {
    const file = join(this.stateDir(name), 'etcd.log');
    return existsSync(file) ? readFileSync(file, 'utf8').slice(-1500) : '(no log)';
  }

  /** What a reboot does to the mesh: the node's agent stops, wireguard-go ends, and the interface, its address and routes go with it. */
  async powerOffMesh(name: string): Promise<void> {
    await this.mesh.powerOff(name);
  }

  /** Whether the node has its WireGuard interface. */
  async hasInterface(name: string): Promise<boolean> {
    return (await run('ip', ['-n', this.node(name).ns, 'link', 'show', 'dev', this.node(name).ifname])).code === 0;
  }

  /** The records backend becomes unreachable (the directory is moved away), unless it already is. */
  apiOffline(): void {
    if (this.apiReachable()) this.mesh.api.goOffline();
  }

  apiReachable(): boolean {
    return existsSync(this.mesh.recordsDir);
  }

  /**
   * What the node runs at boot before anything needs the API (the agent service's ExecStartPre):
   * `mesh-up.sh interface`, the interface again and `cast-mesh-agent restore` of its last sync.
   */
  restoreMesh(name: string): Promise<RunResult> {
    return this.mesh.meshUp(name, 'interface');
  }

  /** Runs templates/scripts/etcd-remove-member.sh in the node's namespace against its own member (plain HTTP). */
  removeMember(onNode: string, target: string): Promise<RunResult> {
    const script = join(__dirname, '../../templates/scripts/etcd-remove-member.sh');
    return run('ip', ['netns', 'exec', this.node(onNode).ns, 'bash', script, target], undefined, {
      CAST_ETCDCTL: 'etcdctl',
      CAST_ETCD_ENDPOINT: `http://127.0.0.1:${CLIENT_PORT}`,
      CAST_ETCD_CACERT: '',
      CAST_ETCD_CERT: '',
      CAST_ETCD_KEY: '',
      // A member that is down costs each check its full command timeout (etcdctl retries until then);
      // a healthy one answers in milliseconds here, and within a few seconds on a loaded machine.
      CAST_ETCD_TIMEOUT: `${Math.round(scaled(3000) / 1000)}s`,
      CAST_ETCD_DIAL_TIMEOUT: `${Math.round(scaled(2000) / 1000)}s`,
      CAST_ETCD_SETTLE_SECONDS: String(Math.round(READY_LIMIT_MS / 1000)),
    });
  }

  /**
   * Ends every etcd and the delay line (by the pids this lab holds), then the agent lab: the
   * wireguard-go processes mesh-up.sh started (by pid), the namespaces, the nodes' files. Safe to call twice.
   */
  async cleanup(): Promise<void> {
    const children = [...this.members.values(), ...(this.delayLine ? [this.delayLine] : [])];
    this.members.clear();
    this.delayLine = undefined;
    await Promise.all(children.map((child) => stopChild(child, 'SIGKILL')));
    await this.mesh.cleanup();
  }

  /** delay-line.py in the router namespace, and the policy routes that send cross-cloud packets through it. */
  private async startDelayLine(): Promise<void> {
    const device = `${this.lab.prefix}-dl`;
    const router = this.lab.routerNs;
    const child = spawn('ip', ['netns', 'exec', router, 'python3', join(__dirname, 'delay-line.py'), device, JSON.stringify(this.delays())], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.delayLine = child;
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    let printed = false;
    child.stdout!.once('data', () => (printed = true));
    await waitFor('delay-line.py did not print ready', () => printed, {
      limitMs: READY_LIMIT_MS,
      gaveUp: () => (child.exitCode === null ? undefined : `delay-line.py exited (${child.exitCode}): ${stderr.trim()}`),
    });
    // Packets come back out of the device with the sender's source: the reverse path is a bridge, not the device.
    await must('ip', ['netns', 'exec', router, 'sh', '-c', `echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 0 > /proc/sys/net/ipv4/conf/${device}/rp_filter`]);
    // Packets arriving from a cloud's bridge and routed (so bound for another cloud) go through the line; what the
    // line hands back arrives on the device, matches no rule, and takes the main table to its bridge.
    const bridges = [...new Set(this.nodes.map(cloudIndex))];
    const lines = [`link set ${device} up`, `route add default dev ${device} table 100`, ...bridges.map((k) => `rule add iif br${k} lookup 100 pref 100`)];
    await must('ip', ['-n', router, '-batch', '-'], lines.join('\n') + '\n');
  }
}

/** The lab's cloud index of a node: the third octet of its public address (namespace-lab.ts). */
function cloudIndex(node: LabNode): string {
  return node.publicAddress.split('.')[2];
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
