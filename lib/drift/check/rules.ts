/**
 * The catalog of finding rules: id, title and help, for SARIF's
 * `tool.driver.rules`, the JSON schema docs and `--help`. Rule ids are stable
 * (SARIF consumers key alerts on them).
 */
import { CheckId, Severity } from './finding';

/** One rule of a check. */
export interface RuleDescriptor {
  readonly id: string;
  readonly check: CheckId;
  /** PascalCase name (SARIF `name`). */
  readonly name: string;
  readonly title: string;
  readonly help: string;
  readonly defaultSeverity: Severity;
}

/** Every rule, in report order. */
export const RULES = [
  { id: 'network/missing', check: CheckId.NETWORK, name: 'NetworkResourceMissing', title: 'Network resource missing from the state', help: 'A configured VPC, subnet or firewall is not in the state. Run terraform apply, or import it if it exists.', defaultSeverity: Severity.ERROR },
  { id: 'network/deleted-outside', check: CheckId.NETWORK, name: 'NetworkResourceDeletedOutside', title: 'Network resource deleted outside Terraform', help: 'A refresh-only plan reports the network resource deleted. Run terraform apply to recreate it.', defaultSeverity: Severity.ERROR },
  { id: 'network/range', check: CheckId.NETWORK, name: 'NetworkRangeDrift', title: 'Network range differs from the configuration', help: 'A VPC, subnet or VNet range differs. Changing it back replaces the network: plan first.', defaultSeverity: Severity.ERROR },
  { id: 'network/firewall', check: CheckId.NETWORK, name: 'FirewallRuleDrift', title: 'Firewall rules differ from the configuration', help: 'Rules were added, removed or changed outside the configuration (compared after normalizing protocols, ports, addresses and rule layout).', defaultSeverity: Severity.ERROR },
  { id: 'attachments/firewall', check: CheckId.ATTACHMENTS, name: 'FirewallDetached', title: 'Firewall not attached as configured', help: 'A node is in other security groups, lacks the network tags or droplet tags its firewall targets, or its network interface is attached to another security group. Run terraform apply (in place).', defaultSeverity: Severity.ERROR },
  { id: 'attachments/subnet', check: CheckId.ATTACHMENTS, name: 'NodeInOtherSubnet', title: 'Node in another subnet or network', help: 'A node or its network interface is in another subnet, VPC or network than configured. Moving it back replaces the VM: one node per deploy.', defaultSeverity: Severity.ERROR },
  { id: 'attachments/route', check: CheckId.ATTACHMENTS, name: 'RouteDrift', title: 'Route differs from the configuration', help: 'A route points to another gateway or destination, or the route table is associated with another subnet. Run terraform apply (in place).', defaultSeverity: Severity.ERROR },
  { id: 'attachments/address', check: CheckId.ATTACHMENTS, name: 'AddressReassigned', title: 'Fixed public address associated elsewhere', help: 'A node\u2019s elastic, static, public or reserved IP is associated with another instance or address. Run terraform apply (in place).', defaultSeverity: Severity.ERROR },
  { id: 'attachments/size', check: CheckId.ATTACHMENTS, name: 'NodeSizeDrift', title: 'Node size differs from the configuration', help: 'The instance type, machine type or size differs. terraform apply resizes it back, which stops and starts that node.', defaultSeverity: Severity.WARNING },
  { id: 'attachments/image', check: CheckId.ATTACHMENTS, name: 'NodeImageDrift', title: 'Node image differs from the configuration', help: 'The node runs another image than configured. When the stack keeps the image in ignore_changes (a note), new nodes get the configured one; roll a node with a replacement.', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/absent-from-state', check: CheckId.MISSING_NODES, name: 'NodeAbsentFromState', title: 'Node missing from the state', help: 'A configured node is not in the state. Run terraform apply, or import the VM if it still exists.', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/deleted-outside', check: CheckId.MISSING_NODES, name: 'NodeDeletedOutside', title: 'Node deleted outside Terraform', help: 'A refresh-only plan reports the node VM deleted. Run terraform apply to recreate it.', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/absent-from-inventory', check: CheckId.MISSING_NODES, name: 'NodeAbsentFromInventory', title: 'Node missing from the cloud', help: 'The state has the node but the cloud inventory does not list it, or lists it terminated. Run terraform apply -replace=ADDR.', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/stopped', check: CheckId.MISSING_NODES, name: 'NodeStopped', title: 'Node stopped', help: 'The cloud inventory lists the node as stopped. Start it or replace it.', defaultSeverity: Severity.WARNING },
  { id: 'missing-nodes/tainted', check: CheckId.MISSING_NODES, name: 'NodeTainted', title: 'Node tainted', help: 'Terraform marked the node tainted; the next apply replaces it.', defaultSeverity: Severity.WARNING },
  { id: 'missing-resources/absent-from-state', check: CheckId.MISSING_RESOURCES, name: 'ResourceAbsentFromState', title: 'Cluster resource missing from the state', help: 'A configured resource (a route, a network interface, an address, a key, a bucket, …) is not in the state; the severity says what its absence breaks. Run terraform apply, or import it if it exists.', defaultSeverity: Severity.ERROR },
  { id: 'missing-resources/deleted-outside', check: CheckId.MISSING_RESOURCES, name: 'ResourceDeletedOutside', title: 'Cluster resource deleted outside Terraform', help: 'A refresh-only plan reports a configured resource deleted. Run terraform apply to recreate it.', defaultSeverity: Severity.ERROR },
  { id: 'unused-resources/not-desired', check: CheckId.UNUSED_RESOURCES, name: 'ResourceNotDesired', title: 'Resource in state but not configured', help: 'terraform apply destroys it; terraform state rm ADDR keeps the object unmanaged.', defaultSeverity: Severity.WARNING },
  { id: 'unused-resources/deposed', check: CheckId.UNUSED_RESOURCES, name: 'DeposedObject', title: 'Deposed object the next apply destroys', help: 'The old object of a create_before_destroy replacement that did not finish; terraform apply destroys it. A node VM is destroyed without a drain: drain and delete the node first, and for a control plane remove its etcd member.', defaultSeverity: Severity.WARNING },
  { id: 'unused-resources/leaked', check: CheckId.UNUSED_RESOURCES, name: 'ResourceLeaked', title: 'Cloud object of the cluster unknown to the state', help: 'A VM carries the cluster UUID but no state knows it. Delete it with the cloud CLI or import it.', defaultSeverity: Severity.WARNING },
  { id: 'cleanup-guard/foreign-vm', check: CheckId.CLEANUP_GUARD, name: 'ForeignVmInClusterNetwork', title: 'Foreign VM in a cluster network', help: 'A VM without the cluster UUID is attached to a cluster network; destroying the cluster would fail. It is not the cluster’s to delete.', defaultSeverity: Severity.WARNING },
  { id: 'cleanup-guard/no-uuid', check: CheckId.CLEANUP_GUARD, name: 'ClusterUuidUnknown', title: 'Cluster UUID unknown', help: 'Without the cluster UUID, inventories cannot be checked for foreign or leaked VMs. Pass --cluster-uuid.', defaultSeverity: Severity.NOTE },
  { id: 'cleanup-guard/unchecked-cloud', check: CheckId.CLEANUP_GUARD, name: 'CloudNotChecked', title: 'Cloud of the cluster not checked', help: 'guard-destroy had no inventory of one of the cluster\u2019s clouds, so it cannot say the destroy is safe there. Pass its inventory, or --allow-unchecked CLOUD.', defaultSeverity: Severity.ERROR },
  { id: 'cluster-identity/other-cluster', check: CheckId.CLUSTER_IDENTITY, name: 'OtherClusterUuid', title: 'Resource carries another cluster\u2019s UUID', help: 'A resource in this cluster\u2019s state is tagged with another cluster\u2019s UUID. terraform apply re-tags it; if it is the other cluster\u2019s, terraform state rm it here.', defaultSeverity: Severity.ERROR },
  { id: 'ignore-file/expired', check: CheckId.IGNORE_FILE, name: 'IgnoreEntryExpired', title: 'Ignore entry expired', help: 'An ignore entry is past its expiry date and no longer hides findings. Fix the drift, or renew the entry with a reason.', defaultSeverity: Severity.WARNING },
] as const satisfies readonly RuleDescriptor[];

/** A rule id: a finding's `rule` must be one (so a new rule cannot miss its descriptor, its SARIF entry and its docs row). */
export type RuleId = (typeof RULES)[number]['id'];

/** The descriptor of a rule id. */
export function ruleDescriptor(id: string): RuleDescriptor | undefined {
  return RULES.find((rule) => rule.id === id);
}
