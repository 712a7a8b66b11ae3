#!/usr/bin/env node
/**
 * Writes API.md with jsii-docgen, from a directory that holds only this package's
 * assembly (.jsii, package.json) and a link to its node_modules.
 *
 * Why not `jsii-docgen` in the repository: it loads every `**\/.jsii` under the
 * directory it runs in and takes the highest version of each assembly
 * (jsii-docgen lib/docgen/view/assembly.js, discoverAssemblies). The CDK Terrain
 * check installs newer `constructs` under examples/cdktn/node_modules and
 * scripts/build-cdktn/node_modules, and API.md then documented that version's
 * members (`with()` on every construct) instead of the ones users get.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-api-docs-'));
try {
  for (const file of ['package.json', '.jsii']) fs.copyFileSync(path.join(root, file), path.join(work, file));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  execFileSync(process.execPath, [require.resolve('jsii-docgen/bin/jsii-docgen', { paths: [root] }), '--output', 'API.md'], { cwd: work, stdio: 'inherit' });
  fs.copyFileSync(path.join(work, 'API.md'), path.join(root, 'API.md'));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
