/**
 * Autoscaled worker groups (AWS ASG, GCP MIG, Azure VMSS, DigitalOcean
 * droplet autoscale pool): the cloud creates their instances, so no state
 * knows them, but they are not leaked. Each carries the cluster labels plus
 * `cast-scaling-group` = the group's name, which the cluster description's
 * `scalingGroups` lists.
 */
import { Cloud, CLOUD_DISPLAY_NAME } from '../../core/cloud';
import { scalingGroupOf } from '../catalog/cluster-tags';
import { ActualState, DescribedScalingGroup, DesiredState, InventoryItem } from '../model';

/** What an inventory VM unknown to every state is, given its `cast-scaling-group` tag. */
export type ScaledItemVerdict =
  /** No `cast-scaling-group` tag: an ordinary VM. */
  | { readonly kind: 'untagged' }
  /** An instance of a described group of its cloud: a scaled node. */
  | { readonly kind: 'scaled'; readonly group: string }
  /** The description lists no group of that name on the VM's cloud: the group is gone. */
  | { readonly kind: 'group-gone'; readonly group: string; readonly otherClouds: readonly Cloud[] }
  /** No group of that name, but some group of the VM's cloud has a name not known until apply: cannot tell. */
  | { readonly kind: 'unknown'; readonly group: string }
  /** No description lists scaling groups, so whether the group exists is unknown. */
  | { readonly kind: 'undescribed'; readonly group: string };

/**
 * The scaling groups of the stacks' and the state's descriptions (a group
 * either knows still exists, or exists until the next apply); undefined when
 * neither description has a `scalingGroups` list.
 */
export function describedScalingGroups(desired: DesiredState, actual: ActualState): readonly DescribedScalingGroup[] | undefined {
  const lists = [desired.description?.scalingGroups, actual.description?.scalingGroups].filter((list): list is readonly DescribedScalingGroup[] => list !== undefined);
  return lists.length === 0 ? undefined : lists.flat();
}

/** Classifies an inventory VM by its `cast-scaling-group` tag against the described groups. */
export function classifyScaledItem(item: InventoryItem, groups: readonly DescribedScalingGroup[] | undefined): ScaledItemVerdict {
  const group = scalingGroupOf(item.tags);
  if (group === undefined) return { kind: 'untagged' };
  if (groups === undefined) return { kind: 'undescribed', group };
  const sameName = groups.filter((candidate) => candidate.name !== undefined && sameGroupName(candidate.name, group, item.cloud));
  if (sameName.some((candidate) => candidate.cloud === undefined || candidate.cloud === item.cloud)) return { kind: 'scaled', group };
  if (groups.some((candidate) => candidate.name === undefined && (candidate.cloud === undefined || candidate.cloud === item.cloud))) return { kind: 'unknown', group };
  const otherClouds = [...new Set(sameName.map((candidate) => candidate.cloud).filter((cloud): cloud is Cloud => cloud !== undefined))];
  return { kind: 'group-gone', group, otherClouds };
}

/** True when `item` is tagged as an instance of an autoscaled group (described or not). */
export function isScaledInstance(item: InventoryItem): boolean {
  return scalingGroupOf(item.tags) !== undefined;
}

/** Azure resource names are case-insensitive; the other clouds' group names are compared as written. */
function sameGroupName(described: string, tagged: string, cloud: Cloud): boolean {
  return cloud === Cloud.AZURE ? described.toLowerCase() === tagged.toLowerCase() : described === tagged;
}

/** The clause a leaked-VM message adds for a tagged VM; empty for an untagged one. */
export function scaledItemClause(verdict: ScaledItemVerdict): string {
  switch (verdict.kind) {
    case 'group-gone':
      return verdict.otherClouds.length > 0
        ? `: its cast-scaling-group tag names scaling group "${verdict.group}", which the cluster description has only on ${verdict.otherClouds.map((cloud) => CLOUD_DISPLAY_NAME[cloud]).join(', ')}`
        : `: its cast-scaling-group tag names scaling group "${verdict.group}", which the cluster description no longer has (the group is gone, its instance was left behind)`;
    case 'undescribed':
      return `; it has a cast-scaling-group tag (scaling group "${verdict.group}"), but no cluster description lists scaling groups, so whether that group still exists is unknown`;
    default:
      return '';
  }
}
