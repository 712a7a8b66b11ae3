/**
 * Matching state node resources to inventory VMs: the ids each side knows a
 * VM by, and whether an inventory covers the region/project/subscription a
 * node lives in (an inventory of eu-west-1 says nothing about us-east-1).
 */
import { Cloud } from '../../core/cloud';
import { isNodeType } from '../catalog/resource-types';
import { ActualState, Inventory, InventoryItem, StateResource } from '../model';
import { gcpResourcePath } from '../read/inventory/gcp';
import { asString } from '../read/state/json-shapes';

/** The ids an inventory may list a state VM under (lower-cased for Azure, whose ids are case-insensitive). */
export function stateVmIds(resource: StateResource): string[] {
  const attributes = resource.attributes;
  const strings = (...values: unknown[]) => values.filter((value): value is string => typeof value === 'string' && value !== '');
  switch (resource.cloud) {
    case Cloud.GCP: {
      const links = strings(attributes.self_link, attributes.id);
      return [...strings(attributes.instance_id), ...links, ...links.map(gcpResourcePath)];
    }
    case Cloud.AZURE:
      return strings(attributes.id, attributes.virtual_machine_id).map((id) => id.toLowerCase());
    default:
      return strings(attributes.id);
  }
}

/** The scope (AWS region, GCP project, Azure subscription) a state VM lives in, when known. */
export function stateVmScope(resource: StateResource): string | undefined {
  const attributes = resource.attributes;
  switch (resource.cloud) {
    case Cloud.AWS:
      return typeof attributes.availability_zone === 'string' ? attributes.availability_zone.replace(/[a-z]$/, '') : undefined;
    case Cloud.GCP:
      return typeof attributes.project === 'string' ? attributes.project : /projects\/([^/]+)/.exec(asString(attributes.self_link) ?? asString(attributes.id) ?? '')?.[1];
    case Cloud.AZURE:
      return /\/subscriptions\/([^/]+)/i.exec(asString(attributes.id) ?? '')?.[1]?.toLowerCase();
    default:
      return undefined;
  }
}

/** True when `inventory` lists the scope `resource` lives in (an empty inventory covers everything). */
export function inventoryCovers(inventory: Inventory, resource: StateResource): boolean {
  if (inventory.cloud !== resource.cloud) return false;
  const scopes = new Set(inventory.items.map((item) => item.scope).filter((scope) => scope !== undefined));
  const scope = stateVmScope(resource);
  return scopes.size === 0 || scope === undefined || scopes.has(scope);
}

/** Inventory items by every id and alias. */
export function inventoryIndex(inventories: readonly Inventory[]): Map<string, InventoryItem> {
  const index = new Map<string, InventoryItem>();
  for (const inventory of inventories) {
    for (const item of inventory.items) for (const id of [item.id, ...item.aliases]) index.set(`${item.cloud}/${id}`, item);
  }
  return index;
}

/** The inventory item for a state VM, if listed. */
export function findInventoryItem(index: ReadonlyMap<string, InventoryItem>, resource: StateResource): InventoryItem | undefined {
  for (const id of stateVmIds(resource)) {
    const item = index.get(`${resource.cloud}/${id}`);
    if (item) return item;
  }
  return undefined;
}

/** Every id by which the state knows a VM, per cloud (`aws/i-…`). */
export function stateVmIdSet(actual: ActualState): Set<string> {
  const ids = new Set<string>();
  for (const resource of actual.resources.values()) {
    if (!isNodeType(resource.type) || !resource.cloud) continue;
    for (const id of stateVmIds(resource)) ids.add(`${resource.cloud}/${id}`);
  }
  return ids;
}

/** True when the state knows the inventory item. */
export function isInState(ids: ReadonlySet<string>, item: InventoryItem): boolean {
  return [item.id, ...item.aliases].some((id) => ids.has(`${item.cloud}/${id}`));
}

/** A short name for an inventory item in messages: "node-1 (i-0abc…)". */
export function describeItem(item: InventoryItem): string {
  return item.name && item.name !== item.id ? `${item.name} (${item.id})` : item.id;
}

/** The pseudo-address of an object only an inventory lists: `aws:i-0abc…`. */
export function inventoryAddress(item: InventoryItem): string {
  return `${item.cloud}:${item.id}`;
}
