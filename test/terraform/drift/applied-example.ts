/**
 * An example applied by terraform with the stand-in providers, and what a user then
 * runs against it: look an object up in the state, `terraform plan -refresh-only
 * -out=…` followed by `terraform show -json`, or any other terraform command. The
 * state file stays as the apply left it (a refresh-only plan does not write it), so
 * the state and the plan are the two inputs `cast-drift check` documents.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { StandIns } from '../stand-in/stand-ins';
import { exampleApp } from '../../support/example-stacks';
import { synthesizeApp, type SynthesizedApp, type SynthesizedStack } from '../synthesized-app';
import { describeRun, quietEnvironment, terraform, type TerraformRun } from '../terraform-cli';

export interface AppliedExample {
  readonly app: SynthesizedApp;
  readonly stack: SynthesizedStack;
  /** The stack's synthesized cdk.tf.json: `--desired`. */
  readonly desired: string;
  /** The stack's local state file: `--state`. */
  readonly state: string;
  /** terraform's environment, attached to the stand-ins. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * `terraform plan -detailed-exitcode` right after the apply, before any test changes the
   * world: exit 0 means the stack converged (examples.test.ts leaves these examples to it).
   */
  readonly convergence: TerraformRun;
}

/** One object of the state, found by type and a part of its resource name. */
export interface StateObject {
  readonly address: string;
  readonly id: string;
}

/** A refresh-only plan as `terraform show -json` printed it, saved for `--plan`. */
export interface RefreshOnlyPlan {
  readonly file: string;
  /** Its `resource_drift`: what terraform saw change outside itself. */
  readonly drift: readonly { readonly address: string; readonly actions: readonly string[] }[];
}

/**
 * Synthesizes a one-stack example and applies it: `terraform init`, `terraform apply`, then
 * the plan that shows it converged. examples.test.ts judges every other example the same
 * way; these two it leaves to this apply, which the drift tests need anyway (an apply of
 * the multi-cloud example costs seconds).
 */
export async function applyExample(name: string, standIns: StandIns): Promise<AppliedExample> {
  const app = synthesizeApp(exampleApp(name));
  if (app.stacks.length !== 1) throw new Error(`examples/${name} has ${app.stacks.length} stacks; the drift tests take one-stack examples`);
  const stack = app.stacks[0];
  const applied = { app, stack, desired: path.join(stack.dir, 'cdk.tf.json'), state: path.join(app.root, `terraform.${stack.name}.tfstate`), env: quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach }) };
  await terraformIn(applied, ['init', '-input=false']);
  await terraformIn(applied, ['apply', '-input=false', '-auto-approve']);
  // Without refresh, as convergeStack (harness.ts): the stand-ins read back what was applied.
  return { ...applied, convergence: await terraform(stack.dir, ['plan', '-input=false', '-refresh=false', '-detailed-exitcode'], applied.env) };
}

/** The managed object of `type` whose resource name contains `namePart` (exactly one, or this throws). */
export function stateObject(applied: AppliedExample, type: string, namePart: string): StateObject {
  const state = JSON.parse(fs.readFileSync(applied.state, 'utf8'));
  const matches = state.resources.filter((r: any) => r.mode === 'managed' && r.type === type && r.name.includes(namePart));
  if (matches.length !== 1 || matches[0].instances.length !== 1) {
    throw new Error(`expected one ${type} named like "${namePart}" in ${applied.state}, found ${matches.map((r: any) => r.name).join(', ') || 'none'}`);
  }
  return { address: `${type}.${matches[0].name}`, id: matches[0].instances[0].attributes.id };
}

/** Runs terraform in the stack's folder; throws with its output when it fails. */
export async function terraformIn(applied: Pick<AppliedExample, 'stack' | 'env'>, args: readonly string[]): Promise<TerraformRun> {
  const run = await terraform(applied.stack.dir, args, applied.env);
  if (run.code !== 0) throw new Error(describeRun(run));
  return run;
}

/** `terraform plan -refresh-only -out=<label>.tfplan`, then `terraform show -json` of it into `<label>.json`. */
export async function refreshOnlyPlan(applied: AppliedExample, label: string): Promise<RefreshOnlyPlan> {
  const planFile = `${label}.tfplan`;
  await terraformIn(applied, ['plan', '-refresh-only', '-input=false', `-out=${planFile}`]);
  const show = await terraformIn(applied, ['show', '-json', planFile]);
  const file = path.join(applied.app.root, `${label}.json`);
  fs.writeFileSync(file, show.stdout);
  const drift = (JSON.parse(show.stdout).resource_drift ?? []).map((d: any) => ({ address: d.address, actions: d.change.actions }));
  return { file, drift };
}
