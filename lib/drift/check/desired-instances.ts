/**
 * Desired resources expanded to instance addresses: `count = 3` gives
 * `[0]`…`[2]`, `for_each` its keys. When `count`/`for_each` is unknown until
 * apply, the instances are whatever the state has for that resource (so they
 * can still be compared, but none can be called missing).
 */
import { ActualState, DesiredResource, DesiredState, StateResource } from '../model';
import { formatIndexKey, resourceAddress } from '../read/state/instance-address';

/** One desired instance. */
export interface DesiredInstance {
  readonly resource: DesiredResource;
  readonly address: string;
  readonly indexKey?: number | string;
  /** False when the instance keys were taken from the state (unknown count/for_each). */
  readonly keysKnown: boolean;
}

const INDEX_CACHE = new WeakMap<ActualState, Map<string, StateResource[]>>();

/** State instances grouped by resource address (`module.x.type.name`, no key). */
export function instancesByResource(actual: ActualState): ReadonlyMap<string, readonly StateResource[]> {
  let index = INDEX_CACHE.get(actual);
  if (!index) {
    index = new Map();
    for (const resource of actual.resources.values()) {
      const key = resourceAddress(resource.module, resource.mode, resource.type, resource.name);
      const list = index.get(key);
      if (list) list.push(resource);
      else index.set(key, [resource]);
    }
    INDEX_CACHE.set(actual, index);
  }
  return index;
}

/** Every desired instance, sorted by address. */
export function desiredInstances(desired: DesiredState, actual: ActualState): DesiredInstance[] {
  const out: DesiredInstance[] = [];
  const byResource = instancesByResource(actual);
  for (const resource of desired.resources.values()) {
    if (resource.instanceKeys) {
      for (const key of resource.instanceKeys) out.push({ resource, address: `${resource.address}${formatIndexKey(key)}`, indexKey: key, keysKnown: true });
    } else {
      for (const instance of byResource.get(resource.address) ?? []) out.push({ resource, address: instance.address, indexKey: instance.indexKey, keysKnown: false });
    }
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
