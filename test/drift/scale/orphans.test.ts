/**
 * Orphans at scale: the fixture cluster's in-sync state plus managed resources
 * the stack does not declare (130,000 through the files and the CLI's path,
 * 1,000,000 through runChecks on a model built in process). Each orphan is one
 * `unused-resources/not-desired` finding, the exit code is 2, and no step
 * overflows the call stack (a spread argument of that many items did:
 * lib/drift/append.ts). Time and memory at scale are the benchmark's
 * (bench/drift.bench.ts), not asserted here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AWS_PROVIDER, StateResourceV4, StateWriter } from '../../../bench/make-state';
import { Cloud } from '../../../lib/core/cloud';
import { Finding } from '../../../lib/drift/check/finding';
import { runChecks } from '../../../lib/drift/check/run-checks';
import { checkDrift, DriftReport } from '../../../lib/drift/drift-check';
import { StateResource } from '../../../lib/drift/model';
import { assembleActualState } from '../../../lib/drift/read/assemble-actual-state';
import { readDesired } from '../../../lib/drift/read/desired/read-desired';
import { readInput } from '../../../lib/drift/read/read-input';
import { renderReport, ReportFormat } from '../../../lib/drift/report/render-report';
import { EXIT_DRIFT, exitCodeOf } from '../../../lib/drift/report/report-summary';
import { CLUSTER_NAME, CLUSTER_UUID } from '../../fixtures/drift/build/ids';
import { fixture } from '../helpers';

const STACK = fixture('stack/cdk.tf.json');
const IN_SYNC = fixture('state/in-sync.tfstate');
const NOT_DESIRED = 'unused-resources/not-desired';

/** Orphans per `resources[]` entry: a `count` the stack dropped, as `terraform state list` would show them. */
const PER_RESOURCE = 1000;

function countRule(findings: readonly Finding[], rule: string): number {
  let count = 0;
  for (const finding of findings) if (finding.rule === rule) count++;
  return count;
}

/**
 * `aws_instance.legacy_<n>` with `count`: a pool the stack no longer declares, tagged with the
 * cluster's UUID. Instances carry the few attributes the checks read (a real one has ~60 more,
 * which the reader drops: the benchmark reads those).
 */
function orphanResource(n: number, instances: number): StateResourceV4 {
  const tags = { 'cast-cluster-uuid': CLUSTER_UUID };
  return {
    mode: 'managed',
    type: 'aws_instance',
    name: `legacy_${n}`,
    each: 'list',
    provider: AWS_PROVIDER,
    instances: Array.from({ length: instances }, (_, i) => ({
      index_key: i,
      schema_version: 1,
      attributes: { id: `i-legacy${n * PER_RESOURCE + i}`, instance_state: 'running', tags_all: tags },
      sensitive_attributes: [],
    })),
  };
}

describe('130,000 orphans, from the state file to the text report', () => {
  const ORPHANS = 130_000;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-orphans-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('each is a not-desired finding, exit 2, and the report lists them all', async () => {
    // The fixture cluster's in-sync state with the orphans after it, written resource by resource.
    const inSync = JSON.parse(fs.readFileSync(IN_SYNC, 'utf8')) as { terraform_version: string; outputs: Record<string, unknown>; resources: StateResourceV4[] };
    const statePath = path.join(dir, 'terraform.tfstate');
    const writer = new StateWriter(statePath, { terraformVersion: inSync.terraform_version, outputs: inSync.outputs });
    for (const resource of inSync.resources) writer.add(resource);
    for (let n = 0; n * PER_RESOURCE < ORPHANS; n++) writer.add(orphanResource(n, Math.min(PER_RESOURCE, ORPHANS - n * PER_RESOURCE)));
    writer.close();

    const report = await checkDrift({ desired: [STACK], states: [statePath] });
    expect(report.inputs.states[0].resources).toBe(inSync.resources.reduce((sum, r) => sum + r.instances.length, 0) + ORPHANS);
    expect(countRule(report.findings, NOT_DESIRED)).toBe(ORPHANS);
    expect(report.findings.filter((finding) => finding.rule !== NOT_DESIRED)).toEqual([]);
    expect(exitCodeOf(report)).toBe(EXIT_DRIFT);

    const text = renderReport(report, ReportFormat.TEXT);
    expect(text.split('\n', 1)[0]).toContain(`${ORPHANS} warnings`);
    let listed = 0;
    for (let at = text.indexOf('is in the state but no stack declares it'); at !== -1; at = text.indexOf('is in the state but no stack declares it', at + 1)) listed++;
    expect(listed).toBe(ORPHANS);
    expect(text).toContain(`aws_instance.legacy_${Math.floor((ORPHANS - 1) / PER_RESOURCE)}[${(ORPHANS - 1) % PER_RESOURCE}]`);
  });
});

describe('1,000,000 orphans, through runChecks', () => {
  const ORPHANS = 1_000_000;

  test('each is a not-desired finding and the exit code is 2', async () => {
    const desired = readDesired([STACK]);
    const fromFile = assembleActualState([await readInput(IN_SYNC)], [], []);
    const resources = new Map(fromFile.resources);
    const tags = { 'cast-cluster-uuid': CLUSTER_UUID };
    const attributes = { instance_state: 'running' };
    for (let n = 0; n * PER_RESOURCE < ORPHANS; n++) {
      const name = `legacy_${n}`;
      const prefix = `aws_instance.${name}[`;
      for (let indexKey = 0; indexKey < PER_RESOURCE; indexKey++) {
        const orphan: StateResource = {
          address: `${prefix}${indexKey}]`,
          module: '',
          mode: 'managed',
          type: 'aws_instance',
          name,
          indexKey,
          provider: 'registry.terraform.io/hashicorp/aws',
          cloud: Cloud.AWS,
          tainted: false,
          clusterUuid: CLUSTER_UUID,
          id: `i-legacy${n * PER_RESOURCE + indexKey}`,
          tags,
          attributes,
          sensitivePaths: [],
          file: 'terraform.tfstate',
        };
        resources.set(orphan.address, orphan);
      }
    }
    const actual = { ...fromFile, resources, clusterUuids: new Map([[CLUSTER_UUID, resources.size]]) };

    const findings = runChecks(desired, actual, { clusterUuid: CLUSTER_UUID });
    expect(countRule(findings, NOT_DESIRED)).toBe(ORPHANS);
    expect(findings.length).toBe(ORPHANS);
    const report: DriftReport = {
      command: 'check',
      cluster: { uuid: CLUSTER_UUID, name: CLUSTER_NAME },
      inputs: { desired: [STACK], states: [{ file: 'terraform.tfstate', kind: 'Terraform state', resources: resources.size }], plans: [], inventories: [] },
      findings,
      ignored: [],
    };
    expect(exitCodeOf(report)).toBe(EXIT_DRIFT);
  });
});
