/**
 * One `resources[]` entry of a state file (format version 4, Terraform
 * 0.12–1.14 and OpenTofu) to StateResources, one per current instance.
 *
 *   { "module": "module.pool", "mode": "managed", "type": "aws_instance",
 *     "name": "worker", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
 *     "instances": [{ "index_key": 0, "status": "tainted", "attributes": {…},
 *                     "sensitive_attributes": [[{"type":"get_attr","value":"user_data"}]],
 *                     "dependencies": [ … ] }] }
 *
 * An instance entry with `"deposed": "<key>"` is a deposed object: the old
 * half of a `create_before_destroy` replacement that did not finish (the
 * state keeps it next to the new current object, under the same index key,
 * and the next apply destroys it; `Deposed` in Terraform's
 * internal/states/statefile/version4.go). It is returned with `deposedKey` set, so
 * that assembleActualState keeps it apart from the current objects.
 */
import { buildStateResource } from './build-state-resource';
import { asArray, asRecord, asString } from './json-shapes';
import { sensitivePathsFromState } from './sensitive-paths';
import { providerSource } from '../../catalog/resource-types';
import { DriftInputError } from '../../errors';
import { StateResource } from '../../model';

/** Reduces `resources[index]` of `file`. */
export function readStateV4Resource(raw: unknown, index: number, file: string): StateResource[] {
  const resource = asRecord(raw);
  const type = asString(resource?.type);
  const name = asString(resource?.name);
  if (!resource || !type || !name) {
    throw new DriftInputError(`resources[${index}] is not a state resource (it needs "type" and "name")`, file);
  }
  const mode = resource.mode === 'data' ? 'data' : 'managed';
  const module = asString(resource.module) ?? '';
  const provider = providerSource(asString(resource.provider) ?? '');
  const out: StateResource[] = [];
  for (const rawInstance of asArray(resource.instances)) {
    const instance = asRecord(rawInstance);
    if (!instance) continue;
    const key = instance.index_key;
    const deposed = instance.deposed;
    out.push(
      buildStateResource({
        module,
        mode,
        type,
        name,
        indexKey: typeof key === 'number' || typeof key === 'string' ? key : undefined,
        provider,
        tainted: instance.status === 'tainted',
        deposedKey: typeof deposed === 'string' && deposed !== '' ? deposed : undefined,
        attributes: asRecord(instance.attributes) ?? flatAttributes(instance.attributes_flat),
        sensitivePaths: sensitivePathsFromState(instance.sensitive_attributes),
        file,
      }),
    );
  }
  return out;
}

/** Pre-0.12 `attributes_flat` (`"tags.Name": "x"`) kept as top-level strings only. */
function flatAttributes(raw: unknown): Record<string, unknown> {
  const flat = asRecord(raw);
  if (!flat) return {};
  const out: Record<string, unknown> = {};
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (typeof value !== 'string') continue;
    if (key.startsWith('tags.') && key !== 'tags.%') tags[key.slice(5)] = value;
    else if (!key.includes('.')) out[key] = value;
  }
  if (Object.keys(tags).length > 0) out.tags = tags;
  return out;
}
