/**
 * Terraform harness benchmarks: how long the stand-in providers take to start, how
 * long terraform takes to judge each example (init, validate, plan, apply, re-plan),
 * and the wall time of the Terraform part of `npm test` (jest on test/terraform).
 * Target: the Terraform part adds at most 60 s to `npm test`. Prints a markdown section.
 */
import * as path from 'node:path';
import { convergeApp, failures } from '../test/terraform/harness';
import { startStandIns } from '../test/terraform/stand-in/stand-ins';
import { exampleApp, exampleNames } from '../test/support/example-stacks';
import { synthesizeApp } from '../test/terraform/synthesized-app';
import { examplesEnvironment } from '../test/terraform/terraform-cli';
import { formatMs, run } from './measure';

const ROOT = path.resolve(__dirname, '..');
const skipTests = process.argv.includes('--skip-tests');

async function main(): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const standIns = await startStandIns();
  const startMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  const env = examplesEnvironment(standIns.reattach);
  const rows: string[][] = [['start the 8 stand-in providers (schemas, gRPC servers)', formatMs(startMs)]];
  for (const name of exampleNames()) {
    const app = synthesizeApp(exampleApp(name));
    const t = process.hrtime.bigint();
    const results = await convergeApp(app, env);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const problem = failures(results);
    rows.push([`examples/${name}: ${app.stacks.length} stack(s), 3 terraform commands each (init, apply, plan), one after another`, problem ? `FAILED: ${problem.split('\n')[0]}` : formatMs(ms)]);
  }
  await standIns.close();
  if (!skipTests) {
    const jest = run(process.execPath, [path.join(ROOT, 'node_modules/jest/bin/jest.js'), 'test/terraform', '--silent'], { cwd: ROOT });
    rows.push(['`jest test/terraform` (the Terraform part of `npm test`), wall', `${formatMs(jest.ms)} (target ≤ 60 s)`]);
  }
  console.log('## Terraform harness\n');
  console.log('One run, stand-ins in the benchmark process, terraform 1.11 as a child process per command.\n');
  console.log('| measurement | time |\n|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
