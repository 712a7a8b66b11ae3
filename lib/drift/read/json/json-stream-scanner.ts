/**
 * A selective, streaming JSON reader over bytes.
 *
 * Node cannot hold a string longer than ~512 MiB, and `JSON.parse` of a whole
 * state keeps every resource alive at once. This scanner takes the document in
 * chunks of bytes, walks only the structure the handler asks it to descend
 * into, and `JSON.parse`s each captured value (a state's `resources[i]`, say)
 * as its own slice. Everything else is stepped over by counting brackets
 * outside strings, which is a few byte comparisons per byte.
 *
 * The structure it walks is validated strictly; captured values are validated
 * by `JSON.parse`; skipped values only for balanced brackets and strings (so
 * a corrupted part the readers never look at, a `check_results` say, passes
 * here where a whole-file `JSON.parse` would refuse it).
 * Errors are DriftInputErrors carrying the byte offset, never the input text.
 *
 * Fast path for pretty-printed input (Terraform writes states with Go's
 * json.MarshalIndent): a raw newline cannot occur inside a JSON string, so
 * in indented JSON the value that opens with `{` on a line indented by N
 * spaces closes at the next newline + N spaces + `}`. The scanner looks for
 * that with Buffer.indexOf (native, GB/s) and confirms it with the
 * JSON.parse it needs anyway: a slice that parses as one value starting with
 * that `{` must end at its matching `}`. When the guess fails (other
 * formatting) it steps through the bytes as usual.
 *
 * CAPTURE_OR_DESCEND takes the fast path when the value's end is in the
 * chunk at hand, and otherwise descends into it, so a value too large for
 * one string (a state resource with 100,000 instances) is read member by
 * member rather than gathered whole.
 */
import { JsonPathDecision, JsonPathHandler, JsonValueKind } from './json-path';
import { decodeUtf8, parseJsonSlice } from './parse-json-slice';
import { DriftInputError } from '../../errors';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** What the structure expects next. */
enum Expect {
  ROOT,
  VALUE,
  VALUE_OR_CLOSE,
  KEY,
  KEY_OR_CLOSE,
  COLON,
  COMMA_OR_CLOSE,
  DONE,
}

/** The token being stepped over, if any. */
enum Token {
  NONE,
  KEY,
  CAPTURE,
  SKIP,
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isValueStart(c: number): boolean {
  return c === LBRACE || c === LBRACKET || c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
}

/** True when a quoted key has no escapes or control characters, so its bytes between the quotes are its value. */
function isPlainKey(bytes: Buffer): boolean {
  for (let i = 1; i < bytes.length - 1; i++) if (bytes[i] < 0x20 || bytes[i] === BACKSLASH) return false;
  return true;
}

function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Streams one JSON document through a JsonPathHandler. Feed it with `push`, finish with `end`. */
export class JsonStreamScanner {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Absolute offset of buf[0] in the document. */
  private base = 0;
  private expect = Expect.ROOT;
  /** One entry per open container that was descended into: true for arrays. */
  private readonly isArray: boolean[] = [];
  /** The current key or index for each open container. */
  private readonly path: (string | number)[] = [];

  private token = Token.NONE;
  /** Index in `buf` where the current token (or its part in this chunk) starts. */
  private tokenStart = 0;
  /** Absolute offset where the current token starts. */
  private tokenStartAbs = 0;
  /** Copies of earlier chunks' pieces of a token that spans chunks. */
  private tokenParts: Buffer[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private primitive = false;
  private sawAnything = false;
  /**
   * The last fast-path search in this chunk, by indentation width and bracket (see
   * captureIndented): where it started and the closer it found (-1: none).
   */
  private searchFrom: number[] = [];
  private searchFound: number[] = [];

  constructor(
    private readonly handler: JsonPathHandler,
    /** Names the input in error messages (a path, or `-` for stdin). */
    private readonly source: string,
  ) {}

  /** Bytes consumed so far. */
  public get offset(): number {
    return this.base + this.pos;
  }

  /**
   * Scans the next chunk. The scanner reads `chunk` until the next `push` (which copies the
   * tail of a token still open) or `end`; after that the caller may reuse its memory.
   */
  public push(chunk: Buffer): void {
    if (this.token === Token.KEY || this.token === Token.CAPTURE) {
      if (this.tokenStart < this.buf.length) this.tokenParts.push(Buffer.from(this.buf.subarray(this.tokenStart)));
      this.tokenStart = 0;
    }
    this.base += this.buf.length;
    this.buf = chunk;
    this.pos = 0;
    this.searchFrom = [];
    this.searchFound = [];
    this.run();
  }

  /** Declares the end of input; throws when the document is incomplete. */
  public end(): void {
    if (this.token !== Token.NONE) {
      if (this.primitive && this.isArray.length === 0) {
        this.finishToken(this.buf.length);
      } else {
        this.fail(this.base + this.buf.length, 'unexpected end of input: the file is truncated');
      }
    }
    if (!this.sawAnything) throw new DriftInputError('is empty (0 bytes of JSON)', this.source);
    if (this.expect !== Expect.DONE) this.fail(this.base + this.buf.length, 'unexpected end of input: the file is truncated');
  }

  private run(): void {
    const buf = this.buf;
    const length = buf.length;
    while (this.pos < length) {
      if (this.token !== Token.NONE) {
        if (!this.continueToken()) return;
        continue;
      }
      const c = buf[this.pos];
      if (isWhitespace(c)) {
        this.pos++;
        continue;
      }
      this.sawAnything = true;
      switch (this.expect) {
        case Expect.ROOT:
        case Expect.VALUE:
          this.startValue(c);
          break;
        case Expect.VALUE_OR_CLOSE:
          if (c === RBRACKET) this.closeContainer();
          else this.startValue(c);
          break;
        case Expect.KEY_OR_CLOSE:
          if (c === RBRACE) this.closeContainer();
          else if (c === QUOTE) this.startToken(Token.KEY, false);
          else this.fail(this.offset, `expected a property name or '}', found ${describeByte(c)}`);
          break;
        case Expect.KEY:
          if (c === QUOTE) this.startToken(Token.KEY, false);
          else this.fail(this.offset, `expected a property name, found ${describeByte(c)}`);
          break;
        case Expect.COLON:
          if (c !== COLON) this.fail(this.offset, `expected ':', found ${describeByte(c)}`);
          this.pos++;
          this.expect = Expect.VALUE;
          break;
        case Expect.COMMA_OR_CLOSE: {
          const inArray = this.isArray[this.isArray.length - 1];
          if (c === COMMA) {
            this.pos++;
            if (inArray) {
              (this.path[this.path.length - 1] as number)++;
              this.expect = Expect.VALUE;
            } else {
              this.expect = Expect.KEY;
            }
          } else if (c === (inArray ? RBRACKET : RBRACE)) {
            this.closeContainer();
          } else {
            this.fail(this.offset, `expected ',' or '${inArray ? ']' : '}'}', found ${describeByte(c)}`);
          }
          break;
        }
        case Expect.DONE:
          this.fail(this.offset, `unexpected ${describeByte(c)} after the end of the JSON document`);
      }
    }
  }

  private startValue(c: number): void {
    if (!isValueStart(c)) this.fail(this.offset, `expected a JSON value, found ${describeByte(c)}`);
    const container = c === LBRACE || c === LBRACKET;
    const kind = c === LBRACE ? JsonValueKind.OBJECT : c === LBRACKET ? JsonValueKind.ARRAY : JsonValueKind.SCALAR;
    const decision = this.handler.decide(this.path, kind);
    if (container && decision === JsonPathDecision.DESCEND) {
      this.descend(c);
      return;
    }
    const capture = decision === JsonPathDecision.CAPTURE || decision === JsonPathDecision.CAPTURE_OR_DESCEND;
    if (capture && container && this.captureIndented(c === LBRACE ? RBRACE : RBRACKET)) return;
    if (container && decision === JsonPathDecision.CAPTURE_OR_DESCEND) {
      this.descend(c);
      return;
    }
    const primitive = !container && c !== QUOTE;
    this.startToken(capture ? Token.CAPTURE : Token.SKIP, primitive);
  }

  private descend(c: number): void {
    this.pos++;
    const array = c === LBRACKET;
    this.isArray.push(array);
    this.path.push(array ? 0 : '');
    this.expect = array ? Expect.VALUE_OR_CLOSE : Expect.KEY_OR_CLOSE;
  }

  /** The fast path (see the file comment); true when it captured the value at `pos`. */
  private captureIndented(close: number): boolean {
    const buf = this.buf;
    const start = this.pos;
    let lineStart = start;
    while (lineStart > 0 && buf[lineStart - 1] !== 0x0a) {
      const c = buf[lineStart - 1];
      if (c !== 0x20 && c !== 0x09) return false;
      lineStart--;
    }
    if (lineStart === 0) return false; // the line began in an earlier chunk: indentation unknown
    const indent = start - lineStart;
    // The closing bracket at the start of a line indented as this one. Not indexOf of that whole
    // line: a needle of newline and spaces searched through runs of spaces is slow (Boyer-Moore
    // shifts by one); the bracket alone is a memchr, and the few others are refused by one byte.
    // A search that started at or before `start` and found its closer after it (or none) answers for
    // `start` too: nothing matched in between. Without this, values that open and close on one line
    // (a list printed one compact item per line) searched the rest of the chunk each: quadratic.
    const key = indent * 2 + (close === RBRACE ? 0 : 1);
    const from = this.searchFrom[key];
    let found: number;
    if (from !== undefined && from <= start && (this.searchFound[key] === -1 || start < this.searchFound[key])) {
      found = this.searchFound[key];
    } else {
      found = buf.indexOf(close, start + 1);
      while (found !== -1 && !this.isLineOf(found, lineStart, indent)) found = buf.indexOf(close, found + 1);
      this.searchFrom[key] = start;
      this.searchFound[key] = found;
    }
    if (found === -1) return false;
    const end = found + 1;
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      return false;
    }
    this.pos = end;
    this.handler.onValue(this.path, value);
    this.afterValue();
    return true;
  }

  /** True when `at` is preceded by a newline and the `indent` bytes found at `lineStart`. */
  private isLineOf(at: number, lineStart: number, indent: number): boolean {
    const buf = this.buf;
    const from = at - indent;
    if (from < 1 || buf[from - 1] !== 0x0a) return false;
    for (let i = 0; i < indent; i++) if (buf[from + i] !== buf[lineStart + i]) return false;
    return true;
  }

  private startToken(token: Token, primitive: boolean): void {
    this.token = token;
    this.primitive = primitive;
    this.tokenStart = this.pos;
    this.tokenStartAbs = this.offset;
    this.tokenParts = [];
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /** Steps over the current token; true when it ended in this chunk. This is the hot loop. */
  private continueToken(): boolean {
    const buf = this.buf;
    const length = buf.length;
    let p = this.pos;
    if (this.primitive) {
      while (p < length) {
        const c = buf[p];
        if (c === COMMA || c === RBRACE || c === RBRACKET || isWhitespace(c)) break;
        p++;
      }
      this.pos = p;
      if (p === length) return false;
      this.finishToken(p);
      return true;
    }
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    while (p < length) {
      const c = buf[p++];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) {
            this.pos = p;
            this.finishToken(p);
            return true;
          }
        }
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth === 0) {
          this.pos = p;
          this.finishToken(p);
          return true;
        }
      }
    }
    this.pos = p;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return false;
  }

  /** The token ends just before `end` (an index into `buf`). */
  private finishToken(end: number): void {
    const token = this.token;
    this.token = Token.NONE;
    if (token === Token.SKIP) {
      this.afterValue();
      return;
    }
    const bytes =
      this.tokenParts.length === 0
        ? this.buf.subarray(this.tokenStart, end)
        : Buffer.concat([...this.tokenParts, this.buf.subarray(this.tokenStart, end)]);
    this.tokenParts = [];
    if (token === Token.KEY) {
      const key = isPlainKey(bytes) ? bytes.toString('utf8', 1, bytes.length - 1) : (parseJsonSlice(decodeUtf8(bytes, this.source), this.tokenStartAbs, this.source) as string);
      this.path[this.path.length - 1] = key;
      this.expect = Expect.COLON;
      return;
    }
    const value = parseJsonSlice(decodeUtf8(bytes, this.source), this.tokenStartAbs, this.source);
    this.handler.onValue(this.path, value);
    this.afterValue();
  }

  private closeContainer(): void {
    this.pos++;
    this.isArray.pop();
    this.path.pop();
    this.handler.onEnd?.(this.path);
    this.afterValue();
  }

  private afterValue(): void {
    this.expect = this.isArray.length === 0 ? Expect.DONE : Expect.COMMA_OR_CLOSE;
  }

  private fail(offset: number, problem: string): never {
    throw new DriftInputError(`invalid JSON at byte ${offset}: ${problem}`, this.source);
  }
}
