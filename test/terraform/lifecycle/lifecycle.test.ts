/**
 * docs/lifecycle.md says what each change does to the machines a cluster runs; this
 * test measures it. Every scenario's "before" cluster is applied with the stand-in
 * providers, its "after" planned against that state, and each VM's and group's fate
 * compared with the doc's tables, cell by cell, so the doc cannot drift from the
 * library. The report of every plan (counts per resource type, every node) is printed.
 */
import * as fs from 'fs';
import { startStandIns, type StandIns } from '../stand-in/stand-ins';
import { describeWithTerraform } from '../terraform-cli';
import { measuredRows, readLifecycleDoc } from './lifecycle-doc';
import { describeResult, makeWorkdir, runScenarios, type ScenarioResult } from './run-scenarios';
import { SCENARIOS } from './scenarios';

describeWithTerraform('lifecycle: what each change does to running machines (docs/lifecycle.md)', () => {
  const documented = readLifecycleDoc();
  // One stand-in start and one run of every scenario, shared by the tests (started by the first).
  let standIns: StandIns | undefined;
  let workdir: string | undefined;
  let measured: Promise<Map<string, ScenarioResult>> | undefined;
  const results = () => (measured ??= (async () => {
    standIns = await startStandIns();
    workdir = makeWorkdir();
    return runScenarios(SCENARIOS, standIns, workdir);
  })());
  afterAll(async () => {
    await standIns?.close();
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
  });

  test('the doc has a row for every scenario, and no other', () => {
    const titles = SCENARIOS.map((s) => s.title).sort();
    expect([...documented.machines.keys()].sort()).toEqual(titles);
    expect([...documented.groups.keys()].sort()).toEqual(titles);
  });

  test.concurrent('upgrading the library updates the AWS agent archive object in place (bytes inline before, a file now): no replacement', async () => {
    const upgrade = (await results()).get(SCENARIOS.find((s) => s.title.startsWith('Upgrade the library'))!.title)!;
    const objects = upgrade.changes.filter((c) => c.type === 'aws_s3_object');
    expect(objects.map((c) => [c.action, [...c.changed].sort()])).toEqual([['update', ['content_base64', 'source', 'source_hash']]]);
  }, 300_000);

  test.concurrent.each(SCENARIOS.map((s) => [s.title, s] as const))('%s: as the doc says', async (_title, scenario) => {
    const result = (await results()).get(scenario.title)!;
    console.log(describeResult(result));
    const rows = measuredRows(result);
    expect({ title: scenario.title, staticNodes: rows.machines }).toEqual({ title: scenario.title, staticNodes: documented.machines.get(scenario.title) });
    expect({ title: scenario.title, autoscaledGroups: rows.groups }).toEqual({ title: scenario.title, autoscaledGroups: documented.groups.get(scenario.title) });
  }, 300_000);
});
