/**
 * The moves Terraform makes in the state before it plans, in the order it
 * makes them: the stacks' `moved` blocks, then the moves it implies for
 * `count` added or removed.
 *
 * Implied moves (Terraform 1.1+, ImpliedMoveStatements in Terraform's
 * internal/refactoring/move_statement.go): a resource whose configuration has
 * `count` and whose state has an instance without a key moves it to `[0]`; a
 * resource with neither `count` nor `for_each` and an instance `[0]` moves it
 * to no key. `for_each` implies nothing: the docs require a `moved` block for
 * it (https://developer.hashicorp.com/terraform/language/modules/develop/refactoring,
 * "Enabling count or for_each For a Resource"). No move is implied for a
 * resource that a `moved` block names, as `from` or `to`. Only root-module
 * resources are considered: a module's own resources are not in the stacks.
 *
 * Order (Terraform's ApplyMoves, internal/refactoring/move_execute.go): a
 * statement whose `from` can select what another's `to` selects runs after
 * it, so chained blocks (`a` → `b`, `b` → `c`) end at `c`; when the chains
 * form a cycle Terraform moves nothing.
 */
import { ActualState, DesiredResource, DesiredState, StateResource } from '../model';
import { InstanceKey, MoveKind, ParsedMove, parseMove } from '../read/desired/move-endpoint';

/** Every move, explicit first, in the order Terraform applies them; empty when they form a cycle. */
export function moveStatements(desired: DesiredState, actual: ActualState): ParsedMove[] {
  const explicit: ParsedMove[] = [];
  for (const move of desired.moves ?? []) {
    const parsed = parseMove(move.from, move.to);
    if (typeof parsed !== 'string') explicit.push(parsed);
  }
  const ordered = orderByChains(explicit);
  if (ordered === undefined) return [];
  // An implied move names a root resource no moved block names, so it chains with no other statement.
  const implied = impliedMoves(desired, actual, explicit);
  return ordered.concat(implied);
}

/** How a desired block repeats: its meta-argument, or the keys it was read with (count expands to numbers, for_each to strings). */
function repetition(block: DesiredResource): 'count' | 'for_each' | 'none' {
  const keys = block.instanceKeys ?? [];
  if (block.body.count !== undefined || keys.some((key) => typeof key === 'number')) return 'count';
  if (block.body.for_each !== undefined || keys.some((key) => typeof key === 'string')) return 'for_each';
  return 'none';
}

function impliedMoves(desired: DesiredState, actual: ActualState, explicit: readonly ParsedMove[]): ParsedMove[] {
  const named = new Set<string>();
  for (const move of explicit) {
    for (const side of [move.from, move.to]) if (side.resource && side.modules.length === 0) named.add(`${side.resource.type}.${side.resource.name}`);
  }
  // Per type, the names of the blocks a move could apply to, with how they repeat: no string built per state record.
  const candidates = new Map<string, Map<string, DesiredResource>>();
  for (const block of desired.resources.values()) {
    if (named.has(block.address) || repetition(block) === 'for_each') continue;
    let names = candidates.get(block.type);
    if (!names) candidates.set(block.type, (names = new Map()));
    names.set(block.name, block);
  }
  const moves = new Map<string, ParsedMove>();
  const consider = (record: StateResource) => {
    if ((record.indexKey !== undefined && record.indexKey !== 0) || record.module !== '' || record.mode !== 'managed') return;
    const block = candidates.get(record.type)?.get(record.name);
    if (!block || moves.has(block.address)) return;
    const instance = (key: InstanceKey) => ({ modules: [], resource: { type: block.type, name: block.name, key } });
    const count = repetition(block) === 'count';
    if (count && record.indexKey === undefined) moves.set(block.address, { kind: MoveKind.RESOURCE_INSTANCE, from: instance(undefined), to: instance(0) });
    if (!count && record.indexKey === 0) moves.set(block.address, { kind: MoveKind.RESOURCE_INSTANCE, from: instance(0), to: instance(undefined) });
  };
  for (const record of actual.resources.values()) consider(record);
  for (const record of actual.deposed ?? []) consider(record);
  return [...moves].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, move]) => move);
}

/** Stable topological order: a statement after those whose `to` its `from` chains from; undefined for a cycle. */
function orderByChains(statements: readonly ParsedMove[]): ParsedMove[] | undefined {
  const after = statements.map((depender) => statements.filter((dependee) => dependee !== depender && canChainFrom(dependee, depender)));
  const done = new Set<ParsedMove>();
  const out: ParsedMove[] = [];
  while (out.length < statements.length) {
    const next = statements.find((statement, i) => !done.has(statement) && after[i].every((dependee) => done.has(dependee)));
    if (!next) return undefined;
    done.add(next);
    out.push(next);
  }
  return out;
}

const ANY = Symbol('any key');
type ShapeKey = InstanceKey | typeof ANY;
interface Shape {
  readonly modules: readonly { readonly name: string; readonly key: ShapeKey }[];
  readonly resource?: { readonly type: string; readonly name: string; readonly key: ShapeKey };
}

/** What an endpoint can select: a call or a whole resource selects any key (Terraform's targetShape). */
function shapeOf(kind: MoveKind, side: ParsedMove['from']): Shape {
  if (kind === MoveKind.MODULE_CALL) {
    const last = side.modules[side.modules.length - 1];
    return { modules: [...side.modules.slice(0, -1), { name: last.name, key: ANY }] };
  }
  if (kind === MoveKind.RESOURCE) return { modules: side.modules, resource: { ...side.resource!, key: ANY } };
  return side;
}

/** True when `dependee.to` could select an object `depender.from` selects (Terraform's CanChainFrom). */
function canChainFrom(dependee: ParsedMove, depender: ParsedMove): boolean {
  const to = shapeOf(dependee.kind, dependee.to);
  const from = shapeOf(depender.kind, depender.from);
  if (to.modules.length !== from.modules.length || (to.resource === undefined) !== (from.resource === undefined)) return false;
  if (to.resource && from.resource && (to.resource.key === ANY) !== (from.resource.key === ANY)) return false;
  const keysMatch = (a: ShapeKey, b: ShapeKey) => a === ANY || b === ANY || a === b;
  if (!to.modules.every((step, i) => step.name === from.modules[i].name && keysMatch(step.key, from.modules[i].key))) return false;
  if (!to.resource || !from.resource) return true;
  return to.resource.type === from.resource.type && to.resource.name === from.resource.name && keysMatch(to.resource.key, from.resource.key);
}
