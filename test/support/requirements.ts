/**
 * What a group of tests needs from the machine (root, a binary, a device, a local provider
 * mirror) and what happens without it. Elsewhere the group is skipped, with the reason
 * printed. In CI (CI set and not "false"), where .ci/run installs everything the suite
 * needs, it is one failing test that names what is missing: a test whose tool is missing
 * never passes CI by not running. Every conditional skip of the suite goes through here
 * (test/support/requirements.test.ts checks).
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True on CI: CI set to anything but "", "false" or "0". */
export const ON_CI = isCi(process.env.CI);

/** Whether a value of CI means CI: anything but unset, "", "false" or "0". */
export function isCi(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** Whether `binary` is a file in a directory of PATH. */
export function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, binary)));
}

/** One reason per binary not on PATH, with how to get it, e.g. `missingBinaries(['ip'], 'apt-get install iproute2')`. */
export function missingBinaries(binaries: readonly string[], install: string): string[] {
  return binaries.filter((binary) => !onPath(binary)).map((binary) => `${binary} is missing (${install})`);
}

/** The reason when this process is not root, e.g. `notRoot('network namespaces need it')`. */
export function notRoot(why: string): string[] {
  return process.getuid?.() === 0 ? [] : [`not running as root (${why})`];
}

/** What a group does given what is missing: run, fail (CI) or skip (elsewhere). */
export function requirementGate(missing: readonly string[], ci: boolean = ON_CI): 'run' | 'fail' | 'skip' {
  if (missing.length === 0) return 'run';
  return ci ? 'fail' : 'skip';
}

/**
 * `describe` for a group that needs what `missing` lacks (empty: it has everything): runs the
 * group, or on CI replaces it with one failing test that names what is missing, or elsewhere
 * skips it with the reason printed. Each reason should say how to get what is missing.
 */
export function describeNeeding(name: string, missing: readonly string[], body: () => void): void {
  const gate = requirementGate(missing);
  if (gate === 'run') {
    describe(name, body);
  } else if (gate === 'fail') {
    describe(name, () => test('the machine has what these tests need', () => {
      throw new Error(`${missing.join('; ')}. CI must have it: .ci/run installs what the suite needs.`);
    }));
  } else {
    console.warn(`Skipping "${name}": ${missing.join('; ')}.`);
    describe.skip(name, body);
  }
}
