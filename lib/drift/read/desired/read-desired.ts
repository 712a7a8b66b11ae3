/**
 * Reads synthesized stacks (`cdktf.out/stacks/<stack>/cdk.tf.json`) into the
 * desired model: resource blocks with their instance keys, module calls,
 * `moved` blocks, and the `cast_cluster` description.
 *
 * Values may hold `${…}` references that are unknown until apply; they are
 * kept as written and the checks compare only what is concrete.
 */
import * as fs from 'node:fs';
import { findClusterDescriptions, selectClusterDescription } from './cluster-description';
import { blockLine } from './block-line';
import { parseMove } from './move-endpoint';
import { CLUSTER_NAME_KEY, clusterUuidOf, tagsOf } from '../../catalog/cluster-tags';
import { cloudOfType } from '../../catalog/resource-types';
import { DriftInputError } from '../../errors';
import { ClusterDescription, DesiredResource, DesiredState, MoveStatement } from '../../model';
import { parseJsonSlice } from '../json/parse-json-slice';
import { describeFileError } from '../file-errors';
import { asRecord, asString } from '../state/json-shapes';
import { appendAll } from '../../append';

/** Keys a cdktf synth output may have at the top level. */
const STACK_KEYS = ['//', 'terraform', 'provider', 'resource', 'data', 'module', 'output', 'variable', 'locals', 'import', 'moved', 'removed', 'check'];

/** Reads and merges `files`; `overrideUuid` replaces the UUID found in them. */
export function readDesired(files: readonly string[], overrideUuid?: string): DesiredState {
  if (files.length === 0) throw new DriftInputError('no --desired file given: pass the synthesized cdk.tf.json of each stack');
  const resources = new Map<string, DesiredResource>();
  const modules = new Set<string>();
  const descriptions: ClusterDescription[] = [];
  const moves: MoveStatement[] = [];
  for (const file of files) {
    const stack = readStackFile(file);
    for (const resource of stackResources(stack.document, stack.text, file)) {
      const existing = resources.get(resource.address);
      if (existing) throw new DriftInputError(`declares ${resource.address}, which ${existing.file} declares too: pass each stack once`, file);
      resources.set(resource.address, resource);
    }
    for (const name of Object.keys(asRecord(stack.document.module) ?? {})) modules.add(name);
    appendAll(moves, movedBlocks(stack.document.moved, file));
    const outputs: Record<string, unknown> = {};
    for (const [name, output] of Object.entries(asRecord(stack.document.output) ?? {})) {
      const record = asRecord(output);
      if (record && 'value' in record && name !== '__proto__') outputs[name] = record.value;
    }
    appendAll(descriptions, findClusterDescriptions(outputs, file));
  }
  const override = overrideUuid?.toLowerCase();
  const description = selectClusterDescription(descriptions, override, 'the --desired stacks');
  if (override && descriptions.length > 0 && !description) {
    throw new DriftInputError(`--cluster-uuid ${override} is none of the clusters the --desired stacks describe (${descriptions.map((d) => d.uuid).join(', ')})`);
  }
  const uuid = override ?? description?.uuid ?? uuidFromTags(resources);
  return { files, resources, modules, description, clusterUuid: uuid, clusterName: description?.name ?? nameFromTags(resources), moves };
}

function readStackFile(file: string): { document: Record<string, unknown>; text: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new DriftInputError(describeFileError(error), file);
  }
  if (text.trim() === '') throw new DriftInputError('is empty: expected a synthesized stack (cdk.tf.json); run `cdktf synth`', file);
  const document = asRecord(parseJsonSlice(text, 0, file));
  if (!document) throw new DriftInputError('is not a JSON object: expected a synthesized stack (cdk.tf.json)', file);
  const keys = Object.keys(document);
  if (keys.includes('version') && (keys.includes('resources') || keys.includes('format_version'))) {
    throw new DriftInputError('is a Terraform state, not a synthesized stack: pass it with --state', file);
  }
  if (!keys.some((key) => STACK_KEYS.includes(key))) {
    throw new DriftInputError(`is not a synthesized stack (cdk.tf.json): it has none of "resource", "terraform", "output" (top-level keys: ${keys.slice(0, 5).join(', ') || 'none'})`, file);
  }
  return { document, text };
}

function stackResources(document: Record<string, unknown>, text: string, file: string): DesiredResource[] {
  const out: DesiredResource[] = [];
  for (const [type, blocks] of Object.entries(asRecord(document.resource) ?? {})) {
    for (const [name, rawBody] of Object.entries(asRecord(blocks) ?? {})) {
      const body = { ...(asRecord(rawBody) ?? {}) };
      const metadata = asRecord(asRecord(body['//'])?.metadata);
      delete body['//'];
      out.push({
        address: `${type}.${name}`,
        type,
        name,
        cloud: cloudOfType(type),
        body,
        instanceKeys: instanceKeys(body),
        constructPath: asString(metadata?.path),
        file,
        line: blockLine(text, type, name),
      });
    }
  }
  return out;
}

/**
 * The top-level `moved` blocks. cdktf writes a list, one entry per moved
 * resource (`resource.moveTo`, `moveToId`, `moveFromId`):
 * `"moved": [{"from": "aws_instance.a", "to": "aws_instance.b"}]`; HCL's JSON
 * syntax also takes a single object for one block without labels
 * (https://developer.hashicorp.com/terraform/language/syntax/json).
 * Terraform refuses a `moved` block without both addresses, or with
 * addresses it cannot read together (move-endpoint.ts), so this does too.
 */
function movedBlocks(raw: unknown, file: string): MoveStatement[] {
  if (raw === undefined) return [];
  const blocks = Array.isArray(raw) ? raw : [raw];
  return blocks.map((rawBlock, index) => {
    const block = asRecord(rawBlock);
    const from = moveEndpointText(block?.from);
    const to = moveEndpointText(block?.to);
    if (!from || !to) {
      throw new DriftInputError(`moved[${index}] is not a moved block: it needs the addresses "from" and "to" as strings (got ${JSON.stringify(rawBlock)?.slice(0, 80)})`, file);
    }
    const parsed = parseMove(from, to);
    if (typeof parsed === 'string') throw new DriftInputError(`moved[${index}]: ${parsed}; Terraform refuses this block too`, file);
    return { from, to, file };
  });
}

/** `aws_instance.a`, also when written as the template `${aws_instance.a}`. */
function moveEndpointText(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  const template = /^\$\{(.*)\}$/.exec(text);
  return (template ? template[1].trim() : text) || undefined;
}

/** More instances than any cluster has; a larger concrete count is treated as unknown rather than expanded. */
const MAX_EXPANDED_COUNT = 100000;

/** `[undefined]` for one instance, indexes for `count`, keys for `for_each`; undefined when not known until apply. */
function instanceKeys(body: Readonly<Record<string, unknown>>): (number | string | undefined)[] | undefined {
  const count = body.count;
  if (count !== undefined) {
    const n = typeof count === 'number' ? count : typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : NaN;
    if (Number.isInteger(n) && n >= 0 && n <= MAX_EXPANDED_COUNT) return Array.from({ length: n }, (_, i) => i);
    return undefined;
  }
  const forEach = body.for_each;
  if (forEach !== undefined) {
    if (Array.isArray(forEach) && forEach.every((key) => typeof key === 'string' && !key.includes('${'))) return [...new Set(forEach as string[])].sort();
    const map = asRecord(forEach);
    if (map && Object.keys(map).every((key) => !key.includes('${'))) return Object.keys(map).sort();
    return undefined;
  }
  return [undefined];
}

function concreteTagValues(resources: ReadonlyMap<string, DesiredResource>, pick: (tags: Record<string, string>) => string | undefined): Set<string> {
  const values = new Set<string>();
  for (const resource of resources.values()) {
    const value = pick(tagsOf(resource.body));
    if (value && !value.includes('${')) values.add(value);
  }
  return values;
}

function uuidFromTags(resources: ReadonlyMap<string, DesiredResource>): string | undefined {
  const uuids = concreteTagValues(resources, clusterUuidOf);
  if (uuids.size > 1) {
    throw new DriftInputError(`the --desired stacks carry ${uuids.size} cluster UUIDs in their tags (${[...uuids].slice(0, 3).join(', ')}): check one cluster at a time, or pass --cluster-uuid`);
  }
  return [...uuids][0];
}

function nameFromTags(resources: ReadonlyMap<string, DesiredResource>): string | undefined {
  const names = concreteTagValues(resources, (tags) => tags[CLUSTER_NAME_KEY]);
  return names.size === 1 ? [...names][0] : undefined;
}
