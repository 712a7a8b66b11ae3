/**
 * Planning as a real provider does it, reduced to what decides an apply's effect on
 * running machines:
 * - Terraform core has already merged the configuration with the prior state (its
 *   "proposed new state"); a provider marks what it cannot know before apply. Here, a
 *   computed attribute with no value is unknown on create (the plugin SDK and
 *   framework both do so), and keeps its prior value on update.
 * - The attributes that force a new object come from the per-provider tables in
 *   replace-rules/, each entry citing the provider's source; core then plans a replace
 *   and asks again with no prior state, which is the create path.
 */
import type { SchemaBlock } from '../../support/provider-schema';
import { canonical, UNKNOWN, type Value } from './cty';
import type { ReplaceRule } from './replace-rules/replace-rule';

type ObjectValue = { [name: string]: Value };

/** The proposed value with every computed attribute that has no value made unknown. */
export function unknownComputed(value: Value, block: SchemaBlock): Value {
  if (!isObject(value)) return value;
  const result: ObjectValue = { ...value };
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.computed && result[name] === null) {
      result[name] = UNKNOWN;
    } else if (attribute.nested_type) {
      const inner: SchemaBlock = { attributes: attribute.nested_type.attributes };
      result[name] = mapNested(result[name], attribute.nested_type.nesting_mode, (v) => unknownComputed(v, inner));
    }
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    result[name] = mapNested(result[name], nested.nesting_mode, (v) => unknownComputed(v, nested.block));
  }
  return result;
}

/**
 * Attributes derived from others by the real provider at plan time (aws `tags_all` from
 * `tags` and the provider's `default_tags`, google `effective_labels` and
 * `terraform_labels` from `labels` and `default_labels`): unknown again when their
 * source changes in an update, so the apply recomputes them.
 */
export const DERIVED_ATTRIBUTES: Readonly<Record<string, string>> = {
  tags_all: 'tags',
  effective_labels: 'labels',
  terraform_labels: 'labels',
};

export function unknownDerived(prior: ObjectValue, planned: ObjectValue): ObjectValue {
  const result = { ...planned };
  for (const [derived, source] of Object.entries(DERIVED_ATTRIBUTES)) {
    if (derived in result && source in result && canonical(prior[source]) !== canonical(planned[source])) {
      result[derived] = UNKNOWN;
    }
  }
  return result;
}

/** A computed attribute that the provider marks unknown when any argument but `unless` changes in place. */
interface Recomputed {
  readonly attribute: string;
  readonly unless: readonly string[];
  /** Only when this top-level argument is true. */
  readonly whenTrue?: string;
}

/**
 * CustomizeDiff `ComputedIf` rules of the real providers. aws_launch_template: every
 * change but its name or description writes a new template version, so
 * `latest_version` (and `default_version` with update_default_version) is known only
 * after apply, and an Auto Scaling group that follows it plans an update
 * (hashicorp/terraform-provider-aws internal/service/ec2/ec2_launch_template.go,
 * CustomizeDiff: customdiff.ComputedIf("default_version", …), ComputedIf("latest_version", …)).
 */
export const RECOMPUTED_ON_CHANGE: Readonly<Record<string, readonly Recomputed[]>> = {
  aws_launch_template: [
    { attribute: 'default_version', unless: ['name', 'name_prefix', 'description'], whenTrue: 'update_default_version' },
    { attribute: 'latest_version', unless: ['name', 'name_prefix', 'description', 'default_version', 'update_default_version'] },
  ],
};

export function unknownRecomputed(type: string, prior: ObjectValue, planned: ObjectValue): ObjectValue {
  const rules = RECOMPUTED_ON_CHANGE[type];
  if (!rules) return planned;
  const changed = Object.keys(planned).filter((k) => canonical(prior[k] ?? null) !== canonical(planned[k]));
  const result = { ...planned };
  for (const rule of rules) {
    if (rule.whenTrue && planned[rule.whenTrue] !== true) continue;
    if (changed.some((k) => k !== rule.attribute && !rule.unless.includes(k))) result[rule.attribute] = UNKNOWN;
  }
  return result;
}

/** One step of a requires_replace path: an attribute name or an element index. */
export type PathStep = string | number;

/**
 * The paths whose change forces a new object: each rule whose values differ between
 * the prior and the planned object (set elements compared as a multiset), as the path
 * up to the rule's first wildcard, which core compares again before planning a replace.
 */
export function replacePaths(prior: ObjectValue, planned: ObjectValue, rules: readonly ReplaceRule[]): PathStep[][] {
  const paths: PathStep[][] = [];
  for (const rule of rules) {
    if (rule.when && planned[rule.when.attribute] !== rule.when.equals) continue;
    const before = valuesAt(prior, rule.path).map(canonical).sort();
    const after = valuesAt(planned, rule.path).map(canonical).sort();
    if (before.join('\n') === after.join('\n')) continue;
    const wildcard = rule.path.indexOf('*');
    const path = wildcard < 0 ? [...rule.path] : rule.path.slice(0, wildcard);
    if (!paths.some((p) => p.join('.') === path.join('.'))) paths.push(path);
  }
  return paths;
}

/** Every value at `path` ('*' for each element of a list, set or map). */
export function valuesAt(value: Value, path: readonly string[]): Value[] {
  if (path.length === 0) return [value];
  if (value === null || value === UNKNOWN || typeof value !== 'object') return [];
  const [step, ...rest] = path;
  if (step === '*') {
    const elements = Array.isArray(value) ? value : Object.values(value as ObjectValue);
    return elements.flatMap((element) => valuesAt(element, rest));
  }
  if (Array.isArray(value)) return [];
  return valuesAt((value as ObjectValue)[step] ?? null, rest);
}

function mapNested(value: Value, mode: string, f: (v: Value) => Value): Value {
  if (value === null || value === UNKNOWN) return value;
  if (mode === 'single' || mode === 'group') return f(value);
  if (Array.isArray(value)) return value.map(f);
  return Object.fromEntries(Object.entries(value as ObjectValue).map(([k, v]) => [k, f(v)]));
}

function isObject(value: Value): value is ObjectValue {
  return value !== null && value !== UNKNOWN && typeof value === 'object' && !Array.isArray(value);
}
