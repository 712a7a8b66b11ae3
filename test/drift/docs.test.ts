/** docs/drift.md and examples/ci are checked against the code, so they cannot rot. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { helpText } from '../../lib/drift/cli/help-text';
import { CliCommand } from '../../lib/drift/cli/parse-args';
import { RULES } from '../../lib/drift/check/rules';
import * as drift from '../../lib/drift';

const ROOT = path.join(__dirname, '../..');
const DOCS = fs.readFileSync(path.join(ROOT, 'docs/drift.md'), 'utf8');

test.each(RULES.map((rule) => rule.id))('docs/drift.md documents rule %s', (id) => {
  expect(DOCS).toContain(`\`${id}\``);
});

test.each([...helpText(CliCommand.CHECK).matchAll(/--[a-z-]+/g)].map((m) => m[0]).filter((v, i, a) => a.indexOf(v) === i))('docs/drift.md documents %s', (option) => {
  expect(DOCS).toContain(option);
});

test('the library exports the docs list', () => {
  const listed = /`lib\/drift\/index\.ts` exports: ([^\n]+)/.exec(DOCS)![1];
  for (const name of [...listed.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1])) {
    expect(drift).toHaveProperty(name);
  }
});

test('the CI example runs the check with SARIF, uploads it and handles the exit codes', () => {
  const workflow = parse(fs.readFileSync(path.join(ROOT, 'examples/ci/drift.yml'), 'utf8')) as { permissions: Record<string, string>; jobs: { drift: { steps: { run?: string; uses?: string; if?: string; with?: Record<string, string> }[] } } };
  const steps = workflow.jobs.drift.steps;
  expect(workflow.permissions['security-events']).toBe('write');
  expect(steps.some((s) => s.run?.includes('npm ci'))).toBe(true);
  expect(steps.some((s) => s.run?.includes('cdktf synth'))).toBe(true);
  expect(steps.some((s) => s.run?.includes('terraform state pull'))).toBe(true);
  const check = steps.find((s) => s.run?.includes('npx cast-drift check'))!;
  expect(check.run).toContain('--format sarif --output drift.sarif');
  expect(check.run).toContain('if [ "$code" -eq 1 ]; then exit 1; fi');
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
  expect(upload.with?.sarif_file).toBe('drift.sarif');
  expect(upload.if).toContain("exit-code == '2'");
});
