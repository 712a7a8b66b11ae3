// Adds cdktf's matchers (toHaveResourceWithProperties, …) to expect, and their types.
import type {} from 'cdktf/lib/testing/adapters/jest';
const stackTrace: { captureStackTrace: () => string[] } = require('cdktf/lib/tokens/private/stack-trace');

// cdktf's matchers, loaded on a matcher's first use: jest loads a test file's modules afresh for
// each file, and most test files (the planners' table tests) never load cdktf, which costs about
// 0.2 CPU-s to load. Each matcher here is cdktf's own (Testing.setupJest's), taken from the
// expect.extend call it makes.
const CDKTF_MATCHERS = [
  'toHaveResource', 'toHaveResourceWithProperties', 'toHaveDataSource', 'toHaveDataSourceWithProperties',
  'toHaveProvider', 'toHaveProviderWithProperties', 'toBeValidTerraform', 'toPlanSuccessfully',
] as const;
let cdktfMatchers: Record<string, (...args: unknown[]) => unknown> | undefined;
function cdktfMatcher(name: string): (...args: unknown[]) => unknown {
  if (!cdktfMatchers) {
    const extend = expect.extend;
    let registered: Record<string, (...args: unknown[]) => unknown> = {};
    expect.extend = (matchers) => { registered = matchers as typeof registered; };
    try {
      require('cdktf').Testing.setupJest();
    } finally {
      expect.extend = extend;
    }
    cdktfMatchers = registered;
  }
  const matcher = cdktfMatchers[name];
  if (!matcher) throw new Error(`cdktf's Testing.setupJest() no longer registers ${name} (test/setup.ts lists it)`);
  return matcher;
}
expect.extend(Object.fromEntries(CDKTF_MATCHERS.map((name) => [name, function (this: unknown, ...args: unknown[]) {
  return cdktfMatcher(name).apply(this, args);
}])) as any);

// cdktf records the full JavaScript stack of every token it makes (a Lazy, a reference, a
// function call: thousands per synth) for resolution errors. Under jest each capture runs
// through source-map-support, which maps every frame: about a third of the CPU of a test that
// synthesizes clusters (node --cpu-prof of jest -i on nodes/, cluster/ tests: cloneCallSite,
// wrapCallSite, source-map binary search). The tests never read those stacks, and the
// library's own errors carry none (cast-cluster-errors.test.ts); cdktf's modules call it
// through the module's exports, so replacing it here reaches every token made in this file.
stackTrace.captureStackTrace = () => [];

// cdktf's Testing.app() makes a folder under the system's temporary folder for every app and
// never removes it (thousands per run of this suite). test/cdktf-module.js records each one
// (when the test file loads cdktf); each test file removes the ones it made.
afterAll(() => {
  const made: string[] = (globalThis as { castTestingOutdirs?: string[] }).castTestingOutdirs ?? [];
  for (const dir of made.splice(0)) require('node:fs').rmSync(dir, { recursive: true, force: true });
});

// Every temporary folder a test file makes must be gone when the file ends (test/environment.js
// checks it after the file's last afterAll). fs.mkdtempSync and fs.promises.mkdtemp record each
// folder made directly under the system's temporary folder. The fs module is one object for every
// file a worker runs (one at a time), so the list lives on it, not on this file's global.
{
  const fsModule = require('node:fs') as typeof import('node:fs') & { castTempDirs?: string[] };
  const path = require('node:path') as typeof import('node:path');
  const tmp = require('node:os').tmpdir() as string;
  if (!fsModule.castTempDirs) {
    const record = (dir: string) => {
      if (path.dirname(dir) === tmp) fsModule.castTempDirs!.push(dir);
      return dir;
    };
    const mkdtempSync = fsModule.mkdtempSync;
    (fsModule as any).mkdtempSync = (...args: any[]) => record((mkdtempSync as any)(...args));
    const mkdtemp = fsModule.promises.mkdtemp;
    (fsModule.promises as any).mkdtemp = async (...args: any[]) => record(await (mkdtemp as any)(...args));
  }
  fsModule.castTempDirs = [];
}
