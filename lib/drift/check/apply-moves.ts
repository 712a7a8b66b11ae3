/**
 * The actual state as Terraform sees it once it has made its moves (the
 * stacks' `moved` blocks and the moves it implies for `count`; see
 * move-statements.ts): records re-keyed to their new addresses, deposed
 * objects with their instance, and a refresh-only plan's drift entries with
 * them. The checks then compare this view, so a move is no finding: not the
 * object at the old address ("not desired") and not the new address
 * ("missing").
 *
 * Terraform skips a move whose destination already holds something: an
 * instance for an instance move, any instance of the resource for a resource
 * move, the module instance for a module move ("let the existing object take
 * priority", ApplyMoves in Terraform's internal/refactoring/move_execute.go).
 * The object left at the old address is then reported as usual.
 */
import { moveStatements } from './move-statements';
import { cloudOfType } from '../catalog/resource-types';
import { ActualState, DesiredState, ResourceDrift, StateResource } from '../model';
import { formatModulePath, InstanceKey, ModuleStep, MoveKind, ParsedMove, parseModulePath } from '../read/desired/move-endpoint';
import { instanceAddress } from '../read/state/instance-address';

/**
 * The state being moved: current and deposed objects by instance address.
 * Instance moves (every implied one) are map lookups; a resource or module
 * move scans the records once, comparing fields, so that a state of 277,000
 * records costs a map copy and a scan per `moved` block, no index of strings.
 */
interface MovingState {
  readonly current: Map<string, StateResource>;
  readonly deposed: Map<string, StateResource[]>;
  /** Parsed module paths, by the state's module string. */
  readonly modulePaths: Map<string, ModuleStep[] | undefined>;
  readonly renames: [string, string][];
}

/** `actual` after Terraform's moves; `actual` itself when nothing moves. */
export function applyMoves(desired: DesiredState, actual: ActualState): ActualState {
  const statements = moveStatements(desired, actual);
  if (statements.length === 0) return actual;
  const deposed = new Map<string, StateResource[]>();
  for (const record of actual.deposed ?? []) {
    const list = deposed.get(record.address);
    if (list) list.push(record);
    else deposed.set(record.address, [record]);
  }
  const state: MovingState = { current: new Map(actual.resources), deposed, modulePaths: new Map(), renames: [] };
  for (const statement of statements) applyStatement(state, statement);
  if (state.renames.length === 0) return actual;
  const drift = new Map<string, ResourceDrift>(actual.drift);
  for (const [from, to] of state.renames) {
    const entry = drift.get(from);
    if (!entry || drift.has(to)) continue;
    drift.delete(from);
    drift.set(to, { ...entry, address: to });
  }
  const deposedList: StateResource[] = [];
  for (const address of [...state.deposed.keys()].sort()) for (const record of state.deposed.get(address)!) deposedList.push(record);
  return { ...actual, resources: state.current, deposed: deposedList, drift };
}

function applyStatement(state: MovingState, statement: ParsedMove): void {
  const { from, to } = statement;
  switch (statement.kind) {
    case MoveKind.RESOURCE_INSTANCE: {
      const source = from.resource!;
      const target = to.resource!;
      const address = instanceAddress(formatModulePath(from.modules), 'managed', source.type, source.name, source.key);
      const destination = instanceAddress(formatModulePath(to.modules), 'managed', target.type, target.name, target.key);
      if (!exists(state, address) || exists(state, destination)) return;
      move(state, address, to.modules, target.type, target.name, target.key);
      return;
    }
    case MoveKind.RESOURCE: {
      const source = from.resource!;
      const target = to.resource!;
      const sourceModule = formatModulePath(from.modules);
      const targetModule = formatModulePath(to.modules);
      const instances: StateResource[] = [];
      let occupied = false;
      for (const record of records(state)) {
        if (record.mode !== 'managed') continue;
        if (record.module === sourceModule && record.type === source.type && record.name === source.name) instances.push(record);
        if (record.module === targetModule && record.type === target.type && record.name === target.name) occupied = true;
      }
      if (occupied) return;
      for (const record of instances) move(state, record.address, to.modules, target.type, target.name, record.indexKey);
      return;
    }
    default: {
      const byModule = new Map<string, StateResource[]>();
      for (const record of records(state)) {
        if (record.module === '') continue;
        const list = byModule.get(record.module);
        if (list) list.push(record);
        else byModule.set(record.module, [record]);
      }
      for (const [path, list] of byModule) {
        if (!state.modulePaths.has(path)) state.modulePaths.set(path, parseModulePath(path));
        const modules = state.modulePaths.get(path);
        const moved = modules && movedModulePath(statement, modules);
        if (!moved || byModule.has(formatModulePath(moved))) continue;
        for (const record of list) move(state, record.address, moved, record.type, record.name, record.indexKey);
      }
    }
  }
}

/** Every current object, and the first deposed object of each address without one: one record per instance. */
function* records(state: MovingState): Generator<StateResource> {
  yield* state.current.values();
  for (const [address, list] of state.deposed) if (!state.current.has(address)) yield list[0];
}

/** The module path `modules` moves to under a module statement, or undefined when the statement does not select it. */
function movedModulePath(statement: ParsedMove, modules: readonly ModuleStep[]): ModuleStep[] | undefined {
  const { from, to } = statement;
  const n = from.modules.length;
  if (modules.length < n) return undefined;
  const call = statement.kind === MoveKind.MODULE_CALL;
  for (let i = 0; i < n; i++) {
    const anyKey = call && i === n - 1;
    if (modules[i].name !== from.modules[i].name || (!anyKey && modules[i].key !== from.modules[i].key)) return undefined;
  }
  // A whole call keeps each instance's key: module.a[1] → module.b[1].
  const head = call ? to.modules.map((step, i) => (i === to.modules.length - 1 ? { name: step.name, key: modules[n - 1].key } : step)) : to.modules;
  return head.concat(modules.slice(n));
}

function exists(state: MovingState, address: string): boolean {
  return state.current.has(address) || state.deposed.has(address);
}

/** The current object (if any) then the deposed ones at `address`. */
function objectsAt(state: MovingState, address: string): StateResource[] {
  const current = state.current.get(address);
  const deposed = state.deposed.get(address) ?? [];
  return current ? [current].concat(deposed) : deposed;
}

function move(state: MovingState, source: string, modules: readonly ModuleStep[], type: string, name: string, key: InstanceKey): void {
  const [first] = objectsAt(state, source);
  const module = formatModulePath(modules);
  const target = instanceAddress(module, first.mode, type, name, key);
  const relocate = (record: StateResource): StateResource => ({
    ...record,
    address: target,
    module,
    type,
    name,
    indexKey: key,
    cloud: type === record.type ? record.cloud : (cloudOfType(type) ?? record.cloud),
  });
  const current = state.current.get(source);
  const deposed = state.deposed.get(source);
  state.current.delete(source);
  state.deposed.delete(source);
  if (current) state.current.set(target, relocate(current));
  if (deposed) state.deposed.set(target, deposed.map(relocate));
  state.renames.push([source, target]);
}
