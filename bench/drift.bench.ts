/**
 * The drift check on large states: states of 10 MB, 100 MB and 1 GB in the
 * real format (bench/make-state.ts) are checked against their stack, and the
 * time is compared with a plain `JSON.parse(fs.readFileSync(file, 'utf8'))`
 * of the same file. Every measurement runs in its own child process (the
 * drift module bundled with esbuild, as the compiled package would run) and
 * reports its own peak RSS.
 *
 *   npx tsx bench/drift.bench.ts [--quick] [--sizes=10MB,100MB,1GB] [--runs=3]
 *
 * Prints a markdown section (npm run bench collects it into docs/benchmarks.md).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSize, writeBenchStack } from './make-state';
import { formatMs, median } from './measure';
import { checkDrift } from '../lib/drift/drift-check';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, '.bench', 'drift');

/** What a child reports. */
interface ChildResult {
  readonly ms: number;
  readonly rssMiB: number;
  readonly detail: string;
}

async function child(mode: string, args: string[]): Promise<void> {
  const started = process.hrtime.bigint();
  let detail: string;
  if (mode === 'parse') {
    const document = JSON.parse(fs.readFileSync(args[0], 'utf8')) as { resources: unknown[] };
    detail = `${document.resources.length} resources`;
  } else {
    const report = await checkDrift({ desired: [args[0]], states: [args[1]] });
    detail = `${report.inputs.states[0].resources} instances, ${report.findings.length} findings`;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, detail }));
}

function measure(bundle: string, mode: string, args: string[]): ChildResult | string {
  const result = spawnSync(process.execPath, [bundle, '--child', mode, ...args], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (result.status !== 0) {
    const message = result.stderr.split('\n').find((line) => /Error|error:/.test(line)) ?? `exit ${result.status}`;
    return message.trim();
  }
  return JSON.parse(result.stdout) as ChildResult;
}

function bundleSelf(): string {
  // esbuild ships with tsx; the bundle is what `node dist/...` would run, without a TypeScript loader in the measurement.
  const esbuild = require('esbuild') as { buildSync(options: Record<string, unknown>): unknown };
  const outfile = path.join(WORK, 'drift-bench.js');
  fs.mkdirSync(WORK, { recursive: true });
  esbuild.buildSync({ entryPoints: [__filename], bundle: true, platform: 'node', target: 'node20', outfile, logLevel: 'error', external: ['esbuild', 'yaml'] });
  // lib/drift/version.ts reads ../../package.json relative to itself; the bundle sits two levels below the root too.
  return outfile;
}

function ensureStack(size: string): { statePath: string; desiredPath: string; bytes: number } {
  const dir = path.join(WORK, size);
  const statePath = path.join(dir, 'terraform.tfstate');
  const desiredPath = path.join(dir, 'cdk.tf.json');
  const target = parseSize(size);
  if (fs.existsSync(statePath) && fs.existsSync(desiredPath) && Math.abs(fs.statSync(statePath).size - target) < target * 0.1) {
    return { statePath, desiredPath, bytes: fs.statSync(statePath).size };
  }
  process.stderr.write(`generating the ${size} state in ${path.relative(ROOT, dir)}…\n`);
  return writeBenchStack(dir, target);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv.slice(2));
  const option = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const sizes = (option('sizes') ?? (argv.includes('--quick') ? '10MB,100MB' : '10MB,100MB,1GB')).split(',');
  const runs = Number(option('runs') ?? 3);
  const bundle = bundleSelf();
  const rows: string[] = [];
  for (const size of sizes) {
    const stack = ensureStack(size);
    // The 1 GB case runs once: a string that long cannot exist in Node, and the check takes a while.
    const times = parseSize(size) >= 5e8 ? 1 : runs;
    const parse: (ChildResult | string)[] = [];
    const check: (ChildResult | string)[] = [];
    for (let i = 0; i < times; i++) {
      process.stderr.write(`  ${size}: run ${i + 1}/${times}\n`);
      parse.push(measure(bundle, 'parse', [stack.statePath]));
      check.push(measure(bundle, 'check', [stack.desiredPath, stack.statePath]));
    }
    const ok = (list: (ChildResult | string)[]) => list.filter((r): r is ChildResult => typeof r !== 'string');
    const parseOk = ok(parse);
    const checkOk = ok(check);
    const parseMs = parseOk.length ? median(parseOk.map((r) => r.ms)) : undefined;
    const checkMs = checkOk.length ? median(checkOk.map((r) => r.ms)) : undefined;
    const cell = (ms: number | undefined, list: (ChildResult | string)[]) => (ms === undefined ? `n/a (${String(list[0]).slice(0, 60)})` : formatMs(ms));
    const rss = (list: ChildResult[]) => (list.length ? `${Math.max(...list.map((r) => r.rssMiB)).toFixed(0)} MiB` : 'n/a');
    rows.push(
      `| ${size} (${(stack.bytes / 1e6).toFixed(0)} MB) | ${checkOk[0]?.detail ?? String(check[0])} | ${cell(parseMs, parse)} | ${rss(parseOk)} | ${cell(checkMs, check)} | ${rss(checkOk)} | ${parseMs && checkMs ? (checkMs / parseMs).toFixed(2) : 'n/a'} |`,
    );
  }
  const lines = [
    '## Drift check (cast-drift)',
    '',
    '`npx tsx bench/drift.bench.ts`: states in the real format (modules, `index_key`, `dependencies`, `sensitive_attributes`), checked against their stack.',
    '"JSON.parse" is `JSON.parse(fs.readFileSync(file, "utf8"))` alone; "check" reads (streaming), reduces and runs every check.',
    `Each cell is the median of ${runs} runs in fresh child processes (the 1 GB case: one run); RSS is the child's peak.`,
    '',
    '| state | read | JSON.parse | its peak RSS | check | its peak RSS | check / JSON.parse |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
