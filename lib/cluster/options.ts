/** Option structs shared by CastCluster and CloudNetwork. */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';

/** One cloud's VPC and subnet ranges. */
export interface CloudRangeOptions {
  /**
   * The VPC (VNet) range.
   * @default - the architecture's table: GCP 10.0.0.0/16, AWS 10.10.0.0/16, Azure 10.20.0.0/16; DigitalOcean a /20 in 10.100.0.0–10.255.255.255 picked from the cluster UUID
   */
  readonly vpcCidr?: string;
  /**
   * The subnet the nodes sit in; must lie inside `vpcCidr`. Leave it out on DigitalOcean, whose VPC is its only subnet (a CastCluster refuses it there).
   * @default - the first /24 of `vpcCidr`
   */
  readonly subnetCidr?: string;
}

/** The cluster's address plan. Every range must be a private IPv4 CIDR and no two may overlap. */
export interface AddressPlanOptions {
  /**
   * Kubernetes pod range; every node gets a /24 of it.
   * @default "10.217.0.0/16"
   */
  readonly podCidr?: string;
  /**
   * Kubernetes service range (/12 at most, kube-apiserver's limit).
   * @default "10.96.0.0/12"
   */
  readonly serviceCidr?: string;
  /**
   * WireGuard mesh range; one address per node.
   * @default "10.4.0.0/16"
   */
  readonly meshCidr?: string;
  /** AWS ranges. @default - see CloudRangeOptions */
  readonly aws?: CloudRangeOptions;
  /** GCP ranges. @default - see CloudRangeOptions */
  readonly gcp?: CloudRangeOptions;
  /** Azure ranges. @default - see CloudRangeOptions */
  readonly azure?: CloudRangeOptions;
  /** DigitalOcean range (its VPC). @default - see CloudRangeOptions */
  readonly digitalocean?: CloudRangeOptions;
}

/** An inclusive port range. */
export interface PortRange {
  /** First port. */
  readonly from: number;
  /** Last port (inclusive). */
  readonly to: number;
}

/**
 * Who may reach the nodes from outside. The rules are the architecture's port tables:
 * the defaults open exactly those ports to 0.0.0.0/0 and nothing else.
 */
export interface FirewallOptions {
  /**
   * Source ranges allowed to reach the Kubernetes API (tcp 6443 on control-plane nodes),
   * e.g. only an office CIDR. The cluster's own nodes get in whatever this says: each static
   * node by its own address, workers to their cloud's control planes over its network.
   * @default ["0.0.0.0/0"]
   */
  readonly apiSourceRanges?: string[];
  /**
   * Source ranges allowed to reach WireGuard (udp 51820 on every node, when the mesh uses WireGuard).
   * Nodes on other clouds must stay inside these ranges.
   * @default ["0.0.0.0/0"]
   */
  readonly wireguardSourceRanges?: string[];
  /**
   * Source ranges allowed to reach the NodePort range on workers (Services of type NodePort/LoadBalancer).
   * @default ["0.0.0.0/0"]
   */
  readonly nodePortSourceRanges?: string[];
  /**
   * Source ranges allowed to reach SSH (tcp 22). SSH is closed unless you list ranges here.
   * @default - no SSH from outside the cluster
   */
  readonly sshSourceRanges?: string[];
  /**
   * The NodePort range (kube-apiserver's --service-node-port-range).
   * @default - 30000-32767
   */
  readonly nodePortRange?: PortRange;
}

/** Providers you configure yourself; for each cloud left out, the cluster configures one. */
export interface CloudProviders {
  /** @default - an aliased AwsProvider in the Cast region's AWS region, with default_tags */
  readonly aws?: AwsProvider;
  /** @default - an aliased GoogleProvider in the Cast region's GCP region, with default_labels */
  readonly gcp?: GoogleProvider;
  /**
   * Set `features: [{ virtualMachineScaleSet: [{ rollInstancesWhenRequired: false }] }]` on it,
   * as the cluster's own provider does: with the provider's default, a change of an autoscaled
   * Azure group's template reimages every running instance of the group in that apply.
   * @default - an aliased AzurermProvider (subscription from ARM_SUBSCRIPTION_ID), scale-set instances never rolled by an apply
   */
  readonly azure?: AzurermProvider;
  /** @default - an aliased DigitaloceanProvider (token from DIGITALOCEAN_TOKEN) */
  readonly digitalocean?: DigitaloceanProvider;
}

