/** Small measuring tools shared by the benchmarks: run a command, take its time and peak memory. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

// GNU time reports the child's peak RSS; without it (Debian package `time`) only times are taken.
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export interface Run {
  readonly ms: number;
  /** Peak resident set size of the child, in MiB (from /usr/bin/time when present, else the child's own report). */
  readonly rssMiB?: number;
  readonly stdout: string;
}

/** Runs `command` once; throws with its output when it fails. */
export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const started = process.hrtime.bigint();
  const [program, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%M', command, ...args]] : [command, [...args]];
  const result = spawnSync(program, argv, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  const kib = GNU_TIME ? Number(lines[lines.length - 1]) : NaN;
  return { ms, rssMiB: Number.isFinite(kib) ? kib / 1024 : undefined, stdout: result.stdout };
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Formats milliseconds as "123 ms" or "4.56 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
