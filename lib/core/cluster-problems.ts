/**
 * The checks across a cluster's node groups, pure: when a group is added
 * (names unique, room in its subnet and the pod range, a mesh claim block per
 * autoscaled group), and once every group is known (a control plane, at most
 * MAX_API_SERVER_SEEDS of them, and one on each cloud whose groups
 * cluster-autoscaler resizes). Problems read
 * `<prop> must be <rule> (got <value>). <fix>`; the construct prefixes its path.
 */
import { AddressPlan, NODE_POD_PREFIX } from './address-plan';
import { MAX_API_SERVER_SEEDS } from './api-seeds';
import { CLUSTER_AUTOSCALER_CLOUDS } from './autoscaling';
import { parseCidr } from './cidr';
import { Cloud, CLOUD_DISPLAY_NAME } from './cloud';
import { MeshMode } from './mesh/mesh-mode';
import { KEY_STORE_OF_CLOUD } from './bootstrap/control-plane-keys';
import { controlPlaneProblems } from './etcd-timings';
import { assignClaimBlocks } from './mesh/scaling-zone';
import { NodeRole } from './node-role';

/** What the checks read of a node group. */
export interface GroupFootprint {
  /** The group's construct path, for messages. */
  readonly path: string;
  readonly cloud: Cloud;
  readonly role: NodeRole;
  /** The static nodes, by name (none for an autoscaled group). */
  readonly nodes: readonly { readonly name: string }[];
  /** An autoscaled group: its name and its most nodes. */
  readonly scaled?: { readonly name: string; readonly maxNodes: number };
}

/** What the checks read of the cluster. */
export interface ClusterFootprint {
  readonly addresses: AddressPlan;
  readonly meshMode: MeshMode;
}

/**
 * The first control plane: its public address is the first seed, so it founds the
 * cluster when no control plane answers at boot (bootstrap-node.sh). After that it is
 * a control plane like the others.
 */
export function firstControlPlaneOf<G extends GroupFootprint>(groups: readonly G[]): { readonly group: G; readonly node: G['nodes'][number] } | undefined {
  const group = groups.find((g) => g.role === NodeRole.CONTROL_PLANE && g.nodes.length > 0);
  return group ? { group, node: group.nodes[0] } : undefined;
}

/**
 * Problems of adding `group` to the groups already `admitted`: node names unique,
 * room in the cloud's subnet and the pod range (autoscaled groups at their
 * maxNodes), and a mesh claim block per autoscaled group (WireGuard modes).
 */
export function admissionProblems(admitted: readonly GroupFootprint[], group: GroupFootprint, cluster: ClusterFootprint): string[] {
  const problems: string[] = [];
  const paths = new Map(admitted.flatMap((g) => g.nodes.map((node) => [node.name, g.path] as const)));
  for (const node of group.nodes) {
    const path = paths.get(node.name);
    if (path) problems.push(`node names must be unique in the cluster (got "${node.name}", already in ${path}). Rename one of them.`);
  }
  problems.push(...roomProblems(admitted, group, cluster.addresses));
  if (group.scaled && cluster.meshMode !== MeshMode.CLOUD_NETWORK) {
    const names = [...admitted.filter((g) => g.scaled).map((g) => g.scaled!.name), group.scaled.name];
    try {
      assignClaimBlocks(names, cluster.addresses.meshCidr);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/**
 * Autoscaling on AWS needs the full mesh: checked before admissionProblems,
 * as a problem of the mesh settings rather than of the group's size.
 */
export function scaledMeshModeProblems(cloud: Cloud, meshMode: MeshMode): string[] {
  if (cloud !== Cloud.AWS || meshMode === MeshMode.FULL_MESH) return [];
  return [
    `autoscaling on AWS needs the full-mesh mode (got mesh mode ${meshMode}): a launch template cannot turn off the source/destination check, so AWS would drop pod traffic routed through a scaled node's private address. Set mesh: { mode: MeshMode.FULL_MESH } on the cluster.`,
  ];
}

/**
 * Problems once every group is known: a control-plane node, no more than every node's
 * seeds can hold, and one on each cloud whose groups cluster-autoscaler resizes.
 */
export function clusterProblems(groups: readonly GroupFootprint[]): string[] {
  const hasNodes = groups.some((g) => g.nodes.length > 0 || g.scaled);
  if (hasNodes && !firstControlPlaneOf(groups)) {
    return ['node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.'];
  }
  const problems: string[] = [];
  const controlPlanes = controlPlaneCloudsOf(groups).length;
  if (controlPlanes > MAX_API_SERVER_SEEDS) {
    problems.push(
      `control-plane nodes must be at most ${MAX_API_SERVER_SEEDS} (got ${controlPlanes}): every node carries their public addresses in one cloud tag of 256 characters. Use fewer control planes (etcd recommends 3, 5 or 7).`,
    );
  }
  for (const cloud of CLUSTER_AUTOSCALER_CLOUDS) {
    const scaled = groups.filter((g) => g.scaled && g.cloud === cloud);
    if (scaled.length === 0 || groups.some((g) => g.cloud === cloud && g.role === NodeRole.CONTROL_PLANE && g.nodes.length > 0)) continue;
    const name = CLOUD_DISPLAY_NAME[cloud];
    problems.push(
      `autoscaled node groups on ${name} need a control-plane node on ${name} (got ${scaled.map((g) => g.path).join(', ')} and none): its cluster-autoscaler runs there with the cloud's instance identity, so no key goes into the configuration. Add a control-plane group on ${name}, or make the groups static.`,
    );
  }
  return problems;
}

/** Soft problems once every group is known: control planes too few, on too few clouds, or an even count (etcd-timings.ts). */
export function clusterWarnings(groups: readonly GroupFootprint[]): string[] {
  const clouds = controlPlaneCloudsOf(groups);
  return [...controlPlaneProblems(clouds), ...keyDeliveryWarnings(groups)];
}

/**
 * Groups whose nodes join with the static token, which never expires and is in their
 * user-data: those on a cloud with no secret store in this cluster (DigitalOcean, or a cloud
 * without a control plane). One warning for the cluster, naming them (docs/decisions/0006).
 */
export function staticTokenWarnings(groups: readonly GroupFootprint[]): string[] {
  const hasStore = (cloud: Cloud) => KEY_STORE_OF_CLOUD[cloud] !== undefined && groups.some((g) => g.cloud === cloud && g.role === NodeRole.CONTROL_PLANE);
  const exposed = groups.filter((g) => !hasStore(g.cloud));
  // Without a control plane clusterProblems speaks; with none on a cloud of a store, every token is static (as before).
  if (exposed.length === 0 || !groups.some((g) => g.role === NodeRole.CONTROL_PLANE)) return [];
  const clouds = [...new Set(exposed.map((g) => g.cloud))];
  const why = clouds.map((cloud) => (KEY_STORE_OF_CLOUD[cloud] === undefined ? `${CLOUD_DISPLAY_NAME[cloud]} gives its VMs no identity to read a secret store with` : `the cluster has no control plane on ${CLOUD_DISPLAY_NAME[cloud]} to keep a token in its secret store`));
  const fixable = clouds.filter((cloud) => KEY_STORE_OF_CLOUD[cloud] !== undefined).map((cloud) => CLOUD_DISPLAY_NAME[cloud]);
  return [
    `node groups ${exposed.map((g) => g.path).join(', ')} join with the cluster's static token, which is in their user-data and does not expire while any of them exists (${why.join('; ')}): ` +
      `anyone who can read those VMs' user-data can join machines to the cluster (docs/security.md, "Join tokens"). ` +
      (fixable.length > 0 ? `Add a control-plane group on ${fixable.join(' and ')} so its nodes read a 24-hour token from the cloud's secret store, or accept the exposure.` : 'Accept the exposure, or run these groups on AWS, GCP or Azure beside a control plane there.'),
  ];
}

/**
 * Whether a control plane on a cloud without a key store (DigitalOcean) gets the keys over the
 * mesh, with a ticket, from a control plane that has a store (docs/decisions/0007): when the
 * cluster has such a control plane, for every one of them but the first, which founds the
 * cluster and so must hold the keys when nothing else runs yet.
 */
export function handsOffKeys(groups: readonly GroupFootprint[], group: GroupFootprint, nodeName: string): boolean {
  if (group.role !== NodeRole.CONTROL_PLANE || KEY_STORE_OF_CLOUD[group.cloud] !== undefined) return false;
  const withStore = groups.some((g) => g.role === NodeRole.CONTROL_PLANE && g.nodes.length > 0 && KEY_STORE_OF_CLOUD[g.cloud] !== undefined);
  return withStore && firstControlPlaneOf(groups)?.node.name !== nodeName;
}

/**
 * A control plane that finds the CA keys in its user-data (DigitalOcean, unless another cloud's
 * control plane hands them over: handsOffKeys); the user may accept that, so it warns.
 */
function keyDeliveryWarnings(groups: readonly GroupFootprint[]): string[] {
  const controlPlaneClouds = controlPlaneCloudsOf(groups);
  const exposedNodes = groups.filter((g) => g.role === NodeRole.CONTROL_PLANE && KEY_STORE_OF_CLOUD[g.cloud] === undefined).flatMap((g) => g.nodes.filter((n) => !handsOffKeys(groups, g, n.name)).map(() => g.cloud));
  const exposed = [...new Set(exposedNodes)];
  const handoff = groups.some((g) => g.role === NodeRole.CONTROL_PLANE && KEY_STORE_OF_CLOUD[g.cloud] !== undefined);
  return exposed.map((cloud) => {
    const count = exposedNodes.filter((c) => c === cloud).length;
    return handoff
      ? `the first control-plane group should run where its cloud can hand it the CA keys (got ${CLOUD_DISPLAY_NAME[cloud]}, which gives its VMs no identity to read a secret store with): ` +
          `the first control plane founds the cluster, so it holds the cluster's CA and service-account keys in its user-data, readable through the ${CLOUD_DISPLAY_NAME[cloud]} API and by any process on it (docs/security.md); ` +
          `the other ${CLOUD_DISPLAY_NAME[cloud]} control planes get them over the mesh. Add the AWS, GCP or Azure control-plane group first.`
      : `control planes should run where their cloud can hand them the CA keys (got ${count} of ${controlPlaneClouds.length} on ${CLOUD_DISPLAY_NAME[cloud]}, which gives its VMs no identity to read a secret store with): ` +
          `their user-data holds the cluster's CA and service-account keys, readable by anyone who can read those VMs through the ${CLOUD_DISPLAY_NAME[cloud]} API and by any process on them (docs/security.md). ` +
          `Place control planes on AWS, GCP or Azure, whose control planes read the keys from the cloud's secret store.`;
  });
}

/** The cloud of every control-plane node, in group order. */
export function controlPlaneCloudsOf(groups: readonly GroupFootprint[]): Cloud[] {
  return groups.filter((g) => g.role === NodeRole.CONTROL_PLANE).flatMap((g) => g.nodes.map(() => g.cloud));
}

/** Whether the group's nodes fit its cloud's subnet and the pod range, with every admitted group's. */
function roomProblems(admitted: readonly GroupFootprint[], group: GroupFootprint, addresses: AddressPlan): string[] {
  const problems: string[] = [];
  const prop = group.scaled ? 'autoscaling.maxNodes' : 'count';
  const size = (g: GroupFootprint) => g.scaled?.maxNodes ?? g.nodes.length;
  const all = [...admitted, group];
  const onCloud = all.filter((g) => g.cloud === group.cloud).reduce((sum, g) => sum + size(g), 0);
  const total = all.reduce((sum, g) => sum + size(g), 0);
  const counted = all.some((g) => g.scaled) ? ', autoscaled groups at their maxNodes' : '';
  const network = addresses.networks.find((n) => n.cloud === group.cloud);
  if (network && onCloud > network.usableNodeAddresses) {
    problems.push(
      `${prop} must fit the ${CLOUD_DISPLAY_NAME[group.cloud]} subnet ${network.subnetCidr}: it holds ${network.usableNodeAddresses} nodes (got ${onCloud} with this group${counted}). Use a larger subnetCidr or fewer nodes.`,
    );
  }
  const podRoom = 2 ** (NODE_POD_PREFIX - parseCidr(addresses.podCidr).prefix);
  if (total > podRoom) {
    problems.push(`${prop} must fit the pod range ${addresses.podCidr}: a /${NODE_POD_PREFIX} per node leaves room for ${podRoom} nodes (got ${total}${counted}). Use a larger podCidr.`);
  }
  return problems;
}
