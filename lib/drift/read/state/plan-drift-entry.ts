/**
 * One `resource_drift[]` entry of `terraform show -json` of a refresh-only
 * plan: what changed outside Terraform since the last apply.
 *
 *   { "address": "aws_instance.node[1]", "type": "aws_instance", …,
 *     "change": { "actions": ["delete"], "before": {…}, "after": null,
 *                 "before_sensitive": {…}, "after_sensitive": false } }
 *
 * `after: null` (or a delete action) means the object is gone; an update
 * carries the refreshed attributes in `after`.
 */
import { asArray, asRecord, asString } from './json-shapes';
import { sensitivePathsFromMirror } from './sensitive-paths';
import { projectAttributes } from '../../catalog/kept-attributes';
import { cloudOfType } from '../../catalog/resource-types';
import { DriftInputError } from '../../errors';
import { DriftAction, ResourceDrift } from '../../model';

/** Reduces `resource_drift[index]`; undefined for entries that are not a change (no-op, read). */
export function readPlanDriftEntry(raw: unknown, index: number, file: string): ResourceDrift | undefined {
  const entry = asRecord(raw);
  const address = asString(entry?.address);
  const type = asString(entry?.type);
  const change = asRecord(entry?.change);
  if (!entry || !address || !type || !change) {
    throw new DriftInputError(`resource_drift[${index}] is not a resource change (it needs "address", "type" and "change")`, file);
  }
  if (entry.mode === 'data' || (typeof entry.deposed === 'string' && entry.deposed !== '')) return undefined;
  const actions = asArray(change.actions);
  const after = asRecord(change.after);
  const deleted = change.after === null || (actions.includes('delete') && !actions.includes('create'));
  if (deleted) {
    return { address, type, cloud: cloudOfType(type), action: DriftAction.DELETED, sensitivePaths: [], file };
  }
  if (!after || !actions.includes('update')) return undefined;
  return {
    address,
    type,
    cloud: cloudOfType(type),
    action: DriftAction.UPDATED,
    after: projectAttributes(type, after),
    sensitivePaths: sensitivePathsFromMirror(change.after_sensitive),
    file,
  };
}
