/**
 * Finds the first syntax error in a JSON text, for messages.
 *
 * `JSON.parse` words its errors differently across Node versions and quotes
 * the input around the error, which may be a secret from a state file. This
 * strict validator runs only after `JSON.parse` has failed and reports an
 * offset and a description that never contain the input.
 */

/** Where a JSON text stops being valid and why. */
export interface JsonErrorLocation {
  /** Offset in UTF-16 code units from the start of the text. */
  readonly offset: number;
  /** What was expected, e.g. "expected ',' or '}'". */
  readonly problem: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** The first syntax error in `text`, or undefined when the text is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let pos = 0;
  const fail = (problem: string): never => {
    throw new Stop(pos, pos >= text.length ? 'unexpected end of input' : problem);
  };
  const skipWhitespace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
  };
  const literal = (word: string) => {
    for (let i = 0; i < word.length; i++, pos++) {
      if (text.charCodeAt(pos) !== word.charCodeAt(i)) fail(`invalid literal (expected ${word})`);
    }
  };
  const string = () => {
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        const e = text.charCodeAt(pos + 1);
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('invalid \\u escape');
          pos += 6;
        } else if ('"\\/bfnrt'.includes(text.charAt(pos + 1)) && pos + 1 < text.length) {
          pos += 2;
        } else {
          pos++;
          fail('invalid escape in string');
        }
      } else {
        pos++;
      }
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (!match) fail('invalid number');
    pos += match![0].length;
  };
  // Iterative over an explicit stack so a deeply nested input cannot overflow the call stack.
  const stack: number[] = []; // 0x7d for objects, 0x5d for arrays
  /** Parses a scalar, or opens a container; true when it opened a non-empty container. */
  const value = (): boolean => {
    skipWhitespace();
    const c = text.charCodeAt(pos);
    if (c === 0x7b || c === 0x5b) {
      pos++;
      stack.push(c === 0x7b ? 0x7d : 0x5d);
      skipWhitespace();
      if (text.charCodeAt(pos) === stack[stack.length - 1]) {
        pos++;
        stack.pop();
        return false;
      }
      if (c === 0x7b) key();
      return true;
    }
    if (c === 0x22) string();
    else if (c === 0x74) literal('true');
    else if (c === 0x66) literal('false');
    else if (c === 0x6e) literal('null');
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) number();
    else fail('expected a value');
    return false;
  };
  const key = () => {
    skipWhitespace();
    if (text.charCodeAt(pos) !== 0x22) fail('expected a property name in double quotes');
    string();
    skipWhitespace();
    if (text.charCodeAt(pos) !== 0x3a) fail("expected ':' after property name");
    pos++;
  };
  try {
    let needValue = true;
    for (;;) {
      if (needValue) {
        needValue = value();
        continue;
      }
      skipWhitespace();
      if (stack.length === 0) break;
      const close = stack[stack.length - 1];
      const c = text.charCodeAt(pos);
      if (c === 0x2c) {
        pos++;
        if (close === 0x7d) key();
        needValue = true;
      } else if (c === close) {
        pos++;
        stack.pop();
      } else {
        fail(close === 0x7d ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
    if (pos < text.length) fail('unexpected data after the end of the JSON value');
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, problem: error.problem };
    throw error;
  }
}
