/**
 * A throwaway pair of network namespaces to try a rendered firewall with real packets:
 *
 * ```
 *   <prefix>-c  c0 203.0.113.10/24 (+ extra source addresses)  ── veth ──  n0 203.0.113.1/24  <prefix>-n
 *   (the "internet" and the VPC: one wire)                                  (the VM: the firewall on n0,
 *                                                                            listeners on its ports)
 * ```
 *
 * Needs root, iproute2, nft and python3. `cleanup()` ends the listeners and deletes both
 * namespaces (the veth goes with them).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';

/** How a connection attempt ended. */
export type ProbeResult = 'open' | 'refused' | 'timeout';

const LISTENER = `
import socket, sys, threading
def tcp(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", port)); s.listen(16)
    while True:
        c, _ = s.accept(); c.close()
def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(2048); s.sendto(data, peer)
for spec in sys.argv[1:]:
    proto, port = spec.split("/")
    threading.Thread(target=tcp if proto == "tcp" else udp, args=(int(port),), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
`;

const PROBE = `
import socket, sys
source, target, proto, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
s.bind((source, 0)); s.settimeout(float(sys.argv[5]))
try:
    if proto == "tcp":
        s.connect((target, port))
    else:
        s.sendto(b"twin", (target, port)); s.recvfrom(64)
    print("open")
except ConnectionRefusedError:
    print("refused")
except (socket.timeout, TimeoutError):
    print("timeout")
`;

function exec(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, [...args], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export class FirewallLab {
  /** Builds the two namespaces and the wire; `name` keeps parallel test files apart. */
  static async create(name: string): Promise<FirewallLab> {
    const lab = new FirewallLab(`twfw${process.pid.toString(36)}${name}`.slice(0, 13));
    try {
      lab.created = true;
      for (const ns of [lab.client, lab.node]) await exec('ip', ['netns', 'add', ns]);
      await exec('ip', ['link', 'add', 'c0', 'netns', lab.client, 'type', 'veth', 'peer', 'name', FirewallLab.DEVICE, 'netns', lab.node]);
      await lab.inClient('ip', ['addr', 'add', '203.0.113.10/24', 'dev', 'c0']);
      await lab.inNode('ip', ['addr', 'add', `${lab.nodeAddress}/24`, 'dev', FirewallLab.DEVICE]);
      for (const [ns, device] of [[lab.client, 'c0'], [lab.node, FirewallLab.DEVICE]]) {
        await exec('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
        await exec('ip', ['-n', ns, 'link', 'set', device, 'up']);
      }
    } catch (error) {
      await lab.cleanup();
      throw error;
    }
    return lab;
  }

  /** The node's side of the wire: the device to render the firewall on. */
  static readonly DEVICE = 'n0';
  readonly client: string;
  readonly node: string;
  readonly nodeAddress = '203.0.113.1';
  private created = false;
  private readonly listeners: ChildProcess[] = [];

  private constructor(prefix: string) {
    this.client = `${prefix}-c`;
    this.node = `${prefix}-n`;
  }

  /** Gives the client another source address (a /32 on its side, routed back by the node). */
  async addSource(address: string): Promise<void> {
    await this.inClient('ip', ['addr', 'add', `${address}/32`, 'dev', 'c0']);
    await this.inNode('ip', ['route', 'add', `${address}/32`, 'dev', FirewallLab.DEVICE]);
  }

  /** Loads nft text into the node namespace. */
  async applyFirewall(text: string): Promise<void> {
    await exec('ip', ['netns', 'exec', this.node, 'nft', '-f', '-'], text);
  }

  /** Starts listeners on the node (`tcp/6443`, `udp/51820`); resolves when they are bound. */
  async listen(specs: readonly string[]): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', this.node, 'python3', '-c', LISTENER, ...specs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.listeners.push(child);
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      child.stdout!.on('data', (chunk) => String(chunk).includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`listener exited (${code}): ${stderr}`)));
    });
  }

  /** Opens a connection (tcp) or an echo exchange (udp) from `source` to the node. */
  async probe(source: string, protocol: 'tcp' | 'udp', port: number, timeoutSeconds = 1): Promise<ProbeResult> {
    const out = await exec('ip', ['netns', 'exec', this.client, 'python3', '-c', PROBE, source, this.nodeAddress, protocol, String(port), String(timeoutSeconds)]);
    return out.trim() as ProbeResult;
  }

  async cleanup(): Promise<void> {
    for (const child of this.listeners) child.kill('SIGKILL');
    if (!this.created) return;
    for (const ns of [this.client, this.node]) await exec('ip', ['netns', 'del', ns]).catch(() => undefined);
  }

  private inClient(command: string, args: readonly string[]): Promise<string> {
    return exec('ip', ['netns', 'exec', this.client, command, ...args]);
  }

  private inNode(command: string, args: readonly string[]): Promise<string> {
    return exec('ip', ['netns', 'exec', this.node, command, ...args]);
  }
}
