import { ALL_CLOUDS, Cloud, CLOUD_DISPLAY_NAME } from '../cloud';
import { NodeRole } from '../node-role';
import { compareNames } from './compare-names';
import { MeshNodeInput } from './mesh-input';
import { nameHash } from './name-hash';

/** The gateways of one cloud and the nodes each one carries. */
export interface CloudGateways {
  /** The cloud. */
  readonly cloud: Cloud;
  /** Gateway names, in selection order (pinned, then control-plane, then by name). */
  readonly gateways: readonly string[];
  /** Gateway name per node name, for every node of the cloud (a gateway carries itself). */
  readonly gatewayOf: ReadonlyMap<string, string>;
}

/**
 * Picks the cross-location gateways of every cloud, deterministically:
 *
 * 1. nodes pinned with `gateway: true`, by name;
 * 2. then, up to `gatewaysPerCloud`, the other nodes not pinned `false`:
 *    control-plane nodes before workers (they are replaced far less often than
 *    autoscaled workers, so adding a worker never moves the gateway), then by name.
 *
 * Each non-gateway node is carried by one gateway of its cloud, chosen by
 * rendezvous hashing (highest `nameHash(node + "\n" + gateway)`): AllowedIPs of
 * the peers of one interface must not overlap, and with this choice adding or
 * removing a gateway moves only the nodes that gateway carries. Clouds come in
 * the library's cloud order; clouds without nodes are left out.
 */
export function selectGateways(nodes: readonly MeshNodeInput[], gatewaysPerCloud: number): CloudGateways[] {
  const problems = gatewayProblems(nodes, gatewaysPerCloud);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return ALL_CLOUDS.flatMap((cloud) => {
    const members = nodes.filter((node) => node.cloud === cloud);
    if (members.length === 0) return [];
    const gateways = rankCandidates(members).slice(0, gatewaysPerCloud);
    const gatewayOf = new Map<string, string>();
    for (const node of [...members].sort((a, b) => compareNames(a.name, b.name))) {
      gatewayOf.set(node.name, gateways.includes(node.name) ? node.name : carrierOf(node.name, gateways));
    }
    return [{ cloud, gateways, gatewayOf }];
  });
}

/** Problems with the gateway settings, one `<what> must be <rule> (got <value>). <fix>` line each. */
export function gatewayProblems(nodes: readonly MeshNodeInput[], gatewaysPerCloud: number): string[] {
  if (!Number.isInteger(gatewaysPerCloud) || gatewaysPerCloud < 1) {
    return [
      `gatewaysPerCloud must be a whole number of at least 1 in cross-location mode (got ${gatewaysPerCloud}). ` +
        'Set it to 1 or more, or use full-mesh mode to peer every node directly.',
    ];
  }
  const problems: string[] = [];
  for (const cloud of ALL_CLOUDS) {
    const members = nodes.filter((node) => node.cloud === cloud);
    if (members.length === 0) continue;
    const pinned = members.filter((node) => node.gateway === true).map((node) => node.name).sort(compareNames);
    if (pinned.length > gatewaysPerCloud) {
      problems.push(
        `nodes pinned with gateway: true in ${CLOUD_DISPLAY_NAME[cloud]} must be at most gatewaysPerCloud (got ${pinned.length}: ${pinned.join(', ')}; gatewaysPerCloud ${gatewaysPerCloud}). ` +
          'Raise gatewaysPerCloud or unpin some of them.',
      );
    }
    if (members.every((node) => node.gateway === false)) {
      problems.push(
        `nodes of ${CLOUD_DISPLAY_NAME[cloud]} must include one that may be a gateway (got every node pinned with gateway: false). ` +
          'Leave gateway unset or true on at least one node that has a public address.',
      );
    }
  }
  return problems;
}

function rankCandidates(members: readonly MeshNodeInput[]): string[] {
  const rank = (node: MeshNodeInput): number => (node.gateway === true ? 0 : node.role === NodeRole.CONTROL_PLANE ? 1 : 2);
  return members
    .filter((node) => node.gateway !== false)
    .sort((a, b) => rank(a) - rank(b) || compareNames(a.name, b.name))
    .map((node) => node.name);
}

function carrierOf(nodeName: string, gateways: readonly string[]): string {
  let best = gateways[0];
  let bestScore = -1;
  for (const gateway of gateways) {
    const score = nameHash(`${nodeName}\n${gateway}`);
    if (score > bestScore || (score === bestScore && compareNames(gateway, best) < 0)) {
      best = gateway;
      bestScore = score;
    }
  }
  return best;
}
