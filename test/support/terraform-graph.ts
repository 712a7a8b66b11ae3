/**
 * The dependency graph Terraform builds from one synthesized stack (Terraform JSON), and
 * its cycles: what `terraform validate` reports as `Error: Cycle: …`, found without
 * terraform. Vertices are resources, data sources, locals, outputs, variables, modules
 * and provider configurations; edges are the references inside `${…}` strings (via
 * terraform-references.ts), the bare addresses in `depends_on` and
 * `lifecycle.replace_triggered_by`, and each resource's provider (its `provider` field,
 * or the default configuration of its type's prefix, as Terraform picks it:
 * https://developer.hashicorp.com/terraform/language/meta-arguments/resource-provider).
 * A reference to something the stack does not declare (a `for` iterator, `each`,
 * `self`) is no edge. Pure; no cdktf.
 */
import { compareNames } from '../../lib/core/mesh/compare-names';
import { extractTraversals, isExpression, Traversal } from './terraform-references';

/** One reference: `from` reads `to`, written as `text` at `at` (a path inside `from`'s body). */
export interface ReferenceEdge {
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly at: string;
}

export interface ReferenceGraph {
  /** Every vertex, sorted by code point. */
  readonly vertices: readonly string[];
  /** Every edge, in document order. */
  readonly edges: readonly ReferenceEdge[];
}

/** A cycle: `edges[i]` leads from `vertices[i]` to `vertices[i + 1]`, and the last back to the first. */
export interface ReferenceCycle {
  readonly vertices: readonly string[];
  readonly edges: readonly ReferenceEdge[];
  /** The strongly connected component the cycle was found in (sorted), when it is larger than the cycle. */
  readonly component: readonly string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = { [key: string]: Json };

/** Roots that name no block of the stack. */
const NOT_VERTICES = new Set(['self', 'each', 'count', 'path', 'terraform']);

export function buildReferenceGraph(config: Body): ReferenceGraph {
  // 'value': a local, whose whole value is an expression; 'block': a body with meta-arguments.
  const blocks: { id: string; body: Json; kind: 'resource' | 'data' | 'provider' | 'block' | 'value'; type?: string }[] = [];
  for (const [type, named] of entries(config.resource)) for (const [name, body] of entries(named)) blocks.push({ id: `${type}.${name}`, body, kind: 'resource', type });
  for (const [type, named] of entries(config.data)) for (const [name, body] of entries(named)) blocks.push({ id: `data.${type}.${name}`, body, kind: 'data', type });
  for (const [name, value] of entries(config.locals)) blocks.push({ id: `local.${name}`, body: value, kind: 'value' });
  for (const [name, body] of entries(config.output)) blocks.push({ id: `output.${name}`, body, kind: 'block' });
  for (const [name, body] of entries(config.variable)) blocks.push({ id: `var.${name}`, body, kind: 'block' });
  for (const [name, body] of entries(config.module)) blocks.push({ id: `module.${name}`, body, kind: 'block' });
  for (const [type, configs] of entries(config.provider)) {
    for (const body of Array.isArray(configs) ? configs : [configs]) blocks.push({ id: providerId(type, alias(body)), body, kind: 'provider' });
  }
  const vertices = new Set(blocks.map((b) => b.id));

  const edges: ReferenceEdge[] = [];
  const add = (from: string, traversal: Traversal, at: string) => {
    const to = vertexOf(traversal);
    if (to !== undefined && vertices.has(to)) edges.push({ from, to, text: traversal.text, at });
  };
  for (const block of blocks) {
    const body = block.body;
    if (block.kind === 'value') {
      walkStrings(body, '', (value, at) => extractTraversals(value).forEach((t) => add(block.id, t, at)));
      continue;
    }
    const fields = isObject(body) ? body : {};
    for (const [key, value] of Object.entries(fields)) {
      if (block.kind === 'provider' && key === 'alias') continue;
      if (block.kind !== 'provider' && key === 'provider' && typeof value === 'string') continue;
      if (key === 'providers' && block.id.startsWith('module.') && isObject(value)) {
        for (const [inner, passed] of Object.entries(value)) {
          if (typeof passed === 'string') edges.push({ from: block.id, to: `provider.${passed}`, text: passed, at: `providers.${inner}` });
        }
        continue;
      }
      if (key === 'depends_on') {
        bareReferences(value).forEach((t) => add(block.id, t, key));
        continue;
      }
      if (key === 'lifecycle' && isObject(value)) {
        const { replace_triggered_by: triggers, ...rest } = value;
        bareReferences(triggers ?? null).forEach((t) => add(block.id, t, 'lifecycle.replace_triggered_by'));
        walkStrings(rest, key, (s, at) => extractTraversals(s).forEach((t) => add(block.id, t, at)));
        continue;
      }
      walkStrings(value, key, (s, at) => extractTraversals(s).forEach((t) => add(block.id, t, at)));
    }
    if (block.kind === 'resource' || block.kind === 'data') {
      const named = typeof fields.provider === 'string' ? fields.provider.replace(/^\$\{(.*)\}$/, '$1') : undefined;
      const provider = named !== undefined ? `provider.${named}` : providerId(block.type!.split('_')[0], undefined);
      if (vertices.has(provider)) edges.push({ from: block.id, to: provider, text: named ?? '(default provider)', at: 'provider' });
    }
  }
  return { vertices: [...vertices].sort(compareNames), edges: edges.filter((e) => vertices.has(e.to)) };
}

/**
 * One cycle per strongly connected component that has one (Tarjan's algorithm), the
 * shortest through the component's first vertex; components and cycles in code-point order.
 */
export function findCycles(graph: ReferenceGraph): ReferenceCycle[] {
  const out = new Map<string, ReferenceEdge[]>(graph.vertices.map((v) => [v, []]));
  for (const edge of graph.edges) out.get(edge.from)?.push(edge);
  const cycles: ReferenceCycle[] = [];
  for (const component of stronglyConnectedComponents(graph.vertices, out)) {
    const inside = new Set(component);
    const start = component[0];
    const selfLoop = out.get(start)!.find((e) => e.to === start);
    if (component.length === 1 && !selfLoop) continue;
    const edges = selfLoop ? [selfLoop] : shortestCycle(start, inside, out);
    cycles.push({ vertices: edges.map((e) => e.from), edges, component: component.length > edges.length ? component : [] });
  }
  return cycles;
}

/** `a → b → a`, one line per edge saying where the reference is written. */
export function formatCycle(cycle: ReferenceCycle): string {
  const ring = [...cycle.vertices, cycle.vertices[0]].join(' → ');
  const lines = cycle.edges.map((e) => `  ${e.from} reads ${e.text} (at ${e.at || 'its value'})`);
  const more = cycle.component.length > 0 ? [`  (one cycle of ${cycle.component.length} entangled: ${cycle.component.join(', ')})`] : [];
  return [`cycle: ${ring}`, ...lines, ...more].join('\n');
}

/** Iterative Tarjan, vertices visited in the given (sorted) order; each component sorted. */
function stronglyConnectedComponents(vertices: readonly string[], out: Map<string, ReferenceEdge[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const root of vertices) {
    if (index.has(root)) continue;
    const work: { vertex: string; edge: number }[] = [{ vertex: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = out.get(frame.vertex)!;
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++].to;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ vertex: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.vertex, Math.min(low.get(frame.vertex)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].vertex;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.vertex)!));
      }
      if (low.get(frame.vertex) === index.get(frame.vertex)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.vertex);
        components.push(component.sort(compareNames));
      }
    }
  }
  return components.sort((a, b) => compareNames(a[0], b[0]));
}

/** Breadth-first from `start` back to it, staying inside the component. */
function shortestCycle(start: string, inside: Set<string>, out: Map<string, ReferenceEdge[]>): ReferenceEdge[] {
  const via = new Map<string, ReferenceEdge>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const edge of out.get(queue[i])!) {
      if (!inside.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [edge];
        for (let at = edge.from; at !== start; at = via.get(at)!.from) path.unshift(via.get(at)!);
        return path;
      }
      if (!via.has(edge.to)) {
        via.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  throw new Error(`no cycle through ${start} inside its component`);
}

/** The vertex a traversal names, if it names one. */
function vertexOf(t: Traversal): string | undefined {
  const names = t.steps.map((s) => (s.kind === 'attribute' ? s.name : undefined));
  if (NOT_VERTICES.has(t.root)) return undefined;
  if (t.root === 'data') return names[0] && names[1] ? `data.${names[0]}.${names[1]}` : undefined;
  // local.x, var.x, module.x and type.name alike.
  return names[0] ? `${t.root}.${names[0]}` : undefined;
}

/** `depends_on` entries: addresses, written bare (`aws_vpc.main`) or as `${aws_vpc.main}`. */
function bareReferences(value: Json): Traversal[] {
  const list = Array.isArray(value) ? value : [];
  return list.filter((v): v is string => typeof v === 'string').flatMap((v) => extractTraversals(isExpression(v) ? v : `\${${v}}`));
}

function walkStrings(value: Json, at: string, visit: (value: string, at: string) => void): void {
  if (typeof value === 'string') {
    visit(value, at);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(v, `${at}[${i}]`, visit));
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      // Keys of a JSON map may be templates too.
      visit(key, at);
      walkStrings(v, at ? `${at}.${key}` : key, visit);
    }
  }
}

function providerId(type: string, providerAlias: string | undefined): string {
  return providerAlias ? `provider.${type}.${providerAlias}` : `provider.${type}`;
}

function alias(body: Json): string | undefined {
  return isObject(body) && typeof body.alias === 'string' ? body.alias : undefined;
}

function entries(value: Json | undefined): [string, Json][] {
  return isObject(value ?? null) ? Object.entries(value as Body) : [];
}

function isObject(value: Json): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
