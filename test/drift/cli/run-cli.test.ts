/** The CLI in-process: exit codes, outputs, colour, errors, and that bad input writes nothing. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../lib/drift/cli/run-cli';
import { writeBenchStack } from '../../../bench/make-state';
import { TOFU_PASSPHRASE } from '../../fixtures/drift/build/ids';
import { fixture } from '../helpers';
import { validateSarif } from '../report/sarif-validator';
import { fakeIo } from './cli-test-io';

const STACK = fixture('stack/cdk.tf.json');
const check = (...rest: string[]) => ['check', '--desired', STACK, ...rest];

describe('cast-drift check', () => {
  test('in sync: exit 0, a text report on stdout, nothing on stderr', async () => {
    const fake = fakeIo();
    expect(await runCli(check('--state', fixture('state/in-sync.tfstate')), fake.io)).toBe(0);
    expect(fake.stdout()).toContain('In sync: no drift found.');
    expect(fake.stderr()).toBe('');
  });

  test('drift: exit 2', async () => {
    const fake = fakeIo();
    expect(await runCli(check('--state', fixture('state/drifted.tfstate')), fake.io)).toBe(2);
    expect(fake.stdout()).toContain('Drift found: 5 errors, 3 warnings.');
  });

  test.each(['json', 'sarif', 'github'])('--format %s --output FILE writes only the file', async (format) => {
    const fake = fakeIo();
    expect(await runCli(check('--state', fixture('state/drifted.tfstate'), '--format', format, '--output', 'report.out'), fake.io)).toBe(2);
    expect(fake.stdout()).toBe('');
    const text = fake.files.get(path.resolve('report.out'))!;
    if (format === 'json') expect(JSON.parse(text)).toMatchObject({ schema: 'cast-drift/v1', exitCode: 2 });
    if (format === 'sarif') expect(validateSarif(JSON.parse(text))).toEqual([]);
    if (format === 'github') expect(text.split('\n')[0]).toMatch(/^::error title=network\/firewall%3A /);
  });

  test('colour only on a TTY without NO_COLOR, or when forced', async () => {
    const run = async (options: Parameters<typeof fakeIo>[0], ...extra: string[]) => {
      const fake = fakeIo(options);
      await runCli(check('--state', fixture('state/drifted.tfstate'), ...extra), fake.io);
      return fake.stdout().includes('\u001b[');
    };
    expect(await run({ stdoutTTY: true })).toBe(true);
    expect(await run({ stdoutTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(await run({ stdoutTTY: false })).toBe(false);
    expect(await run({ stdoutTTY: false }, '--color')).toBe(true);
    expect(await run({ stdoutTTY: true }, '--no-color')).toBe(false);
  });

  test('the encrypted OpenTofu state with the passphrase from the environment', async () => {
    const fake = fakeIo({ env: { TOFU_PASSPHRASE } });
    expect(await runCli(check('--state', fixture('bad/encrypted-opentofu.tfstate'), '--state-passphrase-env', 'TOFU_PASSPHRASE'), fake.io)).toBe(0);
    const missing = fakeIo();
    expect(await runCli(check('--state', fixture('bad/encrypted-opentofu.tfstate'), '--state-passphrase-env', 'NOPE'), missing.io)).toBe(1);
    expect(missing.stderr()).toBe('cast-drift: --state-passphrase-env NOPE: that environment variable is not set\n');
  });

  test('stdin', async () => {
    const fake = fakeIo({ stdin: fs.readFileSync(fixture('state/in-sync.tfstate')) });
    expect(await runCli(check('--state', '-'), fake.io)).toBe(0);
  });

  test('- with a terminal on stdin is refused instead of waiting', async () => {
    const fake = fakeIo({ stdinTTY: true });
    expect(await runCli(check('--state', '-'), fake.io)).toBe(1);
    expect(fake.stderr()).toBe('cast-drift: - reads stdin, but stdin is a terminal: pipe the input in, e.g. terraform state pull | cast-drift check --state - ...\n');
  });

  test('relative paths resolve against io.cwd', async () => {
    const fake = fakeIo({ cwd: fixture('.') });
    expect(await runCli(['check', '--desired', 'stack/cdk.tf.json', '--state', 'state/in-sync.tfstate'], fake.io)).toBe(0);
  });
});

describe('bad input: exit 1, one line on stderr, nothing written', () => {
  test.each([
    ['truncated', ['--state', fixture('bad/truncated.tfstate')], /truncated\.tfstate: invalid JSON at byte \d+ \(line \d+, column \d+\): unexpected end of input: the file is truncated/],
    ['invalid', ['--state', fixture('bad/invalid.tfstate')], /invalid\.tfstate: invalid JSON at byte 65/],
    ['version 3', ['--state', fixture('bad/version-3.tfstate')], /version-3\.tfstate: is a state of format version 3 .*terraform 0\.13\+/],
    ['encrypted', ['--state', fixture('bad/encrypted-opentofu.tfstate')], /encrypted-opentofu\.tfstate: is an OpenTofu encrypted state/],
    ['another cluster', ['--state', fixture('bad/other-cluster.tfstate')], /other-cluster\.tfstate: is the state of cluster 0badc0de/],
    ['empty state', ['--state', fixture('bad/empty-state.tfstate')], /empty-state\.tfstate: is an empty state/],
    ['not a state', ['--state', fixture('bad/not-a-state.json')], /not-a-state\.json: is not a Terraform state/],
    ['empty file', ['--state', fixture('bad/empty-file.tfstate')], /empty-file\.tfstate: is empty/],
    ['missing file', ['--state', fixture('bad/missing.tfstate')], /missing\.tfstate: does not exist/],
    ['a directory', ['--state', fixture('bad')], /bad: is a directory, not a file/],
    ['bad ignore file', ['--state', fixture('state/in-sync.tfstate'), '--ignore', fixture('bad/ignore-without-reason.json')], /ignore-without-reason\.json: ignore entry #1 has no "reason"/],
    ['a usage error', ['--state', fixture('state/in-sync.tfstate'), '--format', 'xml'], /--format must be text, json, sarif or github/],
  ])('%s', async (_name, args, message) => {
    const fake = fakeIo();
    expect(await runCli(check(...args, '--output', 'never.out'), fake.io)).toBe(1);
    const stderr = fake.stderr();
    expect(stderr).toMatch(message);
    expect(stderr.startsWith('cast-drift: ')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(fake.stdout()).toBe('');
    expect(fake.files.size).toBe(0);
  });

  test('an unwritable --output', async () => {
    const fake = fakeIo({ failWrite: true });
    expect(await runCli(check('--state', fixture('state/in-sync.tfstate'), '--output', 'r.out'), fake.io)).toBe(1);
    expect(fake.stderr()).toBe('cast-drift: r.out: the report cannot be written (permission denied)\n');
  });
});

describe('help and version', () => {
  test.each([
    [['--help'], 'Usage:\n  cast-drift check'],
    [['help', 'check'], 'Usage: cast-drift check --desired'],
    [['guard-destroy', '--help'], 'Usage: cast-drift guard-destroy'],
  ])('%j', async (argv, text) => {
    const fake = fakeIo();
    expect(await runCli(argv, fake.io)).toBe(0);
    expect(fake.stdout()).toContain(text);
    expect(fake.stdout()).toContain('Exit codes');
  });
  test('--version matches package.json', async () => {
    const fake = fakeIo();
    expect(await runCli(['--version'], fake.io)).toBe(0);
    expect(fake.stdout()).toBe(`cast-drift ${(JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version}\n`);
  });
});

describe('guard-destroy', () => {
  test('refuses (exit 2) with foreign VMs in the networks', async () => {
    const fake = fakeIo();
    const code = await runCli(['guard-destroy', '--desired', STACK, '--state', fixture('state/in-sync.tfstate'), '--inventory', fixture('inventory/aws-describe-instances.json')], fake.io);
    expect(code).toBe(2);
    expect(fake.stdout()).toContain('cleanup-guard');
  });
  const guard = (...rest: string[]) => ['guard-destroy', '--desired', STACK, '--state', fixture('state/in-sync.tfstate'), '--inventory', `aws=${fixture('inventory/empty-list.json')}`, ...rest];
  test('safe (exit 0) only with the clouds not checked allowed unchecked; the last line names the clouds', async () => {
    const fake = fakeIo();
    expect(await runCli(guard('--allow-unchecked', 'gcp,azure', '--allow-unchecked', 'digitalocean'), fake.io)).toBe(0);
    expect(fake.stdout().trimEnd().split('\n').pop()).toBe('Safe to destroy: no foreign or leaked VMs in the cluster networks (clouds checked: aws; allowed unchecked: gcp, azure, digitalocean).');
  });
  test('one cloud of four checked: unsafe (exit 2), an error per cloud not checked', async () => {
    const fake = fakeIo();
    expect(await runCli(guard(), fake.io)).toBe(2);
    const text = fake.stdout();
    expect(text.match(/^error +cleanup-guard +(gcp|azure|digitalocean) +\S+:\* +\S+ was not checked/gm)).toHaveLength(3);
    expect(text).toContain('    fix: List its VMs with `gcloud compute instances list --format=json > gcp-vms.json`');
    expect(text.trimEnd().split('\n').pop()).toBe('Unsafe to destroy: 3 errors (clouds checked: aws; not checked: gcp, azure, digitalocean).');
  });
  test.each([
    ['json', (out: string) => expect(JSON.parse(out).clouds).toEqual({ checked: ['aws'], allowedUnchecked: ['gcp'], unchecked: ['azure', 'digitalocean'] })],
    ['sarif', (out: string) => expect(JSON.parse(out).runs[0].properties.clouds).toEqual({ checked: ['aws'], allowedUnchecked: ['gcp'], unchecked: ['azure', 'digitalocean'] })],
    ['github', (out: string) => expect(out.trimEnd().split('\n').pop()).toBe('cast-drift guard-destroy: drift found: 2 errors; clouds checked: aws; allowed unchecked: gcp; not checked: azure, digitalocean')],
  ])('--format %s names the clouds', async (format, expectClouds) => {
    const fake = fakeIo();
    expect(await runCli(guard('--allow-unchecked', 'gcp', '--format', format), fake.io)).toBe(2);
    expectClouds(fake.stdout());
    if (format === 'sarif') expect(validateSarif(JSON.parse(fake.stdout()))).toEqual([]);
  });
  test('check reports no clouds', async () => {
    const fake = fakeIo();
    await runCli(check('--state', fixture('state/drifted.tfstate'), '--format', 'json'), fake.io);
    expect(JSON.parse(fake.stdout()).clouds).toBeNull();
  });
  test('a cloud the cluster is not on: exit 1, one line', async () => {
    const fake = fakeIo();
    expect(await runCli(guard('--allow-unchecked', 'mars'), fake.io)).toBe(1);
    expect(fake.stderr()).toBe('cast-drift: --allow-unchecked must be aws, gcp, azure or digitalocean (got "mars") (see cast-drift --help)\n');
  });
});

describe('progress on a TTY while reading a large state', () => {
  test('drawn on stderr and erased; never on stdout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-progress-'));
    try {
      const stack = writeBenchStack(dir, 40e6);
      const fake = fakeIo({ stderrTTY: true });
      expect(await runCli(['check', '--desired', stack.desiredPath, '--state', stack.statePath], fake.io)).toBe(0);
      expect(fake.stderr()).toMatch(/^\r\u001b\[Kreading .*terraform\.tfstate \[#*\.*\] \d+%/);
      expect(fake.stderr().endsWith('\r\u001b[K')).toBe(true);
      expect(fake.stdout()).not.toContain('reading');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
