/**
 * The cluster's synth-time plan, in one computation: from every node group
 * (static nodes with their address references, autoscaled groups with their
 * limits) to each node's bootstrap input, the API seeds and endpoint, etcd's
 * timers, the mesh addresses, the claim blocks and the cluster-autoscaler's
 * input. Pure; no cdktf import. Terraform references are opaque strings,
 * copied verbatim, so CastCluster and NodeGroup only turn this plan into resources.
 *
 * ```
 *   groups ─► clusterProblems (all at once, or a PlanError)
 *          ─► control planes, in group order
 *             ├─► seeds: their public addresses (in place on every node, never in user-data)
 *             ├─► endpoint for users: the API DNS name, else the first one's address
 *             └─► etcd timers: from the round trips between their clouds
 *          ─► mesh addresses: static nodes, from their names (WireGuard modes)
 *          ─► claim blocks: autoscaled groups, from their names (WireGuard modes)
 *          ─► autoscaler input: the AWS and Azure autoscaled groups
 *          ─► bootstrapInputOf: every static node and every autoscaled group, from
 *             nothing about other nodes (so no other node's user-data changes with them)
 * ```
 *
 * The checks on groups (names unique, room in subnets and the pod range,
 * claim blocks, a control plane) are in cluster-problems.ts.
 */
import { AddressPlan } from './address-plan';
import { AutoscaledCloud, AutoscalingPolicy, AzureAutoscalerFacts, CLUSTER_AUTOSCALER_CLOUDS, ClusterAutoscalerManifestsInput } from './autoscaling';
import { joinApiSeeds } from './api-seeds';
import { CONTROL_PLANE_ONLY_CREDENTIALS, ControlPlaneKeySource, JoinTokenSource, MeshHandoff, NodeBootstrapCredentials, NodeBootstrapEtcd, NodeBootstrapInput, NodeBootstrapMesh, NodeBootstrapTaint } from './bootstrap/node-bootstrap-input';
import { Cloud } from './cloud';
import { clusterProblems, controlPlaneCloudsOf, firstControlPlaneOf, GroupFootprint, handsOffKeys } from './cluster-problems';
import { EtcdTimingOptions, etcdTimingProblems, etcdTimings } from './etcd-timings';
import { allocateMeshAddresses } from './mesh/allocate-mesh-addresses';
import { MeshNodeInput } from './mesh/mesh-input';
import { MeshMode } from './mesh/mesh-mode';
import { assignClaimBlocks } from './mesh/scaling-zone';
import { NodeRole } from './node-role';
import { PlanError } from './plan-error';
import { CloudLocation } from './regions';

/** The cluster's mesh settings with their defaults applied (WireGuardMesh's values); the range is `addresses.meshCidr`. */
export type ClusterMeshSettings = Pick<NodeBootstrapMesh, 'mode' | 'listenPort' | 'mtu' | 'persistentKeepalive' | 'gatewaysPerCloud'>;

/** One static node: its name and what its cloud built, as Terraform references. */
export interface ClusterNodeInput {
  readonly name: string;
  /** The static public address. */
  readonly publicAddress: string;
  /** The address on the cloud network. */
  readonly privateAddress: string;
  /**
   * A pinned mesh address.
   * @default - allocated from the name
   */
  readonly meshAddress?: string;
}

/** An autoscaled group: its limits, the size of one node and what its cloud built. */
export interface ClusterScaledGroupInput {
  /** `<cluster>-<id>`: the group's name on the cloud and the prefix of its node names. */
  readonly name: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** vCPU and memory of one node (its shape's). */
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** How cluster-autoscaler names the group (a Terraform reference). */
  readonly autoscalerRef: string;
}

/** A node group as the plan takes it, defaults applied. */
export interface ClusterGroupInput extends GroupFootprint {
  /** Kubernetes labels of every node, beyond the placement labels the plan adds. */
  readonly labels: Readonly<Record<string, string>>;
  /** Kubernetes taints of every node (control-plane nodes also get kubeadm's own). */
  readonly taints: readonly NodeBootstrapTaint[];
  readonly spot: boolean;
  /** Exact Kubernetes release of the group's nodes. */
  readonly kubernetesVersion: string;
  /** The static nodes, in order (none for an autoscaled group). */
  readonly nodes: readonly ClusterNodeInput[];
  readonly scaled?: ClusterScaledGroupInput;
}

/** Where a cloud's nodes download the mesh agent instead of receiving it in their user-data. */
export interface MeshAgentDownload {
  readonly url: string;
  readonly sha256: string;
}

/** What the plan needs of one cloud the cluster spans. */
export interface ClusterCloudInput {
  /** The cloud region and zone of the cluster's network: placement labels, and the AWS autoscaler's region. */
  readonly location: CloudLocation;
  /**
   * Where the cloud's nodes download the mesh agent.
   * @default - the agent travels in the user-data
   */
  readonly meshAgent?: MeshAgentDownload;
  /**
   * Azure: the identity its cluster-autoscaler runs with and the resource group of its scale sets.
   * @default - none: required once Azure has autoscaled groups
   */
  readonly azureAutoscaler?: AzureAutoscalerFacts;
  /**
   * Where the cloud's control planes read the CA keys at boot (its secret store).
   * @default - in their user-data: DigitalOcean, whose droplets have no identity to read a store with
   */
  readonly controlPlaneKeys?: ControlPlaneKeySource;
  /**
   * Where the cloud's nodes read the join token at boot, and its control planes rotate it
   * (docs/decisions/0006): what a control plane's and a worker's node.env name.
   * @default - none: the cloud's nodes get the static token in their user-data
   */
  readonly joinToken?: { readonly controlPlane: JoinTokenSource; readonly worker: JoinTokenSource };
}

/** Everything the plan is computed from. */
export interface ClusterPlanInput {
  readonly clusterName: string;
  /** The cluster's Cast region id (the round trips etcd's timers follow). */
  readonly castRegion: string;
  /**
   * The name users reach the API at, pointed at every control plane.
   * @default - none: users reach the first control plane's public address
   */
  readonly apiServerDnsName?: string;
  /**
   * etcd timers the user set.
   * @default - from the round trips between the control planes' clouds
   */
  readonly etcd?: EtcdTimingOptions;
  /** The cluster's Kubernetes version (picks the cluster-autoscaler release). */
  readonly kubernetesVersion: string;
  readonly addresses: AddressPlan;
  /** The NodePort range the worker firewalls open; kube-apiserver allocates from it. */
  readonly nodePortRange: { readonly from: number; readonly to: number };
  readonly mesh: ClusterMeshSettings;
  /** Every node group, in the order they were added: the order of the seeds, whose first founds the cluster. */
  readonly groups: readonly ClusterGroupInput[];
  /** Each cloud the cluster spans. */
  readonly clouds: Readonly<Partial<Record<Cloud, ClusterCloudInput>>>;
  readonly autoscalingPolicy: AutoscalingPolicy;
  /**
   * URL nodes report to once joined or failed.
   * @default - no report
   */
  readonly phoneHomeUrl?: string;
  /** The cluster's credentials, every field (Terraform references); workers get only the CA certificate and the bootstrap token. */
  readonly credentials: NodeBootstrapCredentials;
  /**
   * By control-plane node name, the ticket (a Terraform reference) a control plane without a
   * key store fetches its keys over the mesh with, where handsOffKeys says it does.
   * @default - none: such control planes get the keys in their user-data
   */
  readonly keyTickets?: Readonly<Record<string, string>>;
}

/** One static node of the plan. */
export interface PlannedClusterNode {
  readonly name: string;
  readonly cloud: Cloud;
  readonly role: NodeRole;
  readonly publicAddress: string;
  readonly privateAddress: string;
  /** Its address in the cluster's network: the mesh address with WireGuard, else the private address. */
  readonly clusterAddress: string;
  readonly bootstrap: NodeBootstrapInput;
}

/** One autoscaled group of the plan: the bootstrap input every node of it boots with. */
export interface PlannedScaledGroup {
  readonly name: string;
  readonly cloud: Cloud;
  /** The block its nodes claim mesh addresses from (WireGuard modes). */
  readonly meshClaimCidr?: string;
  readonly bootstrap: NodeBootstrapInput;
}

/** The cluster's synth-time plan. */
export interface ClusterPlan {
  /** The first control plane: the first seed, which founds the cluster on its first boot. */
  readonly firstControlPlane: string;
  /** The control planes' public addresses joined by spaces, in group order: every node's seeds. */
  readonly apiServers: string;
  /** Host of the API for users: the API DNS name, else the first control plane's public address. */
  readonly endpoint: string;
  /** etcd's timers. */
  readonly etcd: NodeBootstrapEtcd;
  /** Every static node, in group order. */
  readonly nodes: readonly PlannedClusterNode[];
  /** Every autoscaled group, in group order. */
  readonly scaledGroups: readonly PlannedScaledGroup[];
  /** Mesh address by node name (WireGuard modes; empty in cloud-network mode). */
  readonly meshAddresses: ReadonlyMap<string, string>;
  /** Claim block by autoscaled group name (WireGuard modes; empty in cloud-network mode). */
  readonly claimBlocks: ReadonlyMap<string, string>;
  /**
   * What the control planes' cluster-autoscaler manifests are rendered from.
   * @default - none while no AWS or Azure group is autoscaled
   */
  readonly autoscaler?: ClusterAutoscalerManifestsInput;
  /**
   * Groups whose nodes join with the static token of their user-data (no secret store on
   * their cloud): while there is one, the control planes keep that token in the cluster.
   */
  readonly staticTokenGroups: readonly string[];
  /** By control-plane node name, the tickets the control planes with a store accept (for the key bundle). */
  readonly keyTickets: Readonly<Record<string, string>>;
}

/** kubeadm's own control-plane taint, which the bootstrap does not add by itself. */
const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane';

/** The plan of the whole cluster; throws a PlanError listing every problem of the groups and of etcd's timers. */
export function planCluster(input: ClusterPlanInput): ClusterPlan {
  const first = firstControlPlaneOf(input.groups);
  const etcdInput = { castRegion: input.castRegion, controlPlaneClouds: controlPlaneCloudsOf(input.groups), override: input.etcd };
  // etcd's checks need a control plane; without one, clusterProblems says so (or the line below).
  const problems = [...clusterProblems(input.groups), ...(first ? etcdTimingProblems(etcdInput) : [])];
  if (problems.length > 0) throw new PlanError(problems);
  if (!first) throw new PlanError(['groups must hold a control-plane node to plan a cluster (got no nodes). Add a node group with role NodeRole.CONTROL_PLANE.']);
  const wireguard = input.mesh.mode !== MeshMode.CLOUD_NETWORK;
  const meshCidr = input.addresses.meshCidr;
  const scaled = input.groups.filter((group) => group.scaled);

  // Every group is known here: addresses and blocks are assigned once, over all of them.
  const meshAddresses = new Map<string, string>(
    wireguard ? allocateMeshAddresses(meshNodesOf(input.groups), meshCidr).map((allocation) => [allocation.name, allocation.address]) : [],
  );
  const claimBlocks = wireguard && scaled.length > 0 ? assignClaimBlocks(scaled.map((group) => group.scaled!.name), meshCidr) : new Map<string, string>();
  const autoscaler = autoscalerInputOf(input);
  const timers = etcdTimings(etcdInput);
  const etcd = { heartbeatIntervalMs: timers.heartbeatIntervalMs, electionTimeoutMs: timers.electionTimeoutMs };
  const shared: SharedBootstrap = { etcd, firstControlPlane: first.node.name };
  const controlPlaneAddresses = input.groups.filter((group) => group.role === NodeRole.CONTROL_PLANE).flatMap((group) => group.nodes.map((node) => node.publicAddress));

  const nodes = input.groups.flatMap((group) =>
    group.nodes.map((node): PlannedClusterNode => {
      const meshAddress = meshAddresses.get(node.name);
      return {
        name: node.name,
        cloud: group.cloud,
        role: group.role,
        publicAddress: node.publicAddress,
        privateAddress: node.privateAddress,
        clusterAddress: meshAddress ?? node.privateAddress,
        bootstrap: bootstrapInputOf(input, shared, group, { nodeName: node.name, publicAddress: node.publicAddress, meshAddress }),
      };
    }),
  );
  const scaledGroups = scaled.map((group): PlannedScaledGroup => {
    const name = group.scaled!.name;
    const meshClaimCidr = claimBlocks.get(name);
    return { name, cloud: group.cloud, meshClaimCidr, bootstrap: bootstrapInputOf(input, shared, group, { scaledIdentity: { namePrefix: name, meshClaimCidr } }) };
  });
  return {
    firstControlPlane: first.node.name,
    apiServers: joinApiSeeds(controlPlaneAddresses),
    endpoint: input.apiServerDnsName ?? first.node.publicAddress,
    etcd,
    nodes,
    scaledGroups,
    meshAddresses,
    claimBlocks,
    autoscaler,
    staticTokenGroups: input.groups.filter((group) => !input.clouds[group.cloud]?.joinToken).map((group) => group.path),
    keyTickets: Object.fromEntries(nodes.filter((n) => n.bootstrap.controlPlaneKeys?.store === 'mesh-handoff').map((n) => [n.name, (n.bootstrap.controlPlaneKeys as MeshHandoff).ticket])),
  };
}

/** Every static node as the mesh planner takes it; addresses are Terraform references. */
export function meshNodesOf(groups: readonly ClusterGroupInput[]): MeshNodeInput[] {
  return groups.flatMap((group) =>
    group.nodes.map((node) => ({
      name: node.name,
      cloud: group.cloud,
      role: group.role,
      publicAddress: node.publicAddress,
      privateAddress: node.privateAddress,
      meshAddress: node.meshAddress,
    })),
  );
}

/** Labels saying where a node runs (cloud, region, zone), which the kubelet may set itself. */
export function placementLabels(cloud: Cloud, location: CloudLocation): Record<string, string> {
  return { 'cast-cluster/cloud': cloud, 'topology.kubernetes.io/region': location.region, 'topology.kubernetes.io/zone': location.zone };
}

/** The labels a node registers with: its group's, then where it runs. */
export function nodeLabelsOf(labels: Readonly<Record<string, string>>, cloud: Cloud, location: CloudLocation): Record<string, string> {
  return { ...labels, ...placementLabels(cloud, location) };
}

/** The taints a node registers with: kubeadm's control-plane taint on control-plane nodes (unless the group sets its own), then the group's. */
export function nodeTaintsOf(role: NodeRole, taints: readonly NodeBootstrapTaint[]): NodeBootstrapTaint[] {
  const kubeadmTaint = role === NodeRole.CONTROL_PLANE && !taints.some((t) => t.key === CONTROL_PLANE_TAINT);
  return [...(kubeadmTaint ? [{ key: CONTROL_PLANE_TAINT, effect: 'NoSchedule' }] : []), ...taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect }))];
}

/** What every node's bootstrap input shares. */
interface SharedBootstrap {
  /** etcd's timers, for control planes. */
  readonly etcd: NodeBootstrapEtcd;
  /** The first control plane: the one that runs `kubeadm init`. */
  readonly firstControlPlane: string;
}

/**
 * What of the cluster's credentials reach a node's user-data: the CA certificate always; the
 * keys only for a control plane without a key store (workers never); the static token only
 * for a node without a join-token store.
 */
function credentialsOf(c: NodeBootstrapCredentials, keys: boolean, staticToken: boolean): NodeBootstrapCredentials {
  const token = staticToken ? { bootstrapTokenId: c.bootstrapTokenId, bootstrapTokenSecret: c.bootstrapTokenSecret } : {};
  const keyFields = keys ? Object.fromEntries(CONTROL_PLANE_ONLY_CREDENTIALS.map((field) => [field, c[field]])) : {};
  return { caCertB64: c.caCertB64, ...keyFields, ...token };
}

/** What tells one node of a group from the others: a static node's name and addresses, or a scaled group's identity. */
type NodeIdentity = Pick<NodeBootstrapInput, 'nodeName' | 'publicAddress' | 'meshAddress' | 'scaledIdentity'>;

/**
 * One node's bootstrap input, static or autoscaled: the one place a node's
 * user-data input is assembled. Depends on nothing about other nodes, so adding,
 * removing or replacing a node changes no other node's user-data.
 */
function bootstrapInputOf(input: ClusterPlanInput, shared: SharedBootstrap, group: ClusterGroupInput, identity: NodeIdentity): NodeBootstrapInput {
  const cloud = input.clouds[group.cloud]!;
  const controlPlane = group.role === NodeRole.CONTROL_PLANE;
  const c = input.credentials;
  const joinToken = controlPlane ? cloud.joinToken?.controlPlane : cloud.joinToken?.worker;
  // Keys from the cloud's store, else over the mesh with the node's ticket, else in the user-data.
  const ticket = identity.nodeName !== undefined ? input.keyTickets?.[identity.nodeName] : undefined;
  const handoff = ticket !== undefined && handsOffKeys(input.groups, group, identity.nodeName!) ? { store: 'mesh-handoff' as const, ticket } : undefined;
  const keySource = controlPlane ? (cloud.controlPlaneKeys ?? handoff) : undefined;
  return {
    kind: controlPlane ? 'control-plane' : 'worker',
    ...identity,
    cloud: group.cloud,
    clusterName: input.clusterName,
    kubernetesVersion: group.kubernetesVersion,
    // Only the first control plane runs kubeadm init, so only its user-data holds the release:
    // every other node installs the release the cluster runs (kubernetes-version.sh), and a
    // version bump changes no other node's user-data and no template.
    mayFound: controlPlane ? identity.nodeName === shared.firstControlPlane : undefined,
    podCidr: input.addresses.podCidr,
    serviceCidr: input.addresses.serviceCidr,
    nodePortRange: `${input.nodePortRange.from}-${input.nodePortRange.to}`,
    apiServerDnsName: input.apiServerDnsName,
    etcd: controlPlane ? shared.etcd : undefined,
    nodeLabels: nodeLabelsOf(group.labels, group.cloud, cloud.location),
    nodeTaints: nodeTaintsOf(group.role, group.taints),
    // Keys reach a control plane through its cloud's secret store where there is one; workers never get them.
    credentials: credentialsOf(c, controlPlane && !keySource, !joinToken),
    controlPlaneKeys: keySource,
    joinToken,
    phoneHomeUrl: input.phoneHomeUrl,
    spot: group.spot,
    // On one control plane only: a policy change must not reach every control plane's
    // user-data (Azure and DigitalOcean replace a VM whose user-data changes). It applies
    // them when it founds the cluster, and again whenever it is replaced and joins.
    mesh: {
      mode: input.mesh.mode,
      meshCidr: input.addresses.meshCidr,
      listenPort: input.mesh.listenPort,
      mtu: input.mesh.mtu,
      persistentKeepalive: input.mesh.persistentKeepalive,
      gatewaysPerCloud: input.mesh.gatewaysPerCloud,
      // A droplet's default route leaves from its public address; elsewhere it is the private one.
      privateCidr: group.cloud === Cloud.DIGITALOCEAN ? input.addresses.networks.find((n) => n.cloud === group.cloud)!.subnetCidr : undefined,
      agentUrl: cloud.meshAgent?.url,
      agentSha256: cloud.meshAgent?.sha256,
    },
  };
}

/**
 * One cluster-autoscaler per cloud it resizes (AWS, Azure) and the overprovisioning
 * that holds the policy's headroom; undefined while no such cloud has autoscaled groups.
 */
function autoscalerInputOf(input: ClusterPlanInput): ClusterAutoscalerManifestsInput | undefined {
  const scaled = input.groups.filter((group) => group.scaled);
  const clouds = CLUSTER_AUTOSCALER_CLOUDS.filter((cloud) => scaled.some((group) => group.cloud === cloud));
  if (clouds.length === 0) return undefined;
  // Every autoscaled group counts, those that scale themselves too: the placeholders fit the smallest node.
  const smallest = scaled.map((group) => group.scaled!).reduce((a, b) => (b.vcpu < a.vcpu || (b.vcpu === a.vcpu && b.memoryGiB < a.memoryGiB) ? b : a));
  const autoscaled = clouds.map(
    (cloud): AutoscaledCloud => ({
      cloud,
      groups: scaled
        .filter((group) => group.cloud === cloud)
        .map((group) => ({ name: group.scaled!.name, minNodes: group.scaled!.minNodes, maxNodes: group.scaled!.maxNodes, autoscalerRef: group.scaled!.autoscalerRef })),
      aws: cloud === Cloud.AWS ? { region: input.clouds[cloud]!.location.region } : undefined,
      azure: cloud === Cloud.AZURE ? input.clouds[cloud]!.azureAutoscaler : undefined,
    }),
  );
  return { kubernetesVersion: input.kubernetesVersion, policy: input.autoscalingPolicy, clouds: autoscaled, smallestScaledNode: { vcpu: smallest.vcpu, memoryGiB: smallest.memoryGiB } };
}
