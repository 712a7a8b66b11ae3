/**
 * The actual object at an address, with a refresh-only plan's drift applied:
 * a deleted object is absent, an updated one carries the refreshed values.
 */
import { projectSensitivePaths } from '../read/state/sensitive-paths';
import { keptAttributes } from '../catalog/kept-attributes';
import { ActualState, AttributePath, DriftAction, StateResource } from '../model';

/** What is known about one address on the actual side. */
export interface ActualView {
  /** The state's record, unless it is absent (or deleted outside Terraform). */
  readonly resource?: StateResource;
  /** True when a refresh-only plan says it was deleted outside Terraform. */
  readonly deletedOutside: boolean;
  /** True when a refresh-only plan says it changed outside Terraform. */
  readonly changedOutside: boolean;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly sensitivePaths: readonly AttributePath[];
}

/** The view of `address`. */
export function viewOf(actual: ActualState, address: string): ActualView {
  const resource = actual.resources.get(address);
  const drift = actual.drift.get(address);
  if (drift?.action === DriftAction.DELETED) {
    return { deletedOutside: true, changedOutside: false, attributes: {}, sensitivePaths: [] };
  }
  if (!resource) return { deletedOutside: false, changedOutside: false, attributes: {}, sensitivePaths: [] };
  if (drift?.action === DriftAction.UPDATED && drift.after) {
    const sensitivePaths = [...resource.sensitivePaths, ...projectSensitivePaths(drift.sensitivePaths, keptAttributes(resource.type))];
    return { resource, deletedOutside: false, changedOutside: true, attributes: { ...resource.attributes, ...drift.after }, sensitivePaths };
  }
  return { resource, deletedOutside: false, changedOutside: false, attributes: resource.attributes, sensitivePaths: resource.sensitivePaths };
}

/** The effective attributes at `address`, or undefined when there is no object. */
export function effectiveAttributes(actual: ActualState, address: string): Readonly<Record<string, unknown>> | undefined {
  const view = viewOf(actual, address);
  return view.resource ? view.attributes : undefined;
}
