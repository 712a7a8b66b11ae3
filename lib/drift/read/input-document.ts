/**
 * Recognizes an input from its content and reduces it while it streams.
 *
 * One JsonPathHandler serves every format: it captures the pieces each format
 * is made of (`resources[i]` of a state, or its header and each instance when
 * it is large: streamed-state-resource.ts; `values.root_module…resources[i]` of
 * `terraform show -json`, `resource_drift[i]` of a plan, `Reservations[i]` or
 * list items of an inventory) and reduces each as it arrives. `finish()` then
 * decides, from the top-level keys seen, what the file was, and refuses what
 * it cannot use with a one-line reason.
 */
import { JsonPath, JsonPathDecision, JsonPathHandler, JsonValueKind } from './json/json-path';
import { isAwsInventoryItem, readAwsInventoryItem, readAwsReservation } from './inventory/aws';
import { isAzureInventoryItem, readAzureInventoryItem } from './inventory/azure';
import { isDigitalOceanInventoryItem, readDigitalOceanInventoryItem } from './inventory/digitalocean';
import { isGcpInventoryItem, readGcpInventoryItem } from './inventory/gcp';
import { asRecord, asString, describeJson } from './state/json-shapes';
import { readPlanDriftEntry } from './state/plan-drift-entry';
import { readShowJsonResource } from './state/show-json-resource';
import { readStateV4Resource } from './state/state-v4-resource';
import { STATE_RESOURCE_HEADER_KEYS, StreamedStateResource } from './state/streamed-state-resource';
import { Cloud, CLOUD_DISPLAY_NAME } from '../../core/cloud';
import { DriftInputError } from '../errors';
import { InventoryItem, ResourceDrift, StateResource } from '../model';

/** What an input turned out to be. */
export enum InputKind {
  /** A state file, format version 4. */
  STATE = 'state',
  /** `terraform show -json` of a state. */
  SHOW_JSON_STATE = 'show-json-state',
  /** `terraform show -json` of a plan (its `resource_drift`, and `prior_state` when asked for). */
  PLAN = 'plan',
  /** A cloud CLI's VM list. */
  INVENTORY = 'inventory',
  /** An OpenTofu state encrypted with `terraform { encryption { … } }`. */
  ENCRYPTED_STATE = 'encrypted-state',
}

/** The envelope of an OpenTofu encrypted state or plan. */
export interface EncryptedEnvelope {
  /** Base64 of nonce ‖ ciphertext ‖ tag. */
  readonly data: string;
  /** Key provider metadata by key (`key_provider.pbkdf2.name`), each base64 of JSON. */
  readonly meta: Readonly<Record<string, string>>;
  readonly version: string;
}

/** An input, recognized and reduced. */
export interface InputDocument {
  readonly kind: InputKind;
  readonly file: string;
  /** What it is, for messages: "Terraform state (format 4, Terraform 1.9.8)". */
  readonly label: string;
  readonly resources: readonly StateResource[];
  readonly drift: readonly ResourceDrift[];
  /** For inventories: the cloud and its items. */
  readonly inventoryCloud?: Cloud;
  readonly inventoryItems: readonly InventoryItem[];
  /** Root output values (state and show-json), by name. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly encrypted?: EncryptedEnvelope;
}

/** Options for reading one input. */
export interface InputDocumentOptions {
  /** Also read a plan's `prior_state` resources (when a plan is given as the state). */
  readonly readPlanPriorState?: boolean;
  /** The cloud an inventory is declared to be (needed for an empty list). */
  readonly inventoryCloud?: Cloud;
}

const TOP_LEVEL_CAPTURED = new Set(['version', 'terraform_version', 'format_version', 'serial', 'lineage', 'outputs', 'encryption_version', 'encrypted_data', 'meta']);

/** Decision for a path inside a show-json module (`root_module`, then `child_modules[i]`…). */
function moduleDecision(path: JsonPath, from: number): JsonPathDecision {
  let i = from;
  while (i + 1 < path.length && path[i] === 'child_modules' && typeof path[i + 1] === 'number') i += 2;
  const rest = path.length - i;
  if (rest === 0) return JsonPathDecision.DESCEND;
  if (rest === 1) return path[i] === 'resources' || path[i] === 'child_modules' ? JsonPathDecision.DESCEND : JsonPathDecision.SKIP;
  if (rest === 2 && path[i] === 'resources' && typeof path[i + 1] === 'number') return JsonPathDecision.CAPTURE;
  return JsonPathDecision.SKIP;
}

/** Streams through JsonStreamScanner (or walkParsedJson) and reduces one input. */
export class InputDocumentReader implements JsonPathHandler {
  private readonly topKeys: string[] = [];
  private readonly scalars: Record<string, unknown> = {};
  private rootIsArray = false;
  private rootIsObject = false;
  private readonly resources: StateResource[] = [];
  private readonly drift: ResourceDrift[] = [];
  private readonly items: InventoryItem[] = [];
  private listCloud?: Cloud;
  private sawDrift = false;
  private sawReservations = false;
  /** The state `resources[]` entry being read. */
  private stateResource?: StreamedStateResource;

  constructor(
    private readonly file: string,
    private readonly options: InputDocumentOptions = {},
  ) {
    this.listCloud = options.inventoryCloud;
  }

  public decide(path: JsonPath, kind: JsonValueKind): JsonPathDecision {
    const depth = path.length;
    if (depth === 0) {
      this.rootIsArray = kind === JsonValueKind.ARRAY;
      this.rootIsObject = kind === JsonValueKind.OBJECT;
      return JsonPathDecision.DESCEND;
    }
    const first = path[0];
    if (typeof first === 'number') return depth === 1 ? JsonPathDecision.CAPTURE : JsonPathDecision.SKIP;
    if (depth === 1) {
      this.topKeys.push(first);
      if (TOP_LEVEL_CAPTURED.has(first)) return JsonPathDecision.CAPTURE;
      if (first === 'resources' || first === 'values' || first === 'resource_drift' || first === 'Reservations') return JsonPathDecision.DESCEND;
      if (first === 'prior_state' && this.options.readPlanPriorState) return JsonPathDecision.DESCEND;
      return JsonPathDecision.SKIP;
    }
    const second = path[1];
    if (first === 'resources') return this.stateResourceDecision(path, kind);
    if (first === 'resource_drift' || first === 'Reservations') {
      return depth === 2 && typeof second === 'number' ? JsonPathDecision.CAPTURE : JsonPathDecision.SKIP;
    }
    if (first === 'values') return this.valuesDecision(path, 1);
    if (first === 'prior_state') return second === 'values' ? this.valuesDecision(path, 2) : JsonPathDecision.SKIP;
    return JsonPathDecision.SKIP;
  }

  /** `resources[i]` of a state: whole, or its header members and each of its instances (see StreamedStateResource). */
  private stateResourceDecision(path: JsonPath, kind: JsonValueKind): JsonPathDecision {
    const index = path[1];
    if (typeof index !== 'number') return JsonPathDecision.SKIP;
    if (path.length === 2) {
      this.stateResource = undefined;
      // Whole when at hand (most resources are a few kB); member by member when not (see StreamedStateResource).
      return kind === JsonValueKind.OBJECT ? JsonPathDecision.CAPTURE_OR_DESCEND : JsonPathDecision.CAPTURE;
    }
    this.stateResource ??= new StreamedStateResource(index, this.file, this.resources);
    const key = path[2];
    if (path.length === 3) {
      if (key === 'instances') return kind === JsonValueKind.ARRAY ? JsonPathDecision.DESCEND : JsonPathDecision.CAPTURE;
      return typeof key === 'string' && STATE_RESOURCE_HEADER_KEYS.has(key) ? JsonPathDecision.CAPTURE : JsonPathDecision.SKIP;
    }
    return path.length === 4 && key === 'instances' ? JsonPathDecision.CAPTURE : JsonPathDecision.SKIP;
  }

  private valuesDecision(path: JsonPath, from: number): JsonPathDecision {
    if (path.length === from) return JsonPathDecision.DESCEND;
    const key = path[from];
    if (key === 'outputs') return path.length === from + 1 ? JsonPathDecision.CAPTURE : JsonPathDecision.SKIP;
    if (key === 'root_module') return moduleDecision(path, from + 1);
    return JsonPathDecision.SKIP;
  }

  public onValue(path: JsonPath, value: unknown): void {
    const first = path[0];
    if (typeof first === 'number') {
      this.readListItem(value, first);
      return;
    }
    if (path.length === 1) {
      this.scalars[first] = value;
      return;
    }
    const index = path[path.length - 1];
    if (first === 'resources') {
      this.onStateResourceValue(path, value);
    } else if (first === 'resource_drift' && typeof index === 'number') {
      this.sawDrift = true;
      const entry = readPlanDriftEntry(value, index, this.file);
      if (entry) this.drift.push(entry);
    } else if (first === 'Reservations') {
      this.sawReservations = true;
      for (const item of readAwsReservation(value, this.file)) this.items.push(item);
    } else if (path[path.length - 1] === 'outputs') {
      this.scalars[first === 'prior_state' ? 'prior_state.values.outputs' : 'values.outputs'] = value;
    } else {
      const resource = readShowJsonResource(value, path.join('.'), this.file);
      if (resource) this.resources.push(resource);
    }
  }

  private onStateResourceValue(path: JsonPath, value: unknown): void {
    if (path.length === 2) {
      for (const resource of readStateV4Resource(value, path[1] as number, this.file)) this.resources.push(resource);
    } else if (path.length === 4) {
      this.stateResource?.addInstance(value);
    } else {
      this.stateResource?.setField(path[2] as string, value);
    }
  }

  public onEnd(path: JsonPath): void {
    if (path.length === 2 && path[0] === 'resources' && typeof path[1] === 'number') {
      // An entry with no members (`{}`) has none yet, and is refused by end() as when read whole.
      (this.stateResource ?? new StreamedStateResource(path[1], this.file, this.resources)).end();
      this.stateResource = undefined;
    }
  }

  private readListItem(value: unknown, index: number): void {
    const cloud = listItemCloud(value);
    if (cloud === undefined) {
      throw new DriftInputError(`item [${index}] is not a VM of any supported cloud inventory (aws ec2 describe-instances, gcloud compute instances list, az vm list -d, doctl compute droplet list)`, this.file);
    }
    if (this.listCloud !== undefined && this.listCloud !== cloud) {
      throw new DriftInputError(`item [${index}] is a ${CLOUD_DISPLAY_NAME[cloud]} VM in a ${CLOUD_DISPLAY_NAME[this.listCloud]} inventory: give each cloud's list in its own file`, this.file);
    }
    this.listCloud = cloud;
    const read = { [Cloud.AWS]: readAwsInventoryItem, [Cloud.GCP]: readGcpInventoryItem, [Cloud.AZURE]: readAzureInventoryItem, [Cloud.DIGITALOCEAN]: readDigitalOceanInventoryItem }[cloud];
    for (const item of read(value, this.file)) this.items.push(item);
  }

  /** Decides what the input was; throws a DriftInputError when it is none of the supported formats. */
  public finish(): InputDocument {
    const base = { file: this.file, resources: [], drift: [], inventoryItems: [], outputs: {} };
    const version = this.scalars.version;
    const keys = new Set(this.topKeys);
    if (this.rootIsArray) {
      if (this.listCloud === undefined) {
        throw new DriftInputError('is an empty list: cannot tell which cloud it lists; name it, e.g. --inventory gcp=FILE', this.file);
      }
      return { ...base, kind: InputKind.INVENTORY, label: `${CLOUD_DISPLAY_NAME[this.listCloud]} VM inventory`, inventoryCloud: this.listCloud, inventoryItems: this.items };
    }
    if (!this.rootIsObject) {
      throw new DriftInputError('is not a JSON object or list: expected a Terraform state, `terraform show -json` output or a cloud inventory', this.file);
    }
    if (keys.has('encryption_version') || keys.has('encrypted_data')) return { ...base, kind: InputKind.ENCRYPTED_STATE, label: 'OpenTofu encrypted state', encrypted: this.envelope() };
    const stateLike = typeof version === 'number' || keys.has('resources') || keys.has('lineage') || keys.has('modules');
    if (version !== undefined && stateLike && !keys.has('format_version')) return this.finishStateFile(version);
    if (keys.has('format_version')) return this.finishShowJson(keys);
    if (this.sawReservations || keys.has('Reservations')) {
      return { ...base, kind: InputKind.INVENTORY, label: 'AWS VM inventory', inventoryCloud: Cloud.AWS, inventoryItems: this.items };
    }
    if (keys.has('resource') || keys.has('terraform') || keys.has('provider')) {
      throw new DriftInputError('is a Terraform configuration (cdk.tf.json), not a state: pass it with --desired', this.file);
    }
    const shown = [...keys].slice(0, 5).join(', ');
    throw new DriftInputError(`is not a Terraform state, \`terraform show -json\` output, refresh-only plan or cloud inventory (top-level keys: ${shown || 'none'})`, this.file);
  }

  private finishStateFile(version: unknown): InputDocument {
    if (typeof version !== 'number') throw new DriftInputError(`has "version": ${JSON.stringify(version)}, expected the number 4`, this.file);
    if (version < 4) {
      throw new DriftInputError(`is a state of format version ${version} (Terraform 0.11 or older): upgrade it with terraform 0.13+ (\`terraform init && terraform apply -refresh-only\`), then pull it again`, this.file);
    }
    if (version > 4) throw new DriftInputError(`is a state of format version ${version}; this cast-drift reads version 4: upgrade cast-drift`, this.file);
    // An empty state is returned as one: the drift check refuses it naming the cluster it expected
    // (lib/drift/state-of-cluster.ts), which the reader does not know.
    const terraformVersion = asString(this.scalars.terraform_version) ?? 'unknown';
    const tofu = this.resources.some((resource) => resource.provider.startsWith('registry.opentofu.org/'));
    return {
      kind: InputKind.STATE,
      file: this.file,
      label: `${tofu ? 'OpenTofu' : 'Terraform'} state (format 4, written by ${terraformVersion})`,
      resources: this.resources,
      drift: [],
      inventoryItems: [],
      outputs: outputValues(this.scalars.outputs),
    };
  }

  private finishShowJson(keys: ReadonlySet<string>): InputDocument {
    const isPlan = this.sawDrift || keys.has('resource_drift') || keys.has('planned_values') || keys.has('resource_changes') || keys.has('prior_state');
    if (isPlan) {
      return {
        kind: InputKind.PLAN,
        file: this.file,
        label: `plan JSON (format ${describeJson(this.scalars.format_version)})`,
        resources: this.resources,
        drift: this.drift,
        inventoryItems: [],
        outputs: outputValues(this.scalars['prior_state.values.outputs']),
      };
    }
    // An empty state is returned as one (see finishStateFile).
    return {
      kind: InputKind.SHOW_JSON_STATE,
      file: this.file,
      label: `terraform show -json state (format ${describeJson(this.scalars.format_version)})`,
      resources: this.resources,
      drift: [],
      inventoryItems: [],
      outputs: outputValues(this.scalars['values.outputs']),
    };
  }

  private envelope(): EncryptedEnvelope {
    const meta: Record<string, string> = {};
    for (const [key, value] of Object.entries(asRecord(this.scalars.meta) ?? {})) if (typeof value === 'string') meta[key] = value;
    return { data: asString(this.scalars.encrypted_data) ?? '', meta, version: asString(this.scalars.encryption_version) ?? '' };
  }
}

function listItemCloud(value: unknown): Cloud | undefined {
  if (isAwsInventoryItem(value)) return Cloud.AWS;
  if (isGcpInventoryItem(value)) return Cloud.GCP;
  if (isAzureInventoryItem(value)) return Cloud.AZURE;
  if (isDigitalOceanInventoryItem(value)) return Cloud.DIGITALOCEAN;
  return undefined;
}

/** `{name: {value, type, sensitive}}` → `{name: value}` (sensitive outputs are left out). */
function outputValues(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(asRecord(raw) ?? {})) {
    const record = asRecord(output);
    if (name === '__proto__') continue;
    if (record && record.sensitive !== true && 'value' in record) out[name] = record.value;
  }
  return out;
}
