import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { Annotations, ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AddressPlan, planAddresses } from '../core/address-plan';
import { AutoscalingPolicy, resolveAutoscalingPolicy, spotPolicyProblems, utilizationTargets, UtilizationTargets } from '../core/autoscaling';
import { Cloud, CLOUD_DISPLAY_NAME, sortClouds } from '../core/cloud';
import { deriveClusterUuid } from '../core/cluster-identity';
import { ClusterLabels } from '../core/cluster-labels';
import { DEFAULT_NODE_PORT_RANGE, planFirewall, WIREGUARD_PORT } from '../core/firewall-plan';
import { DEFAULT_KUBERNETES_VERSION } from '../core/kubernetes-version';
import { PlannedNode } from '../core/node-plan';
import { MeshMode } from '../core/mesh/mesh-mode';
import { CastRegionInfo, findCastRegion } from '../core/regions';
import { MeshAgentSource, publishMeshAgentOnAws } from '../mesh/aws-agent-source';
import { WireGuardMesh } from '../mesh/wireguard-mesh';
import { CloudNetwork } from '../network/cloud-network';
import { wireSpotInterruptionNotices } from '../nodes/aws-spot-notices';
import { NodeGroup, NodeGroupOptions } from '../nodes/node-group';
import { SCALING_BUILDERS } from '../nodes/scaling';
import { AutoscalerIdentity } from '../nodes/scaling/scaling-spec';
import { throwProblems, tryPlan } from '../private/validation-error';
import { ClusterCredentials } from './cluster-credentials';
import { ClusterNodes, ScaledGroupRequest } from './cluster-nodes';
import { addNodeOutputs, describeCluster } from './cluster-outputs';
import { CastClusterProps, propProblems } from './cast-cluster-props';
import { configureProvider } from './cluster-providers';
import { PortRange } from './options';

/**
 * One self-managed Kubernetes cluster spanning AWS, GCP, Azure and/or
 * DigitalOcean in one Cast region: one CloudNetwork per cloud, everything
 * tagged with the cluster UUID, and a `cast_cluster_<name>` output describing
 * it for the drift check.
 */
export class CastCluster extends Construct {
  /** Returns the CastCluster that `construct` belongs to, if any. */
  public static of(construct: IConstruct): CastCluster | undefined {
    return construct.node.scopes.reverse().find((scope): scope is CastCluster => scope instanceof CastCluster);
  }

  /** The cluster name. */
  public readonly name: string;
  /** The cluster UUID. */
  public readonly uuid: string;
  /** The Cast region. */
  public readonly region: CastRegionInfo;
  /** The clouds the cluster spans, in canonical order. */
  public readonly clouds: Cloud[];
  /** The resolved address plan. */
  public readonly addresses: AddressPlan;
  /** The Kubernetes version of the cluster. */
  public readonly kubernetesVersion: string;
  /** How nodes reach each other: the WireGuard mesh and its plan. */
  public readonly mesh: WireGuardMesh;
  /** The NodePort range the worker firewalls open (firewall.nodePortRange). */
  public readonly nodePortRange: PortRange;

  /** @internal tags/labels every resource carries. */
  public readonly _labels: ClusterLabels;
  /** @internal the autoscaling policy with its defaults. */
  public readonly _autoscalingPolicy: AutoscalingPolicy;

  private readonly networks = new Map<Cloud, CloudNetwork>();
  private readonly providers = new Map<Cloud, TerraformProvider>();
  private readonly nodes: ClusterNodes;
  private credentials?: ClusterCredentials;
  private nodeSshKey?: PrivateKey;
  private readonly autoscalerIdentities = new Map<Cloud, AutoscalerIdentity | undefined>();
  private spotNoticesWired = false;
  private awsMeshAgent?: MeshAgentSource;
  private readonly awsSpotInterruptionTarget?: string;

  constructor(scope: Construct, id: string, props: CastClusterProps) {
    super(scope, id);
    const clouds = sortClouds(props.clouds ?? []);
    const region = findCastRegion(props.region);
    const uuid = props.clusterUuid ?? deriveClusterUuid(props.name);
    const addresses = tryPlan(() =>
      planAddresses({
        clouds,
        clusterKey: uuid,
        podCidr: props.addresses?.podCidr,
        serviceCidr: props.addresses?.serviceCidr,
        meshCidr: props.addresses?.meshCidr,
        networks: props.addresses,
        propPrefix: 'addresses',
      }),
    );
    // Source ranges and the NodePort range are the same on every cloud: check them once, here,
    // so that every problem of the props is reported together.
    const firewall = tryPlan(() => planFirewall({ wireguard: true, wireguardPort: WIREGUARD_PORT, clusterRanges: [], ...props.firewall, propPrefix: 'firewall' }));
    const autoscaling = resolveAutoscalingPolicy(props.autoscaling ?? {}, 'autoscaling');
    throwProblems(this, [
      ...propProblems(props, clouds, region, uuid),
      ...duplicateNameProblems(this, props.name),
      ...addresses.problems,
      ...firewall.problems,
      ...autoscaling.problems,
    ]);
    this._autoscalingPolicy = autoscaling.policy!;

    this.name = props.name;
    this.uuid = uuid;
    this.region = region!;
    this.clouds = clouds;
    this.kubernetesVersion = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    this._labels = { uuid, name: props.name, extra: props.tags ?? {} };
    this.awsSpotInterruptionTarget = props.awsSpotInterruptionTarget;
    this.addresses = addresses.result!;
    this.nodePortRange = props.firewall?.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;

    this.mesh = new WireGuardMesh(this, 'mesh', { ...props.mesh, multiCloud: clouds.length > 1, meshCidr: this.addresses.meshCidr });

    for (const network of this.addresses.networks) {
      const provider = props.providers?.[network.cloud] ?? configureProvider(this, network.cloud, props);
      this.providers.set(network.cloud, provider);
      this.networks.set(
        network.cloud,
        new CloudNetwork(this, network.cloud, {
          cloud: network.cloud,
          clusterName: this.name,
          clusterUuid: uuid,
          region: this.region.id,
          vpcCidr: network.vpcCidr,
          subnetCidr: network.subnetCidr,
          podCidr: this.addresses.podCidr,
          serviceCidr: this.addresses.serviceCidr,
          meshCidr: this.addresses.meshCidr,
          wireguard: this.mesh.wireGuard,
          wireguardPort: this.mesh.listenPort,
          firewall: props.firewall,
          tags: props.tags,
          provider,
        }),
      );
    }
    this.nodes = new ClusterNodes({
      clusterName: this.name,
      kubernetesVersion: this.kubernetesVersion,
      addresses: this.addresses,
      wireguard: this.mesh.wireGuard,
      mesh: this.mesh,
      nodePortRange: this.nodePortRange,
      meshAgentSource: (cloud) => (cloud === Cloud.AWS ? this.awsMeshAgent : undefined),
      phoneHomeUrl: props.phoneHomeUrl,
      credentials: () => (this.credentials ??= new ClusterCredentials(this, 'credentials', this.name)),
      placementLabels: (cloud) => this._placementLabels(cloud),
      autoscalingPolicy: this._autoscalingPolicy,
      autoscalerIdentity: (cloud) => this._autoscalerIdentity(cloud),
      cloudRegion: (cloud) => this.network(cloud).cloudRegion,
      azureResourceGroup: () => this.networks.get(Cloud.AZURE)?._attachment.resourceGroupName,
    });
    this.mesh._useNodes({ meshNodes: () => this.nodes.meshNodes() });
    this.node.addValidation({ validate: () => this.validateNodes() });
    describeCluster(this);
  }

  /** Adds a set of nodes of one configuration; see NodeGroupOptions. */
  public addNodeGroup(id: string, options: NodeGroupOptions): NodeGroup {
    return new NodeGroup(this, id, { ...options, cluster: this });
  }

  /** The node groups added so far. */
  public get nodeGroups(): NodeGroup[] {
    return [...this.nodes.nodeGroups];
  }

  /** @internal called by NodeGroup: checks the group against the cluster and registers it. */
  public _admitNodes(group: NodeGroup, planned: PlannedNode[]): void {
    this.nodes.admit(group, planned);
    this.prepareFor(group);
  }

  /** @internal called by an autoscaled NodeGroup: checks it against the cluster and registers it. */
  public _admitScaledGroup(group: NodeGroup, request: ScaledGroupRequest): void {
    const problems: string[] = [];
    if (request.cloud === Cloud.AWS && this.mesh.mode !== MeshMode.FULL_MESH) {
      problems.push(
        `autoscaling on AWS needs the full-mesh mode (got mesh mode ${this.mesh.mode}): a launch template cannot turn off the source/destination check, so AWS would drop pod traffic routed through a scaled node's private address. Set mesh: { mode: MeshMode.FULL_MESH } on the cluster.`,
      );
    }
    throwProblems(group, problems);
    this.nodes.admitScaled(group, request);
    this.prepareFor(group);
    if (!this.autoscalerIdentities.has(request.cloud)) {
      const network = this.network(request.cloud);
      this.autoscalerIdentities.set(
        request.cloud,
        SCALING_BUILDERS[request.cloud].grantAutoscaler(new Construct(this, `autoscaler-${request.cloud}`), {
          clusterName: this.name,
          labels: this._labels,
          location: { region: network.cloudRegion, zone: network.zone },
          network: network._attachment,
          provider: this.provider(request.cloud),
        }),
      );
    }
  }

  /** Credentials, outputs, the AWS agent download and spot notices: made once, for the first group that needs them. */
  private prepareFor(group: NodeGroup): void {
    // Credentials and the outputs that need them exist once the cluster has nodes.
    if (!this.credentials) {
      this.credentials = new ClusterCredentials(this, 'credentials', this.name);
      addNodeOutputs(this, this.nodes, this.credentials);
    }
    if (group.cloud === Cloud.AWS && !this.awsMeshAgent) {
      const network = this.network(Cloud.AWS);
      this.awsMeshAgent = publishMeshAgentOnAws(new Construct(this, 'mesh-agent-aws'), {
        labels: this._labels,
        region: network.cloudRegion,
        vpcId: network._attachment.vpcId!,
        routeTableId: network._attachment.routeTableId!,
        provider: this.provider(Cloud.AWS),
      });
    }
    if (group.cloud === Cloud.AWS && group.spot && this.awsSpotInterruptionTarget && !this.spotNoticesWired) {
      wireSpotInterruptionNotices(this, this.name, this._labels, this.awsSpotInterruptionTarget, this.provider(Cloud.AWS));
      this.spotNoticesWired = true;
    }
  }

  /** Synth-time checks across node groups; an even control-plane count is only a warning. */
  private validateNodes(): string[] {
    const count = this.nodes.controlPlaneCount;
    if (count > 0 && count % 2 === 0) {
      Annotations.of(this).addWarning(`${this.node.path}: ${count} control-plane nodes is an even count: etcd tolerates no more failures than with one node fewer. Use an odd count.`);
    }
    return this.nodes.validate();
  }

  /** @internal what a node on `cloud` must be created after (AWS: the mesh agent download). */
  public _nodeDependencies(cloud: Cloud): ITerraformDependable[] {
    return cloud === Cloud.AWS ? this.awsMeshAgent?.dependencies ?? [] : [];
  }

  /** @internal called at synth: the user-data of one node. */
  public _renderUserData(nodeName: string, publicAddress: string): string {
    return this.nodes.renderUserData(this, nodeName, publicAddress);
  }

  /**
   * @internal the OpenSSH public key Azure requires on Linux VMs (and DigitalOcean on
   * autoscale pools); its private half stays in state, and SSH stays closed unless opened.
   */
  public _nodeSshPublicKey(): string {
    this.nodeSshKey ??= new PrivateKey(this, 'azure-ssh-key', { provider: this.credentials?.tlsProvider, algorithm: 'RSA', rsaBits: 4096 });
    return this.nodeSshKey.publicKeyOpenssh;
  }

  /** @internal the identity the cloud's cluster-autoscaler runs with; undefined while the cloud has no autoscaled group. */
  public _autoscalerIdentity(cloud: Cloud): AutoscalerIdentity | undefined {
    return this.autoscalerIdentities.get(cloud);
  }

  /** @internal utilisation targets of groups that scale themselves (GCP, DigitalOcean), from the policy's headroom. */
  public _scaledGroupTargets(): UtilizationTargets {
    return utilizationTargets(this._autoscalingPolicy);
  }

  /** @internal called at synth: the user-data of an autoscaled group's nodes. */
  public _renderScaledUserData(group: NodeGroup): string {
    return this.nodes.renderScaledUserData(this, group);
  }

  /** @internal labels saying where a node runs (cloud, region, zone), which the kubelet may set itself. */
  public _placementLabels(cloud: Cloud): Record<string, string> {
    const network = this.network(cloud);
    return { 'cast-cluster/cloud': cloud, 'topology.kubernetes.io/region': network.cloudRegion, 'topology.kubernetes.io/zone': network.zone };
  }

  /** @internal spot on a cloud the autoscaling policy does not allow. */
  public _spotProblems(cloud: Cloud, spot: boolean): string[] {
    return spotPolicyProblems(cloud, spot, this._autoscalingPolicy);
  }

  /** The cluster's network on `cloud`; throws when the cluster does not span it. */
  public network(cloud: Cloud): CloudNetwork {
    const network = this.networks.get(cloud);
    if (!network) throw new Error(`${this.node.path}: the cluster does not span ${CLOUD_DISPLAY_NAME[cloud]} (clouds: ${this.clouds.join(', ')}).`);
    return network;
  }

  /** The provider used for `cloud` (yours, or the one the cluster configured). */
  public provider(cloud: Cloud): TerraformProvider {
    this.network(cloud);
    return this.providers.get(cloud)!;
  }

  /** @internal the `cast_cluster_<name>` description for the drift check. */
  public _description(): Record<string, unknown> {
    const description = {
      schema: 'cast-cluster/v1',
      uuid: this.uuid,
      name: this.name,
      region: this.region.id,
      clouds: this.clouds,
      addresses: { podCidr: this.addresses.podCidr, serviceCidr: this.addresses.serviceCidr, meshCidr: this.addresses.meshCidr },
      networks: this.addresses.networks.map((plan) => {
        const network = this.networks.get(plan.cloud)!;
        return { cloud: plan.cloud, region: network.cloudRegion, zone: network.zone, address: network._attachment.networkAddress, cidr: plan.vpcCidr, subnets: [plan.subnetCidr] };
      }),
      nodes: this.nodes.nodeGroups.flatMap((group) =>
        group._nodes.map((n) => ({ name: n.plan.name, cloud: n.plan.cloud, role: n.plan.role, address: n.attachment.instanceAddress })),
      ),
      scalingGroups: this.nodes.scaledGroups.map((group) => {
        const scaled = group._scaled!;
        return { name: scaled.name, cloud: group.cloud, address: scaled.attachment.groupAddress, minNodes: scaled.minNodes, maxNodes: scaled.maxNodes };
      }),
    };
    return description;
  }
}

/** Two clusters of one name would share resource names and the same UUID. */
function duplicateNameProblems(cluster: CastCluster, name: string): string[] {
  const others = cluster.node.root.node.findAll().filter((c): c is CastCluster => c instanceof CastCluster && c !== cluster && c.name === name);
  return others.map((other) => `name must be unique in the app (got "${name}", already used by ${other.node.path}). Give each cluster its own name.`);
}

