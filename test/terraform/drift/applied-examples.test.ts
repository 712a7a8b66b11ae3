/**
 * cast-drift on real Terraform states: examples/multi-cloud and examples/aws applied
 * by terraform with the stand-in providers, then changed in the stand-ins' cloud as a
 * person would in a console. The user's steps follow: `terraform plan -refresh-only
 * -out=p`, `terraform show -json p`, `cast-drift check --state … --plan …`, and the
 * documented exit codes (0 in sync, 2 drift). The scenario suite on the state terraform
 * wrote: every resource type of the multi-cloud stack dropped once, each exit 2 and named
 * by its role.
 *
 * Each change's refresh-only plan is asserted first, so a gap would be the check's, not
 * the harness's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { simulateApply } from '../../drift/simulate-apply';
import { fixture } from '../../drift/helpers';
import { checkDrift, type DriftReport } from '../../../lib/drift/drift-check';
import { runChecks } from '../../../lib/drift/check/run-checks';
import { assembleActualState } from '../../../lib/drift/read/assemble-actual-state';
import { readDesired } from '../../../lib/drift/read/desired/read-desired';
import { readInput } from '../../../lib/drift/read/read-input';
import { exitCodeOf } from '../../../lib/drift/report/report-summary';
import { startStandIns, type StandIns } from '../stand-in/stand-ins';
import { describeRun, describeWithTerraform } from '../terraform-cli';
import { applyExample, refreshOnlyPlan, stateObject, terraformIn, type AppliedExample } from './applied-example';
import { resourceObjects, shapeMismatches, typesOnlyIn } from './attribute-shape';
import { rulesAndAddresses, runCastDrift } from './cast-drift-process';

type Json = Record<string, any>;

const byAddress = (a: { address: string }, b: { address: string }) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

/** Findings that name `address`, as theirs or in their message. */
function naming(report: DriftReport, address: string): DriftReport['findings'] {
  return report.findings.filter((f) => f.address === address || f.message.includes(address));
}

describeWithTerraform('cast-drift on states that terraform wrote', () => {
  let standIns: StandIns;
  let multiCloud: AppliedExample;
  let aws: AppliedExample;
  beforeAll(async () => {
    standIns = await startStandIns();
    // The two examples' objects have different ids, so one cloud holds both; applied side by side.
    [multiCloud, aws] = await Promise.all([applyExample('multi-cloud', standIns), applyExample('aws', standIns)]);
  }, 180_000);
  afterAll(async () => {
    await standIns?.close();
    for (const applied of [multiCloud, aws]) if (applied) fs.rmSync(applied.app.root, { recursive: true, force: true });
  });

  test.each(['multi-cloud', 'aws'])('examples/%s converges: the plan after the apply finds nothing to do', (name) => {
    const applied = name === 'aws' ? aws : multiCloud;
    expect({ code: applied.convergence.code, output: applied.convergence.code === 0 ? '' : describeRun(applied.convergence) }).toEqual({ code: 0, output: '' });
  });

  describe('examples/multi-cloud', () => {
    test('the fresh state is in sync: exit 0, no findings', async () => {
      const cli = await runCastDrift(['check', '--desired', multiCloud.desired, '--state', multiCloud.state]);
      expect(cli).toMatchObject({ code: 0, stderr: '' });
      expect(cli.stdout.trimEnd().split('\n').pop()).toBe('In sync: no drift found.');
      const report = await checkDrift({ desired: [multiCloud.desired], states: [multiCloud.state] });
      expect(report.findings).toEqual([]);
      expect(report.cluster).toMatchObject({ name: 'prod' });
      expect(report.inputs.states).toEqual([{ file: multiCloud.state, kind: expect.stringMatching(/^Terraform state \(format 4, written by 1\.\d+/), resources: expect.any(Number) }]);
    });

    describe('every resource type the stack declares, dropped from the state once', () => {
      let reports: Map<string, Pick<DriftReport, 'findings'>>;
      let stack: Json;
      beforeAll(async () => {
        reports = new Map();
        stack = JSON.parse(fs.readFileSync(multiCloud.desired, 'utf8')) as Json;
        // The state as terraform wrote it after the apply (refresh-only plans do not write it), read once;
        // each type is dropped from what the reader made of it, and the checks run as checkDrift runs them.
        const desired = readDesired([multiCloud.desired]);
        const document = await readInput(multiCloud.state);
        const types = [...new Set(document.resources.filter((r) => r.mode === 'managed').map((r) => r.type))].sort();
        for (const type of types) {
          const actual = assembleActualState([{ ...document, resources: document.resources.filter((r) => r.type !== type) }], [], [], desired.clusterUuid);
          reports.set(type, { findings: runChecks(desired, actual, { clusterUuid: desired.clusterUuid }) });
        }
      });

      test('the stack declares the types of all four clouds (so the loop below covers them)', () => {
        expect([...reports.keys()].length).toBeGreaterThan(55);
        for (const prefix of ['aws_', 'google_', 'azurerm_', 'digitalocean_', 'tls_', 'random_', 'terraform_data']) expect([...reports.keys()].some((type) => type.startsWith(prefix))).toBe(true);
      });

      test('each is exit 2, with an error or warning finding on every block of that type, named by its role', () => {
        const silent: string[] = [];
        for (const [type, report] of reports) {
          const blocks = Object.keys(stack.resource[type]);
          const named = report.findings.filter((f) => f.type === type);
          const addresses = new Set(named.map((f) => f.address.replace(/\[[^\]]*\]$/, '')));
          if (exitCodeOf(report as DriftReport) !== 2 || blocks.some((name) => !addresses.has(`${type}.${name}`))) silent.push(type);
          for (const finding of named) expect(finding.message).toMatch(/^(the |node )/);
        }
        expect(silent).toEqual([]);
      });

      test('roles read as a person would say them, with the cluster and, per node, the node', () => {
        const first = (type: string) => reports.get(type)!.findings.find((f) => f.type === type)!;
        expect(first('aws_route').message).toMatch(/^the AWS default route of cluster prod \(aws_route\.[^)]+\) is in the configuration but not in the state: no AWS node reaches the internet/);
        expect(first('aws_route').severity).toBe('error');
        expect(first('azurerm_network_interface_security_group_association').message).toMatch(/^the Azure security group attachment of node prod-azure-cp-1 of cluster prod /);
        expect(first('google_storage_bucket')).toMatchObject({ severity: 'warning', message: expect.stringMatching(/^the GCP etcd backup bucket of cluster prod /) });
        expect(first('terraform_data').message).toMatch(/REPLACES this node/);
        expect(first('tls_self_signed_cert').message).toMatch(/^the cluster CA of cluster prod /);
      });
    });

    describe('console changes on four clouds, one refresh-only plan', () => {
      let report: DriftReport;
      // Seen by the check: a rule's source, a firewall's source, a subnet's range, a node, a firewall.
      const apiRule = () => stateObject(multiCloud, 'aws_vpc_security_group_ingress_rule', 'control-plane-kube-apiserver');
      const apiGroup = () => stateObject(multiCloud, 'aws_security_group', 'SecurityGroup-control-plane');
      const wireguard = () => stateObject(multiCloud, 'google_compute_firewall', 'worker-wireguard');
      const subnet = () => stateObject(multiCloud, 'google_compute_subnetwork', 'Subnet');
      const azureWorker = () => stateObject(multiCloud, 'azurerm_linux_virtual_machine', 'azure-workers');
      const doFirewall = () => stateObject(multiCloud, 'digitalocean_firewall', 'Firewall-control-plane');
      // What attaches firewalls to nodes.
      const doWorkerFirewall = () => stateObject(multiCloud, 'digitalocean_firewall', 'Firewall-worker');
      const nsgAssociation = () => stateObject(multiCloud, 'azurerm_network_interface_security_group_association', 'azure-cp');
      const gcpWorker = () => stateObject(multiCloud, 'google_compute_instance', 'gcp-workers-1');

      test('exit 2, each finding where the change was made', async () => {
        const world = standIns.world;
        world.change('aws_vpc_security_group_ingress_rule', apiRule().id, { cidr_ipv4: '203.0.113.0/24' });
        world.change('google_compute_firewall', wireguard().id, { source_ranges: ['203.0.113.0/24'] });
        world.change('google_compute_subnetwork', subnet().id, { ip_cidr_range: '10.0.0.0/23' }); // gcloud … subnets expand-ip-range
        world.remove('azurerm_linux_virtual_machine', azureWorker().id);
        world.remove('digitalocean_firewall', doFirewall().id);
        world.change('digitalocean_firewall', doWorkerFirewall().id, { tags: [] });
        world.remove('azurerm_network_interface_security_group_association', nsgAssociation().id);
        world.change('google_compute_instance', gcpWorker().id, { tags: [] });

        const plan = await refreshOnlyPlan(multiCloud, 'console-changes');
        // Terraform saw every change, the unseen ones too: a gap below is the check's, not the harness's.
        expect([...plan.drift].sort(byAddress)).toEqual([
          { address: apiRule().address, actions: ['update'] },
          { address: nsgAssociation().address, actions: ['delete'] },
          { address: azureWorker().address, actions: ['delete'] },
          { address: doFirewall().address, actions: ['delete'] },
          { address: doWorkerFirewall().address, actions: ['update'] },
          { address: wireguard().address, actions: ['update'] },
          { address: gcpWorker().address, actions: ['update'] },
          { address: subnet().address, actions: ['update'] },
        ].sort(byAddress));

        const cli = await runCastDrift(['check', '--desired', multiCloud.desired, '--state', multiCloud.state, '--plan', plan.file, '--format', 'json']);
        expect(cli).toMatchObject({ code: 2, stderr: '' });
        const json = JSON.parse(cli.stdout);
        expect(json).toMatchObject({ schema: 'cast-drift/v1', result: 'drift', exitCode: 2 });
        const seen = json.findings;
        expect(rulesAndAddresses({ findings: seen })).toEqual([
          ['network/firewall', apiGroup().address],
          ['network/firewall', wireguard().address],
          ['network/range', subnet().address],
          ['network/deleted-outside', doFirewall().address],
          ['attachments/firewall', gcpWorker().address],
          ['attachments/firewall', doWorkerFirewall().address],
          ['missing-nodes/deleted-outside', azureWorker().address],
          ['missing-resources/deleted-outside', nsgAssociation().address],
        ]);
        const [awsRules, gcpRules, gcpRange, doDeleted, , , azureDeleted] = seen;
        expect(awsRules.differences).toEqual([
          { path: 'rules', desired: 'ingress allow tcp 6443 from 0.0.0.0/0', actual: null },
          { path: 'rules', desired: null, actual: 'ingress allow tcp 6443 from 203.0.113.0/24' },
        ]);
        expect(gcpRules.differences).toEqual([
          { path: 'rules', desired: 'ingress allow udp 51820 from 0.0.0.0/0 to tag:prod-worker priority 1000', actual: null },
          { path: 'rules', desired: null, actual: 'ingress allow udp 51820 from 203.0.113.0/24 to tag:prod-worker priority 1000' },
        ]);
        expect(gcpRange.differences).toEqual([{ path: 'ip_cidr_range', desired: '10.0.0.0/24', actual: '10.0.0.0/23' }]);
        expect(gcpRange.message).toContain('changed outside Terraform');
        expect(doDeleted.message).toBe(`the DigitalOcean firewall Firewall-control-plane of cluster prod (${doFirewall().address}) was deleted outside Terraform (refresh-only plan): the droplets it covers lose their firewall`);
        expect(azureDeleted.message).toContain('node prod-azure-workers-1');
        for (const finding of seen) expect(finding.location?.constructPath).toMatch(/^multi-cloud\/prod\//);

        // The module API sees the same, and so does the plan alone as --state (its prior_state is the refreshed state).
        report = await checkDrift({ desired: [multiCloud.desired], states: [multiCloud.state], plans: [plan.file] });
        expect(rulesAndAddresses(report)).toEqual(rulesAndAddresses(json));
        const planOnly = await checkDrift({ desired: [multiCloud.desired], states: [plan.file] });
        expect(rulesAndAddresses(planOnly)).toEqual(rulesAndAddresses(json));
      });

      test('a DigitalOcean firewall detached from its droplets (its tags emptied): an error naming the tags', () => {
        expect(naming(report, doWorkerFirewall().address).map((f) => [f.rule, f.severity, f.differences])).toEqual([['attachments/firewall', 'error', [{ path: 'tags', desired: ['prod-worker'], actual: [] }]]]);
      });
      test('an Azure node\'s network interface no longer attached to its security group: an error naming the node', () => {
        const [finding] = naming(report, nsgAssociation().address);
        expect(finding).toMatchObject({ rule: 'missing-resources/deleted-outside', severity: 'error' });
        expect(finding.message).toMatch(/^the Azure security group attachment of node prod-azure-cp-1 of cluster prod \(/);
      });
      test('a GCP node without its network tags (its firewall rules target tags): an error', () => {
        expect(naming(report, gcpWorker().address).map((f) => [f.rule, f.severity, f.differences[0].path, f.differences[0].actual])).toEqual([['attachments/firewall', 'error', 'tags', []]]);
      });
    });

    test('the fabricated drift fixtures have the shape of this real state', async () => {
      const real = resourceObjects(JSON.parse(fs.readFileSync(multiCloud.state, 'utf8')));
      // The vendored schemas have no `description` inside attribute-typed objects (a9f298b restored it where
      // it is an attribute only); the real providers have it, so these three lines are the schemas' gap.
      const vendoredSchemaGap = [
        'aws_security_group.egress[].description: not in the schema',
        'aws_security_group.ingress[].description: not in the schema',
        'azurerm_network_security_group.security_rule[].description: not in the schema',
      ];
      for (const file of ['state/in-sync.tfstate', 'state/drifted.tfstate', 'state/opentofu.tfstate', 'state/show-json.json', 'state/refresh-only-plan.json']) {
        const fabricated = resourceObjects(JSON.parse(fs.readFileSync(fixture(file), 'utf8')));
        expect({ file, mismatches: shapeMismatches(fabricated, real, { complete: true }) }).toEqual({ file, mismatches: vendoredSchemaGap });
        // Every type of the fixtures is in the examples too (the AWS control planes' IAM role among them).
        expect({ file, only: typesOnlyIn(fabricated, real) }).toEqual({ file, only: [] });
      }
      // simulate-apply.ts copies the configuration only, so it leaves computed attributes out; what it writes has the real shape.
      const simulated = resourceObjects(simulateApply(JSON.parse(fs.readFileSync(multiCloud.desired, 'utf8'))));
      expect(shapeMismatches(simulated, real)).toEqual([]);
      expect(typesOnlyIn(simulated, real)).toEqual([]);
    });
  });

  describe('examples/aws', () => {
    test('terraform state pull | cast-drift check --state -: exit 0; so is the show -json of the state', async () => {
      const pulled = await terraformIn(aws, ['state', 'pull']);
      const cli = await runCastDrift(['check', '--desired', aws.desired, '--state', '-'], pulled.stdout);
      expect(cli).toMatchObject({ code: 0, stderr: '' });
      expect(cli.stdout.trimEnd().split('\n').pop()).toBe('In sync: no drift found.');
      const shown = path.join(aws.app.root, 'state-show.json');
      fs.writeFileSync(shown, (await terraformIn(aws, ['show', '-json'])).stdout);
      const report = await checkDrift({ desired: [aws.desired], states: [shown] });
      expect(report.findings).toEqual([]);
      expect(report.inputs.states[0].kind).toMatch(/show -json/);
    });

    test('a deleted worker and a deleted SSH rule: exit 2; terraform apply repairs both and the check is in sync again', async () => {
      const worker = stateObject(aws, 'aws_instance', 'workers-2');
      const sshRule = stateObject(aws, 'aws_vpc_security_group_ingress_rule', 'worker-ssh');
      const workerGroup = stateObject(aws, 'aws_security_group', 'SecurityGroup-worker');
      standIns.world.remove('aws_instance', worker.id);
      standIns.world.remove('aws_vpc_security_group_ingress_rule', sshRule.id);

      const plan = await refreshOnlyPlan(aws, 'deleted');
      expect(plan.drift).toEqual([{ address: worker.address, actions: ['delete'] }, { address: sshRule.address, actions: ['delete'] }]);
      const cli = await runCastDrift(['check', '--desired', aws.desired, '--state', aws.state, '--plan', plan.file, '--format', 'json']);
      expect(cli.code).toBe(2);
      const report = JSON.parse(cli.stdout);
      expect(rulesAndAddresses(report)).toEqual([
        ['network/firewall', workerGroup.address],
        ['network/deleted-outside', sshRule.address],
        ['missing-nodes/deleted-outside', worker.address],
      ]);
      expect(report.findings[0].differences).toEqual([{ path: 'rules', desired: 'ingress allow tcp 22 from 203.0.113.0/24', actual: null }]);
      expect(report.findings[2].message).toContain('node aws-only-workers-2');
      for (const finding of report.findings) expect(finding.remediation).toContain('terraform apply');

      // The remediation, followed: apply recreates both (new ids), and a new refresh-only plan finds nothing.
      await terraformIn(aws, ['apply', '-input=false', '-auto-approve']);
      expect(stateObject(aws, 'aws_instance', 'workers-2').id).not.toBe(worker.id);
      const after = await refreshOnlyPlan(aws, 'repaired');
      expect(after.drift).toEqual([]);
      const again = await checkDrift({ desired: [aws.desired], states: [aws.state], plans: [after.file] });
      expect(again.findings).toEqual([]);
    });

    describe('console changes to what ties nodes to the network, and a stopped node', () => {
      let report: DriftReport;
      const controlPlane = () => stateObject(aws, 'aws_instance', 'control-plane-1');
      const defaultRoute = () => stateObject(aws, 'aws_route', 'DefaultRoute');
      const worker = () => stateObject(aws, 'aws_instance', 'workers-1');

      test('the refresh-only plan records them', async () => {
        const workerGroup = stateObject(aws, 'aws_security_group', 'SecurityGroup-worker');
        standIns.world.change('aws_instance', controlPlane().id, { vpc_security_group_ids: [workerGroup.id] });
        standIns.world.remove('aws_route', defaultRoute().id);
        standIns.world.change('aws_instance', worker().id, { instance_state: 'stopped' });
        const plan = await refreshOnlyPlan(aws, 'unseen-changes');
        expect(plan.drift).toEqual([
          { address: controlPlane().address, actions: ['update'] },
          { address: worker().address, actions: ['update'] },
          { address: defaultRoute().address, actions: ['delete'] },
        ]);
        report = await checkDrift({ desired: [aws.desired], states: [aws.state], plans: [plan.file] });
      });

      test('finds a control-plane node moved into the workers\' security group', () => {
        const [finding] = naming(report, controlPlane().address);
        expect(finding).toMatchObject({ rule: 'attachments/firewall', severity: 'error' });
        expect(finding.differences[0].actual).toEqual([expect.stringMatching(/\(aws_security_group\.[^)]*SecurityGroup-worker[^)]*\)$/)]);
      });
      test('finds the VPC\'s default route deleted (no node reaches the internet)', () => {
        const [finding] = naming(report, defaultRoute().address);
        expect(finding).toMatchObject({ rule: 'missing-resources/deleted-outside', severity: 'error' });
        expect(finding.message).toMatch(/^the AWS default route of cluster aws-only \(.*\) was deleted outside Terraform \(refresh-only plan\): no AWS node reaches the internet/);
      });
      test('finds a node stopped, per the refresh-only plan', () => {
        expect(naming(report, worker().address).map((f) => [f.rule, f.severity, f.message])).toEqual([['missing-nodes/stopped', 'warning', expect.stringContaining('is stopped according to the refresh-only plan')]]);
      });
    });
  });
});
