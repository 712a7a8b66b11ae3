/** The library call end to end, on the fixture cluster's scenarios. */
import { Readable } from 'node:stream';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cloud } from '../../lib/core/cloud';
import { checkDrift, guardDestroy, parseInventoryArgument } from '../../lib/drift/drift-check';
import { ADDRESS, AWS, CLUSTER_UUID, DIGITALOCEAN, GCP } from '../fixtures/drift/build/ids';
import { fixture } from './helpers';

const desired = [fixture('stack/cdk.tf.json')];
const inventories = ['aws-describe-instances', 'gcloud-instances-list', 'az-vm-list', 'doctl-droplet-list'].map((name) => ({ file: fixture(`inventory/${name}.json`) }));
const summary = (findings: readonly { rule: string; address: string }[]) => findings.map((f) => `${f.rule} ${f.address}`);

describe('checkDrift', () => {
  test.each(['state/in-sync.tfstate', 'state/opentofu.tfstate', 'state/show-json.json'])('%s is in sync', async (state) => {
    const report = await checkDrift({ desired, states: [fixture(state)] });
    expect(report.findings).toEqual([]);
    expect(report.cluster).toEqual({ uuid: CLUSTER_UUID, name: 'prod' });
  });

  test('the drifted state', async () => {
    const report = await checkDrift({ desired, states: [fixture('state/drifted.tfstate')] });
    expect(summary(report.findings)).toEqual([
      `network/firewall ${ADDRESS.awsWorkerSg}`,
      `network/range ${ADDRESS.gcpSubnet}`,
      `network/firewall ${ADDRESS.azureWorkerNsg}`,
      `network/firewall ${ADDRESS.doWorkerFirewall}`,
      `missing-nodes/tainted ${ADDRESS.awsNode}[0]`,
      `missing-nodes/absent-from-state ${ADDRESS.awsNode}[1]`,
      'unused-resources/not-desired aws_instance.cluster_aws_old_bastion_1A2B3C4D',
      'unused-resources/not-desired module.legacy.aws_s3_bucket.logs',
    ]);
    expect(report.findings[0].differences).toEqual([{ path: 'rules[ingress allow tcp from 0.0.0.0/0].ports', desired: '22', actual: '22,8080' }]);
  });

  test('refresh-only plan and inventories', async () => {
    const report = await checkDrift({ desired, states: [fixture('state/in-sync.tfstate')], plans: [fixture('state/refresh-only-plan.json')], inventories });
    expect(summary(report.findings)).toEqual([
      `network/firewall ${ADDRESS.awsWorkerSg}`,
      `missing-nodes/deleted-outside ${ADDRESS.awsNode}[1]`,
      `unused-resources/leaked aws:${AWS.leakedId}`,
      `unused-resources/leaked digitalocean:${DIGITALOCEAN.leakedId}`,
      `cleanup-guard/foreign-vm aws:${AWS.foreignId}`,
      `cleanup-guard/foreign-vm gcp:${GCP.foreignInstanceId}`,
      expect.stringMatching(/^cleanup-guard\/foreign-vm azure:\/subscriptions\/.*\/virtualMachines\/jumpbox$/),
    ]);
  });

  test('a plan given as the state: its prior state and its drift', async () => {
    const report = await checkDrift({ desired, states: [fixture('state/refresh-only-plan.json')] });
    expect(summary(report.findings)).toEqual([`network/firewall ${ADDRESS.awsWorkerSg}`, `missing-nodes/deleted-outside ${ADDRESS.awsNode}[1]`]);
  });

  test('the ignore file hides and reports expiry', async () => {
    const report = await checkDrift({ desired, states: [fixture('state/drifted.tfstate')], ignoreFile: fixture('ignore/ignore.json'), now: new Date('2025-03-01T00:00:00Z') });
    expect(report.ignored.map((i) => [i.entry, i.finding.address])).toEqual([
      [1, 'aws_instance.cluster_aws_old_bastion_1A2B3C4D'],
      [2, 'module.legacy.aws_s3_bucket.logs'],
    ]);
    expect(summary(report.findings)).toContain(`network/firewall ${ADDRESS.doWorkerFirewall}`);
    expect(summary(report.findings)).toContain(`ignore-file/expired ${fixture('ignore/ignore.json')}#3`);
  });

  test('stdin as the state', async () => {
    const report = await checkDrift({ desired, states: ['-'], stdin: Readable.from([fs.readFileSync(fixture('state/in-sync.tfstate'))]) });
    expect(report.inputs.states).toEqual([{ file: '-', kind: 'Terraform state (format 4, written by 1.9.8)', resources: 22 }]);
  });

  test.each([
    [{ states: [fixture('bad/other-cluster.tfstate')] }, /other-cluster\.tfstate: is the state of cluster 0badc0de-9876-4fed-8cba-fedcba987654 \(its cast_cluster output\), not of cluster prod \(c0ffee00-1234-4abc-8def-0123456789ab\) from the --desired stacks: is this the right workspace \(`terraform workspace show`\) and backend/],
    [{ states: [fixture('inventory/az-vm-list.json')] }, /az-vm-list\.json: is an Azure VM inventory, not what --state takes: pass it with --inventory$/],
    [{ states: [fixture('state/in-sync.tfstate')], plans: [fixture('state/in-sync.tfstate')] }, /in-sync\.tfstate: is a Terraform state .*, not what --plan takes: pass it with --state$/],
    [{ states: [fixture('state/in-sync.tfstate')], inventories: [{ file: fixture('state/show-json.json') }] }, /not what --inventory takes: pass it with --state$/],
    [{ states: [fixture('state/in-sync.tfstate'), fixture('state/opentofu.tfstate')] }, /opentofu\.tfstate: holds data\.cloudinit_config\.worker, which .*in-sync\.tfstate holds too: pass each stack.s state once/],
    [{ states: [] }, /^no --state given/],
  ])('refuses %#', async (inputs, message) => {
    await expect(checkDrift({ desired, ...inputs })).rejects.toThrow(message);
  });

  test('a state whose resources carry another UUID (no cast_cluster output)', async () => {
    const text = fs.readFileSync(fixture('bad/other-cluster.tfstate'), 'utf8');
    const document = JSON.parse(text);
    document.outputs = {};
    await expect(checkDrift({ desired, states: ['-'], stdin: Readable.from([JSON.stringify(document)]) })).rejects.toThrow(/-: is the state of cluster 0badc0de-9876-4fed-8cba-fedcba987654 \(cast-cluster-uuid of \d+ resource\(s\)\)/);
  });
});

describe('guardDestroy', () => {
  const empty = (cloud: Cloud) => ({ file: fixture('inventory/empty-list.json'), cloud });
  test('lists foreign VMs as errors and leaked ones', async () => {
    const report = await guardDestroy({ desired, states: [fixture('state/in-sync.tfstate')], inventories });
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['cleanup-guard/foreign-vm', 'error'],
      ['cleanup-guard/foreign-vm', 'error'],
      ['cleanup-guard/foreign-vm', 'error'],
      ['unused-resources/leaked', 'warning'],
      ['unused-resources/leaked', 'warning'],
    ]);
    expect(report.clouds).toEqual({ checked: ['aws', 'gcp', 'azure', 'digitalocean'], allowedUnchecked: [], unchecked: [] });
  });
  test('safe when every cloud of the cluster was checked and the networks hold only the cluster', async () => {
    const report = await guardDestroy({ desired, states: [fixture('state/in-sync.tfstate')], inventories: [Cloud.DIGITALOCEAN, Cloud.AWS, Cloud.AZURE, Cloud.GCP].map(empty) });
    expect(report.findings).toEqual([]);
    expect(report.clouds).toEqual({ checked: ['aws', 'gcp', 'azure', 'digitalocean'], allowedUnchecked: [], unchecked: [] });
  });
  test('one cloud of four checked: an error for each of the others, with the command that lists its VMs', async () => {
    const report = await guardDestroy({ desired, states: [fixture('state/in-sync.tfstate')], inventories: [empty(Cloud.AWS)] });
    expect(report.clouds).toEqual({ checked: ['aws'], allowedUnchecked: [], unchecked: ['gcp', 'azure', 'digitalocean'] });
    expect(report.findings.map((f) => [f.rule, f.severity, f.cloud, f.address])).toEqual([
      ['cleanup-guard/unchecked-cloud', 'error', 'gcp', 'gcp:*'],
      ['cleanup-guard/unchecked-cloud', 'error', 'azure', 'azure:*'],
      ['cleanup-guard/unchecked-cloud', 'error', 'digitalocean', 'digitalocean:*'],
    ]);
    expect(report.findings[0].message).toBe('GCP was not checked: no --inventory lists its VMs, so a VM there that is not the cluster\'s (the destroy would fail on it) or a leaked one would go unseen');
    expect(report.findings.map((f) => f.remediation)).toEqual([
      expect.stringMatching(/^List its VMs with `gcloud compute instances list --format=json > gcp-vms\.json` .*pass `--inventory gcp=gcp-vms\.json`; or, to destroy without checking GCP, pass `--allow-unchecked gcp`\.$/),
      expect.stringMatching(/^List its VMs with `az vm list -d -o json > azure-vms\.json` .*`--allow-unchecked azure`\.$/),
      expect.stringMatching(/^List its VMs with `doctl compute droplet list -o json > digitalocean-vms\.json` and pass `--inventory digitalocean=digitalocean-vms\.json`; .*`--allow-unchecked digitalocean`\.$/),
    ]);
  });
  test('safe when the clouds not checked are allowed unchecked', async () => {
    const report = await guardDestroy({ desired, states: [fixture('state/in-sync.tfstate')], inventories: [empty(Cloud.AWS)], allowUnchecked: [Cloud.DIGITALOCEAN, Cloud.GCP, Cloud.AZURE] });
    expect(report.findings).toEqual([]);
    expect(report.clouds).toEqual({ checked: ['aws'], allowedUnchecked: ['gcp', 'azure', 'digitalocean'], unchecked: [] });
  });
  test('a cloud allowed unchecked that was checked counts as checked', async () => {
    const report = await guardDestroy({ desired, states: [fixture('state/in-sync.tfstate')], inventories: [empty(Cloud.AWS)], allowUnchecked: [Cloud.AWS] });
    expect(report.clouds).toEqual({ checked: ['aws'], allowedUnchecked: [], unchecked: ['gcp', 'azure', 'digitalocean'] });
  });
  test('a cloud the cluster is not on, or not a cloud, is refused', async () => {
    const stack = JSON.parse(fs.readFileSync(desired[0], 'utf8'));
    const description = JSON.parse(stack.output.cast_cluster_prod.value);
    stack.output.cast_cluster_prod.value = JSON.stringify({ ...description, clouds: ['aws', 'gcp'] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-clouds-'));
    try {
      const twoClouds = path.join(dir, 'cdk.tf.json');
      fs.writeFileSync(twoClouds, JSON.stringify(stack));
      const guard = (allowUnchecked: Cloud[]) => guardDestroy({ desired: [twoClouds], states: [fixture('state/in-sync.tfstate')], inventories: [empty(Cloud.AWS)], allowUnchecked });
      await expect(guard([Cloud.AZURE])).rejects.toThrow('--allow-unchecked azure: cluster prod (c0ffee00-1234-4abc-8def-0123456789ab) is not on azure (its clouds: aws, gcp): drop it');
      await expect(guard(['mars' as Cloud])).rejects.toThrow('--allow-unchecked mars: not a cloud (aws, gcp, azure or digitalocean)');
      expect((await guard([Cloud.GCP])).clouds).toEqual({ checked: ['aws'], allowedUnchecked: ['gcp'], unchecked: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('check takes no --allow-unchecked', async () => {
    await expect(checkDrift({ desired, states: [fixture('state/in-sync.tfstate')], allowUnchecked: [Cloud.GCP] })).rejects.toThrow('--allow-unchecked is for guard-destroy only');
  });
  test('needs an inventory', async () => {
    await expect(guardDestroy({ desired, states: [fixture('state/in-sync.tfstate')] })).rejects.toThrow('guard-destroy needs --inventory');
  });
});

test.each([
  ['gcp=vms.json', { file: 'vms.json', cloud: Cloud.GCP }],
  ['digitalocean=a=b.json', { file: 'a=b.json', cloud: Cloud.DIGITALOCEAN }],
  ['mars=vms.json', { file: 'mars=vms.json' }],
  ['vms.json', { file: 'vms.json' }],
])('inventory argument %s', (argument, parsed) => {
  expect(parseInventoryArgument(argument)).toEqual(parsed);
});
