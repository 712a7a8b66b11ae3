/**
 * Checks a synthesized cdktf stack (`cdk.tf.json`) against real provider schemas, so a
 * test catches what `terraform validate` would (unknown types and arguments, read-only
 * attributes, missing arguments and blocks, block counts, literal types, dangling
 * references) without a terraform binary. The schemas are vendored under
 * test/fixtures/provider-schemas by scripts/vendor-schemas.js.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BodyCheck, checkBlockBody } from './schema-body-check';
import {
  BUILTIN_SCHEMAS, ConformanceProblem, NAMES_LOST_UPSTREAM, ProviderSchema, ProviderSchemas, TypeSchema,
  didYouMean, providerForType, providerShortName,
} from './provider-schema';
import { Traversal, extractTraversals } from './terraform-references';

export { ConformanceProblem, ProviderSchemas } from './provider-schema';

export const VENDORED_SCHEMAS_DIR = path.join(__dirname, '..', 'fixtures', 'provider-schemas');

type JsonObject = { readonly [key: string]: unknown };

const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider']);
const PROVIDER_META = new Set(['alias', 'version']);
/** Sections whose strings may hold references; `terraform` and `variable` cannot. */
const REFERENCING_SECTIONS: Readonly<Record<string, string>> = { resource: '', data: 'data.', provider: 'provider.', output: 'output.', locals: 'local.', module: 'module.' };

const loaded = new Map<string, ProviderSchemas>();

/** Reads every `<provider>.json` in `dir` (default: the vendored fixtures) into one ProviderSchemas. */
export function loadVendoredSchemas(dir: string = VENDORED_SCHEMAS_DIR): ProviderSchemas {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const schemas: Record<string, ProviderSchema> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const [address, schema] of Object.entries<ProviderSchema>(json.provider_schemas ?? {})) {
      schemas[address] = { ...schema, version: json.provider_versions?.[address] };
    }
  }
  loaded.set(dir, schemas);
  return schemas;
}

/** Every problem in `stack`, sorted by address and path. */
export function checkStackConformance(stack: object, schemas: ProviderSchemas): ConformanceProblem[] {
  const all: ProviderSchemas = { ...BUILTIN_SCHEMAS, ...schemas };
  const tf = stack as JsonObject;
  const problems: ConformanceProblem[] = [];
  const declared = new Map<string, Set<string>>();
  for (const [type, name] of items(tf.resource)) addTo(declared, type, name);
  for (const [type, name] of items(tf.data)) addTo(declared, `data.${type}`, name);
  const aliases = checkProviders(tf, all, problems);

  for (const [type, name, body] of items(tf.resource)) {
    const check = { address: `${type}.${name}`, problems };
    const schema = lookUpType(type, 'resource', all, check);
    if (schema) checkBlockBody(body, schema.block, '', type, check, { meta: RESOURCE_META });
    checkMetaReferences(body, declared, aliases, check);
  }
  for (const [type, name, body] of items(tf.data)) {
    const check = { address: `data.${type}.${name}`, problems };
    const schema = lookUpType(type, 'data', all, check);
    if (schema) checkBlockBody(body, schema.block, '', `data source ${type}`, check, { meta: DATA_META });
    checkMetaReferences(body, declared, aliases, check);
  }
  for (const [section, prefix] of Object.entries(REFERENCING_SECTIONS)) {
    for (const [address, value] of sectionEntries(tf[section], prefix)) {
      forEachString(value, '', (text, at) => {
        for (const traversal of extractTraversals(text)) checkReference(traversal, declared, all, { address, problems }, at);
      });
    }
  }
  return problems.sort((a, b) => compare(a.address, b.address) || compare(a.path, b.path) || compare(a.message, b.message));
}

/** One line per problem, for test failure output. */
export function formatProblems(problems: readonly ConformanceProblem[]): string {
  return problems.map((p) => `${p.address}${p.path ? ` ${p.path}` : ''}: ${p.message}`).join('\n');
}

function lookUpType(type: string, kind: 'resource' | 'data', all: ProviderSchemas, check: BodyCheck): TypeSchema | undefined {
  const word = kind === 'data' ? 'data source' : 'resource';
  const providerAddress = providerForType(type, all);
  if (!providerAddress) {
    const vendored = Object.keys(all).map(providerShortName).sort().join(', ');
    check.problems.push({ address: check.address, path: '', message: `no vendored provider schema covers ${word} type "${type}" (vendored: ${vendored}); vendor its provider's schema with scripts/vendor-schemas.js or use a type from a vendored provider` });
    return undefined;
  }
  const provider = all[providerAddress];
  const types = (kind === 'data' ? provider.data_source_schemas : provider.resource_schemas) ?? {};
  if (types[type]) return types[type];
  const short = providerShortName(providerAddress);
  const listed = kind === 'data' ? `data.${type}` : type;
  check.problems.push({
    address: check.address,
    path: '',
    message: `${word} type "${type}" is not in the vendored ${short}${provider.version ? ` ${provider.version}` : ''} schema${didYouMean(type, Object.keys(types))}. If it is a real ${short} ${word}, add ${listed} to test/fixtures/provider-schemas/extra-types.txt and run npm run vendor-schemas`,
  });
  return undefined;
}

/** Checks provider blocks that have a schema; returns the configured aliases per local name. */
function checkProviders(tf: JsonObject, all: ProviderSchemas, problems: ConformanceProblem[]): Map<string, Set<string>> {
  const aliases = new Map<string, Set<string>>();
  const required = asObject(asObject(tf.terraform)?.required_providers);
  for (const [localName, value] of Object.entries(asObject(tf.provider) ?? {})) {
    const source = asObject(required?.[localName])?.source;
    const short = typeof source === 'string' ? source.slice(source.lastIndexOf('/') + 1) : localName;
    const providerAddress = Object.keys(all).find((address) => providerShortName(address) === short);
    const block = providerAddress ? all[providerAddress].provider?.block : undefined;
    for (const config of Array.isArray(value) ? value : [value]) {
      const alias = asObject(config)?.alias;
      addTo(aliases, localName, typeof alias === 'string' ? alias : '');
      const address = typeof alias === 'string' ? `provider.${localName}.${alias}` : `provider.${localName}`;
      if (block) checkBlockBody(config, block, '', `provider ${localName}`, { address, problems }, { meta: PROVIDER_META });
    }
  }
  return aliases;
}

/** depends_on entries and the provider meta-argument name things that must exist in the stack. */
function checkMetaReferences(body: unknown, declared: Map<string, Set<string>>, aliases: Map<string, Set<string>>, check: BodyCheck): void {
  const meta = asObject(body);
  const dependsOn = meta?.depends_on;
  for (const [i, entry] of (Array.isArray(dependsOn) ? dependsOn : []).entries()) {
    if (typeof entry !== 'string' || entry.includes('${') || entry.startsWith('module.')) continue;
    const parts = entry.split('.');
    const [key, name] = parts[0] === 'data' ? [`data.${parts[1]}`, parts[2]] : [parts[0], parts[1]];
    if (!declared.get(key)?.has(name)) {
      report(check, `depends_on[${i}]`, `depends_on entry "${entry}": this stack declares no ${key}.${name}${declaredHint(key, declared)}`);
    }
  }
  const provider = meta?.provider;
  if (typeof provider === 'string' && !provider.includes('${') && provider.includes('.')) {
    const [localName, alias] = provider.split('.');
    if (!aliases.get(localName)?.has(alias)) {
      const configured = [...aliases].flatMap(([n, set]) => [...set].map((a) => (a ? `${n}.${a}` : n))).sort().join(', ') || 'none';
      report(check, 'provider', `provider "${provider}" is not configured in this stack (configured: ${configured}); add a provider block with alias "${alias}"`);
    }
  }
}

function checkReference(traversal: Traversal, declared: Map<string, Set<string>>, all: ProviderSchemas, check: BodyCheck, at: string): void {
  const { root, steps, text } = traversal;
  const names = steps.map((step) => (step.kind === 'attribute' ? step.name : undefined));
  const isData = root === 'data';
  const [type, name] = isData ? [names[0], names[1]] : [root, names[0]];
  if (type === undefined || name === undefined) return;
  const key = isData ? `data.${type}` : type;
  if (!isData && !declared.has(key) && !providerForType(type, all)) return; // var., local., each., a for-expression variable, …
  if (!declared.get(key)?.has(name)) {
    report(check, at, `reference ${text}: this stack declares no ${key}.${name}${declaredHint(key, declared)}`);
    return;
  }
  const providerAddress = providerForType(type, all);
  const provider = providerAddress ? all[providerAddress] : undefined;
  const schema = (isData ? provider?.data_source_schemas : provider?.resource_schemas)?.[type];
  // The first attribute after the name; indexes (count, for_each, splats) in between are skipped.
  const attribute = names.slice(isData ? 2 : 1).find((n) => n !== undefined);
  if (!schema || attribute === undefined || NAMES_LOST_UPSTREAM.has(attribute)) return;
  const known = [...Object.keys(schema.block.attributes ?? {}), ...Object.keys(schema.block.block_types ?? {})];
  if (!known.includes(attribute)) {
    report(check, at, `reference ${text}: ${type} has no attribute "${attribute}"${didYouMean(attribute, known)}`);
  }
}

function declaredHint(key: string, declared: Map<string, Set<string>>): string {
  const names = [...(declared.get(key) ?? [])].sort();
  return names.length > 0 ? ` (declared ${key}: ${names.join(', ')})` : '';
}

/** `[type, name, body]` of every item in a `resource` or `data` section. */
function items(section: unknown): [string, string, unknown][] {
  return Object.entries(asObject(section) ?? {}).filter(([type]) => type !== '//').flatMap(([type, byName]) =>
    Object.entries(asObject(byName) ?? {}).filter(([name]) => name !== '//').map(([name, body]): [string, string, unknown] => [type, name, body]));
}

/** `[address, value]` of each entry of a top-level section, e.g. `output.endpoint`. */
function sectionEntries(section: unknown, prefix: string): [string, unknown][] {
  if (prefix === '' || prefix === 'data.') return items(section).map(([type, name, body]) => [`${prefix}${type}.${name}`, body]);
  return Object.entries(asObject(section) ?? {}).filter(([key]) => key !== '//').map(([key, value]) => [`${prefix}${key}`, value]);
}

function forEachString(value: unknown, at: string, visit: (text: string, at: string) => void): void {
  if (typeof value === 'string') visit(value, at);
  else if (Array.isArray(value)) value.forEach((item, i) => forEachString(item, `${at}[${i}]`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key !== '//') forEachString(item, at ? `${at}.${key}` : key, visit);
    }
  }
}

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  map.set(key, (map.get(key) ?? new Set()).add(value));
}

function report(check: BodyCheck, at: string, message: string): void {
  check.problems.push({ address: check.address, path: at, message });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
