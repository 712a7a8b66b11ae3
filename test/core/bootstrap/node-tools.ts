/**
 * The Debian tools the bootstrap tests run: cloud-init (its `schema` command and
 * its YAML reader, PyYAML) and shellcheck. Without them a test is skipped with
 * the reason printed, except on CI (CI set), where .ci/run installs them and a
 * missing tool fails the suite.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const ON_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

export function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, binary)));
}

export interface ToolRun {
  readonly status: number;
  readonly output: string;
}

/** Runs a tool; returns its exit status and its stdout and stderr together. */
export function runTool(binary: string, args: readonly string[], input?: string): ToolRun {
  try {
    const output = execFileSync(binary, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
    return { status: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { status: e.status ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * `describe` when the binary is there; when it is not, `describe.skip` with the
 * reason printed, or on CI a suite with one failing test.
 */
export function describeWithTool(binary: string, packageName: string, name: string, body: () => void): void {
  if (onPath(binary)) {
    describe(name, body);
  } else if (ON_CI) {
    describe(name, () => {
      test(`${binary} is installed`, () => {
        throw new Error(`${binary} is missing on CI. .ci/run installs it (apt-get install ${packageName}).`);
      });
    });
  } else {
    console.warn(`Skipping "${name}": ${binary} is not installed (apt-get install ${packageName}).`);
    describe.skip(`${name} (skipped: ${binary} is not installed; apt-get install ${packageName})`, body);
  }
}
