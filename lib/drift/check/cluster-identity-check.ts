/**
 * Cluster identity: a resource of this cluster's state that carries another
 * cluster's `cast-cluster-uuid`. Whatever goes by that UUID (the other
 * cluster's leaked-VM check and guard-destroy, an ignore file's tag selector)
 * treats the resource as the other cluster's, and this cluster's guard treats
 * such a VM as foreign. A state with no resource of this cluster at all
 * is refused before the checks run (state-of-cluster.ts); this check is for
 * the mix.
 *
 * A stack may describe several clusters (`--cluster-uuid` picks one): a
 * resource whose block in the stacks is tagged with that other UUID is as
 * configured and not reported.
 */
import { CheckId, Finding, Severity } from './finding';
import { stateRmCommand } from './remediation';
import { CLUSTER_UUID_KEY, clusterUuidOf, tagsOf } from '../catalog/cluster-tags';
import { ActualState, DesiredState, StateResource } from '../model';
import { topModuleName } from '../read/state/instance-address';
import { describeCluster } from '../state-of-cluster';

/** Runs the cluster-identity check; without the cluster UUID there is nothing to compare. */
export function checkClusterIdentity(desired: DesiredState, actual: ActualState, clusterUuid: string | undefined): Finding[] {
  if (!clusterUuid) return [];
  const findings: Finding[] = [];
  for (const resource of actual.resources.values()) {
    const other = resource.clusterUuid;
    if (resource.mode !== 'managed' || other === undefined || other === clusterUuid) continue;
    if (configuredUuid(desired, resource) === other) continue;
    findings.push({
      check: CheckId.CLUSTER_IDENTITY,
      rule: 'cluster-identity/other-cluster',
      severity: Severity.ERROR,
      address: resource.address,
      cloud: resource.cloud,
      type: resource.type,
      message: `${resource.address} is in the state of ${describeCluster(desired.clusterName, clusterUuid)} but carries cast-cluster-uuid ${other}, another cluster's: what goes by the UUID takes it for that cluster's (its drift check calls such a VM leaked and offers to delete it; this cluster's guard-destroy calls it foreign)`,
      differences: [{ path: `tags.${CLUSTER_UUID_KEY}`, desired: clusterUuid, actual: other }],
      remediation: `If it is this cluster's, \`terraform apply\` tags it with ${clusterUuid} again. If it belongs to cluster ${other}, take it out of this state with \`${stateRmCommand(resource.address)}\` (the object stays) and manage it from that cluster's stack.`,
      tags: resource.tags,
    });
  }
  return findings;
}

/** The concrete cluster UUID the stacks tag the resource's block with, if any. */
function configuredUuid(desired: DesiredState, resource: StateResource): string | undefined {
  if (topModuleName(resource.module) !== undefined) return undefined;
  const block = desired.resources.get(`${resource.type}.${resource.name}`);
  const uuid = block ? clusterUuidOf(tagsOf(block.body)) : undefined;
  return uuid !== undefined && !uuid.includes('${') ? uuid : undefined;
}
