/**
 * The drift check as a library call: read the inputs, run the checks, apply
 * the ignore file. `cast-drift check` and `cast-drift guard-destroy` are thin
 * wrappers around checkDrift and guardDestroy.
 */
import { CheckId, Finding, Severity } from './check/finding';
import { runChecks } from './check/run-checks';
import { DriftInputError } from './errors';
import { applyIgnores, IgnoredFinding } from './ignore/apply-ignores';
import { readIgnoreFile } from './ignore/ignore-file';
import { ActualState, DesiredState } from './model';
import { assembleActualState } from './read/assemble-actual-state';
import { readDesired } from './read/desired/read-desired';
import { findClusterDescriptions } from './read/desired/cluster-description';
import { InputDocument, InputKind } from './read/input-document';
import { readInput, ReadProgress } from './read/read-input';
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
}

/** Reads everything and runs every check. */
export async function checkDrift(inputs: DriftCheckInputs): Promise<DriftReport> {
  return run('check', inputs, (desired, actual, uuid) => runChecks(desired, actual, { clusterUuid: uuid }));
}

/**
 * The cleanup guard before `terraform destroy`: lists VMs in cluster networks
 * that are not the cluster's (they make the destroy fail and must not be
 * deleted by it) and the cluster's leaked VMs. Needs at least one inventory.
 */
export async function guardDestroy(inputs: DriftCheckInputs): Promise<DriftReport> {
  if ((inputs.inventories ?? []).length === 0) {
    throw new DriftInputError('guard-destroy needs --inventory: without the clouds\' VM lists it cannot see VMs that are not in the state');
  }
  return run('guard-destroy', inputs, (desired, actual, uuid) => {
    if (!uuid) throw new DriftInputError('guard-destroy needs the cluster UUID to tell the cluster\'s VMs from others: emit the cast_cluster output or pass --cluster-uuid');
    const guard = runChecks(desired, actual, { checks: [CheckId.CLEANUP_GUARD], clusterUuid: uuid, guardSeverity: Severity.ERROR });
    const leaked = runChecks(desired, actual, { checks: [CheckId.UNUSED_RESOURCES], clusterUuid: uuid }).filter((finding) => finding.rule === 'unused-resources/leaked');
    return [...guard, ...leaked];
  });
}

async function run(command: string, inputs: DriftCheckInputs, check: (desired: DesiredState, actual: ActualState, uuid: string | undefined) => Finding[]): Promise<DriftReport> {
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
    assertStateOfCluster(document, desired.clusterUuid);
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
  const result = applyIgnores(check(desired, actual, uuid), ignore, inputs.now ?? new Date());
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

/** Refuses the state of another cluster: its cast_cluster output or its resources' UUID tags name another UUID. */
function assertStateOfCluster(document: InputDocument, uuid: string | undefined): void {
  if (!uuid) return;
  const described = findClusterDescriptions(document.outputs, document.file).map((d) => d.uuid).filter((u): u is string => u !== undefined);
  if (described.length > 0 && !described.includes(uuid)) {
    throw new DriftInputError(`is the state of cluster ${described.join(', ')} (its cast_cluster output), not of ${uuid} from the --desired stacks: pass this stack's state`, document.file);
  }
  const tagged = new Map<string, number>();
  for (const resource of document.resources) if (resource.clusterUuid) tagged.set(resource.clusterUuid, (tagged.get(resource.clusterUuid) ?? 0) + 1);
  if (tagged.size > 0 && !tagged.has(uuid)) {
    const [other, count] = [...tagged].sort((a, b) => b[1] - a[1])[0];
    throw new DriftInputError(`is the state of cluster ${other} (cast-cluster-uuid of ${count} resource(s)), not of ${uuid} from the --desired stacks: pass this stack's state`, document.file);
  }
}

/** Parses `cloud=path` (cloud: aws, gcp, azure, digitalocean) or a plain path. */
export function parseInventoryArgument(argument: string): InventoryInput {
  const match = /^([a-z]+)=(.+)$/.exec(argument);
  const cloud = match ? ALL_CLOUDS.find((candidate) => candidate === match[1]) : undefined;
  return cloud ? { file: match![2], cloud } : { file: argument };
}
