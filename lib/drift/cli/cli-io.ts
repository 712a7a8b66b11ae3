/**
 * Everything the CLI touches outside itself, injected so tests run it
 * in-process with captured output and a fixed clock.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An output stream. */
export interface CliOutput {
  /** Writes `text`; a promise, when given, settles once it is written, and rejects when it cannot be. */
  write(text: string): void | Promise<void>;
  /** True when it is a terminal (colour, progress). */
  readonly isTTY?: boolean;
}

/** The CLI's world. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: AsyncIterable<Buffer | string>;
  /** True when stdin is a terminal (then `-` would wait for typing, not read a state). */
  readonly stdinIsTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  now(): Date;
  /** Writes a whole file (the report of --output) from its chunks, in order; a file that cannot be written, whole, rejects. */
  writeFile(file: string, chunks: Iterable<string>): Promise<void>;
}

/**
 * The real process's io. Writes --output atomically (temporary file, then rename), and only
 * over a regular file or none: the rename replaces whatever has the name, so a device, a
 * FIFO or a symbolic link there (as root in CI, `--output /dev/stdout`) would be turned into
 * a regular file.
 */
export function processIo(): CliIo {
  const output = (stream: NodeJS.WriteStream): CliOutput => ({
    // Settles when the stream has taken the text: a full disk, a closed pipe or a device that
    // refuses it rejects, so the CLI can say so and exit 1 rather than 0 with nothing written.
    // The CLI awaits each write before the next, so at most one chunk waits in the stream's
    // buffer however slowly the reader drains it (backpressure: the stream is never asked to
    // hold the whole report, https://nodejs.org/api/stream.html#writablewritechunk-encoding-callback).
    write: (text) => new Promise<void>((resolve, reject) => {
      stream.write(text, (error) => (error ? reject(error) : resolve()));
    }),
    isTTY: stream.isTTY === true,
  });
  // The failure reaches the write's promise; the stream's error event must not end the process.
  process.stdout.on('error', () => undefined);
  return {
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    writeFile: async (file, chunks) => {
      await refuseNonRegularFile(file);
      const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
      try {
        const handle = await fs.promises.open(temporary, 'w');
        try {
          for (const chunk of chunks) await handle.write(chunk, null, 'utf8');
        } finally {
          await handle.close();
        }
        await fs.promises.rename(temporary, file);
      } catch (error) {
        await fs.promises.rm(temporary, { force: true });
        throw error;
      }
    },
  };
}

/**
 * Throws (code ENOTREGULAR, with the kind of file) when `file` exists and is not a regular
 * file; a symbolic link counts as one, whatever it points to. Nothing is changed.
 */
export async function refuseNonRegularFile(file: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.lstat(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw error;
  }
  if (stat.isFile()) return;
  const kind = stat.isSymbolicLink() ? 'symbolic link'
    : stat.isDirectory() ? 'directory'
      : stat.isFIFO() ? 'FIFO'
        : stat.isCharacterDevice() ? 'character device'
          : stat.isBlockDevice() ? 'block device'
            : stat.isSocket() ? 'socket' : 'special file';
  throw Object.assign(new Error(`${file} is a ${kind}`), { code: 'ENOTREGULAR', kind });
}
