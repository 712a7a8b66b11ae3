import { blockSize, formatCidr, Ipv4Block, parseCidr, subnet } from '../cidr';
import { compareNames } from './compare-names';
import { nameHash } from './name-hash';

/**
 * The part of the mesh range kept for nodes of autoscaled groups, whose
 * addresses are claimed at boot rather than allocated at synth:
 *
 * ```
 *   meshCidr 10.4.0.0/16
 *   ├── 10.4.0.1 .. 10.4.239.255    static nodes (allocateMeshAddresses)
 *   └── 10.4.240.0/20               the scaling zone: the last 1/16 of the range,
 *       ├── 10.4.240.0/24           one claim block per autoscaled group,
 *       ├── ...                     /24s (or the whole zone when it is smaller)
 *       └── 10.4.255.0/24
 * ```
 *
 * The zone is kept whether or not the cluster has autoscaled groups, so
 * adding one moves no static node, and static nodes never take an address a
 * scaled node could claim. Ranges smaller than a /26 have no zone.
 */
export interface MeshScalingZone {
  /** The zone, e.g. `10.4.240.0/20`. */
  readonly cidr: string;
  /** Its claim blocks, in address order. */
  readonly blocks: readonly string[];
}

/** Prefix of a claim block when the zone is large enough: 254 claimable hosts. */
export const CLAIM_BLOCK_PREFIX = 24;
/** The smallest mesh range with a scaling zone (its zone is a /30: 2 hosts). */
export const SMALLEST_ZONED_PREFIX = 26;

/** The scaling zone of `meshCidr` (a canonical CIDR), or undefined for ranges smaller than a /26. */
export function meshScalingZone(meshCidr: string): MeshScalingZone | undefined {
  const range = parseCidr(meshCidr);
  if (range.prefix > SMALLEST_ZONED_PREFIX) return undefined;
  const zone = zoneBlock(range);
  const blockPrefix = Math.max(CLAIM_BLOCK_PREFIX, zone.prefix);
  const blocks = Array.from({ length: 2 ** (blockPrefix - zone.prefix) }, (_, i) => formatCidr(subnet(zone, blockPrefix, i)));
  return { cidr: formatCidr(zone), blocks };
}

/** Number of addresses at the top of `range` kept for the zone (0 without one). */
export function scalingZoneSize(range: Ipv4Block): number {
  return range.prefix > SMALLEST_ZONED_PREFIX ? 0 : blockSize(range) / 16;
}

/**
 * One claim block per autoscaled group, from the group's key (`<cluster>-<id>`):
 * groups ordered by (home block, key) each take their home block
 * (`nameHash(key) mod blocks`) or the next free one, as static addresses are
 * allocated. Claims are unique across the whole range (the agent skips any
 * claimed address), so a block moving to another group never gives one
 * address twice. Throws a plain Error when there are more groups than blocks.
 */
export function assignClaimBlocks(groupKeys: readonly string[], meshCidr: string): Map<string, string> {
  const zone = meshScalingZone(meshCidr);
  if (!zone || groupKeys.length > zone.blocks.length) {
    const room = zone ? `${zone.blocks.length} claim blocks in ${zone.cidr}` : 'no scaling zone (a /26 or larger has one)';
    throw new Error(
      `meshCidr must leave a claim block per autoscaled group (got ${meshCidr}: ${room} for ${groupKeys.length} groups). Use a larger mesh range, such as a /16 (16 blocks), or fewer autoscaled groups.`,
    );
  }
  const count = zone.blocks.length;
  const taken = new Set<number>();
  const assigned = new Map<string, string>();
  const ordered = groupKeys.map((key) => ({ key, home: nameHash(key) % count })).sort((a, b) => a.home - b.home || compareNames(a.key, b.key));
  for (const { key, home } of ordered) {
    let slot = home;
    while (taken.has(slot)) slot = (slot + 1) % count;
    taken.add(slot);
    assigned.set(key, zone.blocks[slot]);
  }
  return assigned;
}

function zoneBlock(range: Ipv4Block): Ipv4Block {
  const size = scalingZoneSize(range);
  return { network: range.network + blockSize(range) - size, prefix: range.prefix + 4 };
}
