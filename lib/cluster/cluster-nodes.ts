/**
 * The cluster's view of its nodes: admits node groups (names unique, room in
 * subnets and ranges), picks the init node, allocates mesh addresses and
 * renders each node's user-data at synth time, when every group is known.
 */
import { Construct } from 'constructs';
import { AddressPlan, NODE_POD_PREFIX } from '../core/address-plan';
import { AutoscaledCloud, AutoscalingPolicy, CLUSTER_AUTOSCALER_CLOUDS, renderClusterAutoscalerManifests } from '../core/autoscaling';
import { NodeBootstrapMesh } from '../core/bootstrap/node-bootstrap-input';
import { renderNodeUserData } from '../core/bootstrap/node-bootstrap';
import { parseCidr } from '../core/cidr';
import { Cloud, CLOUD_DISPLAY_NAME } from '../core/cloud';
import { allocateMeshAddresses } from '../core/mesh/allocate-mesh-addresses';
import { assignClaimBlocks } from '../core/mesh/scaling-zone';
import { MeshNodeInput } from '../core/mesh/mesh-input';
import { PlannedNode } from '../core/node-plan';
import { NodeRole } from '../core/node-role';
import type { NodeGroup } from '../nodes/node-group';
import type { MeshAgentSource } from '../mesh/aws-agent-source';
import type { AutoscalerIdentity } from '../nodes/scaling/scaling-spec';
import type { WireGuardMesh } from '../mesh/wireguard-mesh';
import { throwProblems } from '../private/validation-error';
import { ClusterCredentials } from './cluster-credentials';

/** What the registry needs from the cluster. */
export interface ClusterNodesContext {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly addresses: AddressPlan;
  /** Whether nodes reach each other over WireGuard (node-ip is then the mesh address). */
  readonly wireguard: boolean;
  /** The NodePort range the worker firewalls open; kube-apiserver allocates from it. */
  readonly nodePortRange: { readonly from: number; readonly to: number };
  /** The mesh settings every node's agent runs with. */
  readonly mesh: WireGuardMesh;
  /** Where nodes of a cloud download the mesh agent, when it does not travel in their user-data. */
  meshAgentSource(cloud: Cloud): MeshAgentSource | undefined;
  readonly phoneHomeUrl?: string;
  credentials(): ClusterCredentials;
  /** Labels saying where a node runs (cloud, region, zone), which the kubelet may set itself. */
  placementLabels(cloud: Cloud): Record<string, string>;
  /** The cluster's autoscaling policy, resolved. */
  readonly autoscalingPolicy: AutoscalingPolicy;
  /** The identity a cloud's cluster-autoscaler runs with, once the cloud has autoscaled groups. */
  autoscalerIdentity(cloud: Cloud): AutoscalerIdentity | undefined;
  /** The cloud region of a cloud's network (the AWS autoscaler's region). */
  cloudRegion(cloud: Cloud): string;
  /** Azure: the cluster's resource group name. */
  azureResourceGroup(): string | undefined;
}

/** What the registry keeps about an autoscaled group when it is admitted. */
export interface ScaledGroupRequest {
  readonly name: string;
  readonly cloud: Cloud;
  readonly minNodes: number;
  readonly maxNodes: number;
}

const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane';

export class ClusterNodes {
  private readonly groups: NodeGroup[] = [];
  private readonly scaled: { group: NodeGroup; request: ScaledGroupRequest }[] = [];
  private readonly planned = new Map<string, { node: PlannedNode; group: NodeGroup }>();
  private meshAddresses?: Map<string, string>;
  private claimBlocks?: Map<string, string>;

  constructor(private readonly context: ClusterNodesContext) {}

  /**
   * The address a node has in the cluster's network: its mesh address with WireGuard,
   * else its private address on the cloud network (the mesh range is then unused).
   */
  clusterAddressOf(name: string, privateAddress: string): string {
    return this.context.wireguard ? this.meshAddressOf(name) : privateAddress;
  }

  /** Every node group, in the order they were added. */
  get nodeGroups(): readonly NodeGroup[] {
    return this.groups;
  }

  /** The node that runs `kubeadm init`: the first node of the first control-plane group. */
  get initNode(): { name: string; group: NodeGroup } | undefined {
    const group = this.groups.find((g) => g.role === NodeRole.CONTROL_PLANE);
    return group ? { name: group.nodeNames[0], group } : undefined;
  }

  /** The API endpoint host: the init node's static public address (a Terraform reference). */
  endpoint(): string | undefined {
    // The init node is the first node of its group, so its attachment is the group's first.
    return this.initNode?.group._nodes[0].attachment.publicAddress;
  }

  /** Checks a new group against the nodes already admitted; throws with the group's path. */
  admit(group: NodeGroup, nodes: readonly PlannedNode[]): void {
    const problems: string[] = [];
    for (const node of nodes) {
      const existing = this.planned.get(node.name);
      if (existing) problems.push(`node names must be unique in the cluster (got "${node.name}", already in ${existing.group.node.path}). Rename one of them.`);
    }
    problems.push(...this.roomProblems('count', nodes[0]?.cloud, nodes.length));
    throwProblems(group, problems);
    this.groups.push(group);
    for (const node of nodes) this.planned.set(node.name, { node, group });
  }

  /** Checks an autoscaled group at its largest against the cluster's subnets, pod range and mesh zone. */
  admitScaled(group: NodeGroup, request: ScaledGroupRequest): void {
    const problems = this.roomProblems('autoscaling.maxNodes', request.cloud, request.maxNodes);
    if (this.context.wireguard) {
      try {
        assignClaimBlocks([...this.scaled.map((s) => s.request.name), request.name], this.context.addresses.meshCidr);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    throwProblems(group, problems);
    this.groups.push(group);
    this.scaled.push({ group, request });
  }

  /** Whether `added` more nodes on `cloud` fit its subnet and the pod range, autoscaled groups counted at their maxNodes. */
  private roomProblems(prop: string, cloud: Cloud | undefined, added: number): string[] {
    const problems: string[] = [];
    const network = this.context.addresses.networks.find((n) => n.cloud === cloud);
    const scaledOn = (c?: Cloud) => this.scaled.filter((s) => c === undefined || s.request.cloud === c).reduce((sum, s) => sum + s.request.maxNodes, 0);
    const onCloud = [...this.planned.values()].filter((p) => p.node.cloud === cloud).length + scaledOn(cloud) + added;
    const counted = this.scaled.length > 0 || prop === 'autoscaling.maxNodes' ? ', autoscaled groups at their maxNodes' : '';
    if (network && onCloud > network.usableNodeAddresses) {
      problems.push(
        `${prop} must fit the ${CLOUD_DISPLAY_NAME[cloud as Cloud]} subnet ${network.subnetCidr}: it holds ${network.usableNodeAddresses} nodes (got ${onCloud} with this group${counted}). Use a larger subnetCidr or fewer nodes.`,
      );
    }
    const total = this.planned.size + scaledOn() + added;
    const podRoom = 2 ** (NODE_POD_PREFIX - parseCidr(this.context.addresses.podCidr).prefix);
    if (total > podRoom) {
      problems.push(`${prop} must fit the pod range ${this.context.addresses.podCidr}: a /${NODE_POD_PREFIX} per node leaves room for ${podRoom} nodes (got ${total}${counted}). Use a larger podCidr.`);
    }
    return problems;
  }

  /** Synth-time problems across groups. */
  validate(): string[] {
    if ((this.planned.size > 0 || this.scaled.length > 0) && !this.initNode) {
      return ['node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.'];
    }
    const problems: string[] = [];
    for (const cloud of this.autoscaledClouds()) {
      if (![...this.planned.values()].some((p) => p.node.cloud === cloud && p.node.role === NodeRole.CONTROL_PLANE)) {
        const groups = this.scaled.filter((s) => s.request.cloud === cloud).map((s) => s.group.node.path);
        problems.push(
          `autoscaled node groups on ${CLOUD_DISPLAY_NAME[cloud]} need a control-plane node on ${CLOUD_DISPLAY_NAME[cloud]} (got ${groups.join(', ')} and none): its cluster-autoscaler runs there with the cloud's instance identity, so no key goes into the configuration. Add a control-plane group on ${CLOUD_DISPLAY_NAME[cloud]}, or make the groups static.`,
        );
      }
    }
    return problems;
  }

  /** Autoscaled groups, in the order they were added. */
  get scaledGroups(): readonly NodeGroup[] {
    return this.scaled.map((s) => s.group);
  }

  /** Clouds with autoscaled groups that cluster-autoscaler resizes. */
  autoscaledClouds(): Cloud[] {
    return CLUSTER_AUTOSCALER_CLOUDS.filter((cloud) => this.scaled.some((s) => s.request.cloud === cloud));
  }

  /** Every node as the mesh planner takes it; addresses are Terraform references. */
  meshNodes(): MeshNodeInput[] {
    return this.groups.flatMap((group) =>
      group._nodes.map((n) => ({
        name: n.plan.name,
        cloud: n.plan.cloud,
        role: n.plan.role,
        publicAddress: n.attachment.publicAddress,
        privateAddress: n.attachment.privateAddress,
        meshAddress: n.meshAddress,
      })),
    );
  }

  /** The number of control-plane nodes. */
  get controlPlaneCount(): number {
    return [...this.planned.values()].filter((p) => p.node.role === NodeRole.CONTROL_PLANE).length;
  }

  /** The mesh address of a node (allocated over every node of the cluster, once). */
  meshAddressOf(name: string): string {
    const requests = this.groups.flatMap((group) => group._nodes.map((n) => ({ name: n.plan.name, meshAddress: n.meshAddress })));
    this.meshAddresses ??= new Map(allocateMeshAddresses(requests, this.context.addresses.meshCidr).map((a) => [a.name, a.address]));
    return this.meshAddresses.get(name)!;
  }

  /** What one node's mesh agent needs: the cluster's mesh settings and where to find the agent. */
  private meshSettings(node: PlannedNode, initNodeName: string): NodeBootstrapMesh {
    const mesh = this.context.mesh;
    const source = this.context.meshAgentSource(node.cloud);
    const network = this.context.addresses.networks.find((n) => n.cloud === node.cloud)!;
    return {
      mode: mesh.mode,
      meshCidr: mesh.meshCidr,
      listenPort: mesh.listenPort,
      mtu: mesh.mtu,
      persistentKeepalive: mesh.persistentKeepalive,
      gatewaysPerCloud: mesh.gatewaysPerCloud,
      initNodeName,
      // A droplet's default route leaves from its public address; elsewhere it is the private one.
      privateCidr: node.cloud === Cloud.DIGITALOCEAN ? network.subnetCidr : undefined,
      agentUrl: source?.url,
      agentSha256: source?.sha256,
    };
  }

  /** The user-data of every node of an autoscaled group: a worker whose identity is found at boot. */
  renderScaledUserData(scope: Construct, group: NodeGroup): string {
    const init = this.initNode;
    if (!init) throw new Error(`${scope.node.path}: node groups need at least one control-plane node. Add a node group with role NodeRole.CONTROL_PLANE.`);
    const state = group._scaled!;
    const credentials = this.context.credentials().values;
    const stand = { name: state.name, cloud: group.cloud, role: NodeRole.WORKER, instanceType: '' };
    // Every group is known at synth: assigned once, like the static mesh addresses.
    if (this.context.wireguard) this.claimBlocks ??= assignClaimBlocks(this.scaled.map((s) => s.request.name), this.context.addresses.meshCidr);
    return renderNodeUserData({
      kind: 'worker',
      scaledIdentity: { namePrefix: state.name, meshClaimCidr: this.claimBlocks?.get(state.name) },
      cloud: group.cloud,
      clusterName: this.context.clusterName,
      kubernetesVersion: state.kubernetesVersion,
      podCidr: this.context.addresses.podCidr,
      serviceCidr: this.context.addresses.serviceCidr,
      controlPlaneEndpoint: this.endpoint()!,
      nodeLabels: { ...state.labels, ...this.context.placementLabels(group.cloud) },
      nodeTaints: state.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      credentials: { caCertB64: credentials.caCertB64, bootstrapTokenId: credentials.bootstrapTokenId, bootstrapTokenSecret: credentials.bootstrapTokenSecret },
      phoneHomeUrl: this.context.phoneHomeUrl,
      spot: state.spot,
      mesh: this.meshSettings(stand, init.name),
    });
  }

  /**
   * The manifests the init node applies for autoscaling: one cluster-autoscaler per
   * cloud it resizes, and the overprovisioning that holds the policy's headroom.
   * Undefined while no such cloud has autoscaled groups.
   */
  autoscalerManifests(): string | undefined {
    const clouds = this.autoscaledClouds();
    if (clouds.length === 0) return undefined;
    const policy = this.context.autoscalingPolicy;
    const states = this.scaled.map((s) => s.group._scaled!);
    const smallest = states.reduce((a, b) => (b.vcpu < a.vcpu || (b.vcpu === a.vcpu && b.memoryGiB < a.memoryGiB) ? b : a));
    const autoscaled: AutoscaledCloud[] = clouds.map((cloud) => {
      const identity = this.context.autoscalerIdentity(cloud);
      return {
        cloud,
        groups: this.scaled
          .filter((s) => s.request.cloud === cloud)
          .map((s) => ({ name: s.request.name, minNodes: s.request.minNodes, maxNodes: s.request.maxNodes, autoscalerRef: s.group._scaled!.attachment.autoscalerRef })),
        aws: cloud === Cloud.AWS ? { region: this.context.cloudRegion(cloud) } : undefined,
        azure:
          cloud === Cloud.AZURE
            ? { subscriptionId: identity!.azureSubscriptionId!, resourceGroup: this.context.azureResourceGroup()!, clientId: identity!.azureClientId! }
            : undefined,
      };
    });
    return renderClusterAutoscalerManifests({
      kubernetesVersion: this.context.kubernetesVersion,
      policy,
      clouds: autoscaled,
      smallestScaledNode: { vcpu: smallest.vcpu, memoryGiB: smallest.memoryGiB },
    });
  }

  /** The user-data of one node; called while synthesizing. */
  renderUserData(scope: Construct, name: string, publicAddress: string): string {
    const init = this.initNode;
    if (!init) throw new Error(`${scope.node.path}: node groups need at least one control-plane node. Add a node group with role NodeRole.CONTROL_PLANE.`);
    const { node, group } = this.planned.get(name)!;
    const built = group._nodes[group.nodeNames.indexOf(name)];
    const endpoint = this.endpoint()!;
    const controlPlane = node.role === NodeRole.CONTROL_PLANE;
    const credentials = this.context.credentials().values;
    return renderNodeUserData({
      kind: name === init.name ? 'init' : controlPlane ? 'join-control-plane' : 'worker',
      nodeName: name,
      cloud: node.cloud,
      clusterName: this.context.clusterName,
      kubernetesVersion: built.kubernetesVersion,
      podCidr: this.context.addresses.podCidr,
      serviceCidr: this.context.addresses.serviceCidr,
      nodePortRange: `${this.context.nodePortRange.from}-${this.context.nodePortRange.to}`,
      controlPlaneEndpoint: endpoint,
      publicAddress,
      // Without WireGuard the mesh address is the node's private address, an attribute of its
      // own VM (or NIC): the node reads it from the metadata service at boot, since a reference
      // here would make the VM depend on its own user-data (terraform validate: "Cycle").
      meshAddress: this.context.wireguard ? this.meshAddressOf(name) : undefined,
      nodeLabels: { ...built.labels, ...this.context.placementLabels(node.cloud) },
      nodeTaints: [
        // kubeadm's own control-plane taint, which the bootstrap does not add by itself.
        ...(controlPlane && !built.taints.some((t) => t.key === CONTROL_PLANE_TAINT) ? [{ key: CONTROL_PLANE_TAINT, effect: 'NoSchedule' }] : []),
        ...built.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      ],
      credentials: controlPlane
        ? credentials
        : { caCertB64: credentials.caCertB64, bootstrapTokenId: credentials.bootstrapTokenId, bootstrapTokenSecret: credentials.bootstrapTokenSecret },
      phoneHomeUrl: this.context.phoneHomeUrl,
      spot: built.spot,
      autoscalerConfig: name === init.name ? this.autoscalerManifests() : undefined,
      mesh: this.meshSettings(node, init.name),
    });
  }
}
