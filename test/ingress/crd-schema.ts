/**
 * Checks a manifest against the openAPIV3Schema of its CustomResourceDefinition, as
 * vendored in test/fixtures/crds/ (test/fixtures/crds/SOURCES.md), or of a built-in kind
 * vendored in the same shape from Kubernetes' OpenAPI v3 documents in
 * test/fixtures/kubernetes/ (SOURCES.md there; `core_<Kind>.json` for the core group,
 * apiVersion v1): the structural
 * keywords the API server enforces (type, properties, required, enum, pattern,
 * lengths, bounds, items, maps, int-or-string, nullable, allOf/anyOf/oneOf/not),
 * and, stricter than the API server (which prunes unknown fields silently),
 * every field must be one the schema declares, so a misspelt key fails here.
 * CEL rules (x-kubernetes-validations) are not evaluated: `celRules` counts those
 * on the paths the manifest uses, and the tests assert what they say by hand.
 */
import * as fs from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import * as path from 'node:path';
import type { VendoredCrd } from '../fixtures/crds/vendor-crds';

const DIRS = [path.join(__dirname, '../fixtures/crds'), path.join(__dirname, '../fixtures/kubernetes')];
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/**
 * Built-in kinds whose names follow another rule than a DNS-1123 subdomain (kubernetes/kubernetes
 * pkg/apis/rbac/validation/validation.go, `ValidateRBACName = path.IsValidPathSegmentName`;
 * pkg/apis/core/validation/validation.go, `ValidateNamespaceName` (a DNS-1123 label) and
 * `ValidateServiceName = apimachineryvalidation.NameIsDNS1035Label`;
 * pkg/apis/batch/validation/validation.go: a CronJob's name is at most 52 characters, since
 * its Jobs append an 11-character suffix).
 */
const NAME_RULES: Record<string, (name: string) => boolean> = {
  'rbac.authorization.k8s.io': (name) => name !== '.' && name !== '..' && name !== '' && !/[/%]/.test(name),
  'core Namespace': (name) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name),
  'core Service': (name) => /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name),
  'batch CronJob': (name) => name.length <= 52 && OBJECT_NAME.test(name),
};
const nameRule = (crd: VendoredCrd) => NAME_RULES[`${crd.group || 'core'} ${crd.kind}`] ?? NAME_RULES[crd.group] ?? ((name: string) => OBJECT_NAME.test(name));

type Schema = Record<string, any>;

/** What validation found: problems as `<path>: <what>`, and the CEL rules left unchecked. */
export interface SchemaCheck {
  readonly problems: string[];
  readonly celRules: string[];
}

const cache = new Map<string, VendoredCrd>();

/** The vendored CRD of `apiVersion`/`kind`, or undefined. */
export function vendoredCrd(apiVersion: string, kind: string): VendoredCrd | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : 'core';
  const file = DIRS.map((dir) => path.join(dir, `${group}_${kind}.json`)).find((candidate) => fs.existsSync(candidate));
  if (file === undefined) return undefined;
  if (!cache.has(file)) cache.set(file, JSON.parse(fs.readFileSync(file, 'utf8')));
  return cache.get(file);
}

/** Validates `manifest` against its vendored CRD (an error when none is vendored for its kind and version). */
export function checkCustomResource(manifest: any): SchemaCheck {
  const crd = vendoredCrd(String(manifest?.apiVersion), String(manifest?.kind));
  if (!crd) return { problems: [`${manifest?.apiVersion} ${manifest?.kind}: no vendored CRD schema (test/fixtures/crds/)`], celRules: [] };
  const problems: string[] = [];
  const celRules: string[] = [];
  const stored = crd.group ? `${crd.group}/${crd.version}` : crd.version;
  if (manifest.apiVersion !== stored) problems.push(`apiVersion: ${manifest.apiVersion} is not the stored version ${stored}`);
  const meta = manifest.metadata ?? {};
  if (typeof meta.name !== 'string' || !nameRule(crd)(meta.name)) problems.push(`metadata.name: ${JSON.stringify(meta.name)} is not an object name`);
  if (crd.scope === 'Namespaced' && typeof meta.namespace !== 'string') problems.push('metadata.namespace: missing on a namespaced kind');
  if (crd.scope === 'Cluster' && meta.namespace !== undefined) problems.push('metadata.namespace: set on a cluster-scoped kind');
  checkMetadata(meta, problems);
  validate({ ...manifest, metadata: {} }, { ...crd.schema, properties: { ...(crd.schema.properties as Schema), metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }, '', problems, celRules);
  return { problems, celRules };
}

/**
 * The fields of ObjectMeta a manifest may set (k8s.io/apimachinery pkg/apis/meta/v1 ObjectMeta;
 * the others are the server's), labels and annotations maps of strings.
 */
const METADATA_FIELDS = new Set(['name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences']);

function checkMetadata(meta: any, problems: string[]): void {
  for (const key of Object.keys(meta)) if (!METADATA_FIELDS.has(key)) problems.push(`metadata.${key}: not a field a manifest sets`);
  for (const map of ['labels', 'annotations']) {
    if (meta[map] === undefined) continue;
    if (typeof meta[map] !== 'object' || meta[map] === null || Array.isArray(meta[map])) problems.push(`metadata.${map}: ${JSON.stringify(meta[map])} is not a map`);
    else for (const [key, value] of Object.entries(meta[map])) if (typeof value !== 'string') problems.push(`metadata.${map}.${key}: ${JSON.stringify(value)} is not a string`);
  }
}

function validate(value: any, schema: Schema, at: string, problems: string[], celRules: string[]): void {
  const here = at || '.';
  for (const rule of schema['x-kubernetes-validations'] ?? []) celRules.push(`${here}: ${rule.rule}`);
  if (value === null) {
    if (!schema.nullable) problems.push(`${here}: null where ${schema.type ?? 'a value'} is expected`);
    return;
  }
  for (const sub of schema.allOf ?? []) validate(value, sub, at, problems, celRules);
  if (schema.anyOf && !schema.anyOf.some((sub: Schema) => quiet(value, sub))) problems.push(`${here}: matches none of anyOf`);
  if (schema.oneOf && schema.oneOf.filter((sub: Schema) => quiet(value, sub)).length !== 1) problems.push(`${here}: does not match exactly one of oneOf`);
  if (schema.not && quiet(value, schema.not)) problems.push(`${here}: matches a "not" schema`);
  if (schema['x-kubernetes-int-or-string']) {
    if (!(Number.isInteger(value) || typeof value === 'string')) problems.push(`${here}: ${JSON.stringify(value)} is neither an integer nor a string`);
    else checkScalar(value, schema, here, problems);
    return;
  }
  switch (schema.type) {
    case 'object': return validateObject(value, schema, at, problems, celRules);
    case 'array':
      if (!Array.isArray(value)) return void problems.push(`${here}: ${JSON.stringify(value)} is not an array`);
      if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${here}: ${value.length} items, under minItems ${schema.minItems}`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${here}: ${value.length} items, over maxItems ${schema.maxItems}`);
      if (schema.items) value.forEach((item, i) => validate(item, schema.items, `${at}[${i}]`, problems, celRules));
      return;
    case 'string':
      if (typeof value !== 'string') return void problems.push(`${here}: ${JSON.stringify(value)} is not a string`);
      return checkScalar(value, schema, here, problems);
    case 'integer':
      if (!Number.isInteger(value)) return void problems.push(`${here}: ${JSON.stringify(value)} is not an integer`);
      return checkScalar(value, schema, here, problems);
    case 'number':
      if (typeof value !== 'number') return void problems.push(`${here}: ${JSON.stringify(value)} is not a number`);
      return checkScalar(value, schema, here, problems);
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${here}: ${JSON.stringify(value)} is not a boolean`);
      return;
    default:
      // No type: a combinator branch, which constrains only the fields it names
      // (the enclosing schema declares them all), or a bare format/enum constraint.
      if (typeof value === 'string' || typeof value === 'number') checkScalar(value, schema, here, problems);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of schema.required ?? []) if (!(key in value)) problems.push(`${at}.${key}: required`);
        for (const [key, inner] of Object.entries(schema.properties ?? {})) if (key in value) validate(value[key], inner as Schema, `${at}.${key}`, problems, celRules);
      }
      return;
  }
}

function validateObject(value: any, schema: Schema, at: string, problems: string[], celRules: string[]): void {
  const here = at || '.';
  if (typeof value !== 'object' || Array.isArray(value)) return void problems.push(`${here}: ${JSON.stringify(value)} is not an object`);
  for (const key of schema.required ?? []) if (!(key in value)) problems.push(`${at}.${key}: required`);
  const count = Object.keys(value).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) problems.push(`${here}: ${count} fields, under minProperties ${schema.minProperties}`);
  if (schema.maxProperties !== undefined && count > schema.maxProperties) problems.push(`${here}: ${count} fields, over maxProperties ${schema.maxProperties}`);
  for (const [key, inner] of Object.entries(value)) {
    const property = schema.properties?.[key];
    if (property) validate(inner, property, `${at}.${key}`, problems, celRules);
    else if (typeof schema.additionalProperties === 'object') validate(inner, schema.additionalProperties, `${at}.${key}`, problems, celRules);
    else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true) problems.push(`${at}.${key}: not a field of the schema`);
  }
}

function checkScalar(value: string | number, schema: Schema, here: string, problems: string[]): void {
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${here}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${here}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${here}: ${JSON.stringify(value)} is shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${here}: ${JSON.stringify(value)} is longer than ${schema.maxLength}`);
    // The formats these CRDs put to use for addresses; others are annotations only.
    if (schema.format === 'ipv4' && !isIPv4(value)) problems.push(`${here}: ${JSON.stringify(value)} is not an IPv4 address`);
    if (schema.format === 'ipv6' && !isIPv6(value)) problems.push(`${here}: ${JSON.stringify(value)} is not an IPv6 address`);
  } else {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${here}: ${value} is under the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${here}: ${value} is over the maximum ${schema.maximum}`);
    // Built-in kinds decode an int32 field into a Go int32: a larger number is refused.
    if (schema.format === 'int32' && (value < -(2 ** 31) || value > 2 ** 31 - 1)) problems.push(`${here}: ${value} does not fit an int32`);
  }
}

function quiet(value: any, schema: Schema): boolean {
  const problems: string[] = [];
  validate(value, schema, '', problems, []);
  return problems.length === 0;
}
