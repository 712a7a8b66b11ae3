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
import { instanceAddress, resourceAddress } from '../read/state/instance-address';

/** The objects at one instance address. */
interface InstanceObjects {
  /** Parsed module path; undefined when it cannot be parsed (Terraform writes none such), so it never moves. */
  readonly modules?: readonly ModuleStep[];
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly key: InstanceKey;
  readonly current?: StateResource;
  readonly deposed: readonly StateResource[];
}

/** Instances by address, with indexes by resource address and by module path. */
interface InstanceTable {
  readonly instances: Map<string, InstanceObjects>;
  readonly byResource: Map<string, Set<string>>;
  readonly byModule: Map<string, Set<string>>;
}

/** `actual` after Terraform's moves; `actual` itself when nothing moves. */
export function applyMoves(desired: DesiredState, actual: ActualState): ActualState {
  const statements = moveStatements(desired, records(actual));
  if (statements.length === 0) return actual;
  const table = instanceTable(actual);
  const renames: [string, string][] = [];
  for (const statement of statements) applyStatement(table, statement, renames);
  if (renames.length === 0) return actual;
  const resources = new Map<string, StateResource>();
  const deposed: StateResource[] = [];
  for (const instance of table.instances.values()) {
    if (instance.current) resources.set(instance.current.address, instance.current);
    for (const record of instance.deposed) deposed.push(record);
  }
  const drift = new Map<string, ResourceDrift>(actual.drift);
  for (const [from, to] of renames) {
    const entry = drift.get(from);
    if (!entry || drift.has(to)) continue;
    drift.delete(from);
    drift.set(to, { ...entry, address: to });
  }
  deposed.sort((a, b) => (a.address !== b.address ? (a.address < b.address ? -1 : 1) : (a.deposedKey ?? '') < (b.deposedKey ?? '') ? -1 : 1));
  return { ...actual, resources, deposed, drift };
}

function* records(actual: ActualState): Iterable<StateResource> {
  yield* actual.resources.values();
  yield* actual.deposed ?? [];
}

function instanceTable(actual: ActualState): InstanceTable {
  const table: InstanceTable = { instances: new Map(), byResource: new Map(), byModule: new Map() };
  const modules = new Map<string, ModuleStep[] | undefined>();
  for (const record of records(actual)) {
    const existing = table.instances.get(record.address);
    if (existing) {
      table.instances.set(record.address, withObject(existing, record));
      continue;
    }
    if (!modules.has(record.module)) modules.set(record.module, parseModulePath(record.module));
    const instance = { modules: modules.get(record.module), mode: record.mode, type: record.type, name: record.name, key: record.indexKey, deposed: [] };
    insert(table, record.address, withObject(instance, record));
  }
  return table;
}

function withObject(instance: InstanceObjects, record: StateResource): InstanceObjects {
  return record.deposedKey === undefined ? { ...instance, current: record } : { ...instance, deposed: [...instance.deposed, record] };
}

function insert(table: InstanceTable, address: string, instance: InstanceObjects): void {
  table.instances.set(address, instance);
  if (!instance.modules) return;
  const module = formatModulePath(instance.modules);
  index(table.byResource, resourceAddress(module, instance.mode, instance.type, instance.name), address);
  index(table.byModule, module, address);
}

function index(map: Map<string, Set<string>>, key: string, address: string): void {
  const set = map.get(key);
  if (set) set.add(address);
  else map.set(key, new Set([address]));
}

function remove(table: InstanceTable, address: string): InstanceObjects {
  const instance = table.instances.get(address)!;
  table.instances.delete(address);
  const module = formatModulePath(instance.modules ?? []);
  table.byResource.get(resourceAddress(module, instance.mode, instance.type, instance.name))?.delete(address);
  table.byModule.get(module)?.delete(address);
  return instance;
}

function applyStatement(table: InstanceTable, statement: ParsedMove, renames: [string, string][]): void {
  const { from, to } = statement;
  if (statement.kind === MoveKind.RESOURCE_INSTANCE || statement.kind === MoveKind.RESOURCE) {
    const source = from.resource!;
    const target = to.resource!;
    if (statement.kind === MoveKind.RESOURCE_INSTANCE) {
      const address = instanceAddress(formatModulePath(from.modules), 'managed', source.type, source.name, source.key);
      const instance = table.instances.get(address);
      if (!instance?.modules || instance.mode !== 'managed') return;
      if (table.instances.has(instanceAddress(formatModulePath(to.modules), 'managed', target.type, target.name, target.key))) return;
      move(table, address, to.modules, target.type, target.name, target.key, renames);
      return;
    }
    const addresses = [...(table.byResource.get(resourceAddress(formatModulePath(from.modules), 'managed', source.type, source.name)) ?? [])];
    if (addresses.length === 0 || (table.byResource.get(resourceAddress(formatModulePath(to.modules), 'managed', target.type, target.name))?.size ?? 0) > 0) return;
    for (const address of addresses) move(table, address, to.modules, target.type, target.name, table.instances.get(address)!.key, renames);
    return;
  }
  for (const [path, set] of [...table.byModule]) {
    if (set.size === 0 || path === '') continue;
    const addresses = [...set];
    const moved = movedModulePath(statement, table.instances.get(addresses[0])!.modules!);
    if (!moved || (table.byModule.get(formatModulePath(moved))?.size ?? 0) > 0) continue;
    for (const address of addresses) {
      const instance = table.instances.get(address)!;
      move(table, address, moved, instance.type, instance.name, instance.key, renames);
    }
  }
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

function move(table: InstanceTable, source: string, modules: readonly ModuleStep[], type: string, name: string, key: InstanceKey, renames: [string, string][]): void {
  const instance = remove(table, source);
  const module = formatModulePath(modules);
  const target = instanceAddress(module, instance.mode, type, name, key);
  const relocate = (record: StateResource): StateResource => ({
    ...record,
    address: target,
    module,
    type,
    name,
    indexKey: key,
    cloud: type === record.type ? record.cloud : (cloudOfType(type) ?? record.cloud),
  });
  insert(table, target, { modules, mode: instance.mode, type, name, key, current: instance.current && relocate(instance.current), deposed: instance.deposed.map(relocate) });
  renames.push([source, target]);
}
