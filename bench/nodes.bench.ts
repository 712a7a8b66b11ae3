/**
 * Node benchmark (issue 3): synth of 10, 100 and 1000 workers per cloud with
 * CastCluster + NodeGroup, against the hand-written raw-cdktf stack of
 * bench/raw-nodes-stack.ts that emits the same per-node resources. Each synth
 * runs in its own process; the time is taken inside it, from construction to
 * written JSON. Target: ratio ≤ 1.25 and linear growth.
 */
import * as path from 'node:path';
import { formatMs, median, run } from './measure';

const ROOT = path.resolve(__dirname, '..');
const SIZES = process.argv.includes('--quick') ? [10, 100] : [10, 100, 1000];
const REGISTER = path.join(__dirname, 'register-ts.js');

function synthTime(kind: 'library' | 'raw', perCloud: number): { ms: number; rssMiB: number } {
  const runs = Array.from({ length: perCloud >= 1000 ? 1 : 5 }, () =>
    run(process.execPath, ['-r', REGISTER, path.join(__dirname, 'nodes-synth.ts'), kind, String(perCloud)], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: path.join(ROOT, '.bench', `nodes-${kind}`) } }),
  );
  return { ms: median(runs.map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!).ms)), rssMiB: median(runs.map((r) => r.rssMiB ?? 0)) };
}

const rows: string[] = [];
for (const size of SIZES) {
  const library = synthTime('library', size);
  const raw = synthTime('raw', size);
  rows.push(`| ${size} | ${size * 4} | ${formatMs(library.ms)} | ${formatMs(raw.ms)} | ${(library.ms / raw.ms).toFixed(2)} | ${library.rssMiB.toFixed(0)} / ${raw.rssMiB.toFixed(0)} MiB |`);
}
console.log('## Nodes\n');
console.log('Synth of N workers per cloud on all four clouds (plus one control-plane node for the library), construction to written JSON, in a fresh process each (TypeScript loaded without source maps, as a compiled library runs); median of 5 runs (1 at 1000). Target: ratio ≤ 1.25, linear growth.\n');
console.log('| workers per cloud | nodes | CastCluster + NodeGroup | raw cdktf | ratio | peak RSS (library / raw) |\n|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log();
console.log(`The library and the raw stack emit the same per-node resources with the same
user-data (rendered by the same function, held in a lazy local) and the same
API seeds in each VM's tags or metadata (one local); the library also writes
each node's long static lines to files beside the stack (the raw stack keeps
them inline, so its JSON is larger). The ratio is
what CastCluster and NodeGroup add on top. Both grow a little faster than
linearly from 400 to 4000 nodes: that is cdktf's token resolution over tens of
MB of JSON, which the raw stack pays too, not the library's planners (the mesh
checks at synth are linear; the quadratic full-mesh topology is computed only
to draw the diagram).`);
console.log();
