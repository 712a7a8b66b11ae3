/**
 * Checks one body of a synthesized stack (a resource, data source or provider block, and
 * recursively its nested blocks and nested attributes) against its schema block.
 * Values follow Terraform's conversions: numbers and bools are accepted for strings,
 * "80" for numbers and "true" for bools; a string holding `${…}` may be any type.
 */
import {
  ConformanceProblem, NAMES_LOST_UPSTREAM, NestedType, SchemaAttribute, SchemaBlock, SchemaBlockType,
  TypeExpression, describeType, didYouMean,
} from './provider-schema';
import { isExpression } from './terraform-references';

/** Where problems go, and the address they belong to. */
export interface BodyCheck {
  readonly address: string;
  readonly problems: ConformanceProblem[];
}

export interface BodyOptions {
  /** Keys that are not schema arguments (meta-arguments such as count, lifecycle, alias). */
  readonly meta?: ReadonlySet<string>;
  /** The body is an attribute value (nested_type), not a block: expressions allowed, no `dynamic`. */
  readonly isValue?: boolean;
}

type Json = unknown;
type JsonObject = { readonly [key: string]: Json };

const DYNAMIC_KEYS = new Set(['for_each', 'iterator', 'labels', 'content', '//']);

/** Checks `body` against `block`; `label` names it in messages, e.g. `aws_instance block "ebs_block_device"`. */
export function checkBlockBody(
  body: Json, block: SchemaBlock, path: string, label: string, check: BodyCheck, options: BodyOptions = {},
): void {
  if (options.isValue && typeof body === 'string' && isExpression(body)) return;
  if (!isObject(body)) {
    report(check, path, `${path || label} must be an object (got ${describeValue(body)})`);
    return;
  }
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  const dynamic = !options.isValue && body.dynamic !== undefined
    ? checkDynamic(body.dynamic, block, joinPath(path, 'dynamic'), label, check)
    : new Set<string>();
  for (const [name, value] of Object.entries(body)) {
    if (name === '//' || options.meta?.has(name) || (name === 'dynamic' && !options.isValue)) continue;
    const at = joinPath(path, name);
    if (attributes[name]) {
      checkAttribute(value, attributes[name], at, name, label, check);
    } else if (blocks[name]) {
      checkBlocks(value, blocks[name], at, name, label, check);
    } else if (!NAMES_LOST_UPSTREAM.has(name)) {
      const settable = Object.keys(attributes).filter((a) => !isReadOnly(attributes[a])).concat(Object.keys(blocks));
      report(check, at, `unknown argument "${name}" in ${label}${didYouMean(name, settable)}`);
    }
  }
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && body[name] == null) {
      report(check, joinPath(path, name), `missing required argument "${name}" in ${label}`);
    }
  }
  for (const [name, blockType] of Object.entries(blocks)) {
    const min = blockType.min_items ?? 0;
    if (min > 0 && body[name] == null && !dynamic.has(name)) {
      report(check, joinPath(path, name), `missing required block "${name}" in ${label} (needs at least ${min})`);
    }
  }
}

/** Checks a JSON value against a cty type. */
export function checkValue(value: Json, type: TypeExpression, path: string, check: BodyCheck): void {
  if (value === null || type === 'dynamic' || (typeof value === 'string' && isExpression(value))) return;
  const fail = () => report(check, path, `${path} must be of type ${describeType(type)} (got ${describeValue(value)})`);
  if (typeof type === 'string') {
    const ok = type === 'string' ? typeof value !== 'object'
      : type === 'number' ? typeof value === 'number' || (typeof value === 'string' && NUMBER.test(value))
        : type === 'bool' ? typeof value === 'boolean' || value === 'true' || value === 'false'
          : true;
    if (!ok) fail();
    return;
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) return fail();
    value.forEach((item, i) => checkValue(item, inner as TypeExpression, `${path}[${i}]`, check));
  } else if (kind === 'map') {
    if (!isObject(value)) return fail();
    for (const [key, item] of entries(value)) checkValue(item, inner as TypeExpression, `${path}["${key}"]`, check);
  } else if (kind === 'object') {
    if (!isObject(value)) return fail();
    const attributeTypes = inner as Record<string, TypeExpression>;
    for (const [key, item] of entries(value)) {
      if (attributeTypes[key] !== undefined) {
        checkValue(item, attributeTypes[key], `${path}.${key}`, check);
      } else if (!NAMES_LOST_UPSTREAM.has(key)) {
        const hint = didYouMean(key, Object.keys(attributeTypes));
        report(check, `${path}.${key}`, `unknown attribute "${key}" in ${path}, of type ${describeType(type)}${hint}`);
      }
    }
  } else if (kind === 'tuple') {
    const itemTypes = inner as TypeExpression[];
    if (!Array.isArray(value) || value.length !== itemTypes.length) return fail();
    value.forEach((item, i) => checkValue(item, itemTypes[i], `${path}[${i}]`, check));
  }
}

function checkAttribute(
  value: Json, attribute: SchemaAttribute, path: string, name: string, label: string, check: BodyCheck,
): void {
  if (value === null) return;
  if (isReadOnly(attribute)) {
    report(check, path, `"${name}" is read-only in ${label} (the provider computes it); remove it and read it from the resource instead`);
  } else if (attribute.nested_type) {
    checkNested(value, attribute.nested_type, path, `${label} attribute "${name}"`, check);
  } else if (attribute.type !== undefined) {
    checkValue(value, attribute.type, path, check);
  }
}

function checkNested(value: Json, nested: NestedType, path: string, label: string, check: BodyCheck): void {
  if (typeof value === 'string' && isExpression(value)) return;
  const block: SchemaBlock = { attributes: nested.attributes };
  if (nested.nesting_mode === 'single') {
    checkBlockBody(value, block, path, label, check, { isValue: true });
  } else if (nested.nesting_mode === 'map') {
    if (!isObject(value)) return report(check, path, `${path} must be a map of objects (got ${describeValue(value)})`);
    for (const [key, item] of entries(value)) checkBlockBody(item, block, `${path}["${key}"]`, label, check, { isValue: true });
  } else {
    if (!Array.isArray(value)) return report(check, path, `${path} must be a list of objects (got ${describeValue(value)})`);
    checkCount(value.length, nested.min_items ?? 0, nested.max_items, path, 'items', label, check);
    value.forEach((item, i) => checkBlockBody(item, block, `${path}[${i}]`, label, check, { isValue: true }));
  }
}

function checkBlocks(value: Json, blockType: SchemaBlockType, path: string, name: string, label: string, check: BodyCheck): void {
  if (value === null) return;
  const blockLabel = `${label} block "${name}"`;
  if (!isObject(value) && !Array.isArray(value)) {
    report(check, path, `"${name}" is a block of ${label}: write it as an object or a list of objects (got ${describeValue(value)}); to build blocks from an expression use a dynamic block`);
    return;
  }
  if (blockType.nesting_mode === 'map') {
    if (!isObject(value)) return report(check, path, `"${name}" blocks of ${label} must be an object keyed by label (got ${describeValue(value)})`);
    for (const [key, item] of entries(value)) checkBlockBody(item, blockType.block, `${path}["${key}"]`, blockLabel, check);
    return;
  }
  const items = Array.isArray(value) ? value : [value];
  const single = blockType.nesting_mode === 'single' || blockType.nesting_mode === 'group';
  checkCount(items.length, blockType.min_items ?? 0, single ? 1 : blockType.max_items, path, `"${name}" blocks`, label, check);
  items.forEach((item, i) => checkBlockBody(item, blockType.block, Array.isArray(value) ? `${path}[${i}]` : path, blockLabel, check));
}

function checkCount(count: number, min: number, max: number | undefined, path: string, what: string, label: string, check: BodyCheck): void {
  if (max !== undefined && max > 0 && count > max) {
    report(check, path, `too many ${what} in ${label}: at most ${max} allowed (got ${count})`);
  } else if (count < min) {
    report(check, path, `too few ${what} in ${label}: at least ${min} needed (got ${count})`);
  }
}

/** Checks `dynamic: {name: {for_each, content}}`; returns the block names it generates. */
function checkDynamic(value: Json, block: SchemaBlock, path: string, label: string, check: BodyCheck): Set<string> {
  const generated = new Set<string>();
  if (!isObject(value)) {
    report(check, path, `dynamic must be an object of {block name: {for_each, content}} (got ${describeValue(value)})`);
    return generated;
  }
  for (const [name, spec] of entries(value)) {
    const at = `${path}.${name}`;
    const blockType = block.block_types?.[name];
    const objectList = objectListType(block.attributes?.[name]);
    if (!blockType && !objectList) {
      report(check, at, `dynamic "${name}" names no block of ${label}${didYouMean(name, Object.keys(block.block_types ?? {}))}`);
      continue;
    }
    generated.add(name);
    if (!isObject(spec)) {
      report(check, at, `dynamic "${name}" must be an object with for_each and content (got ${describeValue(spec)})`);
      continue;
    }
    for (const key of Object.keys(spec).filter((k) => !DYNAMIC_KEYS.has(k))) {
      report(check, `${at}.${key}`, `unknown key "${key}" in dynamic "${name}" (allowed: content, for_each, iterator, labels)`);
    }
    if (spec.for_each === undefined) report(check, at, `dynamic "${name}" needs for_each`);
    if (blockType) checkBlockBody(spec.content ?? {}, blockType.block, `${at}.content`, `${label} block "${name}"`, check);
    else if (objectList) checkValue(spec.content ?? {}, objectList, `${at}.content`, check);
  }
  return generated;
}

/** Attributes that providers also accept as blocks (SDKv2 "attributes as blocks", e.g. ingress). */
function objectListType(attribute: SchemaAttribute | undefined): TypeExpression | undefined {
  const type = attribute?.type;
  if (typeof type === 'string' || !type || (type[0] !== 'list' && type[0] !== 'set')) return undefined;
  const inner = type[1] as TypeExpression;
  return typeof inner !== 'string' && inner[0] === 'object' ? inner : undefined;
}

function isReadOnly(attribute: SchemaAttribute): boolean {
  return Boolean(attribute.computed) && !attribute.optional && !attribute.required;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(value: JsonObject): [string, Json][] {
  return Object.entries(value).filter(([key]) => key !== '//');
}

function joinPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function describeValue(value: Json): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'boolean') return `bool ${value}`;
  if (value === null || value === undefined) return 'null';
  return Array.isArray(value) ? `a list of ${value.length}` : 'an object';
}

function report(check: BodyCheck, path: string, message: string): void {
  check.problems.push({ address: check.address, path, message });
}
