/**
 * Reading a synthesized stack for the firewall translators: resources by type,
 * references between them (`${type.name.attribute}`), nested blocks (cdktf writes a
 * block as an object or a list of objects), and values that are literals, references to
 * a literal input of another resource, or expressions only the twin's resolver knows.
 */
import { isAddress, Resolve, TerraformJson } from './rules';
import { compareNames } from '../../../lib/core/mesh/compare-names';

/** One resource of the stack. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  /** `type.name`, as Terraform and the JSON's references spell it. */
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The resources of `type`, sorted by name. */
export function resourcesOf(stack: TerraformJson, type: string): StackResource[] {
  const byName = stack.resource?.[type] ?? {};
  return Object.keys(byName)
    .sort(compareNames)
    .map((name) => ({ type, name, address: `${type}.${name}`, body: byName[name] }));
}

/** The resource at `address` (`type.name`), if the stack has it. */
export function resourceAt(stack: TerraformJson, address: string): StackResource | undefined {
  const dot = address.indexOf('.');
  const type = address.slice(0, dot);
  const name = address.slice(dot + 1);
  const body = stack.resource?.[type]?.[name];
  return body === undefined ? undefined : { type, name, address, body };
}

/** Resource types present in the stack, sorted. */
export function resourceTypes(stack: TerraformJson): string[] {
  return Object.keys(stack.resource ?? {}).sort(compareNames);
}

const REFERENCE = /^\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

/** A plain reference `${type.name.attribute}`: the resource's address and the attribute. */
export function referenceOf(value: unknown): { readonly address: string; readonly attribute: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = REFERENCE.exec(value);
  return match ? { address: `${match[1]}.${match[2]}`, attribute: match[3] } : undefined;
}

/** The address a value refers to when it is `${<type>.<name>.<attribute>}`; throws naming `what` otherwise. */
export function referencedAddress(value: unknown, type: string, attribute: string, what: string): string {
  const reference = referenceOf(value);
  if (!reference || !reference.address.startsWith(`${type}.`) || reference.attribute !== attribute) {
    throw new Error(`${what} must be a reference \${${type}.<name>.${attribute}} the twin can follow (got ${JSON.stringify(value)}).`);
  }
  return reference.address;
}

/** True when a string holds a Terraform expression. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}

/** A nested block as a list: absent → [], one object → [it], a list → its objects. */
export function blocksOf(value: unknown, what: string): Readonly<Record<string, unknown>>[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${what} must be a block the twin can read (got ${JSON.stringify(value)}).`);
  }
  return items as Readonly<Record<string, unknown>>[];
}

/** A list attribute: absent → [], a JSON list → it; a Terraform expression for the whole list is refused. */
export function listOf(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new Error(`${what} must be a list the twin can read (got ${JSON.stringify(value)}).`);
}

/**
 * The string a value stands for: a literal as it is; a reference to an input the stack
 * sets as a literal (`${digitalocean_tag.x.name}` → that tag's `name`) as that literal;
 * any other expression through `resolve`, and a throw naming it when unknown.
 */
export function stringValue(stack: TerraformJson, value: unknown, resolve: Resolve, what: string): string {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new Error(`${what} must be a string (got ${JSON.stringify(value)}).`);
  if (!isExpression(value)) return value;
  const reference = referenceOf(value);
  const target = reference && resourceAt(stack, reference.address)?.body[reference.attribute];
  if (typeof target === 'string' && !isExpression(target)) return target;
  const resolved = resolve(value);
  if (resolved !== undefined) return resolved;
  // A template such as `${aws_eip.x.public_ip}/32`: each interpolation on its own.
  const parts = templateParts(value);
  if (parts.length > 1) return parts.map((part) => (part.startsWith('${') ? stringValue(stack, part, resolve, what) : part)).join('');
  throw new Error(`${what}: the twin cannot resolve ${value}; give its resolver the value.`);
}

/** A template string cut into literal text and whole `${…}` interpolations (braces balanced, quotes respected). */
function templateParts(text: string): string[] {
  const parts: string[] = [];
  let at = 0;
  while (at < text.length) {
    const start = text.indexOf('${', at);
    if (start < 0) {
      parts.push(text.slice(at));
      break;
    }
    if (start > at) parts.push(text.slice(at, start));
    let depth = 0;
    let quoted = false;
    let end = start + 1;
    for (; end < text.length; end++) {
      const char = text[end];
      if (quoted) {
        if (char === '\\') end++;
        else if (char === '"') quoted = false;
      } else if (char === '"') quoted = true;
      else if (char === '{') depth++;
      else if (char === '}' && --depth === 0) break;
    }
    if (end >= text.length) return [text];
    parts.push(text.slice(start, end + 1));
    at = end + 1;
  }
  return parts;
}

/** An address (IP or CIDR) a value stands for, through `stringValue`; throws when it is not one. */
export function addressValue(stack: TerraformJson, value: unknown, resolve: Resolve, what: string): string {
  const text = stringValue(stack, value, resolve, what);
  if (!isAddress(text)) throw new Error(`${what} must be an IP address or CIDR (got "${text}" for ${JSON.stringify(value)}).`);
  return text;
}

/** Refuses a stack that holds resources of `types`: each changes filtering in a way the translator does not model. */
export function refuseTypes(stack: TerraformJson, types: readonly string[], cloud: string): void {
  const found = types.filter((type) => Object.keys(stack.resource?.[type] ?? {}).length > 0);
  if (found.length > 0) throw new Error(`${cloud}: the stack has ${found.join(', ')}, which the twin's firewall does not model. Extend test/twin/firewall before relying on the twin.`);
}

/** Refuses attributes the translator does not model when they are set on `resource`. */
export function refuseAttributes(resource: StackResource | { readonly address: string; readonly body: Readonly<Record<string, unknown>> }, attributes: readonly string[]): void {
  const set = attributes.filter((attribute) => {
    const value = resource.body[attribute];
    return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  });
  if (set.length > 0) throw new Error(`${resource.address}: ${set.join(', ')} is set, which the twin's firewall does not model.`);
}
