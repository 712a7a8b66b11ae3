/**
 * `JSON.parse` for a piece of a larger input, with errors that name the byte
 * offset in the whole input and never quote the text (it may hold secrets).
 */
import { locateJsonError } from './locate-json-error';
import { DriftInputError } from '../../errors';

/** Decodes UTF-8 bytes, refusing (with a DriftInputError) a value too long for a Node string. */
export function decodeUtf8(bytes: Buffer, source: string): string {
  try {
    return bytes.toString('utf8');
  } catch {
    const mib = Math.round(bytes.length / 2 ** 20);
    throw new DriftInputError(`holds a single JSON value of ${mib} MiB, more than Node can hold as a string (~512 MiB)`, source);
  }
}

/**
 * Parses `text`, which starts at byte `startOffset` of `source`.
 * Throws a DriftInputError "invalid JSON at byte N (line L, column C): problem".
 */
export function parseJsonSlice(text: string, startOffset: number, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const located = locateJsonError(text);
    const before = located ? text.slice(0, located.offset) : '';
    const offset = startOffset + Buffer.byteLength(before);
    // Line and column are only known when the slice is the whole input.
    const where = startOffset === 0 ? ` (line ${lineOf(before)}, column ${before.length - before.lastIndexOf('\n')})` : '';
    const problem = located?.problem ?? 'not valid JSON';
    const hint = problem === 'unexpected end of input' ? ': the file is truncated' : '';
    throw new DriftInputError(`invalid JSON at byte ${offset}${where}: ${problem}${hint}`, source);
  }
}

function lineOf(before: string): number {
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  return line;
}
