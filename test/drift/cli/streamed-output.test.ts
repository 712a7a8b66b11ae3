/**
 * The report is written as it is rendered: in batches, each write awaited before the next (so a
 * slow reader holds back the renderer, not memory), a failed write ends it with exit 1 and one
 * line; --output gets the same batches into its temporary file, renamed into place at the end.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { processIo } from '../../../lib/drift/cli/cli-io';
import { batchChunks, runCli } from '../../../lib/drift/cli/run-cli';
import { fixture } from '../helpers';
import { fakeIo } from './cli-test-io';

const ORPHANS = 3000;

/** The in-sync state plus ORPHANS instances no stack declares: a report of about 1.5 MB of JSON. */
function stateWithOrphans(): string {
  const state = JSON.parse(fs.readFileSync(fixture('state/in-sync.tfstate'), 'utf8')) as { resources: unknown[] };
  state.resources.push({
    mode: 'managed',
    type: 'aws_instance',
    name: 'orphan',
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: Array.from({ length: ORPHANS }, (_, i) => ({ index_key: i, schema_version: 1, attributes: { id: `i-${i}` }, sensitive_attributes: [] })),
  });
  return JSON.stringify(state);
}

const argv = (...rest: string[]) => ['check', '--desired', fixture('stack/cdk.tf.json'), '--state', '-', '--format', 'json', ...rest];

test('batchChunks joins small chunks up to the size and keeps their order', () => {
  expect(Array.from(batchChunks(['ab', 'c', 'defg', 'h', '', 'ij'], 3))).toEqual(['abc', 'defg', 'hij']);
  expect(Array.from(batchChunks([], 3))).toEqual([]);
});

test('stdout: several batches, never two writes waiting at once, the whole report in order', async () => {
  const fake = fakeIo({ stdin: stateWithOrphans() });
  const writes: string[] = [];
  let pending = 0;
  let mostPending = 0;
  const stdout = {
    write: (text: string) => {
      writes.push(text);
      pending++;
      mostPending = Math.max(mostPending, pending);
      // Taken a moment later, as a pipe to a slow reader would.
      return new Promise<void>((resolve) => setImmediate(() => {
        pending--;
        resolve();
      }));
    },
  };
  expect(await runCli(argv(), { ...fake.io, stdout })).toBe(2);
  expect(writes.length).toBeGreaterThan(3);
  expect(mostPending).toBe(1);
  expect(Math.max(...writes.map((w) => w.length))).toBeLessThan(300 * 1024);
  const report = JSON.parse(writes.join('')) as { findings: { address: string }[] };
  expect(report.findings.filter((finding) => finding.address.startsWith('aws_instance.orphan[')).length).toBe(ORPHANS);
});

test('stdout refusing the second batch: exit 1, one line, nothing written after it', async () => {
  const fake = fakeIo({ stdin: stateWithOrphans() });
  let writes = 0;
  const stdout = {
    write: async () => {
      writes++;
      if (writes === 2) throw Object.assign(new Error('EPIPE: broken pipe'), { code: 'EPIPE' });
    },
  };
  expect(await runCli(argv(), { ...fake.io, stdout })).toBe(1);
  expect(writes).toBe(2);
  expect(fake.stderr()).toBe('cast-drift: standard output: the report could not be written (EPIPE). Free the disk or pipe it reads to, or write it with --output FILE.\n');
});

test('--output: the batches go to the temporary file, renamed into place whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-drift-stream-'));
  try {
    const file = path.join(dir, 'report.json');
    const io = { ...processIo(), stdin: Readable.from([stateWithOrphans()]), stdout: { write: () => undefined }, stderr: { write: () => undefined } };
    expect(await runCli(argv('--output', file), io)).toBe(2);
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { findings: { address: string }[] };
    expect(report.findings.filter((finding) => finding.address.startsWith('aws_instance.orphan[')).length).toBe(ORPHANS);
    expect(fs.readdirSync(dir)).toEqual(['report.json']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
