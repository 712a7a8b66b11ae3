/**
 * Unused resources: managed resources in the state that no stack declares
 * any more (`terraform apply` would destroy them), and VMs an inventory lists
 * with the cluster UUID that no state knows (leaked: nothing will ever clean
 * them up). Resources inside a declared module call are the module's
 * business and are not reported. Instances of a described autoscaled group
 * (tag `cast-scaling-group`) are the cloud's to manage, not leaked; those of a
 * group the description no longer has are, and the message names the group.
 * Deposed objects, which the next apply destroys, are reported here too
 * (deposed-objects.ts).
 */
import { deposedFindings } from './deposed-objects';
import { CheckId, Finding, Severity } from './finding';
import { describeItem, inventoryAddress, isInState, stateVmIdSet } from './inventory-match';
import { deleteCommand, importBlock, stateRmCommand } from './remediation';
import { classifyScaledItem, describedScalingGroups, scaledItemClause, ScaledItemVerdict } from './scaling-groups';
import { CLOUD_DISPLAY_NAME } from '../../core/cloud';
import { ActualState, DesiredResource, DesiredState, DriftAction, InventoryItem } from '../model';
import { topModuleName } from '../read/state/instance-address';
import { appendAll } from '../append';

/** Runs the unused-resources check. */
export function checkUnusedResources(desired: DesiredState, actual: ActualState, clusterUuid: string | undefined): Finding[] {
  const findings: Finding[] = [];
  const keySets = new Map<DesiredResource, ReadonlySet<number | string | undefined>>();
  for (const resource of actual.resources.values()) {
    if (resource.mode !== 'managed') continue;
    const module = topModuleName(resource.module);
    let reason: string | undefined;
    if (module !== undefined) {
      if (!desired.modules.has(module)) reason = `module "${module}" is no longer called`;
    } else {
      const block = desired.resources.get(`${resource.type}.${resource.name}`);
      if (!block) reason = 'no stack declares it';
      else if (block.instanceKeys && !instanceKeySet(keySets, block, block.instanceKeys).has(resource.indexKey)) reason = `its ${typeof resource.indexKey === 'string' ? 'for_each key' : 'count index'} is no longer configured`;
    }
    // What viewOf(…).deletedOutside says, without a view of each instance of the state (27,000 findings: 40 ms).
    if (!reason || actual.drift.get(resource.address)?.action === DriftAction.DELETED) continue;
    findings.push({
      check: CheckId.UNUSED_RESOURCES,
      rule: 'unused-resources/not-desired',
      severity: Severity.WARNING,
      address: resource.address,
      cloud: resource.cloud,
      type: resource.type,
      message: `${resource.address} is in the state but ${reason}`,
      differences: [{ path: '', desired: null, actual: 'present' }],
      remediation: `\`terraform apply\` destroys it. To keep the object but stop managing it, run \`${stateRmCommand(resource.address)}\` (or add a \`removed\` block).`,
      tags: resource.tags,
    });
  }
  appendAll(findings, deposedFindings(desired, actual));
  // The state's VM ids are needed only to match inventories against.
  if (!clusterUuid || actual.inventories.length === 0) return findings;
  const known = stateVmIdSet(actual);
  const groups = describedScalingGroups(desired, actual);
  for (const inventory of actual.inventories) {
    for (const item of inventory.items) {
      if (item.clusterUuid !== clusterUuid || item.status === 'terminated' || isInState(known, item)) continue;
      const verdict = classifyScaledItem(item, groups);
      if (verdict.kind === 'scaled' || verdict.kind === 'unknown') continue;
      findings.push({
        check: CheckId.UNUSED_RESOURCES,
        rule: 'unused-resources/leaked',
        severity: Severity.WARNING,
        address: inventoryAddress(item),
        cloud: item.cloud,
        type: item.resourceType,
        message: `${CLOUD_DISPLAY_NAME[item.cloud]} VM ${describeItem(item)} carries this cluster's UUID but no state knows it (leaked)${scaledItemClause(verdict)}`,
        differences: [{ path: '', desired: null, actual: 'present' }],
        remediation: leakedRemediation(item, verdict),
        tags: item.tags,
      });
    }
  }
  return findings;
}

function leakedRemediation(item: InventoryItem, verdict: ScaledItemVerdict): string {
  const remove = `\`${deleteCommand(item)}\``;
  switch (verdict.kind) {
    case 'group-gone':
      return `Delete it: ${remove}; scaling group "${verdict.group}", which created it, is gone, so nothing else will.`;
    case 'undescribed':
      return `If scaling group "${verdict.group}" still exists, this is one of its instances and the group manages it; a cluster description listing scaling groups (CastCluster's cast_cluster_<name> output) lets cast-drift tell. Otherwise delete it: ${remove}.`;
    default:
      return `Delete it: ${remove}; or, if it should be a node, import it: ${importBlock(`${item.resourceType}.<name>`, item.id)}.`;
  }
}

/**
 * A block's instance keys as a set, made once per block: `instanceKeys.includes` for each
 * instance in the state is quadratic (a `count` of 100,000 in sync took 10 s).
 */
function instanceKeySet(cache: Map<DesiredResource, ReadonlySet<number | string | undefined>>, block: DesiredResource, keys: readonly (number | string | undefined)[]): ReadonlySet<number | string | undefined> {
  let set = cache.get(block);
  if (!set) {
    set = new Set(keys);
    cache.set(block, set);
  }
  return set;
}
