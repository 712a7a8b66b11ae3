/**
 * Terraform as the judge of a synthesized app: init (attached stand-ins only), apply
 * (which validates and plans first) into local state, then plan again, which
 * must find nothing to do (a stack that does not converge is a bug). And the plan of a
 * change to an applied app, read from `terraform show -json`, counted per resource type
 * and per node.
 */
import { describeRun, terraform, type TerraformRun } from './terraform-cli';
import type { SynthesizedApp, SynthesizedStack } from './synthesized-app';

/** What one stack's pass through terraform gave; `failed` is the first step that failed. */
export interface StackRun {
  readonly stack: string;
  readonly runs: readonly TerraformRun[];
  readonly failed?: TerraformRun;
}

const PLAN_FILE = 'cast.tfplan';

/**
 * init, apply, plan -detailed-exitcode (exit 0: no changes). `apply` validates and plans
 * first, as `terraform validate` and `plan` would (a reference cycle, an unknown
 * attribute, a type error stop it before anything is created); separate `validate` and
 * `plan -out` runs would only repeat that work, at seconds per large stack.
 */
export async function convergeStack(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<StackRun> {
  const steps: string[][] = [
    ['init', '-input=false', '-backend=true'],
    ['apply', '-input=false', '-auto-approve'],
    // Without refresh: the stand-ins read back what was applied, so a refresh can find nothing
    // the configuration does not; what converges is the configuration against its own state.
    ['plan', '-input=false', '-refresh=false', '-detailed-exitcode'],
  ];
  const runs: TerraformRun[] = [];
  for (const args of steps) {
    const run = await terraform(stack.dir, args, env);
    runs.push(run);
    if (run.code !== 0) return { stack: stack.name, runs, failed: run };
  }
  return { stack: stack.name, runs };
}

/** Every stack of the app in deployment order; stops at the first stack that fails. */
export async function convergeApp(app: SynthesizedApp, env: NodeJS.ProcessEnv): Promise<StackRun[]> {
  const results: StackRun[] = [];
  for (const stack of app.stacks) {
    const result = await convergeStack(stack, env);
    results.push(result);
    if (result.failed) break;
  }
  return results;
}

/**
 * Only `init` and `apply` for every stack, in deployment order: for a "before" app whose
 * validity and convergence the examples already show, where each extra command on a
 * large stack costs seconds.
 */
export async function applyApp(app: SynthesizedApp, env: NodeJS.ProcessEnv): Promise<StackRun[]> {
  const results: StackRun[] = [];
  for (const stack of app.stacks) {
    const runs: TerraformRun[] = [];
    let failed: TerraformRun | undefined;
    for (const args of [['init', '-input=false'], ['apply', '-input=false', '-auto-approve']]) {
      const run = await terraform(stack.dir, args, env);
      runs.push(run);
      if (run.code !== 0) { failed = run; break; }
    }
    results.push({ stack: stack.name, runs, failed });
    if (failed) break;
  }
  return results;
}

/** The failures of a converge, in terraform's own words; empty when every stack converged. */
export function failures(results: readonly StackRun[]): string {
  return results.filter((r) => r.failed).map((r) => `stack ${r.stack}: ${describeRun(r.failed!)}`).join('\n\n');
}

/** One resource's planned change, as `terraform show -json` reports it. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  /** create, update, replace, delete (no-op and read are left out). */
  readonly action: 'create' | 'update' | 'replace' | 'delete';
  /** Top-level attributes whose value changes. */
  readonly changed: readonly string[];
  /** What forces the replacement, when it is one. */
  readonly replacePaths: readonly string[];
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

/**
 * Plans the stack as it is now synthesized against its applied state, and reads the plan.
 * `replace` names resources to plan as replaced (`terraform plan -replace`): a VM the
 * cloud lost, or one the user replaces.
 */
export async function planChanges(stack: SynthesizedStack, env: NodeJS.ProcessEnv, replace: readonly string[] = []): Promise<ResourceChange[]> {
  for (const args of [['init', '-input=false'], ['plan', '-input=false', ...replace.map((address) => `-replace=${address}`), `-out=${PLAN_FILE}`]]) {
    const run = await terraform(stack.dir, args, env);
    if (run.code !== 0) throw new Error(describeRun(run));
  }
  const show = await terraform(stack.dir, ['show', '-json', PLAN_FILE], env);
  if (show.code !== 0) throw new Error(describeRun(show));
  return readChanges(JSON.parse(show.stdout));
}

/** The changes of a `terraform show -json` plan document. */
export function readChanges(plan: any): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const actions: string[] = rc.change.actions;
    const action = actions.includes('delete') && actions.includes('create') ? 'replace'
      : actions.includes('create') ? 'create' : actions.includes('delete') ? 'delete' : actions.includes('update') ? 'update' : undefined;
    if (!action) continue;
    const before = rc.change.before ?? null;
    const after = rc.change.after ?? null;
    const unknown = rc.change.after_unknown ?? {};
    const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    const changed = [...names].filter((n) => unknown[n] === true || JSON.stringify(before?.[n]) !== JSON.stringify(after?.[n])).sort();
    const replacePaths = (rc.change.replace_paths ?? []).map((p: unknown[]) => p.join('.')).sort();
    changes.push({ address: rc.address, type: rc.type, action, changed, replacePaths, before, after });
  }
  return changes.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** Counts of each action per resource type, e.g. `{ aws_instance: { replace: 1 } }`. */
export function countByType(changes: readonly ResourceChange[]): Record<string, Partial<Record<ResourceChange['action'], number>>> {
  const counts: Record<string, Partial<Record<ResourceChange['action'], number>>> = {};
  for (const c of changes) {
    const row = (counts[c.type] ??= {});
    row[c.action] = (row[c.action] ?? 0) + 1;
  }
  return counts;
}
