/**
 * Runs the lifecycle scenarios through Terraform with the stand-in providers: each
 * distinct "before" cluster is applied once (init and apply; that such clusters
 * validate and converge is the examples' test), its state is copied into a folder
 * of its own per scenario, the "after" cluster is synthesized there (once per distinct
 * shape: a scenario whose "after" is its "before" reuses that synthesis) and planned
 * against it without a refresh (no scenario changes the world's objects, so reading
 * them back would find the state) and without an init of its own (the state's path is
 * relative, so the "before" folder's `.terraform` serves every copy), all scenarios at once. A scenario that publishes
 * something newer (a new image) plans with stand-ins of its own, since what a data
 * source answers is the same for every plan of one world; data sources are read on
 * every plan, refresh or not.
 *
 * Only the cluster stack is planned. The in-cluster stack (the cluster's own manifests,
 * applied through the cluster's API after it) would be planned here too, from the same
 * folder, once scenarios say what it must carry.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { USER_DATA_FOLDER } from '../../../lib/core/bootstrap/user-data-lines';
import { applyApp, countByType, failures, readChanges, type ResourceChange } from '../harness';
import { startStandIns, type StandIns } from '../stand-in/stand-ins';
import { synthesizeApp, type SynthesizedStack } from '../synthesized-app';
import { describeRun, quietEnvironment, terraform } from '../terraform-cli';
import { groupOutcomes, machineName, machineOutcomes, VM_TYPES, type GroupOutcome, type MachineOutcome, type StateResource } from './machine-fates';
import { asPreviousLibraryState } from './previous-library';
import { SCENARIO_STACK, scenarioApp, type ScenarioShape } from './scenario-app';
import type { Scenario } from './scenarios';

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly changes: readonly ResourceChange[];
  readonly machines: readonly MachineOutcome[];
  readonly groups: readonly GroupOutcome[];
  /** Wall time of the scenario's own plan (the shared apply of its "before" not counted). */
  readonly seconds: number;
}

const STATE_FILE = `terraform.${SCENARIO_STACK}.tfstate`;
const PLAN_FILE = 'cast.tfplan';
/** Where synthesizeApp puts the scenario stack's configuration under a run's folder. */
const STACK_CONFIG = path.join('cdktf.out', 'stacks', SCENARIO_STACK, 'cdk.tf.json');
/** The run's state, from the stack's folder (terraform resolves a local backend's path from its working folder). */
const RELATIVE_STATE = path.join('..', '..', '..', STATE_FILE);

/** Every scenario's result, by title; `workdir` (made and removed by the caller) holds every run's folder. */
export async function runScenarios(scenarios: readonly Scenario[], standIns: StandIns, workdir: string): Promise<Map<string, ScenarioResult>> {
  const env = quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach });
  const bases = new Map<string, Promise<string>>();
  const applied = (shape: ScenarioShape): Promise<string> => {
    const key = JSON.stringify(shape);
    if (!bases.has(key)) {
      const root = fs.mkdtempSync(path.join(workdir, 'before-'));
      bases.set(key, shape.previousLibrary ? previousBase(shape, root) : applyBase(shape, root, env));
    }
    return bases.get(key)!;
  };
  // The previous version's state of a shape: this version's applied state of it, as that version left it (previous-library.ts).
  const previousBase = async (shape: ScenarioShape, root: string): Promise<string> => {
    const current = await applied({ ...shape, previousLibrary: undefined });
    fs.copyFileSync(path.join(current, STATE_FILE), path.join(root, STATE_FILE));
    asPreviousLibraryState(path.join(root, STATE_FILE));
    // Its init: the same providers and the same relative state path.
    const initialized = path.dirname(STACK_CONFIG);
    fs.cpSync(path.join(current, initialized, '.terraform'), path.join(root, initialized, '.terraform'), { recursive: true });
    return root;
  };
  // One synthesis per distinct "after" shape (an applied "before" is one too), copied into each run's folder.
  const syntheses = new Map<string, string>();
  const synthesized = (shape: ScenarioShape, root: string): SynthesizedStack => {
    const key = JSON.stringify(shape);
    const from = syntheses.get(key);
    if (from === undefined) {
      syntheses.set(key, root);
      const stack = scenarioStack(synthesizeApp(scenarioApp(shape), root).stacks);
      withRelativeState(root);
      return stack;
    }
    fs.mkdirSync(path.dirname(path.join(root, STACK_CONFIG)), { recursive: true });
    fs.copyFileSync(path.join(from, STACK_CONFIG), path.join(root, STACK_CONFIG));
    // The files the configuration reads with file() at plan (the nodes' user-data lines).
    const files = path.join(path.dirname(STACK_CONFIG), USER_DATA_FOLDER);
    if (fs.existsSync(path.join(from, files))) fs.cpSync(path.join(from, files), path.join(root, files), { recursive: true });
    return { name: SCENARIO_STACK, dir: path.dirname(path.join(root, STACK_CONFIG)) };
  };
  const run = async (scenario: Scenario): Promise<ScenarioResult> => {
    const base = await applied(scenario.before);
    const started = Date.now();
    const root = fs.mkdtempSync(path.join(workdir, 'after-'));
    fs.copyFileSync(path.join(base, STATE_FILE), path.join(root, STATE_FILE));
    // Something published is seen by every plan of a world: such a scenario gets a world of its own.
    const own = scenario.publish?.length ? await startStandIns() : undefined;
    try {
      for (const dataType of scenario.publish ?? []) own!.world.publishNewer(dataType);
      const stack = synthesized(scenario.after, root);
      // What init made in the "before" folder: the backend (the same relative state path) and the provider selections.
      const initialized = path.dirname(path.join(base, STACK_CONFIG));
      fs.cpSync(path.join(initialized, '.terraform'), path.join(stack.dir, '.terraform'), { recursive: true });
      const lock = path.join(initialized, '.terraform.lock.hcl');
      if (fs.existsSync(lock)) fs.copyFileSync(lock, path.join(stack.dir, '.terraform.lock.hcl'));
      const state = readState(path.join(root, STATE_FILE));
      const replace = (scenario.replaceNodes ?? []).map((node) => vmAddressOf(state, node));
      const changes = await planWithoutRefresh(stack, own ? quietEnvironment({ TF_REATTACH_PROVIDERS: own.reattach }) : env, replace);
      return { scenario, changes, machines: machineOutcomes(state, changes), groups: groupOutcomes(state, changes), seconds: (Date.now() - started) / 1000 };
    } finally {
      await own?.close();
    }
  };
  const results = new Map<string, ScenarioResult>();
  // Two plans at a time: twelve Terraform processes at once on this suite's two cores spend more
  // CPU on each plan, for no shorter run (the file alone: 47.7 CPU-s and 25.6 s with twelve,
  // 38.8 CPU-s and 21.2 s with two).
  for (const result of await inBatches(scenarios, Number(process.env.CAST_LIFECYCLE_PLANS ?? 2), run)) results.set(result.scenario.title, result);
  return results;

  async function applyBase(shape: ScenarioShape, root: string, applyEnv: NodeJS.ProcessEnv): Promise<string> {
    const app = synthesizeApp(scenarioApp(shape), root);
    syntheses.set(JSON.stringify(shape), root);
    withRelativeState(root);
    const problems = failures(await applyApp(app, applyEnv));
    if (problems) throw new Error(`the "before" cluster ${JSON.stringify(shape)} did not apply:\n${problems}`);
    return root;
  }
}

/** The run's stack configuration with its state's path relative to the stack's folder, so that any run's folder can take it. */
function withRelativeState(root: string): void {
  const file = path.join(root, STACK_CONFIG);
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  config.terraform.backend = { local: { path: RELATIVE_STATE } };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

function scenarioStack(stacks: readonly SynthesizedStack[]): SynthesizedStack {
  const stack = stacks.find((s) => s.name === SCENARIO_STACK);
  if (!stack) throw new Error(`the scenario app has no stack ${SCENARIO_STACK} (got ${stacks.map((s) => s.name).join(', ')})`);
  return stack;
}

/**
 * The plan of `stack` against its state, with `-refresh=false` (harness.ts planChanges refreshes:
 * for tests that change the world between apply and plan), read from `terraform show -json`.
 */
async function planWithoutRefresh(stack: SynthesizedStack, env: NodeJS.ProcessEnv, replace: readonly string[]): Promise<ResourceChange[]> {
  const plan = await terraform(stack.dir, ['plan', '-input=false', '-refresh=false', ...replace.map((address) => `-replace=${address}`), `-out=${PLAN_FILE}`], env);
  if (plan.code !== 0) throw new Error(describeRun(plan));
  const show = await terraform(stack.dir, ['show', '-json', PLAN_FILE], env);
  if (show.code !== 0) throw new Error(describeRun(show));
  return readChanges(JSON.parse(show.stdout));
}

/** The managed resources of a local state file, one entry per instance. */
export function readState(file: string): StateResource[] {
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    resources?: { mode: string; type: string; name: string; instances: { index_key?: string | number; attributes: Record<string, unknown> }[] }[];
  };
  return (state.resources ?? [])
    .filter((r) => r.mode === 'managed')
    .flatMap((r) => r.instances.map((i) => ({
      type: r.type,
      address: `${r.type}.${r.name}${i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`}`,
      attributes: i.attributes,
    })));
}

/** The state address of a node's VM, found by its name (machineName reads each cloud's name attribute). */
function vmAddressOf(state: readonly StateResource[], node: string): string {
  const vm = state.find((r) => r.type in VM_TYPES && machineName(r.type, r.attributes) === node);
  if (!vm) throw new Error(`no VM of node ${node} in the state (${state.filter((r) => r.type in VM_TYPES).map((r) => r.address).join(', ')})`);
  return vm.address;
}

/** A folder for one test file's runs. */
export function makeWorkdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cast-lifecycle-'));
}

/** The report a test prints: counts per resource type, then every VM and group that does not stay untouched. */
export function describeResult(result: ScenarioResult): string {
  const lines = [`${result.scenario.title} (plan ${result.seconds.toFixed(1)} s)`];
  for (const [type, counts] of Object.entries(countByType(result.changes)).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`  ${type}: ${Object.entries(counts).map(([action, n]) => `${action} ${n}`).join(', ')}`);
  }
  for (const m of result.machines) {
    lines.push(`  node ${m.node} (${m.cloud}, ${m.role}): ${m.fate}${m.because.length ? ` [${m.because.join(', ')}]` : ''}`);
  }
  for (const g of result.groups) lines.push(`  group ${g.group} (${g.cloud}): ${g.fates.join(' and ')}`);
  return lines.join('\n');
}

/** `work` over `items`, at most `limit` at a time, results in the items' order. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  return results;
}
