/**
 * Runs the lifecycle scenarios through Terraform with the stand-in providers: each
 * distinct "before" cluster is applied once (init and apply; that such clusters
 * validate and converge is the examples' test), its state is copied into a folder
 * of its own per scenario, the "after" cluster is synthesized there and planned
 * against it, all scenarios at once. A
 * scenario that publishes something newer (a new image) plans with stand-ins of its
 * own, since what a data source answers is the same for every plan of one world.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyApp, countByType, failures, planChanges, type ResourceChange } from '../harness';
import { startStandIns, type StandIns } from '../stand-in/stand-ins';
import { synthesizeApp } from '../synthesized-app';
import { quietEnvironment } from '../terraform-cli';
import { groupOutcomes, machineName, machineOutcomes, VM_TYPES, type GroupOutcome, type MachineOutcome, type StateResource } from './machine-fates';
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

/** Every scenario's result, by title; `workdir` (made and removed by the caller) holds every run's folder. */
export async function runScenarios(scenarios: readonly Scenario[], standIns: StandIns, workdir: string): Promise<Map<string, ScenarioResult>> {
  const env = quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach });
  const bases = new Map<string, Promise<string>>();
  const applied = (shape: ScenarioShape): Promise<string> => {
    const key = JSON.stringify(shape);
    if (!bases.has(key)) bases.set(key, applyBase(shape, fs.mkdtempSync(path.join(workdir, 'before-')), env));
    return bases.get(key)!;
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
      const app = synthesizeApp(scenarioApp(scenario.after), root);
      const state = readState(path.join(root, STATE_FILE));
      const replace = (scenario.replaceNodes ?? []).map((node) => vmAddressOf(state, node));
      const changes = await planChanges(app.stacks[0], own ? quietEnvironment({ TF_REATTACH_PROVIDERS: own.reattach }) : env, replace);
      return { scenario, changes, machines: machineOutcomes(state, changes), groups: groupOutcomes(state, changes), seconds: (Date.now() - started) / 1000 };
    } finally {
      await own?.close();
    }
  };
  const results = new Map<string, ScenarioResult>();
  for (const result of await Promise.all(scenarios.map(run))) results.set(result.scenario.title, result);
  return results;
}

async function applyBase(shape: ScenarioShape, root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const app = synthesizeApp(scenarioApp(shape), root);
  const problems = failures(await applyApp(app, env));
  if (problems) throw new Error(`the "before" cluster ${JSON.stringify(shape)} did not apply:\n${problems}`);
  return root;
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
