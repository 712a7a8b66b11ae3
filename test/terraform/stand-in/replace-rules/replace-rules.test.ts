/**
 * The replace-rule tables against the vendored provider schemas: every resource type the
 * library uses has a table entry, and every rule names a real path, a real top-level
 * `when` attribute and a source that points at a file or a page.
 */
import type { ProviderSchema, SchemaAttribute, SchemaBlock, TypeExpression } from '../../../support/provider-schema';
import { loadVendoredSchemas } from '../../../support/schema-conformance';
import { REPLACE_RULES, type ReplaceRule } from './index';

const schemas = loadVendoredSchemas();
const providers = Object.entries(schemas) as [string, ProviderSchema][];

/** Where a path walk stands: a block body, a collection of block bodies, a cty type, or anything inside a dynamic value. */
type Node =
  | { readonly kind: 'block'; readonly block: SchemaBlock }
  | { readonly kind: 'elements'; readonly block: SchemaBlock; readonly mode: string }
  | { readonly kind: 'type'; readonly type: TypeExpression };

/** Why `steps` does not exist under `node`, or undefined when it does. */
function pathProblem(node: Node, steps: readonly string[], done: readonly string[] = []): string | undefined {
  if (steps.length === 0) return undefined;
  const [step, ...rest] = steps;
  const here = done.join('.') || '(root)';
  const next = [...done, step];
  if (node.kind === 'elements') {
    if (step !== '*') return `${here} is a ${node.mode}: step through it with '*'`;
    return pathProblem({ kind: 'block', block: node.block }, rest, next);
  }
  if (node.kind === 'block') {
    if (step === '*') return `'*' at ${here}, which is a single block body`;
    const nested = node.block.block_types?.[step];
    if (nested) return pathProblem(bodyNode(nested.block, nested.nesting_mode), rest, next);
    const attribute = node.block.attributes?.[step];
    if (!attribute) return `no attribute or block '${step}' at ${here}`;
    return pathProblem(attributeNode(attribute), rest, next);
  }
  const type = node.type;
  if (type === 'dynamic') return undefined;
  if (Array.isArray(type) && ['list', 'set', 'map'].includes(type[0] as string)) {
    if (step !== '*') return `${here} is a ${type[0]}: step through it with '*'`;
    return pathProblem({ kind: 'type', type: type[1] as TypeExpression }, rest, next);
  }
  if (Array.isArray(type) && type[0] === 'object') {
    const fields = type[1] as Record<string, TypeExpression>;
    if (!(step in fields)) return `the object at ${here} has no field '${step}'`;
    return pathProblem({ kind: 'type', type: fields[step] }, rest, next);
  }
  return `${here} is ${JSON.stringify(type)}: it has no '${step}'`;
}

function bodyNode(block: SchemaBlock, mode: string): Node {
  return mode === 'single' || mode === 'group' ? { kind: 'block', block } : { kind: 'elements', block, mode };
}

function attributeNode(attribute: SchemaAttribute): Node {
  if (attribute.nested_type) {
    return bodyNode({ attributes: attribute.nested_type.attributes }, attribute.nested_type.nesting_mode);
  }
  return { kind: 'type', type: attribute.type ?? 'dynamic' };
}

describe('replace rules', () => {
  it('cover every vendored provider and nothing else', () => {
    expect(Object.keys(REPLACE_RULES).sort()).toEqual(providers.map(([address]) => address).sort());
  });

  describe.each(providers)('%s', (address, schema) => {
    const table = REPLACE_RULES[address] ?? {};
    const resources = schema.resource_schemas ?? {};

    it('has an entry for every resource type in the vendored schema', () => {
      expect(Object.keys(resources).filter((type) => !(type in table))).toEqual([]);
    });

    it('has no entry for a type the schema lacks', () => {
      expect(Object.keys(table).filter((type) => !(type in resources))).toEqual([]);
    });

    const rules = Object.entries(table).flatMap(([type, list]) => list.map((rule): [string, ReplaceRule] => [type, rule]));
    if (rules.length === 0) return;

    it.each(rules.map(([type, rule]) => [`${type} ${rule.path.join('.')}`, type, rule] as const))('%s', (_name, type, rule) => {
      const block = resources[type]?.block;
      expect(block).toBeDefined();
      expect(rule.path.length).toBeGreaterThan(0);
      expect(pathProblem({ kind: 'block', block: block! }, rule.path)).toBeUndefined();
      if (rule.when) {
        const attribute = block!.attributes?.[rule.when.attribute];
        expect(attribute).toBeDefined();
        const expected = attribute!.type === 'bool' ? 'boolean' : attribute!.type === 'number' ? 'number' : 'string';
        expect(typeof rule.when.equals).toBe(expected);
      }
      expect(rule.source.trim()).not.toBe('');
      expect(rule.source).toMatch(/\S+\.(go|md|markdown)\b|https?:\/\/\S+/);
      expect(rule.source).not.toContain('${');
    });

    it('lists no path twice for a type', () => {
      const duplicates = Object.entries(table).flatMap(([type, list]) => {
        const seen = new Set<string>();
        return list.filter((rule) => {
          const key = `${rule.path.join('.')} when ${JSON.stringify(rule.when ?? null)}`;
          const repeated = seen.has(key);
          seen.add(key);
          return repeated;
        }).map((rule) => `${type} ${rule.path.join('.')}`);
      });
      expect(duplicates).toEqual([]);
    });
  });
});
