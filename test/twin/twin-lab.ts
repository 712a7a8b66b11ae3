/**
 * A twin of the clouds' networks in Linux network namespaces, driven by a synthesized stack
 * (twin-stack.ts): the nodes, their user-data, their firewalls and their subnets all come
 * from the stack; the clouds' documented behaviour comes from cloud-behaviour.ts.
 *
 * ```
 *                       <p>-i  "the internet": bridge inet 198.19.0.1/24, routes to each cloud's public /24
 *          ┌────────────────┬──────────┴─────┬────────────────┐
 *   <p>-v0 (AWS VPC)   <p>-v1 (GCP)     <p>-v2 (Azure)   <p>-v3 (DigitalOcean)
 *     up 198.19.0.2      …                …                …        uplink, MTU 1500
 *     br0: the stack's subnet gateway (.1), the metadata and resolver addresses, MTU of the cloud
 *     nft: 1:1 NAT public 198.18.<k>.<10+j> ⇄ private (hairpin too, as an internet gateway does);
 *          the cloud's carriage rules on the bridge (protocols, destinations a VM does not own);
 *          counters of IP fragments; cloud-services.py answers DNS (53) and metadata (80)
 *       │
 *   <p>-n<i> (node)  eth0: the next private address of the subnet, MTU of the cloud, default via .1;
 *                    its firewall, translated from the stack (firewall/*.ts), on eth0 in a table
 *                    of its own that nothing on the node touches: clouds enforce firewalls at
 *                    the NIC, and a stateful rule cannot live on the VPC's bridge here (the
 *                    kernel has no bridge conntrack, nf_conntrack_bridge);
 *                    the image's rp_filter, then the sysctls install-kubernetes.sh writes;
 *                    the rendered node files: node.env, mesh.env, mesh-up.sh, the agent,
 *                    metadata-guard.sh, node-private-address.sh, api-seeds.sh
 *       │ cni0 (the pod CIDR's .1, MTU of the rendered CNI config)
 *   <p>-p<i> (pod)   eth0 .10
 * ```
 *
 * A directory stands in for the Kubernetes API (records-dir.ts), as in the agent labs.
 * What differs from a node: the paths the node files read are moved under the twin's folder
 * (mesh.env overrides, as the agent labs do; /etc/cast in metadata-guard.sh); the agent
 * comes from the stack (the AWS archive object, or a node's write_files) rather than being
 * downloaded; kubeadm, the kubelet and containerd do not run (none is installable here), so
 * the twin registers each Node with its pod CIDR as the API server and controller manager
 * would, and creates each pod's interface as the bridge CNI plugin would from the rendered
 * CNI config; on a kernel without the ipip driver, a GCP node's cast-ipip device is
 * test/mesh/userspace-ipip.py (ip-with-userspace-ipip.sh).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { CloudConfig, contentOf } from '../core/bootstrap/user-data-files';
import { PATH_LIMIT_MS, READY_LIMIT_MS, scaled, sleep, waitFor } from '../mesh/lab-waits';
import { inParallel, must, run, RunResult } from '../mesh/namespace-lab';
import { RecordsDir, timestamp } from '../mesh/records-dir';
import { stackFile, TerraformJson, twinNodes, TwinNodeSpec, twinSeeds, twinSubnets, twinUserData } from './twin-stack';

/** What the twin needs to know of a cloud's network (twin-models.ts fills it from cloud-behaviour.ts). */
export interface TwinCloudModel {
  /** IP protocol numbers the network carries between VMs; `all` for every one. */
  readonly protocols: 'all' | readonly number[];
  /** Whether the network delivers a packet to a VM whose address is not its destination. */
  readonly deliversForeignDestinations: boolean;
  /** MTU of the network between VMs. */
  readonly mtu: number;
  /** MTU to and from the internet. */
  readonly internetMtu: number;
  /** Whether IP fragments arrive (the twin counts them everywhere and drops them where not). */
  readonly carriesFragments: boolean;
  /** The guest image's net.ipv4.conf.{all,default}.rp_filter. */
  readonly rpFilter: 0 | 1 | 2;
  /** The metadata service's address. */
  readonly metadataAddress: string;
  /** The DNS resolvers a VM uses (fixed addresses). */
  readonly resolvers: readonly string[];
}

/** The firewall a node's NIC enforces, as nft text for `nft -f -` on `device`. */
export type FirewallOf = (stack: TerraformJson, node: TwinNodeSpec, resolve: (expression: string) => string | undefined, device: string) => string;

/** One ping: from a namespace to an address, optionally `size` bytes of payload with DF set. */
export interface PingCheck {
  readonly what: string;
  readonly ns: string;
  readonly address: string;
  readonly size?: number;
}

/** One node of the twin. */
export interface TwinNode extends TwinNodeSpec {
  readonly index: number;
  readonly ns: string;
  readonly podNs: string;
  /** WireGuard interface name, unique on the host (wireguard-go's socket is /var/run/wireguard/<name>.sock). */
  readonly ifname: string;
  readonly privateAddress: string;
  readonly publicAddress: string;
  /** The source of its own connections to the internet: its public address, or on DigitalOcean the droplet's own IPv4. */
  readonly egressAddress: string;
  readonly podCidr: string;
  readonly podAddress: string;
  /** The kind its user-data bootstraps (bootstrap-node.sh's argument). */
  readonly kind: string;
  readonly config: CloudConfig;
}

const CLOUD_INDEX: Record<Cloud, number> = { [Cloud.AWS]: 0, [Cloud.GCP]: 1, [Cloud.AZURE]: 2, [Cloud.DIGITALOCEAN]: 3 };
const INTERNET_GATEWAY = '198.19.0.1';
/** The address every DNS question is answered with (cloud-services.py). */
export const DNS_ANSWER = '192.0.2.53';
const noKernelIpip = spawnSync('unshare', ['--net', 'ip', 'link', 'add', 'probe', 'type', 'ipip', 'local', '192.0.2.1'], { encoding: 'utf8' }).status !== 0;

/** The address `offset` after the network address of `cidr`. */
function hostOf(cidr: string, offset: number): string {
  const [base, bits] = cidr.split('/');
  const value = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0) + offset;
  if (offset >= 2 ** (32 - Number(bits)) - 1) throw new Error(`${cidr} has no host ${offset}`);
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

export class CloudTwin {
  /** Builds every namespace and writes every node's files; starts no node software. */
  static async create(stack: TerraformJson, models: Readonly<Record<Cloud, TwinCloudModel>>, firewallOf: FirewallOf): Promise<CloudTwin> {
    const twin = new CloudTwin(stack, models);
    try {
      await twin.build(firewallOf);
    } catch (error) {
      await twin.cleanup();
      throw error;
    }
    return twin;
  }

  readonly prefix = `tw${process.pid.toString(36)}`;
  readonly internetNs = `${this.prefix}-i`;
  readonly dir = mkdtempSync(join(tmpdir(), 'cast-twin-'));
  readonly api = new RecordsDir(join(this.dir, 'records'));
  readonly nodes: TwinNode[];
  readonly clouds: Cloud[];
  readonly subnets: Map<Cloud, string>;
  /** Public address expression of the stack → the twin's address. */
  readonly publicAddresses: Map<string, string>;
  private readonly namespaces: string[] = [];
  private readonly daemons: ChildProcess[] = [];
  private readonly agentDir = join(this.dir, 'agent');

  private constructor(
    readonly stack: TerraformJson,
    readonly models: Readonly<Record<Cloud, TwinCloudModel>>,
  ) {
    this.subnets = twinSubnets(stack);
    const specs = twinNodes(stack);
    this.clouds = Object.values(Cloud).filter((cloud) => specs.some((spec) => spec.cloud === cloud));
    this.publicAddresses = new Map();
    const counts = new Map<Cloud, number>();
    const placed = specs.map((spec) => {
      const j = counts.get(spec.cloud) ?? 0;
      counts.set(spec.cloud, j + 1);
      const publicAddress = `198.18.${CLOUD_INDEX[spec.cloud]}.${10 + j}`;
      this.publicAddresses.set(spec.publicAddressExpression, publicAddress);
      return { spec, j, publicAddress };
    });
    const podRange = /CAST_POD_CIDR='([\d./]+)'/.exec(specs[0].userDataTemplate)?.[1] ?? '10.217.0.0/16';
    this.nodes = placed.map(({ spec, j, publicAddress }, index) => {
      const subnet = this.subnets.get(spec.cloud);
      if (!subnet) throw new Error(`the stack gives ${spec.cloud} no subnet`);
      const podCidr = `${hostOf(podRange, (index + 1) * 256)}/24`;
      const config = twinUserData(spec, (expression) => this.publicAddresses.get(expression));
      const kind = config.runcmd.map((command) => (command[0].endsWith('/bootstrap-node.sh') ? command[1] : undefined)).find((k) => k !== undefined);
      if (!kind) throw new Error(`${spec.name}: no bootstrap-node.sh in runcmd`);
      return {
        ...spec,
        index,
        ns: `${this.prefix}-n${index}`,
        podNs: `${this.prefix}-p${index}`,
        ifname: `${this.prefix}w${index}`,
        privateAddress: hostOf(subnet, 10 + j),
        publicAddress,
        egressAddress: spec.cloud === Cloud.DIGITALOCEAN ? `198.18.${CLOUD_INDEX[spec.cloud]}.${100 + j}` : publicAddress,
        podCidr,
        podAddress: hostOf(podCidr, 10),
        kind,
        config,
      };
    });
  }

  node(name: string): TwinNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no twin node ${name}`);
    return node;
  }

  vpcNs(cloud: Cloud): string {
    return `${this.prefix}-v${CLOUD_INDEX[cloud]}`;
  }

  nodeDir(name: string): string {
    return join(this.dir, 'nodes', name);
  }

  /**
   * Resolves the stack's address expressions (with or without `${…}`) to the twin's: public
   * addresses, the VMs' private addresses, a droplet's own public IPv4 (its outbound source).
   */
  readonly resolve = (expression: string): string | undefined => {
    const bare = expression.replace(/^\$\{(.*)\}$/, '$1');
    const known = this.publicAddresses.get(bare);
    if (known !== undefined) return known;
    // An Azure VM's address is its NIC's, named after the node (lib/nodes/azure.ts).
    if (/^azurerm_network_interface\.[\w-]+\.private_ip_address$/.test(bare)) return this.nodes.find((candidate) => bare.includes(`_${candidate.name}-nic_`))?.privateAddress;
    const node = this.nodes.find((candidate) => bare.startsWith(`${candidate.resource}.`));
    const attribute = node && bare.slice(node.resource.length + 1);
    if (!node || !attribute) return undefined;
    if (['private_ip', 'network_interface[0].network_ip', 'network_interface.0.network_ip', 'ipv4_address_private', 'private_ip_address'].includes(attribute)) return node.privateAddress;
    if (attribute === 'ipv4_address') return node.egressAddress;
    return undefined;
  };

  /** The API seeds the node's rendered api-seeds.sh prints, reading the twin's metadata service. */
  async apiSeeds(name: string): Promise<string[]> {
    return (await this.mustInNode(name, [join(this.nodeDir(name), 'bin/api-seeds.sh')])).split(/\s+/).filter((seed) => seed !== '');
  }

  /** The node's API seeds, from its VM's tags or metadata in the stack. */
  seeds(name: string): string[] {
    return twinSeeds(this.stack, this.node(name), this.resolve);
  }

  private async build(firewallOf: FirewallOf): Promise<void> {
    await this.addNamespace(this.internetNs);
    await must('ip', ['-n', this.internetNs, 'link', 'add', 'inet', 'type', 'bridge']);
    await must('ip', ['-n', this.internetNs, 'address', 'add', `${INTERNET_GATEWAY}/24`, 'dev', 'inet']);
    await must('ip', ['-n', this.internetNs, 'link', 'set', 'inet', 'up']);
    await forwarding(this.internetNs);
    for (const cloud of this.clouds) await this.buildCloud(cloud);
    this.writeAgent();
    await inParallel(this.nodes, 4, (node) => this.buildNode(node, firewallOf));
  }

  private async buildCloud(cloud: Cloud): Promise<void> {
    const k = CLOUD_INDEX[cloud];
    const ns = this.vpcNs(cloud);
    const model = this.models[cloud];
    const subnet = this.subnets.get(cloud)!;
    const gateway = hostOf(subnet, 1);
    const prefixLength = subnet.split('/')[1];
    await this.addNamespace(ns);
    await forwarding(ns);
    // Bridged frames must not go through this namespace's IP hooks: conntrack would reassemble fragments the counters count.
    await must('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=0']);
    await must('ip', ['link', 'add', `${this.prefix}u${k}`, 'netns', this.internetNs, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', ns]);
    await must('ip', ['-n', this.internetNs, 'link', 'set', `${this.prefix}u${k}`, 'master', 'inet', 'up']);
    await must('ip', ['-n', ns, 'address', 'add', `198.19.0.${k + 2}/24`, 'dev', 'uplink']);
    await must('ip', ['-n', ns, 'link', 'set', 'uplink', 'mtu', String(model.internetMtu), 'up']);
    await must('ip', ['-n', this.internetNs, 'link', 'set', `${this.prefix}u${k}`, 'mtu', String(model.internetMtu)]);
    await must('ip', ['-n', ns, 'route', 'add', 'default', 'via', INTERNET_GATEWAY]);
    await must('ip', ['-n', this.internetNs, 'route', 'add', `198.18.${k}.0/24`, 'via', `198.19.0.${k + 2}`]);
    await must('ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge']);
    await must('ip', ['-n', ns, 'link', 'set', 'br0', 'mtu', String(model.mtu), 'up']);
    await must('ip', ['-n', ns, 'address', 'add', `${gateway}/${prefixLength}`, 'dev', 'br0']);
    for (const service of new Set([model.metadataAddress, ...model.resolvers])) {
      await must('ip', ['-n', ns, 'address', 'add', `${service}/32`, 'dev', 'br0']);
    }
    const members = this.nodes.filter((node) => node.cloud === cloud);
    // Outbound from the egress address (a droplet's own IPv4 on DigitalOcean); inbound to either.
    const nat = members.map((node) => `${node.privateAddress} : ${node.egressAddress}`).join(', ');
    const publics = [...new Set(members.flatMap((node) => [`${node.publicAddress} : ${node.privateAddress}`, `${node.egressAddress} : ${node.privateAddress}`]))].join(', ');
    const carried = model.protocols === 'all' ? '' : `ether type ip ip protocol != { ${model.protocols.join(', ')} } counter name dropped drop`;
    const owned = model.deliversForeignDestinations
      ? []
      : members.map((node) => `oifname "${this.prefix}e${node.index}" ether type ip ip daddr != ${node.privateAddress} counter name dropped drop`);
    await must(
      'ip',
      ['netns', 'exec', ns, 'nft', '-f', '-'],
      `table ip cloud {
  counter fragments {}
  chain raw {
    type filter hook prerouting priority -450;
    ip frag-off & 0x3fff != 0 counter name fragments ${model.carriesFragments ? '' : 'drop'}
  }
  chain pre {
    type nat hook prerouting priority -100;
    dnat to ip daddr map { ${publics} }
  }
  chain post {
    type nat hook postrouting priority 100;
    oifname "uplink" snat to ip saddr map { ${nat} }
    oifname "br0" ct status dnat ip saddr ${subnet} snat to ip saddr map { ${nat} }
  }
}
table bridge cloud {
  counter fragments {}
  counter dropped {}
  chain forward {
    type filter hook forward priority 0;
    ether type ip ip frag-off & 0x3fff != 0 counter name fragments ${model.carriesFragments ? '' : 'drop'}
    ${carried}
${owned.map((line) => `    ${line}`).join('\n')}
  }
  chain output {
    type filter hook output priority 0;
    ether type ip ip frag-off & 0x3fff != 0 counter name fragments
  }
}
`,
    );
    const seeds = join(this.dir, `seeds-${cloud}.json`);
    writeFileSync(seeds, JSON.stringify(Object.fromEntries(members.map((node) => [node.privateAddress, this.seeds(node.name)]))));
    await this.startDaemon(ns, ['python3', join(__dirname, 'cloud-services.py'), seeds, ...new Set([model.metadataAddress, ...model.resolvers])], `${cloud} services`);
  }

  private async buildNode(node: TwinNode, firewallOf: FirewallOf): Promise<void> {
    const vpc = this.vpcNs(node.cloud);
    const model = this.models[node.cloud];
    const subnet = this.subnets.get(node.cloud)!;
    await this.addNamespace(node.ns);
    await must('ip', ['link', 'add', `${this.prefix}e${node.index}`, 'netns', vpc, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.ns]);
    await must('ip', ['-n', vpc, 'link', 'set', `${this.prefix}e${node.index}`, 'mtu', String(model.mtu), 'master', 'br0', 'up']);
    await must('ip', ['-n', node.ns, 'link', 'set', 'eth0', 'mtu', String(model.mtu), 'up']);
    await must('ip', ['-n', node.ns, 'link', 'set', 'lo', 'up']);
    await must('ip', ['-n', node.ns, 'address', 'add', `${node.privateAddress}/${subnet.split('/')[1]}`, 'dev', 'eth0']);
    await must('ip', ['-n', node.ns, 'route', 'add', 'default', 'via', hostOf(subnet, 1), 'proto', 'static']);
    // The image: reverse-path filtering as its cloud's image sets it, no forwarding (the kernel's default).
    await must('ip', [
      'netns',
      'exec',
      node.ns,
      'sysctl',
      '-qw',
      'net.ipv4.ip_forward=0',
      `net.ipv4.conf.all.rp_filter=${model.rpFilter}`,
      `net.ipv4.conf.default.rp_filter=${model.rpFilter}`,
      `net.ipv4.conf.eth0.rp_filter=${model.rpFilter}`,
    ]);
    await must('ip', ['netns', 'exec', node.ns, 'nft', '-f', '-'], firewallOf(this.stack, node, this.resolve, 'eth0'));
    this.writeNodeFiles(node);
    // Then the node's own sysctls, as its rendered install-kubernetes.sh writes them.
    await must('ip', ['netns', 'exec', node.ns, 'sysctl', '-qw', ...renderedSysctls(node)]);
  }

  /** node.env, mesh.env (with the twin's overrides) and metadata-guard.sh, from the node's user-data. */
  private writeNodeFiles(node: TwinNode): void {
    const dir = this.nodeDir(node.name);
    mkdirSync(join(dir, 'state'), { recursive: true });
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const file = (path: string) => {
      const found = node.config.write_files.find((f) => f.path === path);
      if (!found) throw new Error(`${node.name}: no ${path} in its user-data`);
      return contentOf(found);
    };
    writeFileSync(join(dir, 'node.env'), file('/etc/cast/node.env'), { mode: 0o600 });
    const overrides = {
      CAST_MESH_RECORDS_DIR: this.api.path,
      CAST_MESH_INTERFACE: node.ifname,
      CAST_MESH_KEY_FILE: join(dir, 'wg.key'),
      CAST_MESH_STATE_DIR: join(dir, 'state'),
      CAST_MESH_CNI_CONFIG: join(dir, 'cni/10-cast.conflist'),
      CAST_MESH_RECORDS_CACHE: join(dir, 'state/mesh-records.json'),
      CAST_MESH_API_SERVERS_FILE: join(dir, 'state/api-servers'),
      // The agent is in place (writeAgent): nothing to download.
      CAST_MESH_AGENT_URL: '',
    };
    const lines = Object.entries(overrides).map(([key, value]) => `${key}='${value}'`);
    writeFileSync(join(dir, 'mesh.env'), `${file('/etc/cast/mesh.env')}# twin overrides\n${lines.join('\n')}\n`, { mode: 0o600 });
    // The node scripts the twin runs, with /etc/cast/node.env moved (they read CAST_NODE_ENV too, the guard does not).
    for (const script of ['metadata-guard.sh', 'node-private-address.sh', 'api-seeds.sh', 'cloud-metadata.sh']) {
      const found = node.config.write_files.find((f) => f.path === `/opt/cast/bin/${script}`);
      if (found) writeFileSync(join(dir, 'bin', script), contentOf(found).replace(/\/etc\/cast\/node\.env/g, join(dir, 'node.env')), { mode: 0o755 });
    }
    const meshUp = node.config.write_files.find((f) => f.path === '/opt/cast/bin/mesh-up.sh');
    if (!meshUp) throw new Error(`${node.name}: no mesh-up.sh in its user-data`);
    writeFileSync(join(dir, 'bin/mesh-up.sh'), contentOf(meshUp), { mode: 0o755 });
    if (node.cloud === Cloud.GCP && noKernelIpip) symlinkSync(join(__dirname, 'ip-with-userspace-ipip.sh'), join(dir, 'bin/ip'));
  }

  /** The agent, from the stack: AWS's archive object, or the files a node's user-data writes. */
  private writeAgent(): void {
    mkdirSync(this.agentDir, { recursive: true });
    const archive = Object.values<any>(this.stack.resource?.aws_s3_object ?? {}).find((object) => object.content_type === 'application/x-tar');
    if (archive) {
      // The file the object uploads (`source`, beside the stack), as the S3 twin would serve it.
      const tar = stackFile(this.stack, archive.source);
      const untar = spawnSync('tar', ['-xf', tar, '--no-same-owner', '-C', this.agentDir], { encoding: 'utf8' });
      if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
    }
    if (existsSync(join(this.agentDir, 'cast-mesh-agent'))) return;
    const carrier = this.nodes.find((node) => node.config.write_files.some((f) => f.path === '/opt/cast/mesh/cast-mesh-agent'));
    if (!carrier) throw new Error('no agent in the stack: neither an archive object nor a node that writes /opt/cast/mesh/cast-mesh-agent');
    for (const file of carrier.config.write_files.filter((f) => f.path.startsWith('/opt/cast/mesh/'))) {
      const target = join(this.agentDir, file.path.slice('/opt/cast/mesh/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, contentOf(file));
      chmodSync(target, parseInt(file.permissions, 8));
    }
  }

  /** What the node's files run with: the twin's paths, no systemd, the ipip stand-in where needed. */
  private env(node: TwinNode): Record<string, string> {
    const dir = this.nodeDir(node.name);
    return {
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      CAST_TWIN_REAL_IP: '/usr/sbin/ip',
      CAST_TWIN_STATE_DIR: join(dir, 'state'),
      CAST_NODE_ENV: join(dir, 'node.env'),
      CAST_MESH_ENV: join(dir, 'mesh.env'),
      CAST_MESH_AGENT: join(this.agentDir, 'cast-mesh-agent'),
      CAST_MESH_SYSTEMD: 'no',
      CAST_MESH_API_TIMEOUT: String(Math.ceil(PATH_LIMIT_MS / 1000)),
    };
  }

  /** Runs `command` in the node's namespace with the node's environment. */
  inNode(name: string, command: readonly string[], input?: string, limitMs?: number): Promise<RunResult> {
    const node = this.node(name);
    return run('ip', ['netns', 'exec', node.ns, ...command], input, this.env(node), limitMs);
  }

  /**
   * Brings every node up the way its bootstrap does, minus kubeadm: the metadata guard,
   * `mesh-up.sh <control-plane|worker>`, the Node registered with its pod CIDR, then the agents'
   * syncs until each knows every other; finally each node's pod, from its rendered CNI config.
   */
  async bringUp(): Promise<void> {
    await inParallel(this.nodes, 4, async (node) => {
      const bin = join(this.nodeDir(node.name), 'bin');
      // As bootstrap-node.sh: the guard, then (cloud-network mode) the private address from the metadata service.
      for (const script of ['metadata-guard.sh', 'node-private-address.sh']) if (existsSync(join(bin, script))) await this.mustInNode(node.name, [join(bin, script)]);
      const kind = node.role === NodeRole.CONTROL_PLANE ? 'control-plane' : 'worker';
      await this.mustInNode(node.name, [join(this.nodeDir(node.name), 'bin/mesh-up.sh'), kind], scaled(300_000));
    });
    this.nodes.forEach((node, i) => this.api.register({ name: node.name, controlPlane: node.role === NodeRole.CONTROL_PLANE, podCidr: node.podCidr, createdAt: timestamp(i) }));
    await this.syncEach();
    await inParallel(this.nodes, 4, (node) => this.addPod(node));
  }

  private async mustInNode(name: string, command: readonly string[], limitMs?: number): Promise<string> {
    const result = await this.inNode(name, command, undefined, limitMs);
    if (result.code !== 0) throw new Error(`${name}: ${command.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  /** `cast-mesh-agent sync` on each node in turn, round after round, until every node keeps every record (as agent-lab.ts). */
  async syncEach(): Promise<void> {
    const names = this.nodes.map((node) => node.name);
    const cached = (name: string) => {
      const path = join(this.nodeDir(name), 'state/mesh-records.json');
      return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')).records as { name: string }[]).map((r) => r.name) : [];
    };
    for (let round = 0; names.some((name) => !names.every((peer) => cached(name).includes(peer))); round++) {
      if (round > 4) throw new Error(`after ${round} rounds of syncs some nodes still miss records: ${names.map((name) => `${name}: ${cached(name).length}`).join(', ')}`);
      for (const node of this.nodes) {
        await this.mustInNode(node.name, [join(this.agentDir, 'cast-mesh-agent'), '--node-env', join(this.nodeDir(node.name), 'node.env'), '--mesh-env', join(this.nodeDir(node.name), 'mesh.env'), 'sync']);
      }
    }
  }

  /** The MTU the rendered CNI config gives pods (the bridge plugin's default, 1500, when it names none). */
  podMtu(name: string): number {
    const config = JSON.parse(readFileSync(join(this.nodeDir(name), 'cni/10-cast.conflist'), 'utf8'));
    const bridge = config.plugins.find((plugin: { type: string }) => plugin.type === 'bridge');
    return bridge.mtu ?? 1500;
  }

  /** The pod, as the bridge CNI plugin makes it from the rendered config: cni0 at the CIDR's .1, a veth of the config's MTU. */
  private async addPod(node: TwinNode): Promise<void> {
    const config = JSON.parse(readFileSync(join(this.nodeDir(node.name), 'cni/10-cast.conflist'), 'utf8'));
    const bridge = config.plugins.find((plugin: { type: string }) => plugin.type === 'bridge');
    const subnet: string = bridge.ipam.ranges[0][0].subnet;
    if (subnet !== node.podCidr) throw new Error(`${node.name}: the agent wrote pod subnet ${subnet}, its Node has ${node.podCidr}`);
    const mtu = String(this.podMtu(node.name));
    await this.addNamespace(node.podNs);
    await must('ip', ['-n', node.ns, 'link', 'add', bridge.bridge, 'type', 'bridge']);
    await must('ip', ['-n', node.ns, 'address', 'add', `${hostOf(subnet, 1)}/${subnet.split('/')[1]}`, 'dev', bridge.bridge]);
    await must('ip', ['-n', node.ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.podNs]);
    await must('ip', ['-n', node.ns, 'link', 'set', 'veth0', 'mtu', mtu, 'master', bridge.bridge, 'up']);
    await must('ip', ['-n', node.ns, 'link', 'set', bridge.bridge, 'up']);
    await must('ip', ['-n', node.podNs, 'link', 'set', 'lo', 'up']);
    await must('ip', ['-n', node.podNs, 'link', 'set', 'eth0', 'mtu', mtu, 'up']);
    await must('ip', ['-n', node.podNs, 'address', 'add', `${node.podAddress}/${subnet.split('/')[1]}`, 'dev', 'eth0']);
    await must('ip', ['-n', node.podNs, 'route', 'add', 'default', 'via', hostOf(subnet, 1)]);
  }

  /**
   * Pings every check in rounds (one echo each, 1 s wait) until all have answered or `limitMs`
   * has passed; returns the checks that never answered. One limit for all, so a broken path
   * costs the limit once, not once per pair. A check with a size fails at once on "message
   * too long" (the path's MTU is below it: retrying changes nothing).
   */
  async unreachable(checks: readonly PingCheck[], limitMs: number): Promise<PingCheck[]> {
    const deadline = performance.now() + limitMs;
    let left = [...checks];
    const final: PingCheck[] = [];
    while (left.length > 0) {
      const results = await inParallel(left, 8, async (check) => {
        const args = ['netns', 'exec', check.ns, 'ping', '-n', '-q', '-c', '1', '-W', '1', ...(check.size === undefined ? [] : ['-M', 'do', '-s', String(check.size)]), check.address];
        const result = await run('ip', args);
        return { check, ok: result.code === 0, tooLong: /too long|frag needed/i.test(result.stdout + result.stderr) };
      });
      final.push(...results.filter((r) => r.tooLong).map((r) => r.check));
      left = results.filter((r) => !r.ok && !r.tooLong).map((r) => r.check);
      if (performance.now() >= deadline) return [...final, ...left];
      if (left.length > 0) await sleep(200);
    }
    return final;
  }

  /** A DNS question from `ns` to `resolver` over udp (or tcp): the answer's address, or undefined. */
  async resolveName(ns: string, resolver: string, tcp = false): Promise<string | undefined> {
    const script = `
import socket, struct, sys
q = struct.pack('>HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0) + b'\\x07example\\x03com\\x00' + struct.pack('>HH', 1, 1)
tcp = sys.argv[2] == 'tcp'
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((sys.argv[1], 53))
if tcp:
    s.sendall(struct.pack('>H', len(q)) + q); s.recv(2)
else:
    s.send(q)
r = s.recv(512)
print(socket.inet_ntoa(r[-4:]))
`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await run('ip', ['netns', 'exec', ns, 'python3', '-c', script, resolver, tcp ? 'tcp' : 'udp']);
      if (result.code === 0) return result.stdout.trim();
    }
    return undefined;
  }

  /** Whether a TCP connection from `ns` to address:port is accepted within 2 s, tried `attempts` times (one for a path that must fail). */
  async connects(ns: string, address: string, port: number, attempts = 2): Promise<boolean> {
    const script = 'import socket,sys\ns=socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)\ns.close()';
    for (let attempt = 0; attempt < attempts; attempt++) {
      if ((await run('ip', ['netns', 'exec', ns, 'python3', '-c', script, address, String(port)])).code === 0) return true;
    }
    return false;
  }

  /** A TCP listener on every address of the node (a stand-in kube-apiserver on 6443, say). */
  async listen(name: string, port: number): Promise<void> {
    await this.startDaemon(
      this.node(name).ns,
      ['python3', '-c', `import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('0.0.0.0', ${port}))\ns.listen(64)\nprint('ready', flush=True)\nwhile True:\n    c, _ = s.accept()\n    c.close()`],
      `${name} listener on ${port}`,
    );
  }

  /** Fragments seen by each cloud's network (bridged and routed), by cloud. */
  async fragments(): Promise<Map<Cloud, number>> {
    const counts = new Map<Cloud, number>();
    for (const cloud of this.clouds) {
      let total = 0;
      for (const family of ['ip', 'bridge']) {
        const text = await must('ip', ['netns', 'exec', this.vpcNs(cloud), 'nft', 'list', 'counter', family, 'cloud', 'fragments']);
        total += Number(/packets (\d+)/.exec(text)?.[1] ?? 0);
      }
      counts.set(cloud, total);
    }
    return counts;
  }

  private async startDaemon(ns: string, command: readonly string[], what: string): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', ns, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.daemons.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    let timer: NodeJS.Timeout | undefined;
    const problem = await new Promise<string | undefined>((resolve) => {
      timer = setTimeout(() => resolve(`printed nothing in ${Math.round(READY_LIMIT_MS / 1000)} s`), READY_LIMIT_MS);
      child.stdout!.once('data', () => resolve(undefined));
      child.once('exit', (code) => resolve(`exited (${code})`));
    });
    clearTimeout(timer);
    if (problem !== undefined) throw new Error(`${what} ${problem}: ${stderr.trim()}`);
  }

  private async addNamespace(ns: string): Promise<void> {
    await must('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
  }

  /** Ends every process the twin and its nodes started (by their network namespace), removes the namespaces and files. */
  async cleanup(): Promise<void> {
    for (const child of this.daemons) child.kill('SIGKILL');
    for (const ns of this.namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((pid) => pid !== '');
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await waitFor('twin processes ended', () => this.namespaces.every((ns) => spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.trim() === ''), {
      limitMs: scaled(10_000),
    }).catch(() => undefined);
    for (const node of this.nodes) rmSync(`/var/run/wireguard/${node.ifname}.sock`, { force: true });
    for (const ns of [...this.namespaces].reverse()) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The `key = value` lines install-kubernetes.sh writes to /etc/sysctl.d/99-cast-kubernetes.conf, as `key=value`. */
function renderedSysctls(node: TwinNode): string[] {
  const script = node.config.write_files.find((f) => f.path === '/opt/cast/bin/install-kubernetes.sh');
  if (!script) throw new Error(`${node.name}: no install-kubernetes.sh in its user-data`);
  const body = /cat >\/etc\/sysctl\.d\/99-cast-kubernetes\.conf <<'EOF'\n([^]*?)\nEOF\n/.exec(contentOf(script));
  if (!body) throw new Error(`${node.name}: install-kubernetes.sh writes no 99-cast-kubernetes.conf`);
  return body[1].split('\n').filter((line) => /^[\w.-]+\s*=/.test(line)).map((line) => line.replace(/\s*=\s*/, '='));
}

async function forwarding(ns: string): Promise<void> {
  await must('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
}

