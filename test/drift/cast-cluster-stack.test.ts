/**
 * The contract with CastCluster: what examples/multi-cloud really
 * synthesizes, "applied" (simulate-apply.ts), is in sync; and drift in that
 * state is found where it was made.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildApp } from '../../examples/multi-cloud/app';
import { checkDrift } from '../../lib/drift/drift-check';
import { simulateApply } from './simulate-apply';

type Json = Record<string, any>;

describe('a synthesized CastCluster stack', () => {
  let dir: string;
  let desiredFile: string;
  let stack: Json;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-cast-cluster-'));
    const app = new App({ outdir: dir });
    // cdktf warns about the node bootstrap templates (not this module's business); keep the test output readable.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      buildApp(app);
      app.synth();
    } finally {
      warn.mockRestore();
    }
    desiredFile = path.join(dir, 'stacks', 'multi-cloud', 'cdk.tf.json');
    stack = JSON.parse(fs.readFileSync(desiredFile, 'utf8')) as Json;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const check = async (state: Json) => {
    const file = path.join(dir, `state-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(state, null, 2));
    return checkDrift({ desired: [desiredFile], states: [file] });
  };

  test('applied as synthesized: in sync, and the description was found', async () => {
    const report = await check(simulateApply(stack));
    expect(report.findings).toEqual([]);
    expect(report.cluster).toEqual({ uuid: JSON.parse(stack.output.cast_cluster_prod.value).uuid, name: 'prod' });
  });

  test('a node removed from the state and a rule added to a firewall are found', async () => {
    const state = simulateApply(stack) as Json;
    const nodes = state.resources.filter((r: Json) => r.type === 'google_compute_instance');
    const removed = `${nodes[0].type}.${nodes[0].name}`;
    state.resources = state.resources.filter((r: Json) => r !== nodes[0]);
    const firewall = state.resources.find((r: Json) => r.type === 'google_compute_firewall');
    firewall.instances[0].attributes.allow = [...firewall.instances[0].attributes.allow, { protocol: 'tcp', ports: ['8080'] }];
    const report = await check(state);
    expect(report.findings.map((f) => [f.rule, f.address])).toEqual([
      ['network/firewall', `google_compute_firewall.${firewall.name}`],
      ['missing-nodes/absent-from-state', removed],
    ]);
  });
});
