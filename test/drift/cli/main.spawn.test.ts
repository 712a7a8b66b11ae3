/** The one test that runs the real executable: the exit code reaches the shell. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture } from '../helpers';

test('npx tsx lib/drift/cli/main.ts exits 2 on drift and 1 on bad input, with one line on stderr', () => {
  const root = path.join(__dirname, '../../..');
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const run = (state: string) => spawnSync(tsx, ['lib/drift/cli/main.ts', 'check', '--desired', fixture('stack/cdk.tf.json'), '--state', state, '--format', 'json'], { cwd: root, encoding: 'utf8' });
  const drift = run(fixture('state/drifted.tfstate'));
  expect(drift.status).toBe(2);
  expect(JSON.parse(drift.stdout)).toMatchObject({ schema: 'cast-drift/v1', result: 'drift' });
  const bad = run(fixture('bad/truncated.tfstate'));
  expect(bad.status).toBe(1);
  expect(bad.stdout).toBe('');
  expect(bad.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^cast-drift: .*truncated\.tfstate: invalid JSON at byte \d+/)]);
});

test('a report standard output cannot take (the full device): exit 1 and one line on stderr, not exit 0 with nothing said', () => {
  const root = path.join(__dirname, '../../..');
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const full = fs.openSync('/dev/full', 'w');
  try {
    const run = spawnSync(tsx, ['lib/drift/cli/main.ts', 'check', '--desired', fixture('stack/cdk.tf.json'), '--state', fixture('state/in-sync.tfstate')], { cwd: root, encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual(['cast-drift: standard output: the report could not be written (ENOSPC). Free the disk or pipe it reads to, or write it with --output FILE.']);
  } finally {
    fs.closeSync(full);
  }
});
