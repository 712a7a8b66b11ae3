import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformOutput, TerraformProvider } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { AddressPlan, planAddresses } from '../core/address-plan';
import { Cloud, CLOUD_DISPLAY_NAME, sortClouds } from '../core/cloud';
import { clusterNameProblem, clusterUuidProblem, deriveClusterUuid } from '../core/cluster-identity';
import { labelMap, userTagProblems } from '../core/cluster-labels';
import { CastRegionInfo, castRegionIds, findCastRegion, locationIn } from '../core/regions';
import { CloudNetwork } from '../network/cloud-network';
import { planAt, throwProblems } from '../private/validation-error';
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

  private readonly networks = new Map<Cloud, CloudNetwork>();
  private readonly providers = new Map<Cloud, TerraformProvider>();

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
          // One cloud needs no mesh between clouds; later the mesh mode decides.
          wireguard: clouds.length > 1,
          firewall: props.firewall,
          tags: props.tags,
          provider,
        }),
      );
    }
    this.describe();
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

  /** The `cast_cluster_<name>` output: what the drift check compares against state. */
  private describe(): void {
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
      nodes: [],
    };
    const output = new TerraformOutput(this, 'description', {
      value: JSON.stringify(description),
      description: `Cast cluster ${this.name}: what cast-drift compares against state`,
    });
    output.overrideLogicalId(`cast_cluster_${this.name.replace(/-/g, '_')}`);
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

