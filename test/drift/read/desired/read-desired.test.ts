import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDesired } from '../../../../lib/drift/read/desired/read-desired';
import { ADDRESS, CLUSTER_UUID, GCP } from '../../../fixtures/drift/build/ids';
import { fixture } from '../../helpers';

/** Every folder tempStack made, removed when the tests below are done. */
const dirs: string[] = [];

function tempStack(document: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-desired-'));
  dirs.push(dir);
  const file = path.join(dir, 'cdk.tf.json');
  fs.writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return file;
}

describe('readDesired', () => {
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const desired = readDesired([fixture('stack/cdk.tf.json')]);

  test('resources, instance keys, construct paths, lines, modules, cluster', () => {
    expect(desired.resources.size).toBe(19);
    expect(desired.resources.get(ADDRESS.awsNode)?.instanceKeys).toEqual([0, 1]);
    expect(desired.resources.get(ADDRESS.gcpNode)?.instanceKeys).toEqual([GCP.nodeKey]);
    expect(desired.resources.get(ADDRESS.awsVpc)).toMatchObject({ constructPath: 'prod/cluster/aws/network/vpc', instanceKeys: [undefined] });
    expect(desired.resources.get(ADDRESS.awsVpc)?.body).not.toHaveProperty('//');
    const text = fs.readFileSync(fixture('stack/cdk.tf.json'), 'utf8').split('\n');
    const line = desired.resources.get(ADDRESS.awsWorkerSg)!.line!;
    expect(text[line - 1]).toContain('"cluster_aws_sg_worker_0A1B2C3D": {');
    expect([...desired.modules]).toEqual(['addons']);
    expect([desired.clusterUuid, desired.clusterName, desired.description?.networks.length]).toEqual([CLUSTER_UUID, 'prod', 4]);
  });

  test('count and for_each unknown until apply', () => {
    const file = tempStack({ resource: { aws_instance: { a: { count: '${var.n}' }, b: { for_each: '${toset(var.x)}' }, c: { for_each: ['x', 'y'] }, d: { count: '3' } } } });
    const read = readDesired([file]);
    expect(['a', 'b', 'c', 'd'].map((name) => read.resources.get(`aws_instance.${name}`)?.instanceKeys)).toEqual([undefined, undefined, ['x', 'y'], [0, 1, 2]]);
  });

  test('without a description the UUID comes from concrete tags; --cluster-uuid overrides', () => {
    const file = tempStack({ resource: { aws_vpc: { v: { tags: { 'cast-cluster-uuid': CLUSTER_UUID, 'cast-cluster-name': 'x' } } }, aws_subnet: { s: { tags: { 'cast-cluster-uuid': '${var.uuid}' } } } } });
    expect([readDesired([file]).clusterUuid, readDesired([file]).clusterName]).toEqual([CLUSTER_UUID, 'x']);
    expect(readDesired([file], 'ABC').clusterUuid).toBe('abc');
  });

  test.each([
    ['a state', fixture('state/in-sync.tfstate'), /in-sync\.tfstate: is a Terraform state, not a synthesized stack: pass it with --state$/],
    ['a package.json', tempStack({ name: 'x', version: '1.0.0' }), /is not a synthesized stack \(cdk\.tf\.json\): it has none of "resource", "terraform", "output" \(top-level keys: name, version\)$/],
    ['an empty file', tempStack(''), /is empty: expected a synthesized stack \(cdk\.tf\.json\); run `cdktf synth`$/],
    ['invalid JSON', tempStack('{"resource": {'), /invalid JSON at byte 14 \(line 1, column 15\): unexpected end of input: the file is truncated$/],
    ['a missing file', '/nonexistent/cdk.tf.json', /\/nonexistent\/cdk\.tf\.json: does not exist$/],
    ['two UUIDs in tags', tempStack({ resource: { aws_vpc: { a: { tags: { 'cast-cluster-uuid': 'u1' } }, b: { tags: { 'cast-cluster-uuid': 'u2' } } } } }), /carry 2 cluster UUIDs in their tags \(u1, u2\)/],
    ['a description of another schema', tempStack({ output: { cast_cluster: { value: '{"schema":"cast-cluster/v2"}' } } }), /has schema "cast-cluster\/v2"; this cast-drift reads cast-cluster\/v1/],
  ])('refuses %s', (_name, file, message) => {
    expect(() => readDesired([file])).toThrow(message);
  });

  test('moved blocks, as cdktf writes them (a list) or as one object', () => {
    const list = tempStack({ moved: [{ from: 'aws_instance.a', to: 'aws_instance.b' }, { from: 'aws_instance.c[0]', to: '${aws_instance.c}' }], resource: { aws_instance: { b: {}, c: {} } } });
    const single = tempStack({ moved: { from: 'module.a', to: 'module.b' }, module: { b: { source: './b' } } });
    expect(readDesired([list, single]).moves).toEqual([
      { from: 'aws_instance.a', to: 'aws_instance.b', file: list },
      { from: 'aws_instance.c[0]', to: 'aws_instance.c', file: list },
      { from: 'module.a', to: 'module.b', file: single },
    ]);
    expect(desired.moves).toEqual([]);
  });

  test.each([
    ['without "to"', { from: 'aws_instance.a' }, /moved\[0\] is not a moved block: it needs the addresses "from" and "to" as strings \(got \{"from":"aws_instance\.a"\}\)$/],
    ['a module to a resource', { from: 'module.a', to: 'aws_instance.b' }, /moved\[0\]: "from" and "to" must both name modules or both name resources \(got module\.a and aws_instance\.b\); Terraform refuses this block too$/],
    ['a data resource', { from: 'data.aws_ami.a', to: 'data.aws_ami.b' }, /moved\[0\]: "from" is a data resource \(data\.aws_ami\.a\): only managed resources can be moved/],
    ['a malformed key', { from: 'aws_instance.a[x]', to: 'aws_instance.b' }, /moved\[0\]: "from" is not a Terraform address \(aws_instance\.a\[x\]\): an instance key is a number or a quoted string/],
  ])('refuses a moved block %s', (_name, block, message) => {
    expect(() => readDesired([tempStack({ moved: [block] })])).toThrow(message);
  });

  test('refuses the same address in two stacks', () => {
    expect(() => readDesired([fixture('stack/cdk.tf.json'), fixture('stack-with-nodes/cdk.tf.json')])).toThrow(/stack-with-nodes\/cdk\.tf\.json: declares aws_vpc\.cluster_aws_vpc_3F2A1B9C, which .*stack\/cdk\.tf\.json declares too: pass each stack once/);
  });

  test('refuses no files', () => {
    expect(() => readDesired([])).toThrow('no --desired file given');
  });
});
