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
export const RULES: readonly RuleDescriptor[] = [
  { id: 'network/missing', check: CheckId.NETWORK, name: 'NetworkResourceMissing', title: 'Network resource missing from the state', help: 'A configured VPC, subnet or firewall is not in the state. Run terraform apply, or import it if it exists.', defaultSeverity: Severity.ERROR },
  { id: 'network/deleted-outside', check: CheckId.NETWORK, name: 'NetworkResourceDeletedOutside', title: 'Network resource deleted outside Terraform', help: 'A refresh-only plan reports the network resource deleted. Run terraform apply to recreate it.', defaultSeverity: Severity.ERROR },
  { id: 'network/range', check: CheckId.NETWORK, name: 'NetworkRangeDrift', title: 'Network range differs from the configuration', help: 'A VPC, subnet or VNet range differs. Changing it back replaces the network: plan first.', defaultSeverity: Severity.ERROR },
  { id: 'network/firewall', check: CheckId.NETWORK, name: 'FirewallRuleDrift', title: 'Firewall rules differ from the configuration', help: 'Rules were added, removed or changed outside the configuration (compared after normalizing protocols, ports, addresses and rule layout).', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/absent-from-state', check: CheckId.MISSING_NODES, name: 'NodeAbsentFromState', title: 'Node missing from the state', help: 'A configured node is not in the state. Run terraform apply, or import the VM if it still exists.', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/deleted-outside', check: CheckId.MISSING_NODES, name: 'NodeDeletedOutside', title: 'Node deleted outside Terraform', help: 'A refresh-only plan reports the node VM deleted. Run terraform apply to recreate it.', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/absent-from-inventory', check: CheckId.MISSING_NODES, name: 'NodeAbsentFromInventory', title: 'Node missing from the cloud', help: 'The state has the node but the cloud inventory does not list it, or lists it terminated. Run terraform apply -replace=ADDR.', defaultSeverity: Severity.ERROR },
  { id: 'missing-nodes/stopped', check: CheckId.MISSING_NODES, name: 'NodeStopped', title: 'Node stopped', help: 'The cloud inventory lists the node as stopped. Start it or replace it.', defaultSeverity: Severity.WARNING },
  { id: 'missing-nodes/tainted', check: CheckId.MISSING_NODES, name: 'NodeTainted', title: 'Node tainted', help: 'Terraform marked the node tainted; the next apply replaces it.', defaultSeverity: Severity.WARNING },
  { id: 'unused-resources/not-desired', check: CheckId.UNUSED_RESOURCES, name: 'ResourceNotDesired', title: 'Resource in state but not configured', help: 'terraform apply destroys it; terraform state rm ADDR keeps the object unmanaged.', defaultSeverity: Severity.WARNING },
  { id: 'unused-resources/leaked', check: CheckId.UNUSED_RESOURCES, name: 'ResourceLeaked', title: 'Cloud object of the cluster unknown to the state', help: 'A VM carries the cluster UUID but no state knows it. Delete it with the cloud CLI or import it.', defaultSeverity: Severity.WARNING },
  { id: 'cleanup-guard/foreign-vm', check: CheckId.CLEANUP_GUARD, name: 'ForeignVmInClusterNetwork', title: 'Foreign VM in a cluster network', help: 'A VM without the cluster UUID is attached to a cluster network; destroying the cluster would fail. It is not the cluster’s to delete.', defaultSeverity: Severity.WARNING },
  { id: 'cleanup-guard/no-uuid', check: CheckId.CLEANUP_GUARD, name: 'ClusterUuidUnknown', title: 'Cluster UUID unknown', help: 'Without the cluster UUID, inventories cannot be checked for foreign or leaked VMs. Pass --cluster-uuid.', defaultSeverity: Severity.NOTE },
  { id: 'ignore-file/expired', check: CheckId.IGNORE_FILE, name: 'IgnoreEntryExpired', title: 'Ignore entry expired', help: 'An ignore entry is past its expiry date and no longer hides findings. Fix the drift, or renew the entry with a reason.', defaultSeverity: Severity.WARNING },
];

/** The descriptor of a rule id. */
export function ruleDescriptor(id: string): RuleDescriptor | undefined {
  return RULES.find((rule) => rule.id === id);
}
