/**
 * Runs `cast-drift` as a user does, in a child process (`tsx lib/drift/cli/main.ts`,
 * as test/drift/cli/main.spawn.test.ts does), so the exit code is the one a shell
 * sees. Asynchronously: the stand-in providers answer from this process.
 */
import { spawn } from 'child_process';
import * as path from 'path';

export interface CastDriftRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ROOT = path.join(__dirname, '..', '..', '..');

/** `cast-drift <args>`, with `stdin` piped in when given (e.g. `terraform state pull | cast-drift check --state -`). */
export function runCastDrift(args: readonly string[], stdin?: string): Promise<CastDriftRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['lib/drift/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
    child.stdin.end(stdin ?? '');
  });
}

/** A `--format json` report's findings as `[rule, address]` pairs, in report order. */
export function rulesAndAddresses(report: { findings: readonly { rule: string; address: string }[] }): [string, string][] {
  return report.findings.map((f) => [f.rule, f.address]);
}
