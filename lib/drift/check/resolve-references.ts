/**
 * Resolves `${type.name.attribute}` references in desired values against the
 * state, so a rule that allows `${aws_vpc.cluster.cidr_block}` compares as
 * the range the state holds (the value Terraform used at apply).
 *
 * Whatever cannot be resolved (variables, locals, functions, resources not in
 * state, attributes the reader dropped) becomes an UnknownValue, which the
 * checks never compare. An UnknownValue still names the resource it refers
 * to, which is enough to know which security group a rule belongs to.
 */
import { ActualState } from '../model';
import { effectiveAttributes, viewOf } from './actual-view';
import { isSensitivePath } from '../read/state/sensitive-paths';

/** A desired value that is not known until apply. */
export class UnknownValue {
  constructor(
    /** The resource and attribute it refers to, when it is a plain reference. */
    readonly reference?: { readonly address: string; readonly attribute: string; readonly path?: readonly string[] },
  ) {}
}

/** True when a value (or any part of it) is not known. */
export function containsUnknown(value: unknown): boolean {
  if (value instanceof UnknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

const REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[(?:\d+|"[^"]*")\])?)\.([a-z0-9_]+)((?:\.[a-z0-9_]+)*)\}$/;

/**
 * Parses a whole-value reference `${aws_vpc.cluster.cidr_block}`, or one into an
 * object attribute, `${terraform_data.pin.output.image}` (`path`: ["image"]).
 */
export function parseReference(text: string): { address: string; attribute: string; path?: readonly string[] } | undefined {
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  return match[3] ? { address: match[1], attribute: match[2], path: match[3].slice(1).split('.') } : { address: match[1], attribute: match[2] };
}

/** A deep copy of `value` with references resolved or replaced by UnknownValue. */
export function resolveReferences(value: unknown, actual: ActualState): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const reference = parseReference(value);
    if (!reference) return new UnknownValue();
    let resolved = reference.address.startsWith('data.') ? undefined : effectiveAttributes(actual, reference.address)?.[reference.attribute];
    for (const key of reference.path ?? []) resolved = resolved !== null && typeof resolved === 'object' && !Array.isArray(resolved) ? (resolved as Record<string, unknown>)[key] : undefined;
    return typeof resolved === 'string' || typeof resolved === 'number' || typeof resolved === 'boolean' ? resolved : new UnknownValue(reference);
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, actual));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (key !== '__proto__') out[key] = resolveReferences(item, actual);
    return out;
  }
  return value;
}

/**
 * True when `value` refers to an attribute the state marks sensitive: the
 * resolved value must then be printed as (sensitive), like the state's own.
 */
export function refersToSensitive(value: unknown, actual: ActualState): boolean {
  if (typeof value === 'string') {
    const reference = value.includes('${') ? parseReference(value) : undefined;
    if (!reference || reference.address.startsWith('data.')) return false;
    return isSensitivePath(viewOf(actual, reference.address).sensitivePaths, [reference.attribute, ...(reference.path ?? [])]);
  }
  if (Array.isArray(value)) return value.some((item) => refersToSensitive(item, actual));
  if (value !== null && typeof value === 'object') return Object.values(value).some((item) => refersToSensitive(item, actual));
  return false;
}
