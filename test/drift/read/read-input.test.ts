import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { Cloud } from '../../../lib/core/cloud';
import { DriftInputError } from '../../../lib/drift/errors';
import { InputDocument, InputDocumentReader, InputKind } from '../../../lib/drift/read/input-document';
import { JsonPathHandler } from '../../../lib/drift/read/json/json-path';
import { JsonStreamScanner } from '../../../lib/drift/read/json/json-stream-scanner';
import { readInput } from '../../../lib/drift/read/read-input';
import { ADDRESS, AWS, CLUSTER_UUID, GCP, TOFU_PASSPHRASE } from '../../fixtures/drift/build/ids';
import { fixture } from '../helpers';

describe('readInput recognizes each format by content', () => {
  test.each([
    ['state/in-sync.tfstate', InputKind.STATE, 'Terraform state (format 4, written by 1.9.8)', 22],
    ['state/opentofu.tfstate', InputKind.STATE, 'OpenTofu state (format 4, written by 1.8.5)', 22],
    ['state/drifted.tfstate', InputKind.STATE, 'Terraform state (format 4, written by 1.12.2)', 23],
    ['state/show-json.json', InputKind.SHOW_JSON_STATE, 'terraform show -json state (format 1.0)', 22],
    ['state/refresh-only-plan.json', InputKind.PLAN, 'plan JSON (format 1.2)', 0],
    ['inventory/aws-describe-instances.json', InputKind.INVENTORY, 'AWS VM inventory', 0],
    ['inventory/gcloud-instances-list.json', InputKind.INVENTORY, 'GCP VM inventory', 0],
    ['inventory/az-vm-list.json', InputKind.INVENTORY, 'Azure VM inventory', 0],
    ['inventory/doctl-droplet-list.json', InputKind.INVENTORY, 'DigitalOcean VM inventory', 0],
  ])('%s', async (file, kind, label, resources) => {
    const document = await readInput(fixture(file));
    expect([document.kind, document.label, document.resources.length]).toEqual([kind, label, resources]);
  });

  test('a state: modules, data sources, index keys, taint, sensitive paths, outputs', async () => {
    const document = await readInput(fixture('state/drifted.tfstate'));
    const byAddress = new Map(document.resources.map((r) => [r.address, r]));
    expect(byAddress.get('module.addons.aws_iam_role.node')?.module).toBe('module.addons');
    expect(byAddress.get('data.cloudinit_config.worker')?.mode).toBe('data');
    expect(byAddress.get(`${ADDRESS.gcpNode}["${GCP.nodeKey}"]`)?.indexKey).toBe(GCP.nodeKey);
    expect(byAddress.get(`${ADDRESS.awsNode}[0]`)).toMatchObject({ tainted: true, clusterUuid: CLUSTER_UUID, id: AWS.nodeIds[0] });
    expect(byAddress.get(ADDRESS.sshKey)?.sensitivePaths).toEqual([]); // its secrets are not kept at all
    expect(typeof document.outputs.cast_cluster_prod).toBe('string');
    expect(document.outputs).not.toHaveProperty('cast_cluster_prod_kubeconfig'); // sensitive outputs are dropped
  });

  test('show -json and the state it shows reduce to the same records', async () => {
    const state = await readInput(fixture('state/in-sync.tfstate'));
    const shown = await readInput(fixture('state/show-json.json'));
    const strip = (r: { file: string; provider: string }) => ({ ...r, file: '', provider: '' });
    expect(shown.resources.map(strip)).toEqual(state.resources.map(strip));
  });

  test("a plan's prior state is read only when asked for", async () => {
    expect((await readInput(fixture('state/refresh-only-plan.json'), { readPlanPriorState: true })).resources).toHaveLength(22);
    const plan = await readInput(fixture('state/refresh-only-plan.json'));
    expect(plan.drift.map((d) => [d.address, d.action])).toEqual([
      [`${ADDRESS.awsNode}[1]`, 'deleted'],
      [ADDRESS.awsWorkerSg, 'updated'],
    ]);
  });

  test('an inventory declared empty', async () => {
    const document = await readInput(fixture('inventory/empty-list.json'), { inventoryCloud: Cloud.GCP });
    expect([document.kind, document.inventoryCloud, document.inventoryItems]).toEqual([InputKind.INVENTORY, Cloud.GCP, []]);
  });

  test('stdin', async () => {
    const stdin = Readable.from([fs.readFileSync(fixture('state/in-sync.tfstate'))]);
    const document = await readInput('-', { stdin });
    expect(document.resources).toHaveLength(22);
    expect(document.file).toBe('-');
  });

  test('an encrypted OpenTofu state decrypts with the pbkdf2 passphrase', async () => {
    const document = await readInput(fixture('bad/encrypted-opentofu.tfstate'), { passphrase: TOFU_PASSPHRASE });
    expect([document.kind, document.label, document.resources.length]).toEqual([InputKind.STATE, 'OpenTofu state (format 4, written by 1.8.5), decrypted', 22]);
  });

  test.each(['state/in-sync.tfstate', 'state/show-json.json', 'state/refresh-only-plan.json', 'inventory/aws-describe-instances.json', 'inventory/az-vm-list.json'])('streaming %s in 3-byte chunks reduces like one JSON.parse', async (file) => {
    const whole = await readInput(fixture(file), { readPlanPriorState: true });
    const reader = new InputDocumentReader(fixture(file), { readPlanPriorState: true });
    const scanner = new JsonStreamScanner(reader, fixture(file));
    const bytes = fs.readFileSync(fixture(file));
    for (let at = 0; at < bytes.length; at += 3) scanner.push(bytes.subarray(at, at + 3));
    scanner.end();
    expect(reader.finish()).toEqual(whole);
  });
});

describe('a state resource larger than a chunk is read instance by instance', () => {
  /** A state whose one resource holds `count` instances, its keys in `order`. */
  function stateWith(count: number, order: (resource: Record<string, unknown>) => Record<string, unknown> = (r) => r): Buffer {
    const tags = { 'cast-cluster-uuid': CLUSTER_UUID };
    const resource = {
      module: 'module.pool',
      mode: 'managed',
      type: 'aws_instance',
      name: 'worker',
      each: 'list',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: Array.from({ length: count }, (_, i) => ({ index_key: i, schema_version: 1, attributes: { id: `i-${i}`, instance_state: 'running', tags }, sensitive_attributes: [] })),
    };
    return Buffer.from(JSON.stringify({ version: 4, terraform_version: '1.9.8', serial: 1, lineage: 'l', outputs: {}, resources: [order(resource)], check_results: null }, null, 2));
  }

  /** Streams `bytes` in `chunk`-byte pieces; also returns the path lengths of the values parsed under `resources`. */
  function stream(bytes: Buffer, chunk: number): { document: InputDocument; parsedDepths: Set<number> } {
    const reader = new InputDocumentReader('big.tfstate');
    const parsedDepths = new Set<number>();
    const spy: JsonPathHandler = {
      decide: (path, kind) => reader.decide(path, kind),
      onValue: (path, value) => {
        if (path[0] === 'resources') parsedDepths.add(path.length);
        reader.onValue(path, value);
      },
      onEnd: (path) => reader.onEnd(path),
    };
    const scanner = new JsonStreamScanner(spy, 'big.tfstate');
    for (let at = 0; at < bytes.length; at += chunk) scanner.push(bytes.subarray(at, at + chunk));
    scanner.end();
    return { document: reader.finish(), parsedDepths };
  }

  test('a resource within the chunk is parsed whole, one that runs past it instance by instance: the same records', () => {
    const bytes = stateWith(2000);
    const whole = stream(bytes, bytes.length);
    const split = stream(bytes, 64 * 1024);
    expect(whole.parsedDepths).toEqual(new Set([2]));
    expect(split.parsedDepths).toEqual(new Set([3, 4])); // header members and instances, never the resource
    expect(split.document).toEqual(whole.document);
    expect(split.document.resources).toHaveLength(2000);
    expect(split.document.resources[1999].address).toBe('module.pool.aws_instance.worker[1999]');
  });

  test('keys sorted (jq -S puts "instances" first): the instances wait for the header', () => {
    const sorted = (resource: Record<string, unknown>) => Object.fromEntries(Object.entries(resource).sort(([a], [b]) => (a < b ? -1 : 1)));
    const bytes = stateWith(50, sorted);
    expect(stream(bytes, 97).document).toEqual(stream(stateWith(50), 1 << 20).document);
  });

  test('"module" after the instances re-addresses those already read', () => {
    const moduleLast = ({ module, ...rest }: Record<string, unknown>) => ({ ...rest, module });
    const read = stream(stateWith(20, moduleLast), 97).document;
    expect(read.resources.map((r) => r.address)).toEqual(Array.from({ length: 20 }, (_, i) => `module.pool.aws_instance.worker[${i}]`));
    expect(read).toEqual(stream(stateWith(20), 1 << 20).document);
  });

  test.each([
    ['without "type"', { mode: 'managed', name: 'x', provider: 'p', instances: [{ attributes: {} }] }],
    ['empty', {}],
  ])('an entry %s is refused, however it was read', (_, entry) => {
    const bytes = Buffer.from(JSON.stringify({ version: 4, resources: [entry] }, null, 2));
    for (const chunk of [5, bytes.length]) expect(() => stream(bytes, chunk)).toThrow('big.tfstate: resources[0] is not a state resource (it needs "type" and "name")');
  });
});

describe('readInput refuses bad input with one line naming the file', () => {
  test.each([
    ['bad/truncated.tfstate', /truncated\.tfstate: invalid JSON at byte \d+ \(line \d+, column \d+\): unexpected end of input: the file is truncated$/],
    ['bad/invalid.tfstate', /invalid\.tfstate: invalid JSON at byte 65 \(line 4, column 16\): expected a property name in double quotes$/],
    ['bad/version-3.tfstate', /version-3\.tfstate: is a state of format version 3 \(Terraform 0\.11 or older\): upgrade it with terraform 0\.13\+/],
    ['bad/encrypted-opentofu.tfstate', /encrypted-opentofu\.tfstate: is an OpenTofu encrypted state \(encryption_version v0\): run `tofu show -json > state\.json`/],
    ['bad/not-a-state.json', /not-a-state\.json: is not a Terraform state, `terraform show -json` output, refresh-only plan or cloud inventory \(top-level keys: name, version, dependencies\)/],
    ['bad/empty-file.tfstate', /empty-file\.tfstate: is empty \(0 bytes of JSON\)$/],
    ['bad/does-not-exist.tfstate', /does-not-exist\.tfstate: does not exist$/],
    ['bad', /bad: is a directory, not a file$/],
    ['inventory/empty-list.json', /empty-list\.json: is an empty list: cannot tell which cloud it lists; name it, e\.g\. --inventory gcp=FILE$/],
    ['stack/cdk.tf.json', /cdk\.tf\.json: is a Terraform configuration \(cdk\.tf\.json\), not a state: pass it with --desired$/],
  ])('%s', async (file, message) => {
    const error = await readInput(fixture(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  test('an empty state is read as one (the drift check refuses it, naming the cluster)', async () => {
    const document = await readInput(fixture('bad/empty-state.tfstate'));
    expect([document.kind, document.resources]).toEqual([InputKind.STATE, []]);
  });

  test('a wrong passphrase', async () => {
    await expect(readInput(fixture('bad/encrypted-opentofu.tfstate'), { passphrase: 'nope' })).rejects.toThrow(/does not decrypt \(wrong passphrase/);
  });

  test('an unreadable file', async () => {
    const file = fixture('bad/unreadable.tmp');
    fs.writeFileSync(file, '{}', { mode: 0o000 });
    // Root reads any file: as root, the read runs with the effective uid of nobody (65534), as a user's would.
    const asRoot = process.getuid?.() === 0;
    try {
      if (asRoot) process.seteuid!(65534);
      await expect(readInput(file)).rejects.toThrow(/cannot be read \(permission denied\)$/);
    } finally {
      if (asRoot) process.seteuid!(0);
      fs.rmSync(file);
    }
  });

  test('a list mixing clouds', async () => {
    const stdin = Readable.from([JSON.stringify([{ kind: 'compute#instance', name: 'a', selfLink: 'x/instances/a' }, { id: 1, size_slug: 's', vpc_uuid: 'v' }])]);
    await expect(readInput('-', { stdin })).rejects.toThrow('-: item [1] is a DigitalOcean VM in a GCP inventory');
  });
});
