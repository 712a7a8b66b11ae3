/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process and writes
 * what they print (markdown sections) to docs/benchmarks.md, under a header
 * naming the machine. Extra arguments go to each benchmark (e.g. --skip-tests, --quick).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const benches = fs
  .readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

const sections: string[] = [];
for (const bench of benches) {
  process.stderr.write(`running ${bench}…\n`);
  const output = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, bench), ...flags], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(output);
  sections.push(output.trim());
}

const header = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  'Each benchmark runs in its own process; sections keep the figures of their last run.',
  '',
].join('\n');
const target = path.join(ROOT, 'docs', 'benchmarks.md');
fs.mkdirSync(path.dirname(target), { recursive: true });
const previous = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
// Keep sections of benchmarks not run this time.
const kept = previous
  .split(/\n(?=## )/)
  .slice(1)
  .filter((section) => !sections.some((s) => s.split('\n')[0] === section.split('\n')[0]));
fs.writeFileSync(target, `${header}\n${[...sections, ...kept.map((s) => s.trim())].join('\n\n')}\n`);
process.stderr.write(`wrote ${path.relative(ROOT, target)}\n`);
