/**
 * Fuzzing the readers: random bytes, mutated and truncated real inputs, and
 * real inputs with random subtrees replaced. Whatever comes in, the readers
 * (and the checks on what they read) either succeed or throw a
 * DriftInputError with a one-line message; anything else is a bug.
 * DRIFT_FUZZ_RUNS=20000 runs more cases.
 */
import * as fs from 'node:fs';
import fc from 'fast-check';
import { runChecks } from '../../lib/drift/check/run-checks';
import { isDriftInputError } from '../../lib/drift/errors';
import { assembleActualState } from '../../lib/drift/read/assemble-actual-state';
import { readDesired } from '../../lib/drift/read/desired/read-desired';
import { InputDocument, InputDocumentReader, InputKind } from '../../lib/drift/read/input-document';
import { JsonStreamScanner } from '../../lib/drift/read/json/json-stream-scanner';
import { readBuffer } from '../../lib/drift/read/read-input';
import { fixture } from './helpers';

const desired = readDesired([fixture('stack/cdk.tf.json')]);
const FILES = ['state/in-sync.tfstate', 'state/drifted.tfstate', 'state/show-json.json', 'state/refresh-only-plan.json', 'inventory/aws-describe-instances.json', 'inventory/gcloud-instances-list.json', 'inventory/az-vm-list.json', 'inventory/doctl-droplet-list.json', 'bad/encrypted-opentofu.tfstate'];
const INPUTS = FILES.map((file) => fs.readFileSync(fixture(file)));

/** Reads `bytes` both ways (one JSON.parse, and streamed in `chunk`-byte pieces), then runs the checks. */
function readAndCheck(bytes: Buffer, chunk: number): void {
  const outcomes: string[] = [];
  for (const streamed of [false, true]) {
    try {
      let document: InputDocument;
      if (streamed) {
        const reader = new InputDocumentReader('fuzz.json', { readPlanPriorState: true });
        const scanner = new JsonStreamScanner(reader, 'fuzz.json');
        for (let at = 0; at < bytes.length; at += chunk) scanner.push(bytes.subarray(at, at + chunk));
        scanner.end();
        document = reader.finish();
      } else {
        document = readBuffer('fuzz.json', bytes, { readPlanPriorState: true });
      }
      const states = document.kind === InputKind.INVENTORY || document.kind === InputKind.ENCRYPTED_STATE ? [] : [document];
      const inventories = document.kind === InputKind.INVENTORY ? [document] : [];
      runChecks(desired, assembleActualState(states, [], inventories), { clusterUuid: desired.clusterUuid });
      outcomes.push('ok');
    } catch (error) {
      if (!isDriftInputError(error)) throw error;
      expect((error as Error).message).not.toContain('\n');
      outcomes.push('refused');
    }
  }
  // What one JSON.parse accepts, streaming accepts too; streaming may accept more, as it
  // does not validate values it skips (json-stream-scanner.ts).
  if (outcomes[0] === 'ok') expect(outcomes[1]).toBe('ok');
}

// 600 runs per property in the suite (fast-check draws new inputs on every run, so each run of the
// suite explores more); DRIFT_FUZZ_RUNS=20000 npx jest test/drift/readers.fuzz for a long session.
const RUNS = { numRuns: Number(process.env.DRIFT_FUZZ_RUNS ?? 600) };

describe('reader fuzzing', () => {
  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => readAndCheck(Buffer.from(bytes), chunk)), RUNS);
  });

  test('random JSON documents', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 1, max: 64 }), (value, chunk) => readAndCheck(Buffer.from(JSON.stringify(value) ?? 'null'), chunk)), RUNS);
  });

  test('byte mutations and truncations of real inputs', () => {
    const mutation = fc.record({ kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate'), at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x30, 0x00, 0xff, 0x6e) });
    fc.assert(
      fc.property(fc.nat({ max: INPUTS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4096 }), (which, mutations, chunk) => {
        let bytes = Buffer.from(INPUTS[which]);
        for (const m of mutations) {
          const at = Math.floor(m.at * bytes.length);
          if (m.kind === 'flip') bytes[at] = m.byte;
          else if (m.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
          else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
          else bytes = bytes.subarray(0, at);
        }
        readAndCheck(bytes, chunk);
      }),
      RUNS,
    );
  });

  test('real inputs with a random subtree replaced', () => {
    const parsed = INPUTS.map((bytes) => JSON.parse(bytes.toString('utf8')) as unknown);
    fc.assert(
      fc.property(fc.nat({ max: parsed.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), (which, steps, replacement) => {
        const document = JSON.parse(JSON.stringify(parsed[which])) as unknown;
        replaceAt(document, steps, replacement);
        readAndCheck(Buffer.from(JSON.stringify(document)), 4096);
      }),
      RUNS,
    );
  });
});

/** Follows `steps` (each picks a member by index modulo the container size) and replaces the value there. */
function replaceAt(document: unknown, steps: number[], replacement: unknown): void {
  let parent: Record<string, unknown> | unknown[] | undefined;
  let key: string | number | undefined;
  let node = document;
  for (const step of steps) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node as Record<string, unknown>;
    key = keys[step % keys.length];
    node = (parent as Record<string, unknown>)[key as string];
  }
  if (parent !== undefined && key !== undefined) (parent as Record<string, unknown>)[key as string] = replacement;
}
