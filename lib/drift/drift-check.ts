/**
 * The drift check as a library call: read the inputs, run the checks, apply
 * the ignore file. `cast-drift check` and `cast-drift guard-destroy` are thin
 * wrappers around checkDrift and guardDestroy.
 */
import { checkCloudCoverage, cloudCoverage, CloudCoverage, clusterClouds } from './check/cloud-coverage';
import { CheckId, Finding, Severity } from './check/finding';
import { runChecks } from './check/run-checks';
import { DriftInputError } from './errors';
import { applyIgnores, IgnoredFinding } from './ignore/apply-ignores';
import { readIgnoreFile } from './ignore/ignore-file';
import { appendAll } from './append';
import { ActualState, DesiredState } from './model';
import { assembleActualState } from './read/assemble-actual-state';
import { readDesired } from './read/desired/read-desired';
import { InputDocument, InputKind } from './read/input-document';
import { readInput, ReadProgress } from './read/read-input';
import { assertStateOfCluster, describeCluster } from './state-of-cluster';
import { ALL_CLOUDS, Cloud } from '../core/cloud';

/** An inventory file, optionally with its cloud declared (`gcp=vms.json`). */
export interface InventoryInput {
  readonly file: string;
  /** Needed only when the list may be empty (an empty list names no cloud). */
  readonly cloud?: Cloud;
}

/** What to check. */
export interface DriftCheckInputs {
  /** Synthesized stacks (`cdk.tf.json`). */
  readonly desired: readonly string[];
  /** State files, `terraform show -json` outputs or plans (their prior state); `-` is stdin. */
  readonly states: readonly string[];
  /** `terraform show -json` of refresh-only plans. */
  readonly plans?: readonly string[];
  /** Cloud inventories. */
  readonly inventories?: readonly InventoryInput[];
  /** Ignore file. */
  readonly ignoreFile?: string;
  /** Overrides the cluster UUID found in the stacks. */
  readonly clusterUuid?: string;
  /** Passphrase for OpenTofu states encrypted with the pbkdf2 key provider. */
  readonly statePassphrase?: string;
  /** Where `-` reads from. @default process.stdin */
  readonly stdin?: AsyncIterable<Buffer | string>;
  /** Progress of large inputs. */
  readonly onProgress?: ReadProgress;
  /** "Now", for ignore expiry. @default new Date() */
  readonly now?: Date;
  /**
   * guard-destroy only: clouds of the cluster it may call safe without their
   * inventory. Each other cloud of the cluster without an inventory is an error.
   * @default none
   */
  readonly allowUnchecked?: readonly Cloud[];
}

/** The result of a check. */
export interface DriftReport {
  /** `check` or `guard-destroy`. */
  readonly command: string;
  readonly cluster: { readonly uuid?: string; readonly name?: string };
  readonly inputs: {
    readonly desired: readonly string[];
    readonly states: readonly { readonly file: string; readonly kind: string; readonly resources: number }[];
    readonly plans: readonly string[];
    readonly inventories: readonly { readonly file: string; readonly cloud: string; readonly items: number }[];
    readonly ignoreFile?: string;
  };
  readonly findings: readonly Finding[];
  readonly ignored: readonly IgnoredFinding[];
  /** guard-destroy only: the cluster's clouds, by whether their VMs were checked. */
  readonly clouds?: CloudCoverage;
}

/** What a command's checks produce. */
interface CheckOutcome {
  readonly findings: Finding[];
  readonly clouds?: CloudCoverage;
}

/** Reads everything and runs every check. */
export async function checkDrift(inputs: DriftCheckInputs): Promise<DriftReport> {
  if ((inputs.allowUnchecked ?? []).length > 0) throw new DriftInputError('--allow-unchecked is for guard-destroy only: check reports on what it is given');
  return run('check', inputs, (desired, actual, uuid) => ({ findings: runChecks(desired, actual, { clusterUuid: uuid }) }));
}

/**
 * The cleanup guard before `terraform destroy`: lists VMs in cluster networks
 * that are not the cluster's (they make the destroy fail and must not be
 * deleted by it), the cluster's leaked VMs and the state's resources tagged
 * with another cluster's UUID (the destroy would delete them), and names the
 * clouds of the cluster it checked (an inventory was given) and those it
 * could not: each of these is an error unless `allowUnchecked` names it.
 * Needs at least one inventory.
 */
export async function guardDestroy(inputs: DriftCheckInputs): Promise<DriftReport> {
  if ((inputs.inventories ?? []).length === 0) {
    throw new DriftInputError('guard-destroy needs --inventory: without the clouds\' VM lists it cannot see VMs that are not in the state');
  }
  return run('guard-destroy', inputs, (desired, actual, uuid) => {
    if (!uuid) throw new DriftInputError('guard-destroy needs the cluster UUID to tell the cluster\'s VMs from others: emit the cast_cluster output or pass --cluster-uuid');
    const clouds = clusterClouds(desired, actual);
    const allowed = inputs.allowUnchecked ?? [];
    for (const cloud of allowed) {
      if (!ALL_CLOUDS.includes(cloud)) throw new DriftInputError(`--allow-unchecked ${String(cloud)}: not a cloud (aws, gcp, azure or digitalocean)`);
      if (!clouds.includes(cloud)) {
        throw new DriftInputError(`--allow-unchecked ${cloud}: ${describeCluster(desired.clusterName ?? actual.description?.name, uuid)} is not on ${cloud} (its clouds: ${clouds.join(', ') || 'none found'}): drop it`);
      }
    }
    const coverage = cloudCoverage(clouds, actual.inventories.map((inventory) => inventory.cloud), allowed);
    // Cluster identity too: terraform destroy deletes what the state holds, another cluster's resource included.
    const findings = runChecks(desired, actual, { checks: [CheckId.CLEANUP_GUARD, CheckId.CLUSTER_IDENTITY], clusterUuid: uuid, guardSeverity: Severity.ERROR });
    appendAll(findings, checkCloudCoverage(coverage));
    appendAll(findings, runChecks(desired, actual, { checks: [CheckId.UNUSED_RESOURCES], clusterUuid: uuid }).filter((finding) => finding.rule === 'unused-resources/leaked'));
    return { findings, clouds: coverage };
  });
}

async function run(command: string, inputs: DriftCheckInputs, check: (desired: DesiredState, actual: ActualState, uuid: string | undefined) => CheckOutcome): Promise<DriftReport> {
  const desired = readDesired(inputs.desired, inputs.clusterUuid);
  const ignore = inputs.ignoreFile ? readIgnoreFile(inputs.ignoreFile) : undefined;
  if (inputs.states.length === 0) throw new DriftInputError('no --state given: pass the stack\'s state file (`terraform state pull > state.json`), or - for stdin');
  const read = (file: string, options: { readPlanPriorState?: boolean; inventoryCloud?: Cloud } = {}) =>
    readInput(file, { ...options, stdin: inputs.stdin, onProgress: inputs.onProgress, passphrase: inputs.statePassphrase });

  const states: InputDocument[] = [];
  for (const file of inputs.states) {
    const document = await read(file, { readPlanPriorState: true });
    expectKind(document, [InputKind.STATE, InputKind.SHOW_JSON_STATE, InputKind.PLAN], '--state');
    if (document.kind === InputKind.PLAN && document.resources.length === 0) {
      throw new DriftInputError('is a plan without a prior_state: pass the state with --state and the plan with --plan', file);
    }
    assertStateOfCluster(document, desired);
    states.push(document);
  }
  const plans: InputDocument[] = [];
  for (const file of inputs.plans ?? []) {
    const document = await read(file);
    expectKind(document, [InputKind.PLAN], '--plan');
    plans.push(document);
  }
  const inventories: InputDocument[] = [];
  for (const inventory of inputs.inventories ?? []) {
    const document = await read(inventory.file, { inventoryCloud: inventory.cloud });
    expectKind(document, [InputKind.INVENTORY], '--inventory');
    inventories.push(document);
  }
  const actual = assembleActualState(states, plans, inventories, desired.clusterUuid);
  const uuid = desired.clusterUuid ?? actual.description?.uuid ?? (actual.clusterUuids.size === 1 ? [...actual.clusterUuids.keys()][0] : undefined);
  const outcome = check(desired, actual, uuid);
  const result = applyIgnores(outcome.findings, ignore, inputs.now ?? new Date());
  return {
    command,
    cluster: { uuid, name: desired.clusterName ?? actual.description?.name },
    inputs: {
      desired: inputs.desired,
      states: states.map((document) => ({ file: document.file, kind: document.label, resources: document.resources.length })),
      plans: plans.map((document) => document.file),
      inventories: inventories.map((document) => ({ file: document.file, cloud: document.inventoryCloud ?? 'unknown', items: document.inventoryItems.length })),
      ignoreFile: inputs.ignoreFile,
    },
    findings: result.findings,
    ignored: result.ignored,
    ...(outcome.clouds ? { clouds: outcome.clouds } : {}),
  };
}

const KIND_FLAGS: Readonly<Record<InputKind, string>> = {
  [InputKind.STATE]: '--state',
  [InputKind.SHOW_JSON_STATE]: '--state',
  [InputKind.PLAN]: '--plan',
  [InputKind.INVENTORY]: '--inventory',
  [InputKind.ENCRYPTED_STATE]: '--state',
};

function expectKind(document: InputDocument, kinds: readonly InputKind[], flag: string): void {
  if (kinds.includes(document.kind)) return;
  const article = /^[aeiou]/i.test(document.label) ? 'an' : 'a';
  throw new DriftInputError(`is ${article} ${document.label}, not what ${flag} takes: pass it with ${KIND_FLAGS[document.kind]}`, document.file);
}

/** Parses `cloud=path` (cloud: aws, gcp, azure, digitalocean) or a plain path. */
export function parseInventoryArgument(argument: string): InventoryInput {
  const match = /^([a-z]+)=(.+)$/.exec(argument);
  const cloud = match ? ALL_CLOUDS.find((candidate) => candidate === match[1]) : undefined;
  return cloud ? { file: match![2], cloud } : { file: argument };
}
