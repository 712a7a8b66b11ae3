/**
 * `--output` writes only regular files, with the process's own io (the temporary file and the
 * rename the CLI really does): a FIFO, a symbolic link and a character device at the name are
 * refused with the construct-free message of every input error, exit 1, and stay what they were.
 * The device is one the test makes (mknod needs root: the suite runs as root where .ci/run
 * runs it), never a device of the machine's own /dev.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processIo } from '../../../lib/drift/cli/cli-io';
import { runCli } from '../../../lib/drift/cli/run-cli';
import { fixture } from '../helpers';

const STATE = fixture('state/in-sync.tfstate');
const STACK = fixture('stack/cdk.tf.json');

describe('--output writes only regular files', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-drift-output-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The CLI with the process's io, but its streams captured. */
  async function run(output: string): Promise<{ code: number; stderr: string }> {
    const io = processIo();
    const err: string[] = [];
    const code = await runCli(['check', '--desired', STACK, '--state', STATE, '--output', output], { ...io, stdout: { write: () => undefined }, stderr: { write: (text) => void err.push(text) } });
    return { code, stderr: err.join('') };
  }

  test('a regular file, new or there: written, exit 0', async () => {
    const file = path.join(dir, 'report.txt');
    expect((await run(file)).code).toBe(0);
    fs.writeFileSync(file, 'old');
    expect((await run(file)).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('In sync');
    expect(fs.lstatSync(file).isFile()).toBe(true);
  });

  test.each([
    ['FIFO', (p: string) => execFileSync('mkfifo', [p]), (s: fs.Stats) => s.isFIFO()],
    ['symbolic link', (p: string) => { fs.writeFileSync(`${p}.target`, 'kept'); fs.symlinkSync(`${p}.target`, p); }, (s: fs.Stats) => s.isSymbolicLink()],
    ['character device', (p: string) => execFileSync('mknod', [p, 'c', '1', '3']), (s: fs.Stats) => s.isCharacterDevice()],
  ])('a %s: refused, exit 1, left as it was', async (kind, make, stillIs) => {
    const target = path.join(dir, kind.replace(/ /g, '-'));
    make(target);
    const { code, stderr } = await run(target);
    expect(code).toBe(1);
    expect(stderr).toContain(`is a ${kind}, not a regular file: the report goes only to a regular file, which it replaces. Name a file, or leave --output out to write to standard output`);
    expect(stillIs(fs.lstatSync(target))).toBe(true);
    if (kind === 'symbolic link') expect(fs.readFileSync(`${target}.target`, 'utf8')).toBe('kept');
    // No temporary file was left beside it.
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
