import { blockSize, cidrProblem, formatAddress, formatCidr, Ipv4Block, parseAddress, parseCidr } from '../cidr';
import { compareNames } from './compare-names';
import { nameHash } from './name-hash';
import { meshScalingZone, scalingZoneSize } from './scaling-zone';

/** A node asking for a mesh address. */
export interface MeshAddressRequest {
  /** Node name: the allocation key. */
  readonly name: string;
  /**
   * Address to pin.
   * @default - allocated from the name
   */
  readonly meshAddress?: string;
}

/** The address a node got. */
export interface MeshAddressAllocation {
  /** Node name. */
  readonly name: string;
  /** Mesh address, dotted quad without prefix. */
  readonly address: string;
  /** True when the address was pinned by the caller. */
  readonly pinned: boolean;
}

/**
 * Gives every node one host address of `meshCidr`, in a stable,
 * coordination-free way (after Kilo's allocator).
 *
 * ```
 *   meshCidr 10.4.0.0/16: host slots 0..61438 = 10.4.0.1 .. 10.4.239.255
 *   (the last 1/16, 10.4.240.0/20, is the scaling zone: see meshScalingZone)
 *
 *   home slot(name) = (first 4 bytes of sha256(name), big-endian) mod 61439
 *
 *   1. pinned addresses are taken first, as given
 *   2. the other nodes, ordered by (home slot, name), each take their home
 *      slot, or the next free slot after it (wrapping at the end)
 * ```
 *
 * So a node's address depends only on its own name, unless it collides. The
 * guarantee, tested as a property: adding a node X, or removing it, changes no
 * other node's address whenever X's home slot (its pinned address, if pinned)
 * is free in the allocation without X. (If X's home slot is taken there, X probes onward and can occupy
 * the slot a later node would have taken; removing X then lets that node move
 * back.) With a /16 and 100 nodes the chance that a given added node collides
 * is under 0.2 %. Input order never matters; the result is sorted by name.
 *
 * Throws a plain Error listing every problem: duplicate names, a malformed or
 * too small range, more nodes than host addresses, a pinned address outside
 * the range or pinned twice.
 */
export function allocateMeshAddresses(nodes: readonly MeshAddressRequest[], meshCidr: string): MeshAddressAllocation[] {
  const problems = meshAddressProblems(nodes, meshCidr);
  if (problems.length > 0) throw new Error(problems.join('\n'));

  const range = hostRange(parseCidr(meshCidr));
  const taken = new Set<number>();
  const allocations: MeshAddressAllocation[] = [];
  for (const node of nodes) {
    if (node.meshAddress === undefined) continue;
    const slot = parseAddress(node.meshAddress) - range.first;
    taken.add(slot);
    allocations.push({ name: node.name, address: formatAddress(range.first + slot), pinned: true });
  }

  const unpinned = nodes
    .filter((node) => node.meshAddress === undefined)
    .map((node) => ({ name: node.name, home: homeSlot(node.name, range) }))
    .sort((a, b) => a.home - b.home || compareNames(a.name, b.name));
  for (const { name, home } of unpinned) {
    let slot = home;
    while (taken.has(slot)) slot = (slot + 1) % range.count;
    taken.add(slot);
    allocations.push({ name, address: formatAddress(range.first + slot), pinned: false });
  }
  return allocations.sort((a, b) => compareNames(a.name, b.name));
}

/** The address `name` gets when nothing else is in its way (its home slot). */
export function homeMeshAddress(name: string, meshCidr: string): string {
  const problem = meshCidrProblem(meshCidr);
  if (problem) throw new Error(problem);
  const range = hostRange(parseCidr(meshCidr));
  return formatAddress(range.first + homeSlot(name, range));
}

/** Why `meshCidr` cannot hold mesh addresses, or undefined when it can. */
export function meshCidrProblem(meshCidr: string): string | undefined {
  if (isToken(meshCidr)) {
    return `meshCidr must be a concrete IPv4 CIDR (got the token ${meshCidr}). Pass the literal range; the planner allocates addresses from it.`;
  }
  const problem = cidrProblem(meshCidr);
  if (problem) {
    return `meshCidr must be a canonical IPv4 CIDR such as 10.4.0.0/16 (got "${meshCidr}", which ${problem}). Pass the network address and prefix length of the mesh range.`;
  }
  if (parseCidr(meshCidr).prefix > 30) {
    return `meshCidr must be a /30 or larger, to leave host addresses after the network and broadcast addresses (got ${meshCidr}). Use a larger range such as 10.4.0.0/16.`;
  }
  return undefined;
}

/** Every problem with the request, as `<what> must be <rule> (got <value>). <fix>` lines; empty when it can be allocated. */
export function meshAddressProblems(nodes: readonly MeshAddressRequest[], meshCidr: string): string[] {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
  const duplicates = [...counts].filter(([, count]) => count > 1).sort(([a], [b]) => compareNames(a, b));
  for (const [name, count] of duplicates) {
    problems.push(`node names must be unique (got "${name}" ${count} times). Give each node its own name.`);
  }

  const cidrProblemText = meshCidrProblem(meshCidr);
  if (cidrProblemText) return [...problems, cidrProblemText];
  const block = parseCidr(meshCidr);
  const range = hostRange(block);
  if (nodes.length > range.count) {
    problems.push(
      `meshCidr must hold one host address per node (got ${meshCidr}: ${range.count} host addresses for ${nodes.length} nodes). ` +
        'Use a larger mesh range, such as a /16.',
    );
  }

  const pinnedBy = new Map<string, string>();
  for (const node of [...nodes].sort((a, b) => compareNames(a.name, b.name))) {
    if (node.meshAddress === undefined) continue;
    const what = `nodes["${node.name}"].meshAddress`;
    const address = tryParseAddress(node.meshAddress);
    if (address === undefined || address < range.first || address >= range.first + range.count) {
      const zone = meshScalingZone(formatCidr(block));
      const reason = zone ? `, not its network address or its scaling zone ${zone.cidr}, kept for autoscaled nodes` : ', not its network or broadcast address';
      problems.push(
        `${what} must be a host address inside ${formatCidr(block)}${reason} (got "${node.meshAddress}"). ` +
          'Pick an address in the mesh range, or leave meshAddress out to have one allocated.',
      );
      continue;
    }
    const canonical = formatAddress(address);
    const other = pinnedBy.get(canonical);
    if (other !== undefined) {
      problems.push(`${what} must be unique (got ${canonical}, already pinned by "${other}"). Pin a different address, or leave one of them out.`);
      continue;
    }
    pinnedBy.set(canonical, node.name);
  }
  return problems;
}

/** True for strings that are still Terraform or cdktf tokens. */
export function isToken(text: string): boolean {
  return text.includes('${') || text.includes('TOKEN[');
}

interface HostRange {
  /** First host address (network + 1). */
  readonly first: number;
  /** Number of static host addresses: after the network address, before the scaling zone (or the broadcast address). */
  readonly count: number;
  /** Number of host addresses of the whole range (block size minus network and broadcast): the hash modulus. */
  readonly hosts: number;
}

function hostRange(block: Ipv4Block): HostRange {
  const zone = scalingZoneSize(block);
  return { first: block.network + 1, count: blockSize(block) - 1 - (zone > 0 ? zone : 1), hosts: blockSize(block) - 2 };
}

/**
 * nameHash mod the range's host count, as before the scaling zone existed, so
 * names homed outside the zone kept their addresses; a home inside the zone
 * folds back into the static part.
 */
function homeSlot(name: string, range: HostRange): number {
  return (nameHash(name) % range.hosts) % range.count;
}

function tryParseAddress(text: string): number | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return undefined;
  try {
    return parseAddress(text);
  } catch {
    return undefined;
  }
}
