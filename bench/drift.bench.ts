/**
 * The drift check on large states: states of 10 MB, 100 MB and 1 GB in the
 * real format (bench/make-state.ts) are checked against their stack, and the
 * time is compared with a plain `JSON.parse(fs.readFileSync(file, 'utf8'))`
 * of the same file. Every measurement runs in its own child process (the
 * drift module bundled with esbuild, as the compiled package would run) and
 * reports its own peak RSS.
 *
 *   npx tsx bench/drift.bench.ts [--quick] [--cases=10MB,100MB,100MB:27000,500MB/count,1GB] [--runs=3]
 *
 * A case `100MB:27000` checks the 100 MB state against a stack that no longer
 * declares 27,000 of its instances (27,000 findings in the report).
 *
 * Prints a markdown section (npm run bench collects it into docs/benchmarks.md).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCH_STACK_LAYOUT, BenchStack, parseSize, undeclaredDesiredPath, writeBenchStack, writeUndeclaredDesired } from './make-state';
import { formatMs, median } from './measure';
import { runCli } from '../lib/drift/cli/run-cli';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, '.bench', 'drift');

/** The issue's figure: a 100 MB state checked with this many findings in the report. */
const FINDINGS_CASE = 27000;

/** What a child reports. */
interface ChildResult {
  readonly ms: number;
  readonly rssMiB: number;
  /** CPU time of the measured part (user + system, every thread: the GC's helpers too). */
  readonly cpuMs: number;
  readonly detail: string;
}

/** One row: a state size, how many of its instances the stack no longer declares, and its layout. */
interface BenchCase {
  readonly size: string;
  readonly undeclared: number;
  /** One resource with `count` (the root nodes) rather than worker pools. */
  readonly oneResource: boolean;
}

async function child(mode: string, args: string[]): Promise<void> {
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  let detail: string;
  if (mode === 'parse') {
    const document = JSON.parse(fs.readFileSync(args[0], 'utf8')) as { resources: unknown[] };
    detail = `${document.resources.length} resources`;
  } else {
    // The whole of `cast-drift check`: read, check, render the text report, write it (to a sink that keeps its first lines).
    let head = '';
    let bytes = 0;
    const sink = { write: (text: string) => {
      if (head.length < 4096) head += text.slice(0, 4096);
      bytes += Buffer.byteLength(text);
    } };
    const code = await runCli(['check', '--desired', args[0], '--state', args[1]], {
      stdout: sink,
      stderr: { write: (text: string) => void process.stderr.write(text) },
      stdin: process.stdin,
      env: {},
      cwd: process.cwd(),
      now: () => new Date(),
      writeFile: () => Promise.reject(new Error('no --output in the benchmark')),
    });
    if (code === 1) throw new Error(`cast-drift check exited 1:\n${head}`);
    const instances = /(\d+) resource instance\(s\)/.exec(head)?.[1] ?? '?';
    // The header line ends with the counts: `cast-drift check: cluster bench (<uuid>): 27000 warnings`.
    const findings = head.split('\n')[0].split(': ').pop() ?? '?';
    detail = `${instances} instances, ${findings}, exit ${code}, ${(bytes / 1e6).toFixed(1)} MB of report`;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: process.resourceUsage().maxRSS / 1024, detail }));
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

/** The state of a case and its stacks, generated unless a previous run left them. */
function ensureStack(benchCase: BenchCase, undeclared: readonly number[]): Pick<BenchStack, 'statePath' | 'desiredPath' | 'bytes' | 'instances'> {
  const dir = path.join(WORK, `${benchCase.size}${benchCase.oneResource ? '-count' : ''}`);
  const statePath = path.join(dir, 'terraform.tfstate');
  const desiredPath = path.join(dir, 'cdk.tf.json');
  const target = parseSize(benchCase.size);
  // What made the files: a state left by an older generator (another layout) is made again.
  const made = path.join(dir, 'made-by.json');
  const maker = { layout: BENCH_STACK_LAYOUT, target, oneResource: benchCase.oneResource };
  const previous = fs.existsSync(made) ? (JSON.parse(fs.readFileSync(made, 'utf8')) as typeof maker & Pick<BenchStack, 'poolCount' | 'nodeCount' | 'instances'>) : undefined;
  let stack: Pick<BenchStack, 'statePath' | 'desiredPath' | 'bytes' | 'instances' | 'poolCount' | 'nodeCount'>;
  if (previous && previous.layout === maker.layout && previous.target === target && previous.oneResource === maker.oneResource && fs.existsSync(statePath) && fs.existsSync(desiredPath)) {
    stack = { ...previous, statePath, desiredPath, bytes: fs.statSync(statePath).size };
  } else {
    process.stderr.write(`generating the ${benchCase.size} state in ${path.relative(ROOT, dir)}…\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    stack = writeBenchStack(dir, target, { oneResource: benchCase.oneResource });
    fs.writeFileSync(made, JSON.stringify({ ...maker, poolCount: stack.poolCount, nodeCount: stack.nodeCount, instances: stack.instances }));
  }
  for (const count of undeclared) if (!fs.existsSync(undeclaredDesiredPath(dir, count))) writeUndeclaredDesired(dir, stack, count);
  return stack;
}

/**
 * `10MB,100MB,100MB:27000,500MB/count,1GB`: sizes, each optionally with the instances its
 * stack no longer declares (`:N`), or as one resource with `count` (`/count`).
 */
function parseCases(text: string): BenchCase[] {
  return text.split(',').map((spec) => {
    const [sized, undeclared] = spec.split(':');
    const [size, layout] = sized.split('/');
    if (layout !== undefined && layout !== 'count') throw new Error(`a case is SIZE, SIZE:UNDECLARED or SIZE/count (got ${spec})`);
    return { size, undeclared: Number(undeclared ?? 0), oneResource: layout === 'count' };
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv.slice(2));
  const option = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const cases = parseCases(option('cases') ?? (argv.includes('--quick') ? `10MB,100MB,100MB:${FINDINGS_CASE}` : `10MB,100MB,100MB:${FINDINGS_CASE},500MB/count,1GB`));
  const runs = Number(option('runs') ?? 3);
  const bundle = bundleSelf();
  const rows: string[] = [];
  const loads: number[] = [];
  for (const benchCase of cases) {
    const { size, undeclared, oneResource } = benchCase;
    const stack = ensureStack(benchCase, cases.filter((c) => c.size === size && c.oneResource === oneResource && c.undeclared > 0).map((c) => c.undeclared));
    const desiredPath = undeclared > 0 ? undeclaredDesiredPath(path.dirname(stack.statePath), undeclared) : stack.desiredPath;
    // The 1 GB case runs once: a string that long cannot exist in Node, and the check takes a while.
    const times = parseSize(size) >= 5e8 ? 1 : runs;
    const parse: (ChildResult | string)[] = [];
    loads.push(os.loadavg()[0]);
    const check: (ChildResult | string)[] = [];
    for (let i = 0; i < times; i++) {
      process.stderr.write(`  ${size}${oneResource ? '/count' : ''}${undeclared ? ` (${undeclared} undeclared)` : ''}: run ${i + 1}/${times}\n`);
      parse.push(measure(bundle, 'parse', [stack.statePath]));
      check.push(measure(bundle, 'check', [desiredPath, stack.statePath]));
    }
    const ok = (list: (ChildResult | string)[]) => list.filter((r): r is ChildResult => typeof r !== 'string');
    const parseOk = ok(parse);
    const checkOk = ok(check);
    const parseMs = parseOk.length ? median(parseOk.map((r) => r.ms)) : undefined;
    const checkMs = checkOk.length ? median(checkOk.map((r) => r.ms)) : undefined;
    const cell = (ms: number | undefined, list: (ChildResult | string)[]) => (ms === undefined ? `n/a (${String(list[0]).slice(0, 60)})` : formatMs(ms));
    const rss = (list: ChildResult[]) => (list.length ? `${list.reduce((max, r) => Math.max(max, r.rssMiB), 0).toFixed(0)} MiB` : 'n/a');
    const label = `${size} (${(stack.bytes / 1e6).toFixed(0)} MB)${oneResource ? `, one resource of ${stack.instances.toLocaleString('en')} instances (count)` : ''}${undeclared ? `, ${undeclared} instances undeclared` : ''}`;
    const parseCpu = parseOk.length ? median(parseOk.map((r) => r.cpuMs)) : undefined;
    const checkCpu = checkOk.length ? median(checkOk.map((r) => r.cpuMs)) : undefined;
    const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (b / a).toFixed(2) : 'n/a');
    rows.push(
      `| ${label} | ${checkOk[0]?.detail ?? String(check[0])} | ${cell(parseMs, parse)} | ${rss(parseOk)} | ${cell(checkMs, check)} | ${rss(checkOk)} | ${ratio(parseMs, checkMs)} | ${ratio(parseCpu, checkCpu)} |`,
    );
  }
  const lines = [
    '## Drift check (cast-drift)',
    '',
    '`npx tsx bench/drift.bench.ts`: states in the real format (modules, `index_key`, `dependencies`, `sensitive_attributes`; about 277,000 resource instances per GB), checked against their stack.',
    `Targets: a 100 MB state checked in at most 1.2× the time of JSON.parse, in sync and with ${FINDINGS_CASE.toLocaleString('en')} findings; the 1 GB state under 1 GB peak RSS.`,
    '"JSON.parse" is `JSON.parse(fs.readFileSync(file, "utf8"))` alone; "check" is `cast-drift check` in process: it reads (streaming), reduces, runs every check and renders the text report.',
    'The "undeclared" rows check the same state against a stack that no longer calls the worker pools holding that many instances: each is a finding.',
    'The "one resource" row is a state whose VMs are one `aws_instance` with `count`: a resource larger than the read chunk, read instance by instance.',
    `Each cell is the median of ${runs} runs in fresh child processes (the 1 GB case: one run); RSS is the child's peak; "CPU" compares user + system time (all threads).`,
    `Load average when the cases began: ${loads.map((load) => load.toFixed(1)).join(', ')} on ${os.cpus().length} cores: other jobs on the machine make the figures slower and noisier.`,
    '',
    '| state | read | JSON.parse | its peak RSS | check | its peak RSS | check / JSON.parse | CPU: check / JSON.parse |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
