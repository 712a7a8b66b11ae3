/**
 * A provider's schema as the stand-in serves it: the vendored `terraform providers
 * schema -json` documents (test/fixtures/provider-schemas), turned into the object
 * type of each block and into the protocol's Schema message.
 */
import type { NestedType, ProviderSchema, SchemaAttribute, SchemaBlock, TypeSchema } from '../../support/provider-schema';
import type { CtyType } from './cty';

const NESTING: Readonly<Record<string, number>> = { single: 1, list: 2, set: 3, map: 4, group: 5 };

/** The cty object type of a block's value: its attributes and nested blocks. */
export function blockType(block: SchemaBlock): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) attributes[name] = attributeType(attribute);
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    attributes[name] = wrap(nested.nesting_mode, blockType(nested.block));
  }
  return ['object', attributes];
}

/** The cty type of one attribute, nested attribute types (plugin framework) included. */
export function attributeType(attribute: SchemaAttribute): CtyType {
  if (attribute.nested_type) return nestedType(attribute.nested_type);
  return (attribute.type ?? 'dynamic') as CtyType;
}

function nestedType(nested: NestedType): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const [name, attribute] of Object.entries(nested.attributes)) attributes[name] = attributeType(attribute);
  return wrap(nested.nesting_mode, ['object', attributes]);
}

function wrap(mode: string, object: CtyType): CtyType {
  return mode === 'single' || mode === 'group' ? object : [mode as 'list' | 'set' | 'map', object];
}

/** The protocol's Schema message for one block schema (descriptions are not served). */
export function schemaMessage(schema: TypeSchema | undefined): object {
  return { version: schema?.version ?? 0, block: blockMessage(schema?.block ?? {}) };
}

function blockMessage(block: SchemaBlock): object {
  return {
    attributes: Object.entries(block.attributes ?? {}).sort(byName).map(([name, a]) => attributeMessage(name, a)),
    block_types: Object.entries(block.block_types ?? {}).sort(byName).map(([name, nested]) => ({
      type_name: name,
      block: blockMessage(nested.block),
      nesting: NESTING[nested.nesting_mode],
      min_items: nested.min_items ?? 0,
      max_items: nested.max_items ?? 0,
    })),
    deprecated: block.deprecated ?? false,
  };
}

function attributeMessage(name: string, a: SchemaAttribute): object {
  return {
    name,
    ...(a.nested_type
      ? {
        nested_type: {
          attributes: Object.entries(a.nested_type.attributes).sort(byName).map(([n, inner]) => attributeMessage(n, inner)),
          nesting: NESTING[a.nested_type.nesting_mode],
        },
      }
      : { type: Buffer.from(JSON.stringify(a.type ?? 'dynamic')) }),
    required: a.required ?? false,
    optional: a.optional ?? false,
    computed: a.computed ?? false,
    sensitive: a.sensitive ?? false,
    deprecated: a.deprecated ?? false,
    write_only: a.write_only ?? false,
  };
}

function byName(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The block schema of a resource or data source type, or undefined when the provider has none. */
export function typeSchema(provider: ProviderSchema, kind: 'resource' | 'data', type: string): TypeSchema | undefined {
  return (kind === 'resource' ? provider.resource_schemas : provider.data_source_schemas)?.[type];
}
