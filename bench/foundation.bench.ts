/**
 * Foundation benchmarks (issue 2): cold `require` of the built library, synth
 * of the default example, and the wall time of `npm test`. Prints a markdown
 * section. Targets: require <= 1 s and <= 200 MB RSS; npm test under 3 minutes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatMs, median, run } from './measure';

const ROOT = path.resolve(__dirname, '..');
const REPEAT = 5;
const skipTests = process.argv.includes('--skip-tests');

function main(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) run('npm', ['run', 'build'], { cwd: ROOT });
  fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });

  const requires = Array.from({ length: REPEAT }, () => run(process.execPath, ['-e', "require('./dist/index.js')"], { cwd: ROOT }));
  const inProcess = Array.from({ length: REPEAT }, () =>
    run(process.execPath, ['-e', SYNTH_IN_PROCESS], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: path.join(ROOT, '.bench', 'synth') } }),
  );
  const synthMs = inProcess.map((r) => JSON.parse(r.stdout.trim()).ms as number);
  const cli = Array.from({ length: 3 }, () => run('npm', ['run', '--silent', 'synth'], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: path.join(ROOT, '.bench', 'cli') } }));
  const tests = skipTests ? undefined : run('npm', ['test', '--silent'], { cwd: ROOT });

  const rows = [
    ['cold `require` of the built library (node -e, whole process)', formatMs(median(requires.map((r) => r.ms))), `${median(requires.map((r) => r.rssMiB ?? 0)).toFixed(0)} MiB`, '≤ 1 s, ≤ 200 MB'],
    ['synth of examples/multi-cloud in process (App + CastCluster + synth, compiled library)', formatMs(median(synthMs)), `${median(inProcess.map((r) => r.rssMiB ?? 0)).toFixed(0)} MiB`, ''],
    ['`npm run synth` (cdktf-cli + tsx + synth), wall', formatMs(median(cli.map((r) => r.ms))), `${median(cli.map((r) => r.rssMiB ?? 0)).toFixed(0)} MiB (largest process)`, ''],
    ['`npm test`, wall', tests ? formatMs(tests.ms) : 'skipped', tests ? `${(tests.rssMiB ?? 0).toFixed(0)} MiB (largest process)` : '', '< 3 min'],
  ];
  console.log('## Foundation\n');
  console.log(`Median of ${REPEAT} runs (3 for the CLI), each in a fresh process; peak RSS from /usr/bin/time.\n`);
  console.log('| measurement | time | peak RSS | target |\n|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log();
}

// Runs in a child so that the measurement includes nothing of this process.
const SYNTH_IN_PROCESS = `
const started = process.hrtime.bigint();
const { App, TerraformStack } = require('cdktf');
const { CastCluster, Cloud } = require('./dist/index.js');
const app = new App();
const stack = new TerraformStack(app, 'multi-cloud');
new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN], tags: { team: 'platform' } });
app.synth();
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6 }));
`;

main();
