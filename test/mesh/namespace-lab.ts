/**
 * A lab of Linux network namespaces standing in for cloud nodes, for the
 * WireGuard proof in wireguard-namespaces.test.ts. All I/O of that test lives
 * here; the test only decides what to apply and what to check.
 *
 * ```
 *                      <prefix>-r  ("the internet", ip_forward=1)
 *        br0 198.18.0.1     br1 198.18.1.1    br2 198.18.2.1    br3 198.18.3.1
 *          |  (one L2 cloud network per bridge; private 10.1<k>.0.0/24 lives on it too,
 *          |   but the router has no address there, so private addresses stay inside a cloud)
 *    <prefix>-n<i>  eth0: 10.1<k>.0.<10+j>/24 (private) + 198.18.<k>.<10+j>/24 (public)
 *                   default via 198.18.<k>.1 src <public>; ip_forward=1
 *                   <prefix>-<i>: wireguard-go interface (the mesh)
 *                   pod0 10.244.<i>.1/24 --veth-- <prefix>-p<i> eth0 10.244.<i>.10 (a "pod")
 * ```
 *
 * Every address exists only inside these namespaces (198.18.0.0/15 is the
 * RFC 2544 benchmarking range). The pod is a namespace behind a veth rather
 * than a dummy interface: it also proves that the node forwards into its pod
 * CIDR, and it works on kernels built without the dummy driver.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { Encapsulation, MeshNodeInput, MeshPlan, renderInterfaceSetup, renderWireGuardConfig } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { missingBinaries, notRoot } from '../support/requirements';
import { READY_LIMIT_MS, sleep, waitFor } from './lab-waits';

/**
 * What a lab of network namespaces running wireguard-go lacks on this machine, each reason saying
 * how to get it (empty: nothing): root, /dev/net/tun, wireguard-go, wg, ip and ss, ping. For
 * describeNeeding (test/support/requirements.ts), with whatever else the lab runs.
 */
export function wireGuardLabMissing(): string[] {
  return [
    ...notRoot('network namespaces need it'),
    ...(existsSync('/dev/net/tun') ? [] : ['/dev/net/tun is missing (wireguard-go needs a TUN device: modprobe tun, or give the container --device /dev/net/tun)']),
    ...missingBinaries(['wireguard-go'], 'apt-get install wireguard-go'),
    ...missingBinaries(['wg'], 'apt-get install wireguard-tools'),
    ...missingBinaries(['ip', 'ss'], 'apt-get install iproute2'),
    ...missingBinaries(['ping'], 'apt-get install iputils-ping'),
  ];
}

/** planMesh's `encapsulation` for plain routing on every cloud: the lab's bridges deliver any destination, as AWS does. */
export const PLAIN_ROUTING: Readonly<Record<Cloud, Encapsulation>> = Object.fromEntries(ALL_CLOUDS.map((cloud) => [cloud, Encapsulation.NONE])) as Record<Cloud, Encapsulation>;

/** A simulated node. */
export interface LabNode {
  readonly name: string;
  readonly cloud: Cloud;
  readonly role: NodeRole;
  /** Node namespace. */
  readonly ns: string;
  /** Namespace of the node's one pod. */
  readonly podNs: string;
  /** WireGuard interface name, unique on the host (wireguard-go's socket is /var/run/wireguard/<name>.sock). */
  readonly ifname: string;
  readonly publicAddress: string;
  readonly privateAddress: string;
  readonly podCidr: string;
  /** The pod's address, inside podCidr. */
  readonly podAddress: string;
  /** Generated in the node namespace with `wg genkey`; stays in this process and the 0600 config files of the lab. */
  readonly privateKey: string;
  readonly publicKey: string;
}

/** What to build: name, cloud, role per node. */
export interface LabNodeSpec {
  readonly name: string;
  readonly cloud: Cloud;
  readonly role: NodeRole;
}

/** How the lab's clouds behave. */
export interface LabOptions {
  /**
   * Clouds whose network, like GCP's and Azure's, delivers a packet to a node
   * only when the node owns its destination: the router namespace drops
   * bridged IPv4 frames from their nodes whose destination is outside the
   * cloud's private and public /24 (mesh and pod addresses, say). Needs `nft`.
   */
  readonly l3Clouds?: readonly Cloud[];
  /**
   * IP protocol numbers a cloud's network drops between its nodes (Azure's virtual networks
   * drop IPIP, protocol 4): counted with the l3Clouds filter. Needs `nft`.
   */
  readonly droppedProtocols?: Readonly<Partial<Record<Cloud, readonly number[]>>>;
  /**
   * Clouds whose network drops frames from a node whose IPv4 source is not the cloud's
   * (DigitalOcean restricts "traffic not matching a Droplet's IP address/MAC address"):
   * counted with the l3Clouds filter. Needs `nft`.
   */
  readonly sourceChecked?: readonly Cloud[];
  /**
   * For kernels without the ipip driver: `apply` runs test/mesh/userspace-ipip.py
   * (python3) as the node's `cast-ipip` device instead of the rendered `ip link
   * replace cast-ipip type ipip local <private> ttl 64` line, and applies every
   * other line as rendered.
   */
  readonly userspaceIpip?: boolean;
}

/** Result of a finished command. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command without a shell; resolves with its exit code and output. `env` is added to this process's environment.
 * With `limitMs`, a command still running after that long is killed (SIGKILL) and its stderr ends with a line saying so.
 */
export function run(command: string, args: readonly string[], input?: string, env?: Readonly<Record<string, string>>, limitMs?: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: env && { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer =
      limitMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, limitMs);
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (killed) stderr += `\n${command} ${args.join(' ')}: killed after ${Math.round(limitMs! / 1000)} s\n`;
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (input !== undefined) {
      // A command that exits before reading all of its input shows up in its exit code, not as an EPIPE here.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
  });
}

/** Runs a command and throws with its stderr when it fails. */
export async function must(command: string, args: readonly string[], input?: string): Promise<string> {
  const result = await run(command, args, input);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}\n${input ?? ''}`);
  return result.stdout;
}

/** Runs `tasks` with at most `limit` in flight; results in input order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const CLOUD_INDEX: Record<Cloud, number> = { [Cloud.AWS]: 0, [Cloud.GCP]: 1, [Cloud.AZURE]: 2, [Cloud.DIGITALOCEAN]: 3 };
const SOCKET_DIR = '/var/run/wireguard';

/** The namespaces, processes and files of one test run; `cleanup()` removes all of them. */
export class NamespaceLab {
  /** Builds the router, one bridge per cloud, and a node and pod namespace per spec; generates keys on the nodes. */
  static async create(specs: readonly LabNodeSpec[], options: LabOptions = {}): Promise<NamespaceLab> {
    const lab = new NamespaceLab(options.userspaceIpip ?? false);
    try {
      await lab.build(specs);
      await lab.dropForeignDestinations(specs, options);
    } catch (error) {
      await lab.cleanup();
      throw error;
    }
    return lab;
  }

  readonly nodes: LabNode[] = [];
  /** Short, per-process prefix so parallel runs on one host never share a name. */
  readonly prefix = `wgm${process.pid.toString(36)}`;
  readonly routerNs = `${this.prefix}-r`;
  private readonly namespaces: string[] = [];
  private readonly daemons = new Map<string, ChildProcess>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'wg-mesh-lab-'));

  private constructor(private readonly userspaceIpip: boolean) {}

  /** The planner input for `names` (all nodes when omitted). */
  meshNodes(names?: readonly string[]): MeshNodeInput[] {
    return this.nodes
      .filter((node) => !names || names.includes(node.name))
      .map((node) => ({
        name: node.name,
        cloud: node.cloud,
        role: node.role,
        publicAddress: node.publicAddress,
        privateAddress: node.privateAddress,
        podCidr: node.podCidr,
      }));
  }

  node(name: string): LabNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no lab node ${name}`);
    return node;
  }

  /**
   * Starts wireguard-go for the node (foreground, so this process owns and can end it); resolves
   * when its UAPI socket answers `wg show`. Fails at once if wireguard-go exits first.
   */
  async startWireGuard(node: LabNode): Promise<void> {
    if (this.daemons.has(node.name)) return;
    const child = spawn('ip', ['netns', 'exec', node.ns, 'wireguard-go', '-f', node.ifname], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    this.daemons.set(node.name, child);
    const exited = () => (child.exitCode === null && child.signalCode === null ? undefined : `wireguard-go exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    const socket = join(SOCKET_DIR, `${node.ifname}.sock`);
    // wireguard-go makes the socket after its TUN device; a stat every 10 ms costs no process.
    await waitFor(`${node.name}: wireguard-go did not create ${socket}`, () => existsSync(socket), { limitMs: READY_LIMIT_MS, gaveUp: exited });
    // Sockets appear a moment before the UAPI listener answers.
    await waitFor(`${node.name}: wireguard-go does not answer on ${socket}`, async () => (await run('ip', ['netns', 'exec', node.ns, 'wg', 'show', node.ifname])).code === 0, {
      limitMs: READY_LIMIT_MS,
      gaveUp: exited,
    });
  }

  /** The userspace-ipip.py stand-in for the node's cast-ipip device, once per node; resolves when the device exists. */
  private async startUserspaceIpip(node: LabNode, local: string): Promise<void> {
    const key = `${node.name}/userspace-ipip`;
    if (this.daemons.has(key)) return;
    const child = spawn('ip', ['netns', 'exec', node.ns, 'python3', join(__dirname, 'userspace-ipip.py'), local], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.daemons.set(key, child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    // It prints a line once its device is up: that line is the event, the limit only ends a hang.
    let timer: NodeJS.Timeout | undefined;
    const ready = await new Promise<string | undefined>((resolve) => {
      timer = setTimeout(() => resolve(`printed nothing in ${Math.round(READY_LIMIT_MS / 1000)} s`), READY_LIMIT_MS);
      child.stdout!.once('data', () => resolve(undefined));
      child.once('exit', () => resolve('exited'));
    });
    clearTimeout(timer);
    if (ready !== undefined) throw new Error(`userspace-ipip.py on ${node.name} ${ready}: ${stderr.trim()}`);
  }

  /** Ends the node's wireguard-go (its interface goes with it). */
  async stopWireGuard(node: LabNode): Promise<void> {
    const child = this.daemons.get(node.name);
    if (!child) return;
    this.daemons.delete(node.name);
    await stopProcess(child);
    rmSync(join(SOCKET_DIR, `${node.ifname}.sock`), { force: true });
  }

  /**
   * Applies the plan's views to every node of the plan, exactly as rendered:
   * the WireGuard text through `wg <command>` and the interface setup lines
   * through `ip -batch` (the `ip` lines minus their leading `ip`), then
   * `bridge -batch` (the `bridge` lines minus theirs); an `ip link add` line
   * only when its device is missing (renderInterfaceSetup's contract). Routes
   * left from a previous plan are flushed first. `publicKeyOf` may lie about a
   * key. Cloud-network plans get only their interface setup (no WireGuard).
   */
  async apply(
    plan: MeshPlan,
    options: { command?: 'setconf' | 'syncconf'; only?: readonly string[]; publicKeyOf?: (viewer: string, peer: string) => string } = {},
  ): Promise<void> {
    const targets = plan.nodes.filter((node) => !options.only || options.only.includes(node.name));
    await Promise.all(
      targets.map(async (planned) => {
        const node = this.node(planned.name);
        if (plan.wireGuard) {
          await this.startWireGuard(node);
          const config = renderWireGuardConfig(plan, node.name, {
            privateKey: node.privateKey,
            publicKeyOf: (peer) => options.publicKeyOf?.(node.name, peer) ?? this.node(peer).publicKey,
          });
          const file = join(this.dir, `${node.name}.conf`);
          writeFileSync(file, config, { mode: 0o600 });
          await must('ip', ['netns', 'exec', node.ns, 'wg', options.command ?? 'setconf', node.ifname, file]);
        }
        // Rendered routes carry the default `proto boot`; the lab's own default route is `proto static`.
        await must('ip', ['-n', node.ns, 'route', 'flush', 'proto', 'boot']);
        let lines = renderInterfaceSetup(plan, node.name, { interfaceName: node.ifname });
        if (lines.some((line) => !line.startsWith('ip ') && !line.startsWith('bridge '))) throw new Error(`not an ip or bridge command: ${lines.join('\n')}`);
        const tunnel = lines.find((line) => line.startsWith('ip link replace cast-ipip type ipip local '));
        if (tunnel && this.userspaceIpip) {
          await this.startUserspaceIpip(node, tunnel.split(' ')[7]);
          lines = lines.filter((line) => line !== tunnel);
        }
        for (const add of lines.filter((line) => line.startsWith('ip link add '))) {
          if ((await run('ip', ['-n', node.ns, 'link', 'show', 'dev', add.split(' ')[3]])).code === 0) lines = lines.filter((line) => line !== add);
        }
        const ipLines = lines.filter((line) => line.startsWith('ip ')).map((line) => line.slice(3));
        const bridgeLines = lines.filter((line) => line.startsWith('bridge ')).map((line) => line.slice(7));
        await must('ip', ['-n', node.ns, '-batch', '-'], ipLines.join('\n') + '\n');
        if (bridgeLines.length > 0) await must('bridge', ['-n', node.ns, '-batch', '-'], bridgeLines.join('\n') + '\n');
        if (plan.wireGuard) await this.waitForListener(node, plan.listenPort);
      }),
    );
  }

  /**
   * wireguard-go binds its UDP socket only after it sees the link go up, a
   * moment after `ip link set up` returns; a handshake sent to a peer before
   * that is lost and retried only after 5 s (REKEY_TIMEOUT). The lab waits for
   * the socket so the measured bring-up is not that race.
   */
  private async waitForListener(node: LabNode, port: number): Promise<void> {
    await waitFor(`${node.name}: nothing listens on udp port ${port}`, async () => (await must('ip', ['netns', 'exec', node.ns, 'ss', '-Hnul', `sport = :${port}`])).trim() !== '', {
      limitMs: READY_LIMIT_MS,
    });
  }

  /** One ICMP echo from `ns` to `address`, tried up to `attempts` times (1 s wait each): for paths that must fail. */
  async ping(ns: string, address: string, attempts: number): Promise<boolean> {
    for (let i = 0; i < attempts; i++) {
      if (await this.pingOnce(ns, address)) return true;
    }
    return false;
  }

  /** Pings until an answer comes (true) or `limitMs` have passed (false; at least one try): for paths that must work. */
  async reachable(ns: string, address: string, limitMs: number): Promise<boolean> {
    return this.reachableBy(ns, address, performance.now() + limitMs);
  }

  /**
   * Checks every (from namespace, address) pair in parallel, all until one deadline `limitMs` from now;
   * returns the pairs that never answered, as "from -> address".
   */
  async unreachable(pairs: readonly (readonly [string, string])[], limitMs: number): Promise<string[]> {
    const deadline = performance.now() + limitMs;
    const ok = await inParallel(pairs, 160, ([ns, address]) => this.reachableBy(ns, address, deadline));
    return pairs.filter((_, i) => !ok[i]).map(([ns, address]) => `${ns} -> ${address}`);
  }

  /**
   * Polls `wg show latest-handshakes` until every peer of every node has one (every 50 ms for the
   * first 12 s, two rounds of handshake retries, then less often); resolves false after `limitMs`.
   * One `wg show all` per round reads every node: wireguard-go's UAPI sockets are files in
   * SOCKET_DIR, which every namespace shares, and the node interfaces' names are the lab's own.
   * A handshake lost to the race in waitForListener waits out REKEY_TIMEOUT (5 s), about one run
   * in two: ten `ip netns exec … wg show` per round were 1,000 processes in that wait (the file's
   * CPU in such a run: 10-10.9 CPU-s with them, 8.1-8.4 with one `wg show all`; 7 without a stall).
   */
  async allHandshakesDone(nodes: readonly LabNode[], limitMs: number): Promise<boolean> {
    const started = performance.now();
    let pause = 50;
    do {
      const rows = await this.latestHandshakes(nodes);
      if (rows.every((peers) => peers.every(([, at]) => Number(at) > 0))) return true;
      await sleep(pause);
      if (performance.now() - started > 12_000) pause = Math.min(pause * 1.5, 250);
    } while (performance.now() - started < limitMs);
    return false;
  }

  /**
   * The loop behind `reachable`: one echo request with a 1 s wait after another, until a reply or
   * the deadline. A request sent while a handshake is pending waits in wireguard-go and is answered
   * when the handshake completes, so waiting longer per request would not see a path sooner. A ping
   * that ends at once (no route yet: `Network is unreachable`, or the router's `Destination Net
   * Unreachable` while the agent has not synced) is retried after a pause of 20 ms that doubles up
   * to 250 ms, so dozens of parallel loops do not spin spawning processes and starve the agents they
   * wait for (the agents sync every second).
   */
  private async reachableBy(ns: string, address: string, deadline: number): Promise<boolean> {
    let pause = 20;
    do {
      const started = performance.now();
      if (await this.pingOnce(ns, address)) return true;
      if (performance.now() - started < 1000) {
        await sleep(pause);
        pause = Math.min(pause * 2, 250);
      }
    } while (performance.now() < deadline);
    return false;
  }

  /** One echo request, one 1 s wait (the l3Clouds filter counts one frame per try of a path that must fail). */
  private async pingOnce(ns: string, address: string): Promise<boolean> {
    return (await run('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c', '1', '-W', '1', address])).code === 0;
  }

  /**
   * `wg show <if> latest-handshakes` of each node, as [public key, value] rows, from one `wg show all`
   * in this namespace (it also lists other labs' interfaces, and its exit code is not 0 when one of
   * theirs goes away meanwhile; only these nodes' lines are read). A node with no line (no peers, or
   * not listed) is read on its own, as wgShow reads it.
   */
  private async latestHandshakes(nodes: readonly LabNode[]): Promise<string[][][]> {
    const all = await run('wg', ['show', 'all', 'latest-handshakes']);
    const byInterface = new Map<string, string[][]>();
    for (const line of all.stdout.split('\n')) {
      const [ifname, ...row] = line.split('\t');
      if (row.length === 2) byInterface.set(ifname, [...(byInterface.get(ifname) ?? []), row]);
    }
    return Promise.all(nodes.map((node) => byInterface.get(node.ifname) ?? this.wgShow(node, 'latest-handshakes')));
  }

  /** `wg show <if> <field>` of a node, as [public key, value] rows. */
  async wgShow(node: LabNode, field: 'latest-handshakes' | 'peers' | 'allowed-ips' | 'public-key'): Promise<string[][]> {
    const text = await must('ip', ['netns', 'exec', node.ns, 'wg', 'show', node.ifname, field]);
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.split('\t'));
  }

  /** Generates a key pair in the node namespace (as a node agent would, with `wg genkey`). */
  async generateKeyPair(ns: string): Promise<{ privateKey: string; publicKey: string }> {
    const privateKey = (await must('ip', ['netns', 'exec', ns, 'wg', 'genkey'])).trim();
    const publicKey = (await must('ip', ['netns', 'exec', ns, 'wg', 'pubkey'], `${privateKey}\n`)).trim();
    return { privateKey, publicKey };
  }

  /** Ends every wireguard-go this lab started, deletes its namespaces, sockets and files. Safe to call twice. */
  async cleanup(): Promise<void> {
    const daemons = [...this.daemons.values()];
    this.daemons.clear();
    await Promise.all(daemons.map(stopProcess));
    for (const node of this.nodes) rmSync(join(SOCKET_DIR, `${node.ifname}.sock`), { force: true });
    await Promise.all(this.namespaces.splice(0).map((ns) => run('ip', ['netns', 'delete', ns])));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async build(specs: readonly LabNodeSpec[]): Promise<void> {
    await this.addNamespace(this.routerNs);
    const router = ['link set lo up'];
    for (let k = 0; k < 4; k++) router.push(`link add br${k} type bridge`, `address add 198.18.${k}.1/24 dev br${k}`, `link set br${k} up`);
    await must('ip', ['-n', this.routerNs, '-batch', '-'], router.join('\n') + '\n');
    await enableForwarding(this.routerNs);

    const perCloud = new Map<Cloud, number>();
    await Promise.all(
      specs.map(async (spec, i) => {
        const k = CLOUD_INDEX[spec.cloud];
        const j = perCloud.get(spec.cloud) ?? 0;
        perCloud.set(spec.cloud, j + 1);
        const ns = `${this.prefix}-n${i}`;
        const podNs = `${this.prefix}-p${i}`;
        await Promise.all([this.addNamespace(ns), this.addNamespace(podNs)]);
        const publicAddress = `198.18.${k}.${10 + j}`;
        const privateAddress = `10.${10 + k}.0.${10 + j}`;
        // The veth is made in the router namespace with its far end placed straight in the node: no root-namespace names.
        await must('ip', ['-n', this.routerNs, '-batch', '-'], [`link add n${i} type veth peer name eth0 netns ${ns}`, `link set n${i} master br${k}`, `link set n${i} up`].join('\n') + '\n');
        await must('ip', ['-n', ns, 'link', 'add', 'pod0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNs]);
        await must(
          'ip',
          ['-n', ns, '-batch', '-'],
          [
            'link set lo up',
            `address add ${privateAddress}/24 dev eth0`,
            `address add ${publicAddress}/24 dev eth0`,
            'link set eth0 up',
            `route add default via 198.18.${k}.1 src ${publicAddress} proto static`,
            `address add 10.244.${i}.1/24 dev pod0`,
            'link set pod0 up',
          ].join('\n') + '\n',
        );
        await must('ip', ['-n', podNs, '-batch', '-'], ['link set lo up', `address add 10.244.${i}.10/24 dev eth0`, 'link set eth0 up', `route add default via 10.244.${i}.1`].join('\n') + '\n');
        await enableForwarding(ns);
        const keys = await this.generateKeyPair(ns);
        this.nodes[i] = {
          ...spec,
          ns,
          podNs,
          ifname: `${this.prefix}-${i}`,
          publicAddress,
          privateAddress,
          podCidr: `10.244.${i}.0/24`,
          podAddress: `10.244.${i}.10`,
          ...keys,
        };
      }),
    );
  }

  /** The l3Clouds and droppedProtocols filters: nftables bridge rules per cloud, on the router's ports of that cloud's nodes. */
  private async dropForeignDestinations(specs: readonly LabNodeSpec[], options: LabOptions): Promise<void> {
    const portsOf = (cloud: Cloud) => specs.flatMap((spec, i) => (spec.cloud === cloud ? [`"n${i}"`] : []));
    const own = (cloud: Cloud) => `{ 10.${10 + CLOUD_INDEX[cloud]}.0.0/24, 198.18.${CLOUD_INDEX[cloud]}.0/24 }`;
    const rules = [
      ...Object.entries(options.droppedProtocols ?? {}).map(([cloud, numbers]) => `    iifname { ${portsOf(cloud as Cloud).join(', ')} } ip protocol { ${numbers!.join(', ')} } counter drop`),
      ...(options.sourceChecked ?? []).map((cloud) => `    iifname { ${portsOf(cloud).join(', ')} } ip saddr != ${own(cloud)} counter drop`),
      ...(options.l3Clouds ?? []).map((cloud) => `    iifname { ${portsOf(cloud).join(', ')} } ip daddr != ${own(cloud)} counter drop`),
    ];
    if (rules.length === 0) return;
    const ruleset = ['table bridge cast {', '  chain forward {', '    type filter hook forward priority 0; policy accept;', ...rules, '  }', '}', ''].join('\n');
    await must('ip', ['netns', 'exec', this.routerNs, 'nft', '-f', '-'], ruleset);
  }

  /**
   * The node's reverse-path filter, as a guest image sets it in /etc/sysctl.d: conf.all,
   * conf.default and its eth0 (GCE images: 1, strict; Ubuntu's default: 2, loose).
   */
  async setRpFilter(node: LabNode, value: 0 | 1 | 2): Promise<void> {
    await must('ip', ['netns', 'exec', node.ns, 'sh', '-c', ['all', 'default', 'eth0'].map((conf) => `echo ${value} > /proc/sys/net/ipv4/conf/${conf}/rp_filter`).join('; ')]);
  }

  /** The MTU of the node's pod link (both ends of its veth), as the CNI bridge plugin sets it from its `mtu`. */
  async setPodMtu(node: LabNode, mtu: number): Promise<void> {
    await must('ip', ['-n', node.ns, 'link', 'set', 'dev', 'pod0', 'mtu', String(mtu)]);
    await must('ip', ['-n', node.podNs, 'link', 'set', 'dev', 'eth0', 'mtu', String(mtu)]);
  }

  /** One ICMP echo of `size` data bytes with Don't Fragment set (`ping -M do`): whether it came back. */
  async pingWhole(ns: string, address: string, size: number): Promise<boolean> {
    return (await run('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c', '1', '-W', '1', '-M', 'do', '-s', String(size), address])).code === 0;
  }

  /** Frames the l3Clouds filter dropped so far. */
  async droppedFrames(): Promise<number> {
    const text = await must('ip', ['netns', 'exec', this.routerNs, 'nft', 'list', 'chain', 'bridge', 'cast', 'forward']);
    return [...text.matchAll(/counter packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  private async addNamespace(ns: string): Promise<void> {
    await must('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
  }
}

/** net.ipv4.ip_forward=1 inside `ns` (/proc/sys/net is per network namespace; no procps needed). */
async function enableForwarding(ns: string): Promise<void> {
  await must('ip', ['netns', 'exec', ns, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
