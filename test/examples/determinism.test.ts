/** The same input gives byte-identical output: in one process, and across processes. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildApp } from '../../examples/multi-cloud/app';

const ROOT = path.resolve(__dirname, '../..');

function synthTo(outdir: string): void {
  const app = new App({ outdir, skipValidation: false });
  buildApp(app);
  app.synth();
}

/** Every file under `dir`, relative path → bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

describe('synth is deterministic', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-determinism-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('two synths of the default example in one process are byte-identical', () => {
    synthTo(path.join(scratch, 'a'));
    synthTo(path.join(scratch, 'b'));
    const [a, b] = [readTree(path.join(scratch, 'a')), readTree(path.join(scratch, 'b'))];
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()]).toContain(path.join('stacks', 'multi-cloud', 'cdk.tf.json'));
    for (const [file, bytes] of a) expect({ file, same: bytes.equals(b.get(file)!) }).toEqual({ file, same: true });
  });

  test('a synth in another process (as `cdktf synth` runs it) gives the same bytes in every file of the stack', () => {
    const outdir = path.join(scratch, 'c');
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'examples/multi-cloud/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      stdio: 'pipe',
    });
    // The stack's folder whole: cdk.tf.json, its assets and the user-data files it reads.
    const [here, there] = [readTree(path.join(scratch, 'a', 'stacks')), readTree(path.join(outdir, 'stacks'))];
    expect([...there.keys()].sort()).toEqual([...here.keys()].sort());
    expect([...here.keys()].filter((file) => file.includes(`${path.sep}user-data${path.sep}`)).length).toBeGreaterThan(0);
    for (const [file, bytes] of here) expect({ file, same: bytes.equals(there.get(file)!) }).toEqual({ file, same: true });
  });
});
