/**
 * The namespace lab (namespace-lab.ts) with the mesh run the way nodes run it:
 * each node gets the files its rendered user-data carries (node.env, mesh.env,
 * mesh-up.sh and the agent, taken from `renderNodeUserData`), runs `mesh-up.sh
 * <kind>` in its namespace, and then `cast-mesh-agent run`, as its systemd
 * unit would. A directory shared by the nodes stands in for the Kubernetes API
 * (`CAST_MESH_RECORDS_DIR`, records-dir.ts): the lab registers each node's
 * Node object (its role label, pod CIDR and age) as kubeadm and the API server
 * would, and the node's agent publishes its own annotations. Nothing else is
 * given to a node: it makes its own key, finds its private address in its
 * subnet, and learns its peers from the records.
 *
 * Per node, `mesh.env` gets the overrides a lab needs, appended to the rendered
 * file (later lines win for bash and the agent alike): the records directory,
 * an interface name unique on the host, and the key, state, CNI and cache
 * paths under the lab's folder.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NodeBootstrapKind, renderNodeUserData } from '../../lib/core/bootstrap/node-bootstrap';
import { allocateMeshAddresses, MeshMode, MeshRecord } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { fakeInput } from '../core/bootstrap/bootstrap-fixtures';
import { CloudConfig, contentOf, fileAt, parseUserData } from '../core/bootstrap/user-data-files';
import { describeNeeding, missingBinaries } from '../support/requirements';
import { PATH_LIMIT_MS, READY_LIMIT_MS, scaled } from './lab-waits';
import { LabNode, LabNodeSpec, NamespaceLab, run, RunResult, wireGuardLabMissing } from './namespace-lab';
import { RecordsDir, timestamp } from './records-dir';

/** The cluster's pod range; the lab gives node i the pod CIDR 10.244.i.0/24. */
const POD_RANGE = '10.244.0.0/16';
/** Protocol number of the agent's routes (castmesh/node.py). */
export const AGENT_ROUTE_PROTO = '158';
/**
 * How long one `mesh-up.sh` may run before the lab kills it: wireguard-go answering (one ready
 * limit; the script's own 300 s limit is for nodes, and it fails at once if wireguard-go exits),
 * then, on a joining control-plane node, `wait-peer` for the init node (CAST_MESH_API_TIMEOUT,
 * one path limit), and what the script does besides.
 */
export const MESH_UP_LIMIT_MS = READY_LIMIT_MS + PATH_LIMIT_MS + scaled(60_000);

/**
 * What an agent lab lacks on this machine, each reason saying how to get it (empty: nothing): what
 * a WireGuard namespace lab needs (root, /dev/net/tun, wireguard-go, wg, ip, ss, ping) and python3
 * for the agent. .ci/run installs them all.
 */
export function agentLabMissing(): string[] {
  return [...wireGuardLabMissing(), ...missingBinaries(['python3'], 'apt-get install python3')];
}

/** `describe` for a group that runs an agent lab: without what it needs, skipped with the reason printed, or on CI failing (test/support/requirements.ts). */
export function describeAgentLab(name: string, body: () => void): void {
  describeNeeding(name, agentLabMissing(), body);
}

export class AgentLab {
  /** Builds the namespaces and writes every node's files for `mode`; starts nothing. */
  static async create(specs: readonly LabNodeSpec[], mode: MeshMode): Promise<AgentLab> {
    const lab = await NamespaceLab.create(specs);
    const agentLab = new AgentLab(lab);
    try {
      agentLab.writeFiles(mode);
    } catch (error) {
      await agentLab.cleanup();
      throw error;
    }
    return agentLab;
  }

  readonly dir = mkdtempSync(join(tmpdir(), 'cast-agent-lab-'));
  readonly recordsDir = join(this.dir, 'records');
  /** The stand-in API: Nodes the lab registers, annotations the agents write. */
  readonly api = new RecordsDir(this.recordsDir);
  readonly agentPath = join(this.dir, 'agent/cast-mesh-agent');
  readonly meshUpPath = join(this.dir, 'bin/mesh-up.sh');
  readonly meshAddresses: ReadonlyMap<string, string>;
  private readonly agents = new Map<string, ChildProcess>();
  /** Each Node's creationTimestamp, fixed at its first registration: one second apart, in registration order. */
  private readonly createdAt = new Map<string, string>();

  private constructor(readonly lab: NamespaceLab) {
    this.meshAddresses = new Map(allocateMeshAddresses(lab.nodes.map((node) => ({ name: node.name })), '10.4.0.0/16').map((a) => [a.name, a.address]));
  }

  get nodes(): LabNode[] {
    return this.lab.nodes;
  }

  node(name: string): LabNode {
    return this.lab.node(name);
  }

  meshAddress(name: string): string {
    return this.meshAddresses.get(name)!;
  }

  /** The node's user-data kind (what bootstrap-node.sh passes to mesh-up.sh). */
  kindOf(name: string): NodeBootstrapKind {
    return this.node(name).role === NodeRole.CONTROL_PLANE ? 'control-plane' : 'worker';
  }

  initNode(): LabNode {
    return this.nodes.find((node) => node.role === NodeRole.CONTROL_PLANE)!;
  }

  nodeDir(name: string): string {
    return join(this.dir, 'nodes', name);
  }

  /** (Re)writes every node's node.env and mesh.env for `mode`, from its rendered user-data; the scripts once. */
  writeFiles(mode: MeshMode): void {
    for (const node of this.nodes) {
      const config = this.userData(node, mode);
      const dir = this.nodeDir(node.name);
      mkdirSync(join(dir, 'state'), { recursive: true });
      writeFileSync(join(dir, 'node.env'), contentOf(fileAt(config, '/etc/cast/node.env')), { mode: 0o600 });
      const overrides = {
        CAST_MESH_RECORDS_DIR: this.recordsDir,
        CAST_MESH_INTERFACE: node.ifname,
        CAST_MESH_KEY_FILE: join(dir, 'wg.key'),
        CAST_MESH_STATE_DIR: join(dir, 'state'),
        CAST_MESH_CNI_CONFIG: join(dir, 'cni/10-cast.conflist'),
        CAST_MESH_RECORDS_CACHE: this.cachePath(node.name),
        CAST_MESH_API_SERVERS_FILE: join(dir, 'state/api-servers'),
        // The lab's clouds are L2 bridges that deliver any destination. GCP routes plainly (this
        // kernel may have no ipip driver; ipip-namespaces.test.ts shows that tunnel); Azure and
        // DigitalOcean keep their VXLAN device, which the agent makes in cross-location mode.
        CAST_MESH_ENCAPSULATION: 'gcp=none',
      };
      const lines = Object.entries(overrides).map(([key, value]) => `${key}='${value}'`);
      writeFileSync(join(dir, 'mesh.env'), `${contentOf(fileAt(config, '/etc/cast/mesh.env'))}# lab overrides\n${lines.join('\n')}\n`, { mode: 0o600 });
      if (!existsSync(this.agentPath)) this.writeScripts(config);
    }
  }

  /** The env files a node reads, as text (to show that adding a node changes none of the others'). */
  filesOf(name: string): string {
    return ['node.env', 'mesh.env'].map((file) => readFileSync(join(this.nodeDir(name), file), 'utf8')).join('\n');
  }

  /**
   * `mesh-up.sh <kind>` in the node's namespace, as bootstrap-node.sh runs it (or `interface`, as
   * the agent service runs it at boot); killed after MESH_UP_LIMIT_MS.
   */
  meshUp(name: string, kind: NodeBootstrapKind | 'interface' = this.kindOf(name)): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.node(name).ns, this.meshUpPath, kind], undefined, this.scriptEnv(name), MESH_UP_LIMIT_MS);
  }

  /** `cast-mesh-agent <args>` in the node's namespace, once. */
  agent(name: string, args: readonly string[]): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.node(name).ns, this.agentPath, ...this.envArgs(name), ...args]);
  }

  /** Starts `cast-mesh-agent run` for the node (what its systemd unit runs), syncing every `intervalS`. */
  startAgent(name: string, intervalS = 1): void {
    if (this.agents.has(name)) return;
    const child = spawn('ip', ['netns', 'exec', this.node(name).ns, this.agentPath, ...this.envArgs(name), 'run', '--interval', String(intervalS)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (chunk) => (log = (log + chunk).slice(-20_000)));
    child.on('exit', () => writeFileSync(join(this.nodeDir(name), 'state/agent.log'), log));
    this.agents.set(name, child);
  }

  async stopAgent(name: string): Promise<void> {
    const child = this.agents.get(name);
    this.agents.delete(name);
    if (child) await stopChild(child);
  }

  async stopAgents(): Promise<void> {
    await Promise.all([...this.agents.keys()].map((name) => this.stopAgent(name)));
  }

  /**
   * Registers the node's Node object, as its kubelet and kubeadm would (control-plane nodes carry
   * kubeadm's label unless `controlPlane` says otherwise: a joining control plane gets it only
   * in its control-plane-join phase), with its pod CIDR, as the controller manager allocates it.
   */
  register(name: string, controlPlane = this.node(name).role === NodeRole.CONTROL_PLANE): void {
    if (!this.createdAt.has(name)) this.createdAt.set(name, timestamp(this.createdAt.size));
    this.api.register({ name, controlPlane, podCidr: this.node(name).podCidr, createdAt: this.createdAt.get(name)! });
  }

  /** `kubectl delete node`: the Node goes, and its annotations with it. */
  removeRecord(name: string): void {
    for (const file of [`${name}.json`, `annotations/${name}.json`]) if (existsSync(join(this.recordsDir, file))) unlinkSync(join(this.recordsDir, file));
  }

  records(): MeshRecord[] {
    return this.api.records();
  }

  /** Where the node's agent keeps the records of its last sync (CAST_MESH_RECORDS_CACHE). */
  cachePath(name: string): string {
    return join(this.nodeDir(name), 'state/mesh-records.json');
  }

  /** Names of the records the node's agent kept at its last sync (CAST_MESH_RECORDS_CACHE), sorted; none before its first. */
  cachedNames(name: string): string[] {
    const path = this.cachePath(name);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')).records as { name: string }[]).map((r) => r.name).sort() : [];
  }

  /**
   * `cast-mesh-agent sync` on each of `names` in turn (one pass of its `run` loop each), round after
   * round, until each keeps a record of every one of them: a node publishes its own record in its
   * first sync and learns of nodes that published after it in its next, so registered Nodes take two
   * rounds. One node after the other, so no two add each other at the same moment: a node that adds
   * a peer initiates a handshake at once (persistent keepalive), the peer drops it while it does not
   * know the node, and answers it once its own sync has added the node; crossing initiations would
   * wait for WireGuard's retry instead (lab-waits.ts). Throws with the agent's output when a sync
   * fails, or when a round changes no node's records and some are still missing (a Node not
   * registered, say).
   */
  async syncEach(names: readonly string[] = this.nodes.map((node) => node.name)): Promise<void> {
    const missing = () => names.filter((name) => !names.every((peer) => this.cachedNames(name).includes(peer)));
    for (let before = ''; missing().length > 0; ) {
      for (const name of names) {
        const result = await this.agent(name, ['sync']);
        if (result.code !== 0) throw new Error(`cast-mesh-agent sync on ${name} failed (${result.code}): ${result.stderr.trim()}`);
      }
      const now = JSON.stringify(names.map((name) => this.cachedNames(name)));
      if (now === before) throw new Error(`a round of syncs changed nothing, and ${missing().join(', ')} still keep no record of some of ${names.join(', ')}: ${now}`);
      before = now;
    }
  }

  /** The control planes' mesh addresses the node's agent wrote (CAST_MESH_API_SERVERS_FILE). */
  apiServers(name: string): string[] {
    const path = join(this.nodeDir(name), 'state/api-servers');
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line !== '') : [];
  }

  /** A reboot's loss: the node's agent stops and its wireguard-go ends, taking the interface and its routes along. */
  async powerOff(name: string): Promise<void> {
    await this.stopAgent(name);
    const node = this.node(name);
    await stopWireGuardGo(join(this.nodeDir(name), 'state', `wireguard-go-${node.ifname}.pid`));
    // wireguard-go removes the TUN device as it exits; its socket file may stay behind.
    rmSync(`/var/run/wireguard/${node.ifname}.sock`, { force: true });
  }

  /** Destinations of the routes the agent installed on the node (its protocol number). */
  async agentRoutes(name: string): Promise<string[]> {
    const { stdout } = await run('ip', ['-n', this.node(name).ns, '-4', 'route', 'show', 'proto', AGENT_ROUTE_PROTO]);
    return stdout.split('\n').filter((line) => line !== '').map((line) => line.split(' ')[0]);
  }

  /** The wireguard-go processes mesh-up.sh started (their pid files), ended by pid; the namespaces; the files. */
  async cleanup(): Promise<void> {
    await this.stopAgents();
    await Promise.all(this.nodes.map((node) => stopWireGuardGo(join(this.nodeDir(node.name), 'state', `wireguard-go-${node.ifname}.pid`))));
    await this.lab.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private userData(node: LabNode, mode: MeshMode): CloudConfig {
    const kind = this.kindOf(node.name);
    const k = node.privateAddress.split('.')[1];
    return parseUserData(
      renderNodeUserData(
        fakeInput(kind, node.cloud, {
          nodeName: node.name,
          publicAddress: node.publicAddress,
          meshAddress: this.meshAddress(node.name),
          podCidr: POD_RANGE,
          phoneHomeUrl: undefined,
          mesh: {
            mode,
            meshCidr: '10.4.0.0/16',
            listenPort: 51820,
            mtu: 1420,
            persistentKeepalive: 25,
            gatewaysPerCloud: 1,
            // The node finds its private address in its subnet (10.1<k>.0.0/24 in the lab).
            privateCidr: `10.${k}.0.0/24`,
          },
        }),
      ),
    );
  }

  /** mesh-up.sh and the agent, exactly as the user-data carries them. */
  private writeScripts(config: CloudConfig): void {
    for (const file of config.write_files) {
      const target = file.path === '/opt/cast/bin/mesh-up.sh' ? this.meshUpPath : file.path.startsWith('/opt/cast/mesh/') ? join(this.dir, 'agent', file.path.slice('/opt/cast/mesh/'.length)) : undefined;
      if (!target) continue;
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, contentOf(file));
      chmodSync(target, parseInt(file.permissions, 8));
    }
  }

  private envArgs(name: string): string[] {
    return ['--node-env', join(this.nodeDir(name), 'node.env'), '--mesh-env', join(this.nodeDir(name), 'mesh.env')];
  }

  private scriptEnv(name: string): Record<string, string> {
    return {
      CAST_NODE_ENV: join(this.nodeDir(name), 'node.env'),
      CAST_MESH_ENV: join(this.nodeDir(name), 'mesh.env'),
      CAST_MESH_AGENT: this.agentPath,
      // Nothing reaches the host's systemd; a failing wait fails the test after one path limit
      // (minutes: a loaded machine is slow), not after a node's 30 minutes.
      CAST_MESH_SYSTEMD: 'no',
      CAST_MESH_API_TIMEOUT: String(Math.ceil(PATH_LIMIT_MS / 1000)),
    };
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/** Ends the wireguard-go whose pid mesh-up.sh wrote, if that pid still is a wireguard-go. */
async function stopWireGuardGo(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const isWireGuardGo = () => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'wireguard-go';
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 1 || !isWireGuardGo()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 40 && isWireGuardGo(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isWireGuardGo()) process.kill(pid, 'SIGKILL');
}
