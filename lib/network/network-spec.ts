/** The contract between the CloudNetwork construct and each cloud's builder. */
import { Lazy, TerraformProvider } from 'cdktf';
import { ClusterLabels } from '../core/cluster-labels';
import { InboundRule, NodeSource, nodeSources, RoleFirewallPlan } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { CloudLocation } from '../core/regions';

/** What every cloud's network builder is given. */
export interface NetworkSpec {
  readonly clusterName: string;
  readonly labels: ClusterLabels;
  readonly location: CloudLocation;
  readonly vpcCidr: string;
  readonly subnetCidr: string;
  readonly firewall: readonly RoleFirewallPlan[];
  readonly provider?: TerraformProvider;
}

/** What nodes need from a built network, as Terraform values (tokens). */
export interface NetworkAttachment {
  /** The VPC / VNet / network id. */
  readonly networkId: string;
  /** The Terraform address of the network resource (for the cluster description). */
  readonly networkAddress: string;
  /** The subnet id (on DigitalOcean the VPC id: its VPC is its subnet). */
  readonly subnetId: string;
  /**
   * How a node of each role joins its firewall: a security group id (AWS), a
   * network tag (GCP), an NSG id (Azure) or a droplet tag (DigitalOcean).
   */
  readonly roleFirewall: Readonly<Record<NodeRole, string>>;
  /** Azure only: the resource group every resource of the cluster lives in. */
  readonly resourceGroupName?: string;
  /** AWS only: the VPC id and the subnet's route table (for gateway endpoints). */
  readonly vpcId?: string;
  readonly routeTableId?: string;
}

/** What a cloud's network builder hands back. */
export interface BuiltNetwork {
  /** What nodes need from the network. */
  readonly attachment: NetworkAttachment;
  /**
   * Lets one more of the cluster's nodes through the rules that let the cluster's nodes in
   * (`InboundRule.clusterNodes`: the API rule when apiSourceRanges is narrowed; nothing
   * otherwise). Called when the node's group is admitted; its address is read at synth.
   */
  allowNode(node: NodeSource): void;
}

/**
 * A rule's sources as a resource takes them: its ranges, and for a rule that lets the
 * cluster's nodes in, each node of `nodes` (filled while groups are admitted) at synth.
 */
export function ruleSources(rule: InboundRule, nodes: readonly NodeSource[]): string[] {
  if (!rule.clusterNodes) return [...rule.sources];
  return Lazy.listValue({ produce: () => nodeSources(rule, nodes) });
}

/** The name of a role's firewall / security group / tag: `<cluster>-<role>`. */
export function roleResourceName(clusterName: string, role: NodeRole): string {
  return `${clusterName}-${role}`;
}

/** Terraform address of a resource in its stack (`type.name`). */
export function terraformAddress(resource: { terraformResourceType: string; friendlyUniqueId: string }): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** A construct id fragment for a source CIDR: `203.0.113.0/24` → `203-0-113-0-24`. */
export function sourceId(cidr: string): string {
  return cidr.replace(/[./]/g, '-');
}
