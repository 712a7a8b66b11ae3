/**
 * The addresses of a `moved` block, parsed: `module.a`, `module.a[2]`,
 * `module.a["x"].aws_instance.b`, `aws_instance.b`, `aws_instance.b[0]`.
 *
 * Terraform reads the two addresses of one block together
 * (addrs.UnifyMoveEndpoints in Terraform's internal/addrs/move_endpoint.go):
 * when neither last step has an instance key, the block moves a whole module
 * call or resource (every instance, keys kept); when either has one, it moves
 * one instance, and the side without a key means the instance without a key
 * (https://developer.hashicorp.com/terraform/language/modules/develop/refactoring,
 * "Enabling count or for_each For a Resource"). Both must select the same
 * kind (modules, or resources), and data resources cannot be moved.
 */
import { formatIndexKey } from '../state/instance-address';

/** A count index or for_each key; undefined is the instance without a key. */
export type InstanceKey = number | string | undefined;

/** One step of a module instance path: `module.pool["a"]` is `{ name: 'pool', key: 'a' }`. */
export interface ModuleStep {
  readonly name: string;
  readonly key: InstanceKey;
}

/** What a unified pair of move endpoints selects. */
export enum MoveKind {
  /** Every instance of a module call: `module.a` → `module.b`. */
  MODULE_CALL = 'module-call',
  /** One module instance: `module.a` → `module.a[2]`. */
  MODULE_INSTANCE = 'module-instance',
  /** Every instance of a resource: `aws_instance.a` → `aws_instance.b`. */
  RESOURCE = 'resource',
  /** One resource instance: `aws_instance.a[0]` → `aws_instance.a`. */
  RESOURCE_INSTANCE = 'resource-instance',
}

/** One side of a unified move. For module kinds `modules` ends with the moved call or instance. */
export interface MoveEndpoint {
  readonly modules: readonly ModuleStep[];
  /** The resource `type.name` parts; absent for module kinds. */
  readonly resource?: { readonly type: string; readonly name: string; readonly key: InstanceKey };
}

/** A `moved` block, unified. */
export interface ParsedMove {
  readonly kind: MoveKind;
  readonly from: MoveEndpoint;
  readonly to: MoveEndpoint;
}

interface Segment {
  readonly name: string;
  readonly key: InstanceKey;
  readonly keyed: boolean;
}

interface RawEndpoint {
  readonly modules: readonly ModuleStep[];
  /** The last step: a module call/instance, or a resource. */
  readonly last: { readonly kind: 'module'; readonly name: string } | { readonly kind: 'resource'; readonly type: string; readonly name: string };
  readonly key: InstanceKey;
  readonly keyed: boolean;
}

/** Parses and unifies a `moved` block's addresses; returns a reason instead when Terraform would refuse them. */
export function parseMove(from: string, to: string): ParsedMove | string {
  const source = parseEndpoint(from);
  if (typeof source === 'string') return `"from" ${source}`;
  const target = parseEndpoint(to);
  if (typeof target === 'string') return `"to" ${target}`;
  if (source.last.kind !== target.last.kind) return `"from" and "to" must both name modules or both name resources (got ${from} and ${to})`;
  const whole = !source.keyed && !target.keyed;
  const side = (raw: RawEndpoint): MoveEndpoint => {
    const key = whole ? undefined : raw.key;
    if (raw.last.kind === 'module') return { modules: [...raw.modules, { name: raw.last.name, key }] };
    return { modules: raw.modules, resource: { type: raw.last.type, name: raw.last.name, key } };
  };
  const kind = source.last.kind === 'module' ? (whole ? MoveKind.MODULE_CALL : MoveKind.MODULE_INSTANCE) : whole ? MoveKind.RESOURCE : MoveKind.RESOURCE_INSTANCE;
  return { kind, from: side(source), to: side(target) };
}

/** Parses a state's module path (`module.a["x"].module.b`, or empty for the root); undefined when malformed. */
export function parseModulePath(module: string): ModuleStep[] | undefined {
  if (module === '') return [];
  const segments = splitSegments(module);
  if (typeof segments === 'string' || segments.length % 2 !== 0) return undefined;
  const steps: ModuleStep[] = [];
  for (let i = 0; i < segments.length; i += 2) {
    if (segments[i].name !== 'module' || segments[i].keyed) return undefined;
    steps.push({ name: segments[i + 1].name, key: segments[i + 1].key });
  }
  return steps;
}

/** `module.a["x"].module.b` from steps (empty for the root module). */
export function formatModulePath(steps: readonly ModuleStep[]): string {
  return steps.map((step) => `module.${step.name}${formatIndexKey(step.key)}`).join('.');
}

function parseEndpoint(text: string): RawEndpoint | string {
  const segments = splitSegments(text);
  if (typeof segments === 'string') return segments;
  const modules: ModuleStep[] = [];
  let i = 0;
  while (i + 1 < segments.length && segments[i].name === 'module' && !segments[i].keyed) {
    const call = segments[i + 1];
    if (i + 2 === segments.length) return { modules, last: { kind: 'module', name: call.name }, key: call.key, keyed: call.keyed };
    modules.push({ name: call.name, key: call.key });
    i += 2;
  }
  const rest = segments.slice(i);
  if (rest.length > 0 && rest[0].name === 'data') return `is a data resource (${text}): only managed resources can be moved`;
  if (rest.length !== 2 || rest[0].keyed) return `is not a module or resource address (${text})`;
  return { modules, last: { kind: 'resource', type: rest[0].name, name: rest[1].name }, key: rest[1].key, keyed: rest[1].keyed };
}

/** Splits `module.a[0].aws_instance.b["k"]` into names with optional keys; a reason when malformed. */
function splitSegments(text: string): Segment[] | string {
  const segments: Segment[] = [];
  let at = 0;
  while (at < text.length) {
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(at));
    if (!name) return `is not a Terraform address (${text}): expected a name at character ${at + 1}`;
    at += name[0].length;
    let key: InstanceKey;
    let keyed = false;
    if (text[at] === '[') {
      const parsed = /^\[(?:(\d+)|("(?:[^"\\]|\\.)*"))\]/.exec(text.slice(at));
      if (!parsed) return `is not a Terraform address (${text}): an instance key is a number or a quoted string`;
      key = parsed[1] !== undefined ? Number(parsed[1]) : (JSON.parse(parsed[2]) as string);
      keyed = true;
      at += parsed[0].length;
    }
    segments.push({ name: name[0], key, keyed });
    if (at === text.length) break;
    if (text[at] !== '.') return `is not a Terraform address (${text}): expected "." at character ${at + 1}`;
    if (at + 1 === text.length) return `is not a Terraform address (${text}): it ends with "."`;
    at += 1;
  }
  if (segments.length === 0) return 'is empty';
  return segments;
}
