/**
 * The repository's own shell scripts (CI's entry point and the package checks it runs)
 * pass shellcheck, as the node scripts do (test/core/bootstrap): a script CI runs on a
 * clean machine has no second chance to show a quoting mistake. shellcheck reads
 * `# shellcheck …` at the start of a comment as a directive, so such a comment must be one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTool, runTool } from '../core/bootstrap/node-tools';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPTS = ['.ci/run', ...fs.readdirSync(path.join(ROOT, 'scripts')).filter((name) => name.endsWith('.sh')).map((name) => `scripts/${name}`)].sort();

describeWithTool('shellcheck', 'shellcheck', 'the repository\'s shell scripts', () => {
  test('there are scripts to check: .ci/run and scripts/*.sh', () => {
    expect(SCRIPTS).toEqual(expect.arrayContaining(['.ci/run', 'scripts/cdktn-check.sh', 'scripts/newcomer-check.sh']));
  });

  test.each(SCRIPTS)('%s passes shellcheck', (script) => {
    const run = runTool('shellcheck', ['--shell=bash', path.join(ROOT, script)]);
    expect({ script, status: run.status, output: run.output }).toEqual({ script, status: 0, output: '' });
  });
});
