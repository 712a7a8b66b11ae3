import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { planAddresses } from '../core/address-plan';
import { Cloud, CLOUD_DISPLAY_NAME } from '../core/cloud';
import { clusterNameProblem, clusterUuidProblem } from '../core/cluster-identity';
import { userTagProblems } from '../core/cluster-labels';
import { NodeSource, planFirewall, WIREGUARD_PORT } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { findCastRegion, locationIn } from '../core/regions';
import { FirewallOptions } from '../cluster/options';
import { recordProblems, tryPlan } from '../private/validation-error';
import { BuiltNetwork, NETWORK_BUILDERS, NetworkAttachment } from './index';

/** Properties of a CloudNetwork. */
export interface CloudNetworkProps {
  /** The cloud this network lives on. */
  readonly cloud: Cloud;
  /** Cluster name; names every resource (`<name>`, `<name>-nodes`, `<name>-<role>`). */
  readonly clusterName: string;
  /** Cluster UUID, carried by every taggable resource. */
  readonly clusterUuid: string;
  /** Cast region id (see `CastRegions.list()`); picks the cloud's region and zone. */
  readonly region: string;
  /** The VPC (VNet) range. */
  readonly vpcCidr: string;
  /**
   * The subnet range, inside `vpcCidr`.
   * @default - the first /24 of `vpcCidr` (on DigitalOcean the VPC range itself)
   */
  readonly subnetCidr?: string;
  /**
   * Kubernetes pod range: nodes accept all traffic from it.
   * @default "10.217.0.0/16"
   */
  readonly podCidr?: string;
  /**
   * Kubernetes service range, checked not to overlap this network.
   * @default "10.96.0.0/12"
   */
  readonly serviceCidr?: string;
  /**
   * WireGuard mesh range: nodes accept all traffic from it.
   * @default "10.4.0.0/16"
   */
  readonly meshCidr?: string;
  /**
   * Whether nodes talk to other clouds over WireGuard, which opens udp 51820.
   * @default true
   */
  readonly wireguard?: boolean;
  /**
   * The WireGuard listen port the firewall opens.
   * @default 51820
   */
  readonly wireguardPort?: number;
  /** Source ranges and NodePort range of the public rules. @default - the architecture's port tables: 0.0.0.0/0, no SSH */
  readonly firewall?: FirewallOptions;
  /** Extra tags/labels for every taggable resource. @default - only the cluster UUID and name */
  readonly tags?: { [key: string]: string };
  /** The provider for this cloud. @default - the stack's default provider for this cloud */
  readonly provider?: TerraformProvider;
}

/**
 * A cluster's network on one cloud: VPC (VNet), one subnet in one zone, routes
 * to the internet, and a firewall per node role with the architecture's inbound rules.
 *
 * The same construct serves all four clouds; `lib/network/<cloud>.ts` holds each
 * cloud's resources behind one `buildNetwork` function.
 */
export class CloudNetwork extends Construct {
  /** The cloud this network lives on. */
  public readonly cloud: Cloud;
  /** The cloud's own region name. */
  public readonly cloudRegion!: string;
  /** The zone nodes are placed in (DigitalOcean: the region). */
  public readonly zone!: string;
  /** The VPC range. */
  public readonly vpcCidr!: string;
  /** The subnet range. */
  public readonly subnetCidr!: string;
  /** The VPC / VNet / network id (a Terraform reference). */
  public readonly networkId!: string;
  /** The subnet id (a Terraform reference; on DigitalOcean the VPC id). */
  public readonly subnetId!: string;

  /** @internal what nodes need to join this network. */
  public readonly _attachment!: NetworkAttachment;

  private readonly built?: BuiltNetwork;

  constructor(scope: Construct, id: string, props: CloudNetworkProps) {
    super(scope, id);
    const region = findCastRegion(props.region);
    const location = region ? locationIn(region, props.cloud) : undefined;
    const tags = props.tags ?? {};
    const addresses = tryPlan(() =>
      planAddresses({
        clouds: [props.cloud],
        clusterKey: props.clusterUuid,
        podCidr: props.podCidr,
        serviceCidr: props.serviceCidr,
        meshCidr: props.meshCidr,
        networks: { [props.cloud]: { vpcCidr: props.vpcCidr, subnetCidr: props.subnetCidr } },
      }),
    );
    const network = addresses.result?.networks[0];
    const wireguard = props.wireguard ?? true;
    const firewall = tryPlan(() =>
      planFirewall({
        wireguard,
        wireguardPort: props.wireguardPort ?? WIREGUARD_PORT,
        clusterRanges: addresses.result ? [network!.vpcCidr, addresses.result.podCidr, addresses.result.meshCidr] : [],
        ...props.firewall,
        propPrefix: 'firewall',
      }),
    );
    const problems = [
      ...[clusterNameProblem(props.clusterName), clusterUuidProblem(props.clusterUuid)].filter((p): p is string => p !== undefined),
      ...(region && !location ? [`cloud must be one that serves ${region.displayName} (got ${CLOUD_DISPLAY_NAME[props.cloud]}). Pick another Cast region or cloud.`] : []),
      ...(region ? [] : [`region must be a Cast region id (got "${props.region}"). Use one of CastRegions.ids().`]),
      ...userTagProblems(tags),
      ...addresses.problems,
      ...firewall.problems,
    ];
    this.cloud = props.cloud;
    // Reported at synth with every other problem of the app; a network with problems is left unbuilt.
    recordProblems(this, problems);
    if (problems.length > 0 || !network || !firewall.result) return;

    this.cloudRegion = location!.region;
    this.zone = location!.zone;
    this.vpcCidr = network.vpcCidr;
    this.subnetCidr = network.subnetCidr;
    this.built = NETWORK_BUILDERS[props.cloud](this, {
      clusterName: props.clusterName,
      labels: { uuid: props.clusterUuid, name: props.clusterName, extra: tags },
      location: location!,
      vpcCidr: network.vpcCidr,
      subnetCidr: network.subnetCidr,
      firewall: firewall.result,
      provider: props.provider,
    });
    this._attachment = this.built.attachment;
    this.networkId = this._attachment.networkId;
    this.subnetId = this._attachment.subnetId;
  }

  /**
   * How a node of `role` joins its firewall: a security group id (AWS), a
   * network tag (GCP), an NSG id (Azure) or a droplet tag (DigitalOcean).
   */
  public firewallFor(role: NodeRole): string {
    // Unbuilt (its props have problems, which the synth reports): nothing to join.
    return this._attachment?.roleFirewall[role] ?? '';
  }

  /**
   * @internal lets one of the cluster's nodes, of any cloud, through the rules that let the
   * cluster's nodes in: the API rule when `firewall.apiSourceRanges` is narrowed (a node
   * reaches the API at the control planes' public addresses until it has joined); nothing
   * when the rules already let in everyone.
   */
  public _allowNode(node: NodeSource): void {
    this.built?.allowNode(node);
  }
}
