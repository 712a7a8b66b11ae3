/**
 * Missing resources: every resource instance the stacks declare, other than
 * nodes (missing-nodes-check.ts) and network ranges and firewalls
 * (network-check.ts), is in the state and was not deleted outside Terraform.
 * Each finding names the resource's role for a person (catalog/resource-roles.ts)
 * and takes its severity from what the absence breaks: a default route, a
 * network interface or a CA key is an error, an etcd backup bucket a warning.
 *
 * Instances of a resource whose `count`/`for_each` is unknown until apply
 * are whatever the state holds (desired-instances.ts), so none of them can be
 * called missing.
 */
import { viewOf } from './actual-view';
import { desiredInstances } from './desired-instances';
import { CheckId, Finding } from './finding';
import { importBlock } from './remediation';
import { describeRole, roleOf } from '../catalog/resource-roles';
import { isNetworkType, isNodeType } from '../catalog/resource-types';
import { ActualState, DesiredState } from '../model';

/** Runs the missing-resources check. */
export function checkMissingResources(desired: DesiredState, actual: ActualState): Finding[] {
  const findings: Finding[] = [];
  for (const instance of desiredInstances(desired, actual)) {
    const { resource, address } = instance;
    if (isNodeType(resource.type) || isNetworkType(resource.type)) continue;
    const view = viewOf(actual, address);
    if (view.resource) continue;
    const role = roleOf(resource);
    const who = describeRole(resource, desired);
    findings.push({
      check: CheckId.MISSING_RESOURCES,
      rule: view.deletedOutside ? 'missing-resources/deleted-outside' : 'missing-resources/absent-from-state',
      severity: role.severity,
      address,
      cloud: resource.cloud,
      type: resource.type,
      message: `${who} (${address}) ${view.deletedOutside ? 'was deleted outside Terraform (refresh-only plan)' : 'is in the configuration but not in the state'}: ${role.consequence}`,
      differences: [{ path: '', desired: 'present', actual: null }],
      remediation: view.deletedOutside
        ? 'Run `terraform plan`, then `terraform apply` to recreate it.'
        : `If it still exists in the cloud, import it (${importBlock(address, '<id>')}); otherwise run \`terraform plan\`, then \`terraform apply\` to create it.`,
      location: { file: resource.file, line: resource.line, constructPath: resource.constructPath },
    });
  }
  return findings;
}
