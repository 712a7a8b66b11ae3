/**
 * Every example (examples/<name>/app.ts, which exports buildApp) and its synthesized
 * stacks, for the tests that check all of them: new examples are covered as soon as
 * they appear.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { withUserDataInline } from './stack-user-data';

const EXAMPLES_DIR = path.resolve(__dirname, '../../examples');

/** The names of the examples, sorted. */
export function exampleNames(): string[] {
  if (!fs.existsSync(EXAMPLES_DIR)) return [];
  return fs
    .readdirSync(EXAMPLES_DIR)
    .filter((name) => fs.existsSync(path.join(EXAMPLES_DIR, name, 'app.ts')))
    .sort();
}

/** An example's `buildApp` (examples/<name>/app.ts). */
export function exampleApp(name: string): (app: App) => void {
  return (require(path.join(EXAMPLES_DIR, name, 'app.ts')) as { buildApp: (app: App) => void }).buildApp;
}

/** One stack of an example: its id and its synthesized Terraform JSON, parsed, with the user-data Terraform reads from files put back. */
export interface ExampleStack {
  readonly id: string;
  readonly config: { [key: string]: any };
}

/**
 * Builds the example into a test app and synthesizes it as `cdktf synth` does, the whole app at
 * once, so that a value one stack takes from another is a remote-state read and an output
 * (Testing.synth of one stack would leave a reference to the other stack's resource).
 */
export function synthExampleStacks(name: string): ExampleStack[] {
  const app = Testing.app();
  exampleApp(name)(app);
  app.synth();
  return app.node.children
    .filter((child): child is TerraformStack => TerraformStack.isStack(child))
    .map((stack) => {
      const dir = path.join(app.outdir, 'stacks', stack.node.id);
      return { id: stack.node.id, config: withUserDataInline(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')), dir) };
    });
}
