/**
 * cty values on the wire between Terraform and a provider: type constraints in their
 * JSON form, and values in cty's msgpack encoding (hashicorp/terraform
 * docs/plugin-protocol/object-wire-format.md; zclconf/go-cty cty/msgpack):
 * - null is msgpack nil; an unknown value is extension 0 (extension 12 when Terraform
 *   adds refinements such as "not null", which a provider may ignore);
 * - lists, sets and tuples are arrays; maps and objects are maps (an object carries
 *   every attribute of its type);
 * - a known value of a `dynamic` attribute travels as a two-element array, the JSON of
 *   its real type (bytes) and the value.
 * The state file (UpgradeResourceState's raw state) uses cty's JSON encoding instead,
 * where a dynamic value is `{"value": …, "type": …}`.
 */
import { decode, encode, ExtensionCodec, ExtData } from '@msgpack/msgpack';

/** A cty type constraint as Terraform writes it in JSON. */
export type CtyType =
  | 'string' | 'number' | 'bool' | 'dynamic'
  | readonly ['list' | 'set' | 'map', CtyType]
  | readonly ['object', Readonly<Record<string, CtyType>>, ...unknown[]]
  | readonly ['tuple', readonly CtyType[]];

/** The one unknown value ("known after apply"). Compare with `===`. */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** A known value of a `dynamic` attribute, with the type it really has. */
export class DynamicValue {
  constructor(readonly type: CtyType, readonly value: Value) {}
}

export type Value =
  | null | typeof UNKNOWN | string | number | boolean | DynamicValue
  | Value[] | { [name: string]: Value };

const UNKNOWN_EXTENSION = 0;
const REFINED_UNKNOWN_EXTENSION = 12;

const codec = new ExtensionCodec();
for (const type of [UNKNOWN_EXTENSION, REFINED_UNKNOWN_EXTENSION]) {
  codec.register({ type, encode: () => null, decode: () => UNKNOWN });
}

/** Decodes a msgpack DynamicValue as a value of `type`. */
export function fromMsgpack(bytes: Uint8Array, type: CtyType): Value {
  return fromWire(decode(bytes, { extensionCodec: codec }), type);
}

/** Encodes a value of `type` for a msgpack DynamicValue. */
export function toMsgpack(value: Value, type: CtyType): Uint8Array {
  return encode(toWire(value, type), { ignoreUndefined: false });
}

/** Decodes cty's JSON encoding (state files) as a value of `type`. */
export function fromJson(json: unknown, type: CtyType): Value {
  if (json === null || json === undefined) return null;
  if (type === 'dynamic') {
    const { value, type: real } = json as { value: unknown; type: CtyType };
    return new DynamicValue(real, fromJson(value, real));
  }
  return mapChildren(json, type, fromJson);
}

function fromWire(raw: unknown, type: CtyType): Value {
  if (raw === null || raw === undefined || raw === UNKNOWN) return (raw ?? null) as Value;
  if (type === 'dynamic') {
    const [typeJson, value] = raw as [Uint8Array, unknown];
    const real = JSON.parse(Buffer.from(typeJson).toString('utf8')) as CtyType;
    return new DynamicValue(real, fromWire(value, real));
  }
  return mapChildren(raw, type, fromWire);
}

function toWire(value: Value, type: CtyType): unknown {
  if (value === null) return null;
  if (value === UNKNOWN) return new ExtData(UNKNOWN_EXTENSION, new Uint8Array([0]));
  if (value instanceof DynamicValue) return [Buffer.from(JSON.stringify(value.type)), toWire(value.value, value.type)];
  if (type === 'dynamic') throw new Error('a known dynamic value needs its type (DynamicValue)');
  return mapChildren(value, type, (child, childType) => toWire(child as Value, childType));
}

/** Applies `f` to each child of a collection or object value, by its element or attribute type. */
function mapChildren<T>(raw: unknown, type: CtyType, f: (child: unknown, type: CtyType) => T): any {
  if (typeof type === 'string') return type === 'number' && typeof raw === 'string' ? Number(raw) : raw;
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
    case 'set':
      return (raw as unknown[]).map((element) => f(element, inner as CtyType));
    case 'tuple':
      return (raw as unknown[]).map((element, i) => f(element, (inner as readonly CtyType[])[i]));
    case 'map':
      return Object.fromEntries(Object.entries(raw as object).map(([k, v]) => [k, f(v, inner as CtyType)]));
    case 'object': {
      const source = raw as Record<string, unknown>;
      const attributes = inner as Readonly<Record<string, CtyType>>;
      return Object.fromEntries(Object.keys(attributes).map((name) => [name, f(source[name] ?? null, attributes[name])]));
    }
  }
}

/** True when the value holds an unknown anywhere. */
export function hasUnknown(value: Value): boolean {
  if (value === UNKNOWN) return true;
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof DynamicValue) return hasUnknown(value.value);
  return (Array.isArray(value) ? value : Object.values(value)).some(hasUnknown);
}

/** A stable text for comparing and hashing values (object keys sorted, unknown marked). */
export function canonical(value: Value): string {
  if (value === UNKNOWN) return '<unknown>';
  if (value instanceof DynamicValue) return canonical(value.value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
