/**
 * `JSON.stringify(value, null, 2)` in pieces: a report of a million findings
 * is hundreds of megabytes of JSON, more than one string can hold in V8
 * (about 512 MiB, String::kMaxLength) and more memory than the check itself
 * needs. Arrays wrapped in a StreamedJsonArray are written one element per
 * chunk, each element converted only when its turn comes; everything else is
 * written by JSON.stringify itself. The chunks joined are exactly what
 * JSON.stringify(value with the arrays expanded, null, 2) returns.
 */

/** An array whose elements are converted (`map`) and written one at a time. */
export class StreamedJsonArray<T> {
  constructor(
    public readonly items: Iterable<T>,
    public readonly map: (item: T) => unknown,
  ) {}
}

/** The chunks of `value` indented by two spaces, as JSON.stringify(value, null, 2). */
export function* jsonChunks(value: unknown, indent = ''): Generator<string> {
  if (value instanceof StreamedJsonArray) {
    const inner = `${indent}  `;
    let first = true;
    for (const item of value.items as Iterable<unknown>) {
      yield `${first ? '[\n' : ',\n'}${inner}${stringifyIndented(value.map(item), inner)}`;
      first = false;
    }
    yield first ? '[]' : `\n${indent}]`;
    return;
  }
  if (!holdsStreamedArray(value)) {
    yield stringifyIndented(value, indent);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      yield* value[i] === undefined || typeof value[i] === 'function' ? ['null'] : jsonChunks(value[i], inner);
      yield i === value.length - 1 ? `\n${indent}]` : ',\n';
    }
    return;
  }
  // An object holding a streamed array: its members, skipping those JSON.stringify skips.
  const entries = Object.entries(value as Record<string, unknown>).filter(([, member]) => member !== undefined && typeof member !== 'function' && typeof member !== 'symbol');
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    yield `${inner}${JSON.stringify(entries[i][0])}: `;
    yield* jsonChunks(entries[i][1], inner);
    yield i === entries.length - 1 ? `\n${indent}}` : ',\n';
  }
}

/**
 * JSON.stringify(value, null, 2) with every line after the first indented by
 * `indent` (an even number of spaces). Written by JSON.stringify itself as the
 * innermost element of as many nested arrays as `indent` is levels deep, then
 * cut out: half the time of re-indenting the text with a regular expression,
 * which counts at a million findings. Undefined (or a function) comes out as
 * null, as in an array.
 */
function stringifyIndented(value: unknown, indent: string): string {
  const depth = indent.length / 2;
  let wrapped: unknown = value;
  for (let level = 0; level < depth; level++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2) as string | undefined;
  if (text === undefined) return 'null';
  const [prefix, suffix] = wrapping(depth);
  return text.slice(prefix, text.length - suffix);
}

/** Lengths of what `depth` nested arrays add before and after their innermost element: "[\n  [\n    " and "\n  ]\n]". */
function wrapping(depth: number): readonly [number, number] {
  let prefix = 0;
  let suffix = 0;
  for (let level = 1; level <= depth; level++) {
    prefix += 2 + 2 * level;
    suffix += 2 + 2 * (level - 1);
  }
  return [prefix, suffix];
}

/** True when `value` is, or holds in a plain array or object, a StreamedJsonArray. */
function holdsStreamedArray(value: unknown): boolean {
  if (value instanceof StreamedJsonArray) return true;
  if (value === null || typeof value !== 'object') return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const members = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return members.some(holdsStreamedArray);
}
