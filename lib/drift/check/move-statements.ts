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
import { DesiredState, StateResource } from '../model';
import { InstanceKey, MoveKind, ParsedMove, parseMove } from '../read/desired/move-endpoint';

/** Every move, explicit first, in the order Terraform applies them; empty when they form a cycle. `records`: the state's current and deposed objects. */
export function moveStatements(desired: DesiredState, records: Iterable<StateResource>): ParsedMove[] {
  const explicit: ParsedMove[] = [];
  for (const move of desired.moves ?? []) {
    const parsed = parseMove(move.from, move.to);
    if (typeof parsed !== 'string') explicit.push(parsed);
  }
  const ordered = orderByChains(explicit);
  if (ordered === undefined) return [];
  // An implied move names a root resource no moved block names, so it chains with no other statement.
  const implied = impliedMoves(desired, records, explicit);
  return [...ordered, ...implied];
}

function impliedMoves(desired: DesiredState, records: Iterable<StateResource>, explicit: readonly ParsedMove[]): ParsedMove[] {
  const keys = new Map<string, Set<InstanceKey>>();
  for (const record of records) {
    if (record.module !== '' || record.mode !== 'managed') continue;
    const address = `${record.type}.${record.name}`;
    if (!desired.resources.has(address)) continue;
    let set = keys.get(address);
    if (!set) keys.set(address, (set = new Set()));
    set.add(record.indexKey);
  }
  const named = new Set<string>();
  for (const move of explicit) {
    for (const side of [move.from, move.to]) if (side.resource && side.modules.length === 0) named.add(`${side.resource.type}.${side.resource.name}`);
  }
  const out: ParsedMove[] = [];
  for (const [address, present] of [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const block = desired.resources.get(address);
    if (!block || named.has(address)) continue;
    const instance = (key: InstanceKey) => ({ modules: [], resource: { type: block.type, name: block.name, key } });
    // The block's meta-argument, or the keys it was read with (a count expands to numbers, for_each to strings).
    const count = block.body.count !== undefined || (block.instanceKeys ?? []).some((key) => typeof key === 'number');
    const forEach = block.body.for_each !== undefined || (block.instanceKeys ?? []).some((key) => typeof key === 'string');
    if (count) {
      if (present.has(undefined)) out.push({ kind: MoveKind.RESOURCE_INSTANCE, from: instance(undefined), to: instance(0) });
    } else if (!forEach && present.has(0)) {
      out.push({ kind: MoveKind.RESOURCE_INSTANCE, from: instance(0), to: instance(undefined) });
    }
  }
  return out;
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
