/** An in-memory CliIo for running the CLI in-process. */
import { Readable } from 'node:stream';
import { CliIo } from '../../../lib/drift/cli/cli-io';

export interface FakeIo {
  readonly io: CliIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly files: Map<string, string>;
}

export function fakeIo(options: { stdoutTTY?: boolean; stderrTTY?: boolean; stdinTTY?: boolean; env?: Record<string, string>; stdin?: Buffer | string; cwd?: string; failWrite?: boolean } = {}): FakeIo {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  return {
    io: {
      stdout: { write: (text) => void out.push(text), isTTY: options.stdoutTTY ?? false },
      stderr: { write: (text) => void err.push(text), isTTY: options.stderrTTY ?? false },
      stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
      stdinIsTTY: options.stdinTTY ?? false,
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
      now: () => new Date('2025-03-01T00:00:00Z'),
      writeFile: async (file, chunks) => {
        if (options.failWrite) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        files.set(file, Array.from(chunks).join(''));
      },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    files,
  };
}
