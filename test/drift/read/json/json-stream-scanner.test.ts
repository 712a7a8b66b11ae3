import { JsonPath, JsonPathDecision, JsonPathHandler, JsonValueKind } from '../../../../lib/drift/read/json/json-path';
import { JsonStreamScanner } from '../../../../lib/drift/read/json/json-stream-scanner';
import { walkParsedJson } from '../../../../lib/drift/read/json/walk-parsed-json';
import { DriftInputError } from '../../../../lib/drift/errors';

/** Captures `items[*]` and top-level scalars, skips everything else; records what it saw. */
function recorder(): JsonPathHandler & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    decide(path: JsonPath, kind: JsonValueKind) {
      if (path.length === 0) return JsonPathDecision.DESCEND;
      if (path.length === 1) return path[0] === 'items' ? JsonPathDecision.DESCEND : kind === JsonValueKind.SCALAR ? JsonPathDecision.CAPTURE : JsonPathDecision.SKIP;
      return path[0] === 'items' && path.length === 2 ? JsonPathDecision.CAPTURE : JsonPathDecision.SKIP;
    },
    onValue(path: JsonPath, value: unknown) {
      events.push(`${path.join('/')}=${JSON.stringify(value)}`);
    },
  };
}

function scanInChunks(text: string, chunkSize: number): string[] {
  const handler = recorder();
  const scanner = new JsonStreamScanner(handler, 'doc.json');
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += chunkSize) scanner.push(bytes.subarray(at, at + chunkSize));
  scanner.end();
  return handler.events;
}

function walk(text: string): string[] {
  const handler = recorder();
  walkParsedJson(JSON.parse(text), handler);
  return handler.events;
}

const DOCUMENT = JSON.stringify(
  {
    version: 4,
    name: 'quote " backslash \\ brace { bracket ] unicode é ✓ \u0001',
    skipped: { nested: [1, { deep: ['}', ']', '"'] }], 'key with \\"': true },
    items: [{ a: 1 }, 'text with "quotes" and \\\\ slashes', -1.5e3, null, true, [], {}, { b: [{ c: 'x' }] }],
    empty: '',
    last: false,
  },
  null,
  2,
);

describe('JsonStreamScanner', () => {
  test.each([1, 2, 3, 5, 7, 64, 1 << 20])('chunks of %d bytes give the same events as JSON.parse', (size) => {
    expect(scanInChunks(DOCUMENT, size)).toEqual(walk(DOCUMENT));
  });

  test.each([1, 7, 1 << 20])('items each on one line (no closing line to find), then indented ones: chunks of %d bytes as JSON.parse', (size) => {
    const items = [{ a: 1 }, [2], { b: { c: 3 } }, { d: [] }];
    const text = `{"items": [\n${items.map((item) => JSON.stringify(item)).join(',\n')},\n${items.map((item) => JSON.stringify(item, null, 2)).join(',\n')}\n]}`;
    expect(scanInChunks(text, size)).toEqual(walk(text));
  });

  test('captures in document order with indexes', () => {
    expect(scanInChunks('{"items":[1,"two",{"x":[3]}],"version":4}', 4)).toEqual(['items/0=1', 'items/1="two"', 'items/2={"x":[3]}', 'version=4']);
  });

  test('escaped keys are decoded', () => {
    expect(scanInChunks('{"ver\\u0073ion": 4, "items": []}', 3)).toEqual(['version=4']);
  });

  test('a root scalar is captured at the end of input', () => {
    const handler: JsonPathHandler & { seen: unknown[] } = { seen: [], decide: () => JsonPathDecision.CAPTURE, onValue: (_p, v) => handler.seen.push(v) };
    const scanner = new JsonStreamScanner(handler, 'x');
    scanner.push(Buffer.from(' 42'));
    scanner.end();
    expect(handler.seen).toEqual([42]);
  });

  test.each([
    ['truncated inside a captured value', '{"items":[{"a":1', /byte 16.*truncated/],
    ['truncated inside the structure', '{"items":[1,2', /byte 13.*truncated/],
    ['truncated inside a skipped value', '{"skipped":{"a":[1,2', /truncated/],
    ['a missing comma', '{"items":[1 2]}', /byte 12: expected ',' or '\]'/],
    ['a bare word', '{"items":[1,nope]}', /byte 13: invalid literal \(expected null\)/],
    ['a missing colon', '{"version" 4}', /byte 11: expected ':'/],
    ['an unquoted key', '{version: 4}', /byte 1: expected a property name/],
    ['data after the end', '{"version":4} {"x":1}', /byte 14: unexpected '\{' after the end/],
    ['an invalid captured value', '{"items":[{"a":tru}]}', /byte 18: invalid literal/],
    ['an empty document', '   \n', /is empty/],
    ['a control character in a captured string', '{"items":["a\u0001b"]}', /byte 12: control character/],
  ])('refuses %s', (_name, text, message) => {
    for (const size of [1, 4, 1024]) {
      expect(() => scanInChunks(text, size)).toThrow(DriftInputError);
      expect(() => scanInChunks(text, size)).toThrow(message);
    }
  });

  test('error messages never quote the input', () => {
    expect(() => scanInChunks('{"items":[{"password":"hunter2",}]}', 5)).toThrow(/^doc\.json: invalid JSON at byte \d+: [^"]*$/);
  });

  test('offset counts consumed bytes', () => {
    const scanner = new JsonStreamScanner(recorder(), 'x');
    scanner.push(Buffer.from('{"version": 4,'));
    expect(scanner.offset).toBe(14);
  });
});

describe('CAPTURE_OR_DESCEND', () => {
  /** `items[*]` capture-or-descend, their members captured; records captures and ends. */
  function splitter(): JsonPathHandler & { events: string[] } {
    const events: string[] = [];
    return {
      events,
      decide(path: JsonPath) {
        if (path.length <= 1) return path.length === 0 || path[0] === 'items' ? JsonPathDecision.DESCEND : JsonPathDecision.SKIP;
        return path.length === 2 ? JsonPathDecision.CAPTURE_OR_DESCEND : JsonPathDecision.CAPTURE;
      },
      onValue(path: JsonPath, value: unknown) {
        events.push(`${path.join('/')}=${JSON.stringify(value)}`);
      },
      onEnd(path: JsonPath) {
        events.push(`end ${path.join('/')}`);
      },
    };
  }
  const text = JSON.stringify({ items: [{ a: 1, b: [2, 3] }, [4, { c: 5 }]] }, null, 2);

  function scan(chunkSize: number): string[] {
    const handler = splitter();
    const scanner = new JsonStreamScanner(handler, 'doc.json');
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += chunkSize) scanner.push(bytes.subarray(at, at + chunkSize));
    scanner.end();
    return handler.events;
  }

  test('a value whose end is in the chunk at hand is captured whole', () => {
    expect(scan(text.length)).toEqual(['items/0={"a":1,"b":[2,3]}', 'items/1=[4,{"c":5}]', 'end items', 'end ']);
  });

  test('a value that runs past the chunk is descended into, member by member, with its end reported', () => {
    expect(scan(8)).toEqual(['items/0/a=1', 'items/0/b=[2,3]', 'end items/0', 'items/1/0=4', 'items/1/1={"c":5}', 'end items/1', 'end items', 'end ']);
  });

  test('the whole-document walker captures it (the value is parsed already)', () => {
    const handler = splitter();
    walkParsedJson(JSON.parse(text), handler);
    expect(handler.events).toEqual(['items/0={"a":1,"b":[2,3]}', 'items/1=[4,{"c":5}]', 'end items', 'end ']);
  });
});
