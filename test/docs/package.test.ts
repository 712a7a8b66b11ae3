/**
 * What the npm package promises, checked without packing it (scripts/newcomer-check.sh packs and
 * installs it): the license text, the docs the CLI names, no source maps, the publish guard.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { helpText } from '../../lib/drift/cli/help-text';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('LICENSE is the Apache License 2.0 as apache.org publishes it, byte for byte', () => {
  // SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt (11,358 bytes); package.json says Apache-2.0.
  const sha256 = createHash('sha256').update(fs.readFileSync(path.join(ROOT, 'LICENSE'))).digest('hex');
  expect(sha256).toBe('cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30');
  expect(pkg.license).toBe('Apache-2.0');
  expect(pkg.files).toContain('LICENSE');
});

test('cast-drift --help names a documentation file that exists, and the package ships it', () => {
  const named = /^Documentation: (.+)$/m.exec(helpText())?.[1];
  expect(named).toBe(path.join(ROOT, 'docs', 'drift.md'));
  expect(fs.existsSync(named!)).toBe(true);
  // The compiled help sits at dist/drift/cli, as the source at lib/drift/cli: three folders below the root.
  expect(path.relative(ROOT, path.dirname(pkg.bin['cast-drift']))).toBe(path.join('dist', 'drift', 'cli'));
  expect(pkg.files).toContain('docs');
});

test('the compiled JavaScript carries no source maps (they held the sources, which are not shipped)', () => {
  const tsc = pkg.jsii.tsc;
  expect({ inlineSourceMap: tsc.inlineSourceMap, inlineSources: tsc.inlineSources, sourceMap: tsc.sourceMap, declarationMap: tsc.declarationMap }).toEqual({
    inlineSourceMap: false,
    inlineSources: false,
    sourceMap: false,
    declarationMap: false,
  });
  // jsii writes tsconfig.json from package.json: the committed one must say the same.
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions;
  expect([tsconfig.inlineSourceMap, tsconfig.inlineSources, tsconfig.sourceMap]).toEqual([false, false, false]);
});

test('npm publish refuses while the repository URL is a placeholder', () => {
  expect(pkg.scripts.prepublishOnly).toBe('node scripts/check-publish.js');
  let stderr = '';
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'check-publish.js')], { stdio: 'pipe' });
  } catch (error) {
    stderr = String((error as { stderr: Buffer }).stderr);
  }
  if (/\.invalid\b/.test(pkg.repository.url)) expect(stderr).toContain('repository.url is a placeholder');
  else expect(stderr).toBe('');
});
