/**
 * The Terraform harness on apps synthesized elsewhere, e.g. by the packed packages in a
 * fresh app (scripts/cdktn-check.sh): each out folder is copied to a temporary folder, and
 * every stack of it is initialised with the stand-in providers attached, applied, and
 * re-planned, which must find nothing to do (harness.ts, convergeApp).
 *
 * Usage: npx tsx test/terraform/converge-synthesized.ts <out folder>...
 * Prints one line per stack; exits 1 when a stack fails, with terraform's own words.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { convergeApp, failures } from './harness';
import { startStandIns } from './stand-in/stand-ins';
import { prepareSynthesized } from './synthesized-app';
import { examplesEnvironment, findTerraform } from './terraform-cli';

async function main(outdirs: readonly string[]): Promise<number> {
  if (outdirs.length === 0) {
    console.error('usage: converge-synthesized <out folder>...');
    return 2;
  }
  const { missing } = findTerraform();
  if (missing) {
    console.error(`converge-synthesized: ${missing}`);
    return 1;
  }
  const standIns = await startStandIns();
  let failed = 0;
  try {
    for (const outdir of outdirs) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-converge-'));
      try {
        fs.cpSync(outdir, path.join(root, 'out'), { recursive: true });
        const app = prepareSynthesized(path.join(root, 'out'), root);
        // The middleware's client secret is read from this variable at deploy (docs/middleware.md).
        const results = await convergeApp(app, examplesEnvironment(standIns.reattach));
        for (const result of results) {
          console.log(`  ${outdir} ${result.stack}: ${result.failed ? 'FAILED' : result.runs.map((r) => r.args[0]).join(', ')}`);
        }
        const problems = failures(results);
        const unconverged = app.stacks.length - results.filter((r) => !r.failed).length;
        if (problems || unconverged > 0) {
          failed++;
          console.error(problems || `${unconverged} stack(s) not reached`);
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    }
  } finally {
    await standIns.close();
  }
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
