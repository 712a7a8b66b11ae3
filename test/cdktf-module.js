/**
 * What `require('cdktf')` gives the tests (jest.config.js moduleNameMapper): cdktf itself, with
 * Testing.app() recording the folder it makes, which test/setup.ts removes after the test file
 * (cdktf never does: thousands per run were left in the temporary folder).
 *
 * Done here, when something first loads cdktf, rather than in test/setup.ts: jest loads a test
 * file's modules afresh for each file, and 150 of the test files (the planners' table tests)
 * never load cdktf; loading it for the setup alone cost each of them about 0.2 CPU-s.
 */
'use strict';
const path = require('node:path');

// The package's entry point by its path: the name 'cdktf' would map back to this file.
const cdktf = require(path.join(__dirname, '..', 'node_modules', 'cdktf', 'lib', 'index.js'));

if (!cdktf.Testing.app.castRecordsOutdirs) {
  const makeTestingApp = cdktf.Testing.app.bind(cdktf.Testing);
  const recordingApp = (...args) => {
    const app = makeTestingApp(...args);
    (globalThis.castTestingOutdirs ??= []).push(app.outdir);
    return app;
  };
  recordingApp.castRecordsOutdirs = true;
  cdktf.Testing.app = recordingApp;
}

module.exports = cdktf;
