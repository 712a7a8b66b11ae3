// Adds cdktf's matchers (toHaveResourceWithProperties, …) to expect, and their types.
import { Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';
const stackTrace: { captureStackTrace: () => string[] } = require('cdktf/lib/tokens/private/stack-trace');

Testing.setupJest();

// cdktf records the full JavaScript stack of every token it makes (a Lazy, a reference, a
// function call: thousands per synth) for resolution errors. Under jest each capture runs
// through source-map-support, which maps every frame: about a third of the CPU of a test that
// synthesizes clusters (node --cpu-prof of jest -i on nodes/, cluster/ tests: cloneCallSite,
// wrapCallSite, source-map binary search). The tests never read those stacks, and the
// library's own errors carry none (cast-cluster-errors.test.ts); cdktf's modules call it
// through the module's exports, so replacing it here reaches every token made in this file.
stackTrace.captureStackTrace = () => [];

// cdktf's Testing.app() makes a folder under the system's temporary folder for every app and
// never removes it (thousands per run of this suite). Each test file removes the ones it made.
const makeTestingApp = Testing.app.bind(Testing);
const testingOutdirs: string[] = [];
Testing.app = (...args: Parameters<typeof Testing.app>) => {
  const app = makeTestingApp(...args);
  testingOutdirs.push(app.outdir);
  return app;
};
afterAll(() => {
  for (const dir of testingOutdirs.splice(0)) require('node:fs').rmSync(dir, { recursive: true, force: true });
});
