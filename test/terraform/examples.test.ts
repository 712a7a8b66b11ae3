/**
 * Terraform judges every stack of every example: init with the stand-in providers
 * attached, apply into local state (apply validates and plans first), then plan again,
 * which must find nothing to do. A new example is covered as soon as it has an app.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { convergeApp, failures } from './harness';
import { startStandIns, type StandIns } from './stand-in/stand-ins';
import { exampleApp, exampleNames } from '../support/example-stacks';
import { synthesizeApp } from './synthesized-app';
import { describeWithTerraform, examplesEnvironment } from './terraform-cli';

/**
 * Applied, and shown to converge, by the drift tests on real states (drift/applied-examples.test.ts),
 * which apply them anyway: one apply of each instead of two.
 */
const CONVERGED_BY_THE_DRIFT_TESTS = ['multi-cloud', 'aws'];

describeWithTerraform('terraform init, apply and re-plan every example', () => {
  // Concurrent tests start before beforeAll hooks finish (jest), so the start is shared lazily.
  let standIns: Promise<StandIns> | undefined;
  const attached = () => (standIns ??= startStandIns());
  afterAll(async () => (await standIns)?.close());

  test('the examples are all here', () => {
    expect(exampleNames()).toEqual(expect.arrayContaining(['multi-cloud', 'aws', 'gcp', 'azure', 'digitalocean', 'autoscaling', 'app']));
  });

  test('the examples left to the drift tests are converged there', () => {
    const drift = fs.readFileSync(path.join(__dirname, 'drift', 'applied-examples.test.ts'), 'utf8');
    expect(drift).toContain(`test.each(${JSON.stringify(CONVERGED_BY_THE_DRIFT_TESTS).replace(/"/g, "'").replace(/,/g, ', ')})('examples/%s converges`);
    for (const name of CONVERGED_BY_THE_DRIFT_TESTS) expect(drift).toContain(`applyExample('${name}', standIns)`);
  });

  test.concurrent.each(exampleNames().filter((name) => !CONVERGED_BY_THE_DRIFT_TESTS.includes(name)))('examples/%s converges', async (name) => {
    const app = synthesizeApp(exampleApp(name));
    try {
      // examples/app's consoles read the OIDC client secret from this variable at deploy, as its README says.
      const results = await convergeApp(app, examplesEnvironment((await attached()).reattach));
      expect(failures(results)).toBe('');
      // Every stack ran all three steps: nothing was skipped on the way.
      expect(results.map((r) => [r.stack, r.runs.length])).toEqual(app.stacks.map((s) => [s.name, 3]));
    } finally {
      fs.rmSync(app.root, { recursive: true, force: true });
    }
  }, 180_000);
});
