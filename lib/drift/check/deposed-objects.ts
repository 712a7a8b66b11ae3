/**
 * Deposed objects: the old half of a `create_before_destroy` replacement
 * that did not finish (the new object was created, destroying the old one
 * failed or was interrupted). The state keeps the old object under the
 * instance's address with a deposed key, and the next `terraform apply`
 * destroys it (https://developer.hashicorp.com/terraform/internals/json-format:
 * "deposed_key", an object that "will be destroyed on the next apply").
 *
 * A node VM is destroyed without a drain: pods on it are killed, and a
 * control plane's etcd member stays in the member list, counted for quorum
 * but gone (etcd needs a majority of members working to change membership:
 * https://etcd.io/docs/v3.5/op-guide/runtime-configuration/). So a deposed
 * node VM is an error, with the steps of docs/lifecycle.md ("A removed
 * control plane stays an etcd member until you remove it"); any other
 * deposed object is a warning.
 */
import { CheckId, Finding, Severity } from './finding';
import { isNodeType } from '../catalog/resource-types';
import { ActualState, DescribedNode, DesiredState, StateResource } from '../model';
import { NodeRole } from '../../core/node-role';

/** One finding per deposed object (rule `unused-resources/deposed`). */
export function deposedFindings(desired: DesiredState, actual: ActualState): Finding[] {
  const nodes = desired.description?.nodes ?? actual.description?.nodes ?? [];
  const findings: Finding[] = [];
  for (const record of actual.deposed ?? []) {
    if (record.mode !== 'managed' || record.deposedKey === undefined) continue;
    const node = isNodeType(record.type);
    const described = node ? nodes.find((candidate) => candidate.address === record.address) : undefined;
    const id = record.id !== undefined && !idIsSensitive(record) ? `, id ${record.id}` : '';
    const what = node ? `an old VM of node ${described?.name ? `${described.name} (${record.address})` : record.address}` : `an old object of ${record.address}`;
    findings.push({
      check: CheckId.UNUSED_RESOURCES,
      rule: 'unused-resources/deposed',
      severity: node ? Severity.ERROR : Severity.WARNING,
      address: record.address,
      cloud: record.cloud,
      type: record.type,
      message: `the state holds ${what} (deposed object ${record.deposedKey}${id}), left by a create_before_destroy replacement that did not finish: the next \`terraform apply\` destroys it${node ? ' without draining it' : ''}`,
      differences: [{ path: 'deposed', desired: null, actual: record.deposedKey }],
      remediation: node ? nodeRemediation(described, record) : 'Nothing to keep: the next `terraform apply` destroys it. If an earlier apply failed to destroy it, fix what stopped it (the apply log names it) before applying again.',
      tags: record.tags,
    });
  }
  return findings;
}

function nodeRemediation(described: DescribedNode | undefined, record: StateResource): string {
  const name = described?.name ?? '<node>';
  const which = record.id !== undefined && !idIsSensitive(record) ? ` (the one on VM ${record.id}: \`kubectl get nodes -o wide\`)` : '';
  const drain = `drain its Kubernetes node${which} and remove it: \`kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data\`, then \`kubectl delete node ${name}\``;
  const etcd = `remove the old VM's etcd member first: \`sudo /opt/cast/mesh/etcd-remove-member.sh ${name}\` on another control plane (it refuses when etcd would lose its quorum)`;
  switch (described?.role) {
    case NodeRole.CONTROL_PLANE:
      return `Before the next \`terraform apply\`: it is a control plane, so ${etcd}; then ${drain}.`;
    case NodeRole.WORKER:
      return `Before the next \`terraform apply\`, ${drain}.`;
    default:
      return `Before the next \`terraform apply\`, ${drain}. If it is a control plane, ${etcd}.`;
  }
}

/** True when Terraform marks the id sensitive (no provider does; checked so that it is never printed if one did). */
function idIsSensitive(record: StateResource): boolean {
  return record.sensitivePaths.some((path) => path.length === 0 || path[0] === 'id');
}
