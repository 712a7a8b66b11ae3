/**
 * The cluster's address plan: Kubernetes service and pod ranges, the WireGuard
 * mesh range, and one VPC plus subnet per cloud. Pure: no cdktf import.
 *
 * Defaults are the seed's subnet table:
 *
 *   10.96.0.0/12   k8s services
 *   10.217.0.0/16  k8s pods            (a /24 per node, kubeadm's default mask)
 *   10.4.0.0/16    WireGuard mesh
 *   10.0.0.0/16    GCP VPC    ─┐
 *   10.10.0.0/16   AWS VPC     ├─ a /24 subnet carved from each (the first one)
 *   10.20.0.0/16   Azure VPC  ─┘
 *   10.100-255.x/20 DigitalOcean VPC: one /20, which is also its only subnet,
 *                   picked per cluster from a hash so two clusters in one
 *                   account do not collide by default.
 */
import { createHash } from 'node:crypto';
import { blockSize, cidrProblem, contains, formatCidr, Ipv4Block, overlaps, parseCidr, subnet } from './cidr';
import { Cloud, CLOUD_DISPLAY_NAME, sortClouds } from './cloud';
import { ProblemList } from './plan-error';

/** Overrides for one cloud's ranges. */
export interface CloudRangeInput {
  /** The VPC (VNet) range. */
  readonly vpcCidr?: string;
  /** The subnet the nodes sit in; must lie inside `vpcCidr`. Ignored on DigitalOcean, whose VPC is its subnet. */
  readonly subnetCidr?: string;
}

/** Everything the address planner needs. */
export interface AddressPlanInput {
  /** The clouds the cluster spans. */
  readonly clouds: readonly Cloud[];
  /** A stable per-cluster key (the cluster UUID) that picks the default DigitalOcean /20. */
  readonly clusterKey: string;
  /** Kubernetes pod range. */
  readonly podCidr?: string;
  /** Kubernetes service range. */
  readonly serviceCidr?: string;
  /** WireGuard mesh range. */
  readonly meshCidr?: string;
  /** Per-cloud overrides. */
  readonly networks?: Readonly<Partial<Record<Cloud, CloudRangeInput>>>;
  /** Planned node count per cloud, checked against subnet, pod and mesh room. */
  readonly nodeCounts?: Readonly<Partial<Record<Cloud, number>>>;
  /** The prefix of the block used in user-facing messages, e.g. `addresses`. */
  readonly propPrefix?: string;
}

/** One cloud's VPC and subnet. */
export interface CloudAddressPlan {
  /** The cloud. */
  readonly cloud: Cloud;
  /** The VPC (VNet) range. */
  readonly vpcCidr: string;
  /** The subnet nodes sit in (DigitalOcean: the VPC range). */
  readonly subnetCidr: string;
  /** Addresses in the subnet that nodes can use (the cloud reserves a few). */
  readonly usableNodeAddresses: number;
}

/** The resolved, validated address plan. */
export interface AddressPlan {
  /** Kubernetes pod range. */
  readonly podCidr: string;
  /** Kubernetes service range. */
  readonly serviceCidr: string;
  /** WireGuard mesh range. */
  readonly meshCidr: string;
  /** Pod range prefix each node gets (kubeadm's `node-cidr-mask-size`). */
  readonly nodePodPrefix: number;
  /** One entry per cloud, in canonical cloud order. */
  readonly networks: CloudAddressPlan[];
}

/** Defaults from the seed's subnet table. */
export const DEFAULT_RANGES = {
  serviceCidr: '10.96.0.0/12',
  podCidr: '10.217.0.0/16',
  meshCidr: '10.4.0.0/16',
  gcpVpcCidr: '10.0.0.0/16',
  awsVpcCidr: '10.10.0.0/16',
  azureVpcCidr: '10.20.0.0/16',
} as const;

/** kubeadm's default `--node-cidr-mask-size` for IPv4. */
export const NODE_POD_PREFIX = 24;

const DEFAULT_VPC: Readonly<Partial<Record<Cloud, string>>> = {
  [Cloud.GCP]: DEFAULT_RANGES.gcpVpcCidr,
  [Cloud.AWS]: DEFAULT_RANGES.awsVpcCidr,
  [Cloud.AZURE]: DEFAULT_RANGES.azureVpcCidr,
};

// Addresses each cloud keeps for itself in every subnet: AWS the network, router,
// DNS, future and broadcast addresses; Azure the same five; GCP network, gateway,
// second-to-last and broadcast; DigitalOcean network and broadcast.
const RESERVED_PER_SUBNET: Readonly<Record<Cloud, number>> = {
  [Cloud.AWS]: 5,
  [Cloud.GCP]: 4,
  [Cloud.AZURE]: 5,
  [Cloud.DIGITALOCEAN]: 2,
};

const SUBNET_PREFIX = 24;
const DIGITALOCEAN_PREFIX = 20;
// The seed's DigitalOcean window 10.100.0.0 – 10.255.255.255, as /20 blocks.
const DIGITALOCEAN_WINDOW_START = parseCidr('10.100.0.0/16').network;
const DIGITALOCEAN_WINDOW_BLOCKS = (256 - 100) * 16;
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(parseCidr);

/**
 * Resolves defaults and validates the whole plan: every range well-formed and
 * private, no two ranges overlapping, subnets inside their VPC, and room for
 * the planned nodes. Throws a PlanError listing every problem found.
 */
export function planAddresses(input: AddressPlanInput): AddressPlan {
  const problems = new ProblemList();
  const prefix = input.propPrefix ? `${input.propPrefix}.` : '';
  const clouds = sortClouds(input.clouds);
  const named: NamedRange[] = [];

  const parse = (prop: string, text: string, what: string): Ipv4Block | undefined => {
    const problem = cidrProblem(text);
    if (problem) {
      problems.add(`${prefix}${prop} must be an IPv4 CIDR like 10.0.0.0/16 (got "${text}": it ${problem}). Fix the ${what} range.`);
      return undefined;
    }
    const block = parseCidr(text);
    if (!PRIVATE_RANGES.some((range) => contains(range, block))) {
      problems.add(`${prefix}${prop} must be a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (got ${text}). Pick an RFC 1918 range for the ${what}.`);
    }
    named.push({ prop: `${prefix}${prop}`, what, block });
    return block;
  };

  const podCidr = input.podCidr ?? DEFAULT_RANGES.podCidr;
  const serviceCidr = input.serviceCidr ?? DEFAULT_RANGES.serviceCidr;
  const meshCidr = input.meshCidr ?? DEFAULT_RANGES.meshCidr;
  const pods = parse('podCidr', podCidr, 'Kubernetes pod');
  const services = parse('serviceCidr', serviceCidr, 'Kubernetes service');
  const mesh = parse('meshCidr', meshCidr, 'WireGuard mesh');

  const totalNodes = clouds.reduce((sum, cloud) => sum + (input.nodeCounts?.[cloud] ?? 0), 0);
  if (pods) checkPodRoom(pods, totalNodes, `${prefix}podCidr`, problems);
  // kube-apiserver refuses a service range larger than /12 for IPv4.
  if (services && services.prefix < 12) {
    problems.add(`${prefix}serviceCidr must be /12 or smaller, the largest range kube-apiserver accepts (got ${serviceCidr}). Use a /12 to /24.`);
  }
  if (mesh && blockSize(mesh) - 2 < totalNodes) {
    problems.add(`${prefix}meshCidr must hold one address per node: ${totalNodes} nodes (got ${meshCidr}, ${blockSize(mesh) - 2} addresses). Use a larger mesh range.`);
  }

  const explicit = named.map((range) => range.block);
  const networks: CloudAddressPlan[] = [];
  for (const cloud of clouds) {
    const network = planCloudNetwork(cloud, input, explicit, parse, prefix, problems);
    if (network) networks.push(network);
  }

  checkOverlaps(named, problems);
  problems.throwIfAny();
  return { podCidr, serviceCidr, meshCidr, nodePodPrefix: NODE_POD_PREFIX, networks };
}

interface NamedRange {
  readonly prop: string;
  readonly what: string;
  readonly block: Ipv4Block;
}

type RangeParser = (prop: string, text: string, what: string) => Ipv4Block | undefined;

function planCloudNetwork(
  cloud: Cloud,
  input: AddressPlanInput,
  taken: readonly Ipv4Block[],
  parse: RangeParser,
  prefix: string,
  problems: ProblemList,
): CloudAddressPlan | undefined {
  const name = CLOUD_DISPLAY_NAME[cloud];
  const override = input.networks?.[cloud] ?? {};
  const nodes = input.nodeCounts?.[cloud] ?? 0;
  const vpcCidr = override.vpcCidr ?? DEFAULT_VPC[cloud] ?? defaultDigitalOceanRange(input.clusterKey, taken);
  const vpc = parse(`${cloud}.vpcCidr`, vpcCidr, `${name} VPC`);
  if (!vpc) return undefined;

  if (cloud === Cloud.DIGITALOCEAN) {
    // DigitalOcean accepts VPC ranges from /16 to /28, and the VPC is its only subnet.
    if (vpc.prefix < 16 || vpc.prefix > 28) {
      problems.add(`${prefix}${cloud}.vpcCidr must be between /16 and /28, the sizes DigitalOcean accepts (got ${vpcCidr}). Use a /20 as the seed does.`);
    }
    return checkSubnetRoom(cloud, vpcCidr, vpcCidr, vpc, nodes, `${prefix}${cloud}.vpcCidr`, problems);
  }

  const subnetCidr = override.subnetCidr ?? (vpc.prefix <= SUBNET_PREFIX ? formatCidr(subnet(vpc, SUBNET_PREFIX, 0)) : vpcCidr);
  const subnetProblem = cidrProblem(subnetCidr);
  const subnetProp = `${prefix}${cloud}.subnetCidr`;
  if (subnetProblem) {
    problems.add(`${subnetProp} must be an IPv4 CIDR like 10.10.0.0/24 (got "${subnetCidr}": it ${subnetProblem}). Pick a /24 from the ${name} VPC range ${vpcCidr}.`);
    return undefined;
  }
  const subnetBlock = parseCidr(subnetCidr);
  if (!contains(vpc, subnetBlock)) {
    problems.add(`${subnetProp} must be a CIDR inside ${vpcCidr} (got ${subnetCidr}). Pick a /24 from the ${name} VPC range.`);
  }
  return checkSubnetRoom(cloud, vpcCidr, subnetCidr, subnetBlock, nodes, subnetProp, problems);
}

function checkSubnetRoom(
  cloud: Cloud,
  vpcCidr: string,
  subnetCidr: string,
  block: Ipv4Block,
  nodes: number,
  prop: string,
  problems: ProblemList,
): CloudAddressPlan {
  const usable = Math.max(0, blockSize(block) - RESERVED_PER_SUBNET[cloud]);
  // Below /28 no cloud here accepts a subnet at all.
  if (block.prefix > 28) {
    problems.add(`${prop} must be /28 or larger (got ${subnetCidr}). Use a /24 as the seed does.`);
  } else if (usable < nodes) {
    problems.add(`${prop} must hold the ${nodes} planned ${CLOUD_DISPLAY_NAME[cloud]} nodes (got ${subnetCidr}, ${usable} usable addresses). Use a larger subnet or fewer nodes.`);
  }
  return { cloud, vpcCidr, subnetCidr, usableNodeAddresses: usable };
}

function checkPodRoom(pods: Ipv4Block, totalNodes: number, prop: string, problems: ProblemList): void {
  if (pods.prefix > NODE_POD_PREFIX) {
    problems.add(`${prop} must be /${NODE_POD_PREFIX} or larger, since every node gets a /${NODE_POD_PREFIX} (got ${formatCidr(pods)}). Use a /16 as the seed does.`);
    return;
  }
  const room = 2 ** (NODE_POD_PREFIX - pods.prefix);
  if (room < totalNodes) {
    problems.add(`${prop} must hold a /${NODE_POD_PREFIX} per node for ${totalNodes} nodes (got ${formatCidr(pods)}, room for ${room}). Use a larger pod range.`);
  }
}

function checkOverlaps(ranges: readonly NamedRange[], problems: ProblemList): void {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, b] = [ranges[i], ranges[j]];
      if (overlaps(a.block, b.block)) {
        problems.add(
          `${b.prop} must not overlap ${a.prop} (got ${formatCidr(b.block)}, which overlaps the ${a.what} range ${formatCidr(a.block)}). Give each range its own addresses.`,
        );
      }
    }
  }
}

/**
 * The default DigitalOcean /20 for a cluster: a block of the seed's window
 * 10.100.0.0–10.255.255.255 chosen by hashing the cluster key, moving on to the
 * next block while the choice overlaps a range the plan already uses.
 */
export function defaultDigitalOceanRange(clusterKey: string, taken: readonly Ipv4Block[] = []): string {
  const start = createHash('sha256').update(clusterKey).digest().readUInt32BE(0) % DIGITALOCEAN_WINDOW_BLOCKS;
  for (let step = 0; step < DIGITALOCEAN_WINDOW_BLOCKS; step++) {
    const index = (start + step) % DIGITALOCEAN_WINDOW_BLOCKS;
    const block = { network: DIGITALOCEAN_WINDOW_START + index * 2 ** (32 - DIGITALOCEAN_PREFIX), prefix: DIGITALOCEAN_PREFIX };
    if (!taken.some((range) => overlaps(range, block))) return formatCidr(block);
  }
  return formatCidr({ network: DIGITALOCEAN_WINDOW_START + start * 4096, prefix: DIGITALOCEAN_PREFIX });
}
