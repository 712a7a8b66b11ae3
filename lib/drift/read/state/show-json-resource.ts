/**
 * One resource of `terraform show -json` (`values.root_module.resources[]`
 * or a `child_modules[].resources[]`) to a StateResource.
 *
 *   { "address": "module.pool.aws_instance.worker[0]", "mode": "managed",
 *     "type": "aws_instance", "name": "worker", "index": 0,
 *     "provider_name": "registry.terraform.io/hashicorp/aws",
 *     "values": {…}, "sensitive_values": {"user_data": true}, "tainted": true }
 *
 * The module path is the address minus its `type.name[key]` tail.
 *
 * A deposed object is an entry of its own with the instance's address and a
 * `"deposed_key"` (Terraform's internal/command/jsonstate/state.go appends
 * one entry per deposed object after the current one; documented as
 * "deposed_key" in https://developer.hashicorp.com/terraform/internals/json-format);
 * the same code writes a plan's `prior_state`. It is returned with
 * `deposedKey` set.
 */
import { buildStateResource } from './build-state-resource';
import { asRecord, asString } from './json-shapes';
import { formatIndexKey } from './instance-address';
import { sensitivePathsFromMirror } from './sensitive-paths';
import { DriftInputError } from '../../errors';
import { StateResource } from '../../model';

/** Reduces one show-json resource; `where` names it in errors (e.g. `values.root_module.resources[3]`). */
export function readShowJsonResource(raw: unknown, where: string, file: string): StateResource | undefined {
  const resource = asRecord(raw);
  const type = asString(resource?.type);
  const name = asString(resource?.name);
  if (!resource || !type || !name) {
    throw new DriftInputError(`${where} is not a resource (it needs "type" and "name")`, file);
  }
  const mode = resource.mode === 'data' ? 'data' : 'managed';
  const index = resource.index;
  const indexKey = typeof index === 'number' || typeof index === 'string' ? index : undefined;
  return buildStateResource({
    module: moduleOf(asString(resource.address), mode, type, name, indexKey),
    mode,
    type,
    name,
    indexKey,
    provider: asString(resource.provider_name) ?? '',
    tainted: resource.tainted === true,
    deposedKey: typeof resource.deposed_key === 'string' && resource.deposed_key !== '' ? resource.deposed_key : undefined,
    attributes: asRecord(resource.values) ?? {},
    sensitivePaths: sensitivePathsFromMirror(resource.sensitive_values),
    file,
  });
}

function moduleOf(address: string | undefined, mode: 'managed' | 'data', type: string, name: string, key: number | string | undefined): string {
  if (!address) return '';
  const tail = `${mode === 'data' ? 'data.' : ''}${type}.${name}${formatIndexKey(key)}`;
  if (address === tail) return '';
  return address.endsWith(`.${tail}`) ? address.slice(0, -tail.length - 1) : '';
}
