/**
 * The suite's jest environment: Node's, plus the check that a test file leaves no temporary folder
 * behind. test/setup.ts records every folder the file makes directly under the system's temporary
 * folder (fs.mkdtempSync, fs.promises.mkdtemp); here, once every afterAll of the file has run (the
 * `run_finish` event: a check in setup.ts's own afterAll would run before the file's), what is
 * left is removed and reported as a failure of the file. A suite that leaves them fills the
 * machine's temporary folder run after run (thousands of folders, gigabytes, before this check).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

class CastTestEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    if (event.name !== 'run_finish') return;
    const left = (fs.castTempDirs ?? []).splice(0).filter((dir) => fs.existsSync(dir));
    for (const dir of left) fs.rmSync(dir, { recursive: true, force: true });
    if (left.length === 0) return;
    const kinds = [...new Set(left.map((dir) => path.basename(dir).replace(/[A-Za-z0-9]{6}$/, 'XXXXXX')))];
    state.unhandledErrors.push(new Error(`this test file left ${left.length} temporary folder(s) behind (${kinds.join(', ')}): remove each one it makes, in afterAll or a finally.`));
  }
}

module.exports = CastTestEnvironment;
