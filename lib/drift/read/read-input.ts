/**
 * Reads one input file (or stdin for `-`) through the streaming scanner and
 * returns it recognized and reduced. All file I/O of the readers is here.
 *
 * Inputs up to SMALL_INPUT_BYTES are parsed whole (one `JSON.parse`, and
 * errors get line and column); larger ones stream in CHUNK_BYTES pieces, so
 * memory stays flat however large the state is.
 */
import * as fs from 'node:fs';
import { InputDocument, InputDocumentOptions, InputDocumentReader, InputKind } from './input-document';
import { JsonStreamScanner } from './json/json-stream-scanner';
import { decodeUtf8, parseJsonSlice } from './json/parse-json-slice';
import { walkParsedJson } from './json/walk-parsed-json';
import { DECRYPT_HINT, decryptOpenTofuState } from './opentofu-decrypt';
import { describeFileError } from './file-errors';
import { DriftInputError } from '../errors';

/** Inputs up to this size are parsed with one JSON.parse. */
export const SMALL_INPUT_BYTES = 1 * 2 ** 20;
/**
 * Read size for streaming. 2 MiB rather than more: a chunk then stays in the CPU's cache while
 * it is decoded and parsed; on the 100 MB benchmark state the check took 7% less CPU than with
 * 8 MiB (bench/drift.bench.ts, medians of 6 runs: 662 ms against 715 ms; 1 MiB: 723 ms).
 */
export const CHUNK_BYTES = 2 * 2 ** 20;

/** Called while an input is read: bytes done and the total when known (not for stdin). */
export type ReadProgress = (file: string, bytesDone: number, bytesTotal: number | undefined) => void;

/** Options for readInput. */
export interface ReadInputOptions extends InputDocumentOptions {
  /** Where `-` reads from. @default process.stdin */
  readonly stdin?: AsyncIterable<Buffer | string>;
  /** Progress callback for large inputs. */
  readonly onProgress?: ReadProgress;
  /** Passphrase for an OpenTofu state encrypted with the pbkdf2 key provider. */
  readonly passphrase?: string;
}

/** Reads, recognizes and reduces the input at `file` (`-` for stdin). */
export async function readInput(file: string, options: ReadInputOptions = {}): Promise<InputDocument> {
  const document = file === '-' ? await readStream(file, options.stdin ?? process.stdin, options) : await readFile(file, options);
  if (document.kind !== InputKind.ENCRYPTED_STATE || !document.encrypted) return document;
  if (options.passphrase === undefined) {
    throw new DriftInputError(`is an OpenTofu encrypted state (encryption_version ${document.encrypted.version || '?'}): ${DECRYPT_HINT}`, file);
  }
  const plaintext = decryptOpenTofuState(document.encrypted, options.passphrase, file);
  const decrypted = readBuffer(file, plaintext, options);
  if (decrypted.kind === InputKind.ENCRYPTED_STATE) throw new DriftInputError('is encrypted twice', file);
  return { ...decrypted, label: `${decrypted.label}, decrypted` };
}

/** Reduces an input held in memory (used for decrypted states and by tests). */
export function readBuffer(file: string, bytes: Buffer, options: InputDocumentOptions = {}): InputDocument {
  const reader = new InputDocumentReader(file, options);
  if (bytes.length <= SMALL_INPUT_BYTES) {
    if (bytes.length === 0 || bytes.toString('utf8').trim() === '') throw new DriftInputError('is empty (0 bytes of JSON)', file);
    walkParsedJson(parseJsonSlice(decodeUtf8(bytes, file), 0, file), reader);
  } else {
    const scanner = new JsonStreamScanner(reader, file);
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) scanner.push(bytes.subarray(at, at + CHUNK_BYTES));
    scanner.end();
  }
  return reader.finish();
}

/**
 * Files are read with blocking reads: the CLI does nothing else meanwhile,
 * and a round trip through the event loop per chunk costs more than it saves.
 */
async function readFile(file: string, options: ReadInputOptions): Promise<InputDocument> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw new DriftInputError(describeFileError(error), file);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new DriftInputError('is a directory, not a file', file);
    if (stat.size <= SMALL_INPUT_BYTES && stat.isFile()) return readBuffer(file, fs.readFileSync(fd), options);
    const reader = new InputDocumentReader(file, options);
    const scanner = new JsonStreamScanner(reader, file);
    const total = stat.isFile() ? stat.size : undefined;
    let done = 0;
    // Two buffers in turn: the scanner copies what it keeps of a chunk when the next one comes
    // (JsonStreamScanner.push), so the one before that is free to be read into again, and a
    // 1 GB state takes two buffers rather than 500 allocations left to the GC.
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    for (let n = 0; ; n++) {
      const chunk = buffers[n % 2];
      const bytesRead = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      scanner.push(bytesRead === CHUNK_BYTES ? chunk : chunk.subarray(0, bytesRead));
      done += bytesRead;
      options.onProgress?.(file, done, total);
    }
    scanner.end();
    return reader.finish();
  } catch (error) {
    if (error instanceof DriftInputError) throw error;
    throw new DriftInputError(describeFileError(error), file);
  } finally {
    fs.closeSync(fd);
  }
}

async function readStream(file: string, stream: AsyncIterable<Buffer | string>, options: ReadInputOptions): Promise<InputDocument> {
  const reader = new InputDocumentReader(file, options);
  const scanner = new JsonStreamScanner(reader, file);
  let done = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      scanner.push(bytes);
      done += bytes.length;
      options.onProgress?.(file, done, undefined);
    }
  } catch (error) {
    if (error instanceof DriftInputError) throw error;
    throw new DriftInputError(`cannot be read: ${describeFileError(error)}`, file);
  }
  scanner.end();
  return reader.finish();
}
