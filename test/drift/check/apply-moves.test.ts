/** Terraform's moves (count added or removed, moved blocks) are made before the checks compare: no finding for them. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyMoves } from '../../../lib/drift/check/apply-moves';
import { Finding } from '../../../lib/drift/check/finding';
import { runChecks } from '../../../lib/drift/check/run-checks';
import { checkDrift } from '../../../lib/drift/drift-check';
import { ActualState, DesiredResource, DesiredState } from '../../../lib/drift/model';
import { ADDRESS } from '../../fixtures/drift/build/ids';
import { actualState, deletedDrift, desiredResource, desiredState, fixture, stateResource, UUID } from '../helpers';

const single = (address: string) => desiredResource(address, {});
const counted = (address: string, n: number) => desiredResource(address, { count: n }, Array.from({ length: n }, (_, i) => i));
const forEach = (address: string, keys: string[]) => desiredResource(address, { for_each: keys }, keys);
const record = (address: string) => stateResource(address, { id: `id-of-${address}` });
const moved = (from: string, to: string) => ({ from, to, file: 'cdk.tf.json' });
const run = (desired: DesiredState, actual: ActualState) => runChecks(desired, actual, { clusterUuid: UUID });
const about = (findings: Finding[], prefix: string) => findings.filter((f) => f.address.startsWith(prefix)).map((f) => `${f.rule} ${f.address}`);
const desired = (resources: DesiredResource[], moves: ReturnType<typeof moved>[] = [], modules: string[] = []) => desiredState(resources, { moves, modules: new Set(modules) });

describe('implied moves: count added or removed (Terraform 1.1+)', () => {
  test('count removed: the object at [0] is now the one without a key', () => {
    const after = applyMoves(desired([single('aws_instance.x')]), actualState([record('aws_instance.x[0]')]));
    expect([...after.resources.keys()]).toEqual(['aws_instance.x']);
    expect(after.resources.get('aws_instance.x')).toMatchObject({ address: 'aws_instance.x', indexKey: undefined, module: '', id: 'id-of-aws_instance.x[0]' });
    expect(run(desired([single('aws_instance.x')]), actualState([record('aws_instance.x[0]')]))).toEqual([]);
  });

  test('count added: the object without a key is now [0]; [1] is still missing', () => {
    const findings = run(desired([counted('aws_instance.x', 2)]), actualState([record('aws_instance.x')]));
    expect(about(findings, 'aws_instance.x')).toEqual(['missing-nodes/absent-from-state aws_instance.x[1]']);
  });

  test('both X and X[0] in the state: Terraform does not move onto an object, so the extra one is reported', () => {
    const findings = run(desired([single('aws_instance.x')]), actualState([record('aws_instance.x'), record('aws_instance.x[0]')]));
    expect(about(findings, 'aws_instance.x')).toEqual(['unused-resources/not-desired aws_instance.x[0]']);
    const added = run(desired([counted('aws_vpc.v', 1)]), actualState([record('aws_vpc.v'), record('aws_vpc.v[0]')]));
    expect(about(added, 'aws_vpc.v')).toEqual(['unused-resources/not-desired aws_vpc.v']);
  });

  test.each([
    ['for_each added', forEach('aws_vpc.v', ['a']), 'aws_vpc.v'],
    ['for_each removed', single('aws_vpc.v'), 'aws_vpc.v["a"]'],
    ['count replaced by for_each', forEach('aws_vpc.v', ['a']), 'aws_vpc.v[0]'],
  ])('%s implies no move: the old instance is still reported', (_name, block, address) => {
    const findings = run(desired([block]), actualState([record(address)]));
    expect(findings.filter((f) => f.address === address).map((f) => f.rule)).toEqual(['unused-resources/not-desired']);
  });

  test("a refresh-only plan's drift and the deposed objects move with their instance", () => {
    const actual = { ...actualState([record('aws_instance.x[0]')], { drift: [deletedDrift('aws_instance.x[0]')] }), deposed: [{ ...record('aws_instance.x[0]'), deposedKey: 'd1' }] };
    const findings = run(desired([single('aws_instance.x')]), actual);
    expect(about(findings, 'aws_instance.x')).toEqual(['missing-nodes/deleted-outside aws_instance.x', 'unused-resources/deposed aws_instance.x']);
  });

  test('resources in modules are the modules\' own: no implied move', () => {
    const after = applyMoves(desired([single('aws_instance.x')], [], ['m']), actualState([record('module.m.aws_instance.x[0]')]));
    expect([...after.resources.keys()]).toEqual(['module.m.aws_instance.x[0]']);
  });
});

describe('moved blocks', () => {
  test('a renamed resource: nothing at the old address, nothing missing at the new one', () => {
    const actual = actualState([record('aws_instance.a[0]'), record('aws_instance.a[1]')]);
    expect(run(desired([counted('aws_instance.b', 2)], [moved('aws_instance.a', 'aws_instance.b')]), actual)).toEqual([]);
    expect(about(run(desired([counted('aws_instance.b', 2)]), actual), 'aws_instance.')).toEqual([
      'missing-nodes/absent-from-state aws_instance.b[0]',
      'missing-nodes/absent-from-state aws_instance.b[1]',
      'unused-resources/not-desired aws_instance.a[0]',
      'unused-resources/not-desired aws_instance.a[1]',
    ]);
  });

  test('instance keys: for_each introduced with a moved block; a moved block naming a resource replaces its implied move', () => {
    expect(run(desired([forEach('aws_vpc.v', ['small'])], [moved('aws_vpc.v', 'aws_vpc.v["small"]')]), actualState([record('aws_vpc.v')]))).toEqual([]);
    const findings = run(desired([counted('aws_instance.x', 2)], [moved('aws_instance.x', 'aws_instance.x[1]')]), actualState([record('aws_instance.x')]));
    expect(about(findings, 'aws_instance.x')).toEqual(['missing-nodes/absent-from-state aws_instance.x[0]']);
  });

  test('chained blocks end at the last address, in any order', () => {
    const actual = actualState([record('aws_vpc.a')]);
    const after = applyMoves(desired([single('aws_vpc.c')], [moved('aws_vpc.b', 'aws_vpc.c'), moved('aws_vpc.a', 'aws_vpc.b')]), actual);
    expect([...after.resources.keys()]).toEqual(['aws_vpc.c']);
  });

  test('a cycle moves nothing (Terraform refuses it)', () => {
    const actual = actualState([record('aws_vpc.a')]);
    expect(applyMoves(desired([single('aws_vpc.b')], [moved('aws_vpc.a', 'aws_vpc.b'), moved('aws_vpc.b', 'aws_vpc.a')]), actual)).toBe(actual);
  });

  test('a destination that holds an object: the move is skipped and both are compared', () => {
    const findings = run(desired([single('aws_vpc.b')], [moved('aws_vpc.a', 'aws_vpc.b')]), actualState([record('aws_vpc.a'), record('aws_vpc.b')]));
    expect(about(findings, 'aws_vpc.')).toEqual(['unused-resources/not-desired aws_vpc.a']);
  });

  test.each([
    ['module.old', 'module.new', 'module.old.aws_s3_bucket.b', 'module.new.aws_s3_bucket.b'],
    ['module.old', 'module.new', 'module.old[1].module.inner.aws_s3_bucket.b', 'module.new[1].module.inner.aws_s3_bucket.b'],
    ['module.old', 'module.new["x"]', 'module.old.aws_s3_bucket.b', 'module.new["x"].aws_s3_bucket.b'],
    ['aws_s3_bucket.b', 'module.new.aws_s3_bucket.b', 'aws_s3_bucket.b', 'module.new.aws_s3_bucket.b'],
  ])('%s → %s moves %s', (from, to, before, after) => {
    const want = desired([], [moved(from, to)], ['new']);
    expect([...applyMoves(want, actualState([record(before)])).resources.keys()]).toEqual([after]);
    expect(run(want, actualState([record(before)]))).toEqual([]);
  });

  test('nothing to move: the same actual state, not a copy', () => {
    const actual = actualState([record('aws_vpc.v'), record('module.m.aws_vpc.w[0]')]);
    expect(applyMoves(desired([single('aws_vpc.v')], [moved('aws_vpc.gone', 'aws_vpc.v')]), actual)).toBe(actual);
  });
});

describe('moves through checkDrift on the fixture cluster', () => {
  const stack = fixture('stack/cdk.tf.json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-moves-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, document: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(document));
    return file;
  };
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
  const summary = (findings: readonly Finding[]) => findings.map((f) => `${f.rule} ${f.address}`);
  let baseline: string[];
  beforeAll(async () => {
    baseline = summary((await checkDrift({ desired: [stack], states: [fixture('state/in-sync.tfstate')] })).findings);
  });
  const stateWith = (change: (resource: any) => void) => {
    const state = read(fixture('state/in-sync.tfstate'));
    for (const resource of state.resources) change(resource);
    return write(`state-${Math.random().toString(36).slice(2)}.tfstate`, state);
  };
  const isVpc = (resource: any) => `${resource.type}.${resource.name}` === ADDRESS.awsVpc;
  const [sshType, sshName] = ADDRESS.sshKey.split('.');

  test('count removed (the state has the VPC at [0]): the findings of the state as applied, no more', async () => {
    const state = stateWith((resource) => {
      if (isVpc(resource)) resource.instances[0].index_key = 0;
    });
    expect(summary((await checkDrift({ desired: [stack], states: [state] })).findings)).toEqual(baseline);
  });

  test('both the VPC and VPC[0] in the state: the extra one is reported', async () => {
    const state = stateWith((resource) => {
      if (isVpc(resource)) resource.instances.push({ ...resource.instances[0], index_key: 0, attributes: { ...resource.instances[0].attributes, id: 'vpc-0extra' } });
    });
    const findings = summary((await checkDrift({ desired: [stack], states: [state] })).findings);
    expect(findings.filter((f) => !baseline.includes(f))).toEqual([`unused-resources/not-desired ${ADDRESS.awsVpc}[0]`]);
  });

  test('count added (count = 1 on the SSH key): no finding', async () => {
    const document = read(stack);
    document.resource[sshType][sshName].count = 1;
    expect(summary((await checkDrift({ desired: [write('count.tf.json', document)], states: [fixture('state/in-sync.tfstate')] })).findings)).toEqual(baseline);
  });

  test('a moved block (the SSH key renamed, as cdktf synthesizes it): no finding', async () => {
    const document = read(stack);
    document.resource[sshType].renamed_key = document.resource[sshType][sshName];
    delete document.resource[sshType][sshName];
    document.moved = [{ from: ADDRESS.sshKey, to: `${sshType}.renamed_key` }];
    const renamed = write('moved.tf.json', document);
    expect(summary((await checkDrift({ desired: [renamed], states: [fixture('state/in-sync.tfstate')] })).findings)).toEqual(baseline);
    delete document.moved;
    const unmoved = summary((await checkDrift({ desired: [write('unmoved.tf.json', document)], states: [fixture('state/in-sync.tfstate')] })).findings);
    expect(unmoved).toContain(`unused-resources/not-desired ${ADDRESS.sshKey}`);
  });
});
