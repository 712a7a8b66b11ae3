/**
 * Merges the reduced inputs (states, plans, inventories) into one ActualState.
 * Pure: the documents were read by readInput. Deposed objects (`deposedKey`
 * set) go to `deposed`: they share their instance's address but are not its
 * current object, so no check that compares current objects sees them.
 */
import { findClusterDescriptions, selectClusterDescription } from './desired/cluster-description';
import { InputDocument, InputKind } from './input-document';
import { DriftInputError } from '../errors';
import { ActualState, ClusterDescription, Inventory, ResourceDrift, StateResource } from '../model';
import { appendAll } from '../append';

/**
 * Builds the actual side from state documents, plan documents and inventory
 * documents; `clusterUuid` picks the state's description when it holds several.
 */
export function assembleActualState(states: readonly InputDocument[], plans: readonly InputDocument[], inventories: readonly InputDocument[], clusterUuid?: string): ActualState {
  const resources = new Map<string, StateResource>();
  const deposed: StateResource[] = [];
  const clusterUuids = new Map<string, number>();
  const descriptions: ClusterDescription[] = [];
  for (const document of states) {
    for (const resource of document.resources) {
      if (resource.deposedKey !== undefined) {
        deposed.push(resource);
        continue;
      }
      const existing = resources.get(resource.address);
      if (existing && existing.file !== resource.file) {
        throw new DriftInputError(`holds ${resource.address}, which ${existing.file} holds too: pass each stack's state once`, resource.file);
      }
      resources.set(resource.address, resource);
      if (resource.clusterUuid) clusterUuids.set(resource.clusterUuid, (clusterUuids.get(resource.clusterUuid) ?? 0) + 1);
    }
    appendAll(descriptions, findClusterDescriptions(document.outputs, document.file));
  }
  const description = clusterUuid ? descriptions.find((d) => d.uuid === clusterUuid) : selectClusterDescription(descriptions, undefined, 'the states');
  const drift = new Map<string, ResourceDrift>();
  for (const document of [...states, ...plans]) {
    for (const entry of document.drift) drift.set(entry.address, entry);
  }
  const inventoryList: Inventory[] = inventories
    .filter((document) => document.kind === InputKind.INVENTORY && document.inventoryCloud !== undefined)
    .map((document) => ({ cloud: document.inventoryCloud!, file: document.file, items: document.inventoryItems }));
  return {
    files: [...states, ...plans, ...inventories].map((document) => document.file),
    resources,
    deposed: deposed.sort(byAddressAndKey),
    drift,
    inventories: inventoryList,
    description,
    clusterUuids,
  };
}

function byAddressAndKey(a: StateResource, b: StateResource): number {
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  const [x, y] = [a.deposedKey ?? '', b.deposedKey ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
}
