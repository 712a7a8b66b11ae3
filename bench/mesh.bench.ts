/**
 * Mesh planner benchmark: `npx tsx bench/mesh.bench.ts`.
 *
 * Prints, for 1000 nodes in 4 clouds and both WireGuard modes, the time to plan
 * and to render every node's views, and the per-node output size at 10, 100 and
 * 1000 nodes. Keys are 44-character strings, the length of real WireGuard keys.
 */
import { ALL_CLOUDS, Cloud } from '../lib/core/cloud';
import { MeshMode, MeshNodeInput, MeshPlan, planMesh, renderInterfaceSetup, renderWireGuardConfig } from '../lib/core/mesh';
import { NodeRole } from '../lib/core/node-role';

const KEY = `${'A'.repeat(43)}=`;
const keys = { privateKey: KEY, publicKeyOf: () => KEY };

function nodes(count: number): MeshNodeInput[] {
  return Array.from({ length: count }, (_, i) => {
    const cloud: Cloud = ALL_CLOUDS[i % 4];
    return {
      name: `${cloud}-${i}`,
      cloud,
      role: i < 4 ? NodeRole.CONTROL_PLANE : NodeRole.WORKER,
      publicAddress: `198.18.${i >> 8}.${i & 255}`,
      privateAddress: `10.${10 + (i % 4)}.${i >> 8}.${i & 255}`,
      podCidr: `10.${244 + (i >> 8)}.${i & 255}.0/24`,
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time<T>(work: () => T): [T, number] {
  const started = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

function renderAll(plan: MeshPlan): number {
  let bytes = 0;
  for (const node of plan.nodes) {
    bytes += renderWireGuardConfig(plan, node.name, keys).length + renderInterfaceSetup(plan, node.name).join('\n').length;
  }
  return bytes;
}

const modes = [MeshMode.FULL_MESH, MeshMode.CROSS_LOCATION];
const input = nodes(1000);
console.log('## Mesh\n\n`npx tsx bench/mesh.bench.ts`: topology and rendering, pure functions in one process.\n\n```');
console.log('1000 nodes, 4 clouds (median of 5 runs after one warm-up)');
for (const mode of modes) {
  const plans: number[] = [];
  const renders: number[] = [];
  const ones: number[] = [];
  let total = 0;
  for (let run = 0; run < 6; run++) {
    const [plan, planMs] = time(() => planMesh({ nodes: input, mode }));
    const [bytes, renderMs] = time(() => renderAll(plan));
    const [, oneMs] = time(() => renderWireGuardConfig(plan, plan.nodes[0].name, keys) + renderInterfaceSetup(plan, plan.nodes[0].name).join('\n'));
    if (run === 0) continue;
    plans.push(planMs);
    renders.push(renderMs);
    ones.push(oneMs);
    total = bytes;
  }
  console.log(
    `  ${mode.padEnd(14)} plan ${median(plans).toFixed(0)} ms; render all 1000 nodes ${median(renders).toFixed(0)} ms ` +
      `(${(total / 1e6).toFixed(1)} MB); plan + render all ${(median(plans) + median(renders)).toFixed(0)} ms; render one node ${median(ones).toFixed(1)} ms`,
  );
}

console.log('\nper-node output size (WireGuard config / interface setup lines), bytes');
for (const count of [10, 100, 1000]) {
  for (const mode of modes) {
    const plan = planMesh({ nodes: nodes(count), mode });
    const sizes = (gateway: boolean) => {
      const node = plan.nodes.find((candidate) => candidate.gateway === gateway);
      if (!node) return '-';
      return `${renderWireGuardConfig(plan, node.name, keys).length} / ${renderInterfaceSetup(plan, node.name).join('\n').length + 1}`;
    };
    const detail = mode === MeshMode.FULL_MESH ? `every node ${sizes(true)}` : `gateway ${sizes(true)}, other node ${sizes(false)}`;
    console.log(`  ${String(count).padStart(4)} nodes  ${mode.padEnd(14)} ${detail}`);
  }
}
console.log('```');
