/**
 * What a check reports. Every finding names the resource, the cloud, what
 * differs (never a sensitive value: those print as "(sensitive)") and how to
 * fix it. The JSON report (schema cast-drift/v1) serializes these fields as is.
 */
import { Cloud } from '../../core/cloud';
import type { RuleId } from './rules';

/** How serious a finding is; the same three levels as SARIF. */
export enum Severity {
  ERROR = 'error',
  WARNING = 'warning',
  NOTE = 'note',
}

/** The checks. */
export enum CheckId {
  /** Network ranges and firewall rule sets match the configuration. */
  NETWORK = 'network',
  /** Every desired node exists, is not tainted and is alive in the cloud. */
  MISSING_NODES = 'missing-nodes',
  /** Every other resource the stacks declare is in the state and was not deleted outside Terraform. */
  MISSING_RESOURCES = 'missing-resources',
  /** What ties nodes to the network is as configured: firewalls, subnets, routes, addresses; and each node's size and image. */
  ATTACHMENTS = 'attachments',
  /** Nothing is in state or in the cloud that the configuration no longer wants. */
  UNUSED_RESOURCES = 'unused-resources',
  /** No VM without the cluster UUID sits in a cluster network (deleting the cluster would fail). */
  CLEANUP_GUARD = 'cleanup-guard',
  /** No resource of the state carries another cluster's UUID. */
  CLUSTER_IDENTITY = 'cluster-identity',
  /** The ignore file itself: expired entries. */
  IGNORE_FILE = 'ignore-file',
}

/** One value that differs. `desired`/`actual` are JSON values; null means absent. */
export interface Difference {
  /** Where: an attribute path or a rule group, e.g. `cidr_block`, `rules[ingress allow tcp from 0.0.0.0/0].ports`. */
  readonly path: string;
  readonly desired: unknown;
  readonly actual: unknown;
}

/** The printed stand-in for a sensitive value. */
export const SENSITIVE = '(sensitive)';

/** One finding. */
export interface Finding {
  readonly check: CheckId;
  /** The rule within the check, e.g. `missing-nodes/tainted` (the SARIF ruleId). */
  readonly rule: RuleId;
  readonly severity: Severity;
  /** Terraform address, or `<cloud>:<id>` for an object only an inventory lists. */
  readonly address: string;
  /** The cloud, or undefined for a resource of another provider. */
  readonly cloud?: Cloud;
  /** Resource type, e.g. `aws_instance` (for ignore patterns and reports). */
  readonly type?: string;
  /** One sentence: what is wrong. */
  readonly message: string;
  readonly differences: readonly Difference[];
  /** What to run or change to fix it. */
  readonly remediation: string;
  /** Tags/labels of the object, for ignore patterns (not printed). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Where the desired resource is declared, when it is. */
  readonly location?: { readonly file: string; readonly line?: number; readonly constructPath?: string };
}
