import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { Annotations, TerraformProvider } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AddressPlan, planAddresses } from '../core/address-plan';
import { Cloud, CLOUD_DISPLAY_NAME, sortClouds } from '../core/cloud';
import { clusterNameProblem, clusterUuidProblem, deriveClusterUuid } from '../core/cluster-identity';
import { ClusterLabels, labelMap, userTagProblems } from '../core/cluster-labels';
import { DEFAULT_KUBERNETES_VERSION, kubernetesVersionProblem } from '../core/kubernetes-version';
import { PlannedNode } from '../core/node-plan';
import { CastRegionInfo, castRegionIds, findCastRegion, locationIn } from '../core/regions';
import { WireGuardMesh, WireGuardMeshOptions } from '../mesh/wireguard-mesh';
import { CloudNetwork } from '../network/cloud-network';
import { wireSpotInterruptionNotices } from '../nodes/aws-spot-notices';
import { NodeGroup, NodeGroupOptions } from '../nodes/node-group';
import { planAt, throwProblems } from '../private/validation-error';
import { ClusterCredentials } from './cluster-credentials';
import { ClusterNodes } from './cluster-nodes';
import { addNodeOutputs, describeCluster } from './cluster-outputs';
import { AddressPlanOptions, CloudProviders, FirewallOptions } from './options';

/** Properties of a CastCluster. */
export interface CastClusterProps {
  /**
   * Cluster name: lowercase letters, digits and dashes, at most 30 characters.
   * It names resources on every cloud and must be unique within the app.
   */
  readonly name: string;
  /** Cast region id, e.g. `us-east` for US East (Ashburn); `CastRegions.ids()` lists them. */
  readonly region: string;
  /** The clouds the cluster spans; each must serve the region. */
  readonly clouds: Cloud[];
  /**
   * The cluster UUID carried by every taggable resource (tag/label `cast-cluster-uuid`).
   * Pin it to keep it when renaming the cluster.
   * @default - a UUIDv5 of `name`: the same on every synth and machine
   */
  readonly clusterUuid?: string;
  /** Extra tags/labels for every taggable resource. @default - only the cluster UUID and name */
  readonly tags?: { [key: string]: string };
  /** Address plan overrides. @default - the seed's subnet table */
  readonly addresses?: AddressPlanOptions;
  /** Public rule sources and NodePort range. @default - the seed's port tables, from 0.0.0.0/0, no SSH */
  readonly firewall?: FirewallOptions;
  /** Providers you configure yourself. @default - the cluster configures an aliased provider per cloud */
  readonly providers?: CloudProviders;
  /**
   * Kubernetes version of the cluster (node groups may pin their own).
   * @default "1.34.2"
   */
  readonly kubernetesVersion?: string;
  /**
   * How nodes reach each other: WireGuard between every pair (full mesh), WireGuard
   * between a few gateways per cloud (cross-location), or only the cloud network
   * (single-cloud clusters), and the WireGuard settings.
   * @default - full mesh across several clouds, the cloud network on one; port 51820, MTU 1420
   */
  readonly mesh?: WireGuardMeshOptions;
  /**
   * A URL every node POSTs to (cloud-init phone_home) once it has joined the cluster.
   * @default - nodes report to no one
   */
  readonly phoneHomeUrl?: string;
  /**
   * Where AWS spot interruption warnings go (an SNS topic, SQS queue or Lambda ARN):
   * an EventBridge rule forwards "EC2 Spot Instance Interruption Warning" events
   * there once the cluster has AWS spot nodes, for your handler to cordon and drain them.
   * @default - no EventBridge rule
   */
  readonly awsSpotInterruptionTarget?: string;
  /**
   * GCP project for the provider the cluster configures.
   * @default - the provider's own default (GOOGLE_PROJECT and friends)
   */
  readonly gcpProject?: string;
}

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

  /** @internal tags/labels every resource carries. */
  public readonly _labels: ClusterLabels;

  private readonly networks = new Map<Cloud, CloudNetwork>();
  private readonly providers = new Map<Cloud, TerraformProvider>();
  private readonly nodes: ClusterNodes;
  private credentials?: ClusterCredentials;
  private azureSshKey?: PrivateKey;
  private spotNoticesWired = false;
  private readonly awsSpotInterruptionTarget?: string;

  constructor(scope: Construct, id: string, props: CastClusterProps) {
    super(scope, id);
    const clouds = sortClouds(props.clouds ?? []);
    const region = findCastRegion(props.region);
    const uuid = props.clusterUuid ?? deriveClusterUuid(props.name);
    throwProblems(this, [...propProblems(props, clouds, region, uuid), ...duplicateNameProblems(this, props.name)]);

    this.name = props.name;
    this.uuid = uuid;
    this.region = region!;
    this.clouds = clouds;
    this.kubernetesVersion = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    this._labels = { uuid, name: props.name, extra: props.tags ?? {} };
    this.awsSpotInterruptionTarget = props.awsSpotInterruptionTarget;
    this.addresses = planAt(this, () =>
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

    this.mesh = new WireGuardMesh(this, 'mesh', { ...props.mesh, multiCloud: clouds.length > 1, meshCidr: this.addresses.meshCidr });

    for (const network of this.addresses.networks) {
      const provider = props.providers?.[network.cloud] ?? this.configureProvider(network.cloud, props);
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
      phoneHomeUrl: props.phoneHomeUrl,
      credentials: () => (this.credentials ??= new ClusterCredentials(this, 'credentials', this.name)),
      placementLabels: (cloud) => {
        const network = this.network(cloud);
        return { 'cast-cluster/cloud': cloud, 'topology.kubernetes.io/region': network.cloudRegion, 'topology.kubernetes.io/zone': network.zone };
      },
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
    // Credentials and the outputs that need them exist once the cluster has nodes.
    if (!this.credentials) {
      this.credentials = new ClusterCredentials(this, 'credentials', this.name);
      addNodeOutputs(this, this.nodes, this.credentials);
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

  /** @internal called at synth: the user-data of one node. */
  public _renderUserData(nodeName: string, publicAddress: string): string {
    return this.nodes.renderUserData(this, nodeName, publicAddress);
  }

  /** @internal the OpenSSH public key Azure requires on Linux VMs; its private half stays in state. */
  public _azureSshPublicKey(): string {
    this.azureSshKey ??= new PrivateKey(this, 'azure-ssh-key', { provider: this.credentials?.tlsProvider, algorithm: 'RSA', rsaBits: 4096 });
    return this.azureSshKey.publicKeyOpenssh;
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

  private configureProvider(cloud: Cloud, props: CastClusterProps): TerraformProvider {
    const location = locationIn(this.region, cloud)!;
    const labels = labelMap({ uuid: this.uuid, name: this.name, extra: props.tags ?? {} });
    // Aliased, so the cluster's providers never clash with the stack's own.
    const alias = `${this.name.replace(/-/g, '_')}_${cloud}`;
    switch (cloud) {
      case Cloud.AWS:
        return new AwsProvider(this, 'provider-aws', { alias, region: location.region, defaultTags: [{ tags: labels }] });
      case Cloud.GCP: {
        const provider = new GoogleProvider(this, 'provider-gcp', { alias, project: props.gcpProject, region: location.region, zone: location.zone });
        // Set as an override: cdktf snake-cases the keys of provider maps other than
        // tags, which would turn cast-cluster-uuid into cast_cluster_uuid.
        provider.addOverride('default_labels', labels);
        return provider;
      }
      case Cloud.AZURE:
        return new AzurermProvider(this, 'provider-azure', { alias, features: [{}] });
      case Cloud.DIGITALOCEAN:
        return new DigitaloceanProvider(this, 'provider-digitalocean', { alias });
    }
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
    };
    return description;
  }
}

function propProblems(props: CastClusterProps, clouds: Cloud[], region: CastRegionInfo | undefined, uuid: string): string[] {
  const problems: string[] = [];
  const nameProblem = clusterNameProblem(props.name ?? '');
  if (nameProblem) problems.push(nameProblem);
  if (props.clusterUuid !== undefined) {
    const uuidProblem = clusterUuidProblem(uuid);
    if (uuidProblem) problems.push(uuidProblem);
  }
  const versionProblem = props.kubernetesVersion === undefined ? undefined : kubernetesVersionProblem(props.kubernetesVersion);
  if (versionProblem) problems.push(versionProblem);
  if (clouds.length === 0) {
    problems.push(`clouds must list at least one cloud (got [${(props.clouds ?? []).join(', ')}]). Use e.g. [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN].`);
  }
  if (!region) {
    problems.push(`region must be a Cast region id (got "${props.region}"). Use one of: ${castRegionIds().join(', ')}.`);
  } else {
    for (const cloud of clouds.filter((c) => !locationIn(region, c))) {
      problems.push(`clouds must only list clouds that serve ${region.displayName} (got ${CLOUD_DISPLAY_NAME[cloud]}, which has no region there). Drop it or pick another Cast region.`);
    }
  }
  problems.push(...userTagProblems(props.tags ?? {}));
  return problems;
}

/** Two clusters of one name would share resource names and the same UUID. */
function duplicateNameProblems(cluster: CastCluster, name: string): string[] {
  const others = cluster.node.root.node.findAll().filter((c): c is CastCluster => c instanceof CastCluster && c !== cluster && c.name === name);
  return others.map((other) => `name must be unique in the app (got "${name}", already used by ${other.node.path}). Give each cluster its own name.`);
}

