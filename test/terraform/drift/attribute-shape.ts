/**
 * Do fabricated drift inputs look like what terraform writes? For every resource
 * object of a document (a state file, `terraform show -json` of a state or of a plan),
 * the attributes the drift check keeps (lib/drift/catalog/kept-attributes.ts) are
 * compared with the same resource type in a real state: same attribute names, and the
 * same JSON kind (string, number, bool, list, object with the same keys) wherever both
 * sides have a value. Where the real value is null or an empty list (the stand-ins
 * leave some computed values empty, e.g. a security group's inline rules), the value
 * is checked against the type the provider schema gives the attribute, which is the
 * type terraform writes it with.
 */
import { keptAttributes } from '../../../lib/drift/catalog/kept-attributes';
import { loadVendoredSchemas } from '../../support/schema-conformance';
import type { CtyType } from '../stand-in/cty';
import { blockType } from '../stand-in/schema';

type Attributes = Readonly<Record<string, unknown>>;

/** One resource object of a document. */
export interface ResourceObject {
  readonly type: string;
  readonly attributes: Attributes;
}

/** Every managed resource object of a state v4 file, a show -json document or a plan (prior state and drift). */
export function resourceObjects(document: any): ResourceObject[] {
  const objects: ResourceObject[] = [];
  for (const resource of document.resources ?? []) {
    if (resource.mode !== 'managed') continue;
    for (const instance of resource.instances ?? []) objects.push({ type: resource.type, attributes: instance.attributes });
  }
  const walkModule = (module: any) => {
    for (const resource of module?.resources ?? []) if (resource.mode === 'managed') objects.push({ type: resource.type, attributes: resource.values });
    for (const child of module?.child_modules ?? []) walkModule(child);
  };
  walkModule(document.values?.root_module);
  walkModule(document.prior_state?.values?.root_module);
  for (const drift of document.resource_drift ?? []) {
    if (drift.mode !== 'managed') continue;
    for (const side of [drift.change?.before, drift.change?.after]) if (side) objects.push({ type: drift.type, attributes: side });
  }
  return objects;
}

/**
 * Where the fabricated objects differ in shape from the real ones, as `type.path: why`
 * lines; types the real document lacks are left to the caller (`typesOnlyIn`).
 * `complete` also asks for every kept attribute the real object has (terraform writes
 * every attribute of the schema, null when unset).
 */
export function shapeMismatches(fabricated: readonly ResourceObject[], real: readonly ResourceObject[], options: { complete?: boolean } = {}): string[] {
  const realByType = new Map<string, Attributes>();
  for (const object of real) if (!realByType.has(object.type)) realByType.set(object.type, object.attributes);
  const problems = new Set<string>();
  for (const object of fabricated) {
    const realAttributes = realByType.get(object.type);
    if (!realAttributes) continue;
    for (const name of keptAttributes(object.type)) {
      const inFabricated = name in object.attributes;
      const inReal = name in realAttributes;
      if (inFabricated && !inReal) problems.add(`${object.type}.${name}: not an attribute of a real ${object.type}`);
      else if (!inFabricated && inReal && options.complete) problems.add(`${object.type}.${name}: missing (a real state has it, null when unset)`);
      else if (inFabricated) {
        const path = `${object.type}.${name}`;
        const found = isEmpty(realAttributes[name]) ? typeMismatches(object.attributes[name], attributeTypes(object.type)[name], path) : valueMismatches(object.attributes[name], realAttributes[name], path);
        for (const problem of found) problems.add(problem);
      }
    }
  }
  return [...problems].sort();
}

/** Resource types of `fabricated` that `real` does not have, sorted. */
export function typesOnlyIn(fabricated: readonly ResourceObject[], real: readonly ResourceObject[]): string[] {
  const realTypes = new Set(real.map((object) => object.type));
  return [...new Set(fabricated.map((object) => object.type).filter((type) => !realTypes.has(type)))].sort();
}

function valueMismatches(fabricated: unknown, real: unknown, path: string): string[] {
  if (isEmpty(fabricated) || isEmpty(real)) return [];
  if (kindOf(fabricated) !== kindOf(real)) return [`${path}: ${kindOf(fabricated)} where a real state has ${kindOf(real)}`];
  if (Array.isArray(fabricated)) {
    const sample = (real as unknown[]).find((element) => !isEmpty(element));
    return sample === undefined ? [] : fabricated.flatMap((element) => valueMismatches(element, sample, `${path}[]`));
  }
  if (kindOf(fabricated) === 'object') {
    const realObject = real as Attributes;
    return Object.entries(fabricated as Attributes).flatMap(([key, value]) =>
      key in realObject ? valueMismatches(value, realObject[key], `${path}.${key}`) : [`${path}.${key}: not in a real ${path}`]);
  }
  return [];
}

/** Where `value` is not of the cty `type` as terraform's JSON writes it (sets and lists as arrays, objects and maps as objects). */
function typeMismatches(value: unknown, type: CtyType | undefined, path: string): string[] {
  if (value === null || value === undefined || type === undefined || type === 'dynamic') return [];
  const scalar = { string: 'string', number: 'number', bool: 'boolean' } as const;
  if (typeof type === 'string') return typeof value === scalar[type] ? [] : [`${path}: ${kindOf(value)} where the schema has ${type}`];
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set' || kind === 'tuple') {
    if (!Array.isArray(value)) return [`${path}: ${kindOf(value)} where the schema has a ${kind}`];
    return value.flatMap((element, i) => typeMismatches(element, kind === 'tuple' ? (inner as readonly CtyType[])[i] : (inner as CtyType), `${path}[]`));
  }
  if (kindOf(value) !== 'object') return [`${path}: ${kindOf(value)} where the schema has a ${kind}`];
  return Object.entries(value as Attributes).flatMap(([key, element]) => {
    if (kind === 'map') return typeMismatches(element, inner as CtyType, `${path}.${key}`);
    const attributes = inner as Readonly<Record<string, CtyType>>;
    return key in attributes ? typeMismatches(element, attributes[key], `${path}.${key}`) : [`${path}.${key}: not in the schema`];
  });
}

const typesByResource = new Map<string, Readonly<Record<string, CtyType>>>();

/** The cty type of each attribute of a resource type, from the vendored provider schemas. */
function attributeTypes(resourceType: string): Readonly<Record<string, CtyType>> {
  let types = typesByResource.get(resourceType);
  if (!types) {
    const schema = Object.values(loadVendoredSchemas()).map((provider) => provider.resource_schemas?.[resourceType]).find((s) => s !== undefined);
    types = schema ? (blockType(schema.block) as readonly ['object', Readonly<Record<string, CtyType>>])[1] : {};
    typesByResource.set(resourceType, types);
  }
  return types;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

function kindOf(value: unknown): string {
  return Array.isArray(value) ? 'list' : typeof value;
}
