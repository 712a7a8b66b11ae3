/** The streamed JSON writer is JSON.stringify(value, null, 2), piece by piece, for any shape. */
import { jsonChunks, StreamedJsonArray } from '../../../lib/drift/report/json-chunks';

/** Replaces every StreamedJsonArray by the plain array it stands for. */
function expand(value: unknown): unknown {
  if (value instanceof StreamedJsonArray) return Array.from(value.items as Iterable<unknown>, (item) => value.map(item));
  if (Array.isArray(value)) return value.map(expand);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, expand(member)]));
  return value;
}

test.each([
  ['an empty streamed array', { list: new StreamedJsonArray([], (x) => x) }],
  ['a streamed array of objects, strings with line breaks and quotes', { a: 1, list: new StreamedJsonArray([{ m: 'a\nb "q"', d: [] }, { m: null, d: [{ p: 'x' }] }], (x) => x), z: 'end' }],
  ['elements mapped to undefined (written as null)', { list: new StreamedJsonArray([1, 2], () => undefined) }],
  ['members that JSON.stringify skips', { u: undefined, f: () => 1, list: new StreamedJsonArray([1], (x) => ({ x, gone: undefined })) }],
  ['nested: an array of objects holding streamed arrays', { runs: [{ results: new StreamedJsonArray(['r'], (x) => x), tool: {} }, 'plain'] }],
  ['a streamed array at the top', new StreamedJsonArray([{ a: [1, { b: 2 }] }], (x) => x)],
  ['no streamed array', { a: [], b: {}, c: [1, [2, {}]] }],
])('%s', (_name, value) => {
  expect(Array.from(jsonChunks(value)).join('')).toBe(JSON.stringify(expand(value), null, 2));
});

test('elements are converted only when their chunk is asked for', () => {
  const converted: number[] = [];
  const chunks = jsonChunks({ list: new StreamedJsonArray([1, 2, 3], (x) => (converted.push(x), x)) });
  chunks.next();
  chunks.next();
  expect(converted).toEqual([]);
  chunks.next();
  expect(converted).toEqual([1]);
});
