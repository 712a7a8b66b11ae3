/** Deposed objects: one finding each, by the kind of object; the current objects are compared as before. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Severity } from '../../../lib/drift/check/finding';
import { runChecks } from '../../../lib/drift/check/run-checks';
import { checkUnusedResources } from '../../../lib/drift/check/unused-resources-check';
import { checkDrift, DriftReport } from '../../../lib/drift/drift-check';
import { ClusterDescription, StateResource } from '../../../lib/drift/model';
import { exitCodeOf } from '../../../lib/drift/report/report-summary';
import { ADDRESS } from '../../fixtures/drift/build/ids';
import { actualState, desiredResource, desiredState, fixture, stateResource, UUID } from '../helpers';

const deposed = (record: StateResource, key: string): StateResource => ({ ...record, deposedKey: key });

describe('deposedFindings, through checkUnusedResources', () => {
  const description = (role: string): ClusterDescription => ({ schema: 'cast-cluster/v1', uuid: UUID, clouds: [], networks: [], nodes: [{ name: 'prod-aws-cp-0', role, address: 'aws_instance.cp[0]' }] });
  const desired = (role?: string) => desiredState([desiredResource('aws_instance.cp', {}, [0]), desiredResource('aws_security_group.sg', {})], role ? { description: description(role) } : {});
  const state = (...old: StateResource[]) => ({ ...actualState([stateResource('aws_instance.cp[0]', { id: 'i-new' }), stateResource('aws_security_group.sg', { id: 'sg-new' })]), deposed: old });

  test('a deposed security group: a warning that the next apply destroys it', () => {
    const [finding] = checkUnusedResources(desired(), state(deposed(stateResource('aws_security_group.sg', { id: 'sg-old' }), '0a1b2c3d')), UUID);
    expect(finding).toMatchObject({
      rule: 'unused-resources/deposed',
      severity: Severity.WARNING,
      address: 'aws_security_group.sg',
      message: 'the state holds an old object of aws_security_group.sg (deposed object 0a1b2c3d, id sg-old), left by a create_before_destroy replacement that did not finish: the next `terraform apply` destroys it',
      differences: [{ path: 'deposed', desired: null, actual: '0a1b2c3d' }],
    });
  });

  test.each([
    ['control-plane', /^Before the next `terraform apply`: it is a control plane, so remove the old VM's etcd member first: `sudo \/opt\/cast\/mesh\/etcd-remove-member\.sh prod-aws-cp-0` on another control plane .*; then drain its Kubernetes node \(the one on VM i-old: `kubectl get nodes -o wide`\) and remove it: `kubectl drain prod-aws-cp-0 --ignore-daemonsets --delete-emptydir-data`, then `kubectl delete node prod-aws-cp-0`\.$/],
    ['worker', /^Before the next `terraform apply`, drain its Kubernetes node .* `kubectl delete node prod-aws-cp-0`\.$/],
    [undefined, /^Before the next `terraform apply`, drain .*`kubectl drain <node> .*\. If it is a control plane, remove the old VM's etcd member first/],
  ])('a deposed node VM (role %s): an error, with the drain (and etcd) steps', (role, remediation) => {
    const findings = checkUnusedResources(desired(role), state(deposed(stateResource('aws_instance.cp[0]', { id: 'i-old' }), '00000001')), UUID);
    expect(findings.map((f) => [f.rule, f.severity, f.address])).toEqual([['unused-resources/deposed', Severity.ERROR, 'aws_instance.cp[0]']]);
    expect(findings[0].message).toContain('the next `terraform apply` destroys it without draining it');
    expect(findings[0].message).toContain(role ? 'an old VM of node prod-aws-cp-0 (aws_instance.cp[0]) (deposed object 00000001, id i-old)' : 'an old VM of node aws_instance.cp[0] (deposed object 00000001');
    expect(findings[0].remediation).toMatch(remediation);
  });

  test('an id marked sensitive is not printed', () => {
    const old = deposed(stateResource('aws_security_group.sg', { id: 'sg-secret' }, { sensitive: [['id']] }), 'k');
    expect(JSON.stringify(checkUnusedResources(desired(), state(old), UUID))).not.toContain('sg-secret');
  });

  test('a deposed object beside its current one disturbs no other check', () => {
    const old = deposed(stateResource('aws_instance.cp[0]', { id: 'i-old', instance_type: 'x1.huge', instance_state: 'terminated' }, { tainted: true }), '1');
    const findings = runChecks(desired('worker'), state(old), { clusterUuid: UUID });
    expect(findings.filter((f) => f.address === 'aws_instance.cp[0]').map((f) => f.rule)).toEqual(['unused-resources/deposed']);
  });
});

describe('deposed objects through checkDrift, in each form Terraform writes them', () => {
  const desired = [fixture('stack/cdk.tf.json')];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-deposed-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, document: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(document));
    return file;
  };
  const read = (name: string) => JSON.parse(fs.readFileSync(fixture(name), 'utf8'));
  const summary = (report: DriftReport) => report.findings.map((f) => `${f.severity} ${f.rule} ${f.address}`);
  const node = `${ADDRESS.awsNode}[0]`;
  const expected = [`error unused-resources/deposed ${node}`, `warning unused-resources/deposed ${ADDRESS.awsWorkerSg}`];
  // The old objects differ from the current ones where the checks look (a wide-open rule, another type and subnet):
  // compared as current objects, they would be findings of their own.
  const oldSg = (attributes: Record<string, any>) => ({ ...attributes, id: 'sg-0old', ingress: [{ ...attributes.ingress[0], cidr_blocks: ['0.0.0.0/0'], from_port: 22, to_port: 22 }] });
  const oldNode = (attributes: Record<string, any>) => ({ ...attributes, id: 'i-0old', instance_type: 'x1.32xlarge', subnet_id: 'subnet-0other' });

  async function expectDeposedOnly(state: string, baseline: string) {
    const before = await checkDrift({ desired, states: [fixture(baseline)] });
    const report = await checkDrift({ desired, states: [state] });
    const deposedFindings = report.findings.filter((f) => f.rule === 'unused-resources/deposed');
    expect(summary({ ...report, findings: deposedFindings })).toEqual(expected);
    expect(summary({ ...report, findings: report.findings.filter((f) => f.rule !== 'unused-resources/deposed') })).toEqual(summary(before));
    expect(exitCodeOf({ ...report, findings: deposedFindings })).toBe(2);
    expect(exitCodeOf(report)).toBe(2);
    expect(deposedFindings[0].message).toContain('(deposed object 00000001, id i-0old)');
  }

  test('a state file (format 4): an instance entry with "deposed"', async () => {
    const state = read('state/in-sync.tfstate');
    for (const resource of state.resources) {
      const address = `${resource.type}.${resource.name}`;
      if (address === ADDRESS.awsNode) resource.instances.push({ ...resource.instances[0], deposed: '00000001', attributes: oldNode(resource.instances[0].attributes) });
      if (address === ADDRESS.awsWorkerSg) resource.instances.push({ ...resource.instances[0], deposed: '0a1b2c3d', attributes: oldSg(resource.instances[0].attributes) });
    }
    await expectDeposedOnly(write('deposed.tfstate', state), 'state/in-sync.tfstate');
  });

  const addDeposedEntries = (resources: any[]) => {
    const current = (address: string) => resources.find((r) => r.address === address);
    resources.push({ ...current(node), deposed_key: '00000001', values: oldNode(current(node).values) });
    resources.push({ ...current(ADDRESS.awsWorkerSg), deposed_key: '0a1b2c3d', values: oldSg(current(ADDRESS.awsWorkerSg).values) });
  };

  test('terraform show -json of a state: an entry with "deposed_key"', async () => {
    const shown = read('state/show-json.json');
    addDeposedEntries(shown.values.root_module.resources);
    await expectDeposedOnly(write('deposed-show.json', shown), 'state/show-json.json');
  });

  test("a plan's prior_state: the same entries", async () => {
    const plan = read('state/refresh-only-plan.json');
    addDeposedEntries(plan.prior_state.values.root_module.resources);
    await expectDeposedOnly(write('deposed-plan.json', plan), 'state/refresh-only-plan.json');
  });
});
