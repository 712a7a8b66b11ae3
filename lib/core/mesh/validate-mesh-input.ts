import { cidrProblem, formatCidr, Ipv4Block, lastAddress, overlaps, parseCidr } from '../cidr';
import { ALL_CLOUDS, Cloud, CLOUD_DISPLAY_NAME } from '../cloud';
import { ALL_NODE_ROLES } from '../node-role';
import { isToken, meshAddressProblems } from './allocate-mesh-addresses';
import { compareNames } from './compare-names';
import { ALL_ENCAPSULATIONS, Encapsulation } from './encapsulation';
import { MeshNodeInput, NamedRange } from './mesh-input';
import { ALL_MESH_MODES, MeshMode } from './mesh-mode';
import { gatewayProblems } from './select-gateways';

/** `planMesh` input with every default applied. */
export interface ResolvedMeshInput {
  /** Nodes, as given. */
  readonly nodes: readonly MeshNodeInput[];
  /** Mode. */
  readonly mode: MeshMode;
  /** Mesh range. */
  readonly meshCidr: string;
  /** WireGuard port. */
  readonly listenPort: number;
  /** WireGuard MTU, when given (else computed from the clouds). */
  readonly mtu?: number;
  /** Gateways per cloud (cross-location). */
  readonly gatewaysPerCloud: number;
  /** Keepalive seconds, 0 for none. */
  readonly persistentKeepalive: number;
  /** Ranges the mesh range must not overlap. */
  readonly otherRanges: readonly NamedRange[];
  /** Encapsulation overrides per cloud, as given. */
  readonly encapsulation: Readonly<Partial<Record<Cloud, Encapsulation>>>;
}

/** Kubernetes node names are DNS subdomains; the planner also relies on it (config comments, diagram ids). */
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Opaque values land in config lines: no whitespace (new lines), no `,` (list separator), no `#` (comment). */
const OPAQUE_VALUE = /^[^\s,#]+$/;

/**
 * Every problem with a `planMesh` input, one `<what> must be <rule> (got
 * <value>). <fix>` line each, in a fixed order; empty when the input is valid.
 */
export function meshInputProblems(input: ResolvedMeshInput): string[] {
  const problems: string[] = [];
  if (!ALL_MESH_MODES.includes(input.mode)) {
    problems.push(`mode must be one of ${ALL_MESH_MODES.join(', ')} (got "${input.mode}"). Use a MeshMode value.`);
  }
  for (const [cloud, encapsulation] of Object.entries(input.encapsulation)) {
    if (!ALL_CLOUDS.includes(cloud as Cloud)) {
      problems.push(`encapsulation must be keyed by ${ALL_CLOUDS.join(', ')} (got "${cloud}"). Use Cloud values.`);
    } else if (!ALL_ENCAPSULATIONS.includes(encapsulation)) {
      problems.push(`encapsulation.${cloud} must be one of ${ALL_ENCAPSULATIONS.join(', ')} (got "${encapsulation}"). Use an Encapsulation value.`);
    }
  }
  checkWhole(problems, 'listenPort', input.listenPort, 1, 65535, 'Use a free UDP port; WireGuard registers 51820.');
  // 576: the smallest datagram every IPv4 host must accept (RFC 791).
  if (input.mtu !== undefined) {
    checkWhole(problems, 'mtu', input.mtu, 576, 65535, 'Leave it unset (1400 with a GCP node, 1440 otherwise), or use 1440 (WireGuard over a 1500-byte network) unless the clouds allow jumbo frames.');
  }
  checkWhole(problems, 'persistentKeepalive', input.persistentKeepalive, 0, 65535, 'Use 25 (seconds), or 0 to turn keepalives off.');

  const sorted = [...input.nodes].sort((a, b) => compareNames(a.name, b.name));
  for (const node of sorted) problems.push(...nodeProblems(node));
  problems.push(...meshAddressProblems(input.nodes, input.meshCidr));
  const mesh = concreteBlock(input.meshCidr);
  problems.push(...otherRangeProblems(input.otherRanges, input.meshCidr, mesh));
  problems.push(...podCidrProblems(sorted, input.meshCidr, mesh));

  const clouds = ALL_CLOUDS.filter((cloud) => input.nodes.some((node) => node.cloud === cloud));
  if (input.mode === MeshMode.CLOUD_NETWORK && clouds.length > 1) {
    problems.push(
      `mode must be full-mesh or cross-location when nodes span more than one cloud (got cloud-network with nodes in ${clouds.map((c) => CLOUD_DISPLAY_NAME[c]).join(', ')}). ` +
        'Pick cross-location to use the cloud network inside each cloud and WireGuard between clouds.',
    );
  }
  if (input.mode === MeshMode.CROSS_LOCATION) problems.push(...gatewayProblems(input.nodes, input.gatewaysPerCloud));
  return problems;
}

function nodeProblems(node: MeshNodeInput): string[] {
  const problems: string[] = [];
  const what = `nodes["${node.name}"]`;
  if (!NODE_NAME.test(node.name)) {
    problems.push(
      `${what}.name must be a lowercase DNS subdomain (a-z, 0-9, "-", "."; 1 to 253 characters) (got ${JSON.stringify(node.name)}). Use the Kubernetes node name.`,
    );
  }
  if (!ALL_CLOUDS.includes(node.cloud)) {
    problems.push(`${what}.cloud must be one of ${ALL_CLOUDS.join(', ')} (got "${node.cloud}"). Use a Cloud value.`);
  }
  if (!ALL_NODE_ROLES.includes(node.role)) {
    problems.push(`${what}.role must be one of ${ALL_NODE_ROLES.join(', ')} (got "${node.role}"). Use a NodeRole value.`);
  }
  for (const field of ['publicAddress', 'privateAddress', 'podCidr'] as const) {
    const value = node[field];
    if (value === undefined && field === 'podCidr') continue;
    if (typeof value !== 'string' || !OPAQUE_VALUE.test(value)) {
      problems.push(
        `${what}.${field} must be a non-empty address without spaces, "," or "#" (got ${JSON.stringify(value)}). Pass the address or a Terraform reference to it.`,
      );
    }
  }
  return problems;
}

function otherRangeProblems(ranges: readonly NamedRange[], meshCidr: string, mesh: Ipv4Block | undefined): string[] {
  const problems: string[] = [];
  for (const range of ranges) {
    const what = `otherRanges["${range.name}"].cidr`;
    if (isToken(range.cidr)) {
      problems.push(`${what} must be a concrete IPv4 CIDR (got the token ${range.cidr}). Pass the literal range so the overlap can be checked.`);
      continue;
    }
    const problem = cidrProblem(range.cidr);
    if (problem) {
      problems.push(`${what} must be a canonical IPv4 CIDR (got "${range.cidr}", which ${problem}). Pass the network address and prefix length.`);
      continue;
    }
    if (mesh && overlaps(mesh, parseCidr(range.cidr))) {
      problems.push(
        `meshCidr must not overlap ${range.name} (got ${meshCidr}, which overlaps ${range.cidr}). Pick a mesh range outside every VPC, pod and service range.`,
      );
    }
  }
  return problems;
}

function podCidrProblems(nodes: readonly MeshNodeInput[], meshCidr: string, mesh: Ipv4Block | undefined): string[] {
  const problems: string[] = [];
  const blocks: { name: string; cidr: string; block: Ipv4Block }[] = [];
  for (const node of nodes) {
    if (node.podCidr === undefined || isToken(node.podCidr) || !OPAQUE_VALUE.test(node.podCidr)) continue;
    const what = `nodes["${node.name}"].podCidr`;
    const problem = cidrProblem(node.podCidr);
    if (problem) {
      problems.push(`${what} must be a canonical IPv4 CIDR (got "${node.podCidr}", which ${problem}). Pass the node's block of the pod range.`);
      continue;
    }
    const block = parseCidr(node.podCidr);
    if (mesh && overlaps(mesh, block)) {
      problems.push(`${what} must not overlap meshCidr (got ${node.podCidr}, inside or around ${meshCidr}). Carve pod CIDRs from the pod range.`);
    }
    blocks.push({ name: node.name, cidr: node.podCidr, block });
  }
  // Sweep in address order: a block overlaps an earlier one exactly when it starts before the furthest end seen.
  blocks.sort((a, b) => a.block.network - b.block.network || a.block.prefix - b.block.prefix || compareNames(a.name, b.name));
  let widest: (typeof blocks)[number] | undefined;
  for (const entry of blocks) {
    if (widest && entry.block.network <= lastAddress(widest.block)) {
      problems.push(
        `nodes["${entry.name}"].podCidr must not overlap another node's pod CIDR (got ${entry.cidr}, which overlaps ${formatCidr(widest.block)} of "${widest.name}"). ` +
          'Give each node its own block of the pod range.',
      );
    }
    if (!widest || lastAddress(entry.block) > lastAddress(widest.block)) widest = entry;
  }
  return problems;
}

function checkWhole(problems: string[], what: string, value: number, min: number, max: number, fix: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${what} must be a whole number from ${min} to ${max} (got ${value}). ${fix}`);
  }
}

function concreteBlock(cidr: string): Ipv4Block | undefined {
  return isToken(cidr) || cidrProblem(cidr) ? undefined : parseCidr(cidr);
}
