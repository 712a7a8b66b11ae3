/**
 * Terraform, with the stand-in providers, on a cluster whose API ranges are narrowed: it
 * validates and converges with autoscaled groups on every cloud (workers' seeds name their
 * control planes' private addresses, and no control plane names a worker: no cycle), and
 * what the user does to it changes firewalls and the new nodes only. Narrowing the API of a
 * running cluster, or adding workers to a narrowed one, replaces or updates no VM, group or
 * template; replacing a control plane updates its cloud's workers' seeds in place.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyApp, failures, planChanges, type ResourceChange } from '../terraform/harness';
import { startStandIns, type StandIns } from '../terraform/stand-in/stand-ins';
import { synthesizeApp } from '../terraform/synthesized-app';
import { describeWithTerraform, quietEnvironment } from '../terraform/terraform-cli';
import { API_RULE_STACK, apiRuleApp, ApiRuleShape, OFFICE } from './api-rule-app';

/** What stands for VMs: a node, a group, or the template a group starts its VMs from. */
const MACHINES = [
  'aws_instance', 'aws_launch_template', 'aws_autoscaling_group',
  'google_compute_instance', 'google_compute_instance_template', 'google_compute_instance_group_manager',
  'azurerm_linux_virtual_machine', 'azurerm_linux_virtual_machine_scale_set',
  'digitalocean_droplet', 'digitalocean_droplet_autoscale',
];
const FIREWALLS = ['aws_vpc_security_group_ingress_rule', 'google_compute_firewall', 'azurerm_network_security_rule', 'digitalocean_firewall'];
const STATE_FILE = `terraform.${API_RULE_STACK}.tfstate`;

describeWithTerraform('the API rule and the seeds, as terraform plans them', () => {
  let standIns: StandIns;
  let env: NodeJS.ProcessEnv;
  let workdir: string;
  beforeAll(async () => {
    standIns = await startStandIns();
    env = quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach });
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-api-rule-'));
  });
  afterAll(async () => {
    await standIns?.close();
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  async function applied(shape: ApiRuleShape): Promise<string> {
    const root = fs.mkdtempSync(path.join(workdir, 'before-'));
    const problems = failures(await applyApp(synthesizeApp(apiRuleApp(shape), root), env));
    if (problems) throw new Error(problems);
    return root;
  }

  async function planned(base: string, shape: ApiRuleShape, replace: readonly string[] = []): Promise<ResourceChange[]> {
    const root = fs.mkdtempSync(path.join(workdir, 'after-'));
    fs.copyFileSync(path.join(base, STATE_FILE), path.join(root, STATE_FILE));
    return planChanges(synthesizeApp(apiRuleApp(shape), root).stacks[0], env, replace);
  }

  /** `type action` rows, counted. */
  const tally = (changes: readonly ResourceChange[]) => {
    const rows: Record<string, number> = {};
    for (const c of changes) rows[`${c.type} ${c.action}`] = (rows[`${c.type} ${c.action}`] ?? 0) + 1;
    return rows;
  };

  const NARROWED: ApiRuleShape = { apiSourceRanges: [OFFICE], autoscaled: true };
  // Applied once, on first use: each apply of this cluster takes the stand-ins about 15 s.
  let narrowedBase: Promise<string> | undefined;
  const narrowed = () => (narrowedBase ??= applied(NARROWED));

  test('narrowed, with autoscaled groups on every cloud: validates (no reference cycle) and converges', async () => {
    // apply validates and plans first: a cycle would stop it (applied() throws terraform's words).
    expect(await planned(await narrowed(), NARROWED)).toEqual([]);
  }, 180_000);

  test('narrowing the API of a running cluster: its firewalls change in place (AWS: a rule per node), no VM, group or template', async () => {
    const changes = await planned(await applied({ autoscaled: true }), NARROWED);
    expect(tally(changes)).toEqual({
      // 0.0.0.0/0 goes; the office and the 8 static nodes come.
      'aws_vpc_security_group_ingress_rule delete': 1,
      'aws_vpc_security_group_ingress_rule create': 1 + 8,
      'google_compute_firewall update': 1,
      'azurerm_network_security_rule update': 1,
      'digitalocean_firewall update': 1,
    });
    for (const c of changes.filter((c) => c.action === 'update')) expect({ address: c.address, changed: c.changed }).toEqual({ address: c.address, changed: [expect.stringMatching(/^(source_ranges|source_address_prefixes|inbound_rule)$/)] });
  }, 180_000);

  test('a worker added on every cloud of a narrowed cluster: the new nodes, and every API rule lets them in; no running VM changes', async () => {
    const changes = await planned(await narrowed(), { ...NARROWED, workersPerCloud: 2 });
    const machines = changes.filter((c) => MACHINES.includes(c.type));
    expect(machines.map((c) => `${c.type} ${c.action}`).sort()).toEqual(['aws_instance create', 'azurerm_linux_virtual_machine create', 'digitalocean_droplet create', 'google_compute_instance create']);
    const firewalls = changes.filter((c) => FIREWALLS.includes(c.type));
    expect(tally(firewalls)).toEqual({
      'aws_vpc_security_group_ingress_rule create': 4,
      'google_compute_firewall update': 1,
      'azurerm_network_security_rule update': 1,
      'digitalocean_firewall update': 1,
    });
    expect(changes.filter((c) => c.action === 'replace' || c.action === 'delete')).toEqual([]);
  }, 180_000);

  test('a control plane replaced: its cloud\'s workers and group take its new private address in place; other clouds\' nodes nothing', async () => {
    const base = await narrowed();
    const state = JSON.parse(fs.readFileSync(path.join(base, STATE_FILE), 'utf8'));
    const controlPlane = state.resources.find((r: any) => r.type === 'aws_instance' && r.name.includes('_prod-aws-cp-1_'));
    const changes = await planned(base, NARROWED, [`aws_instance.${controlPlane.name}`]);
    const machines = changes.filter((c) => MACHINES.includes(c.type));
    expect(machines.map((c) => `${c.type} ${c.action} ${c.action === 'replace' ? '' : c.changed.join(',')}`.trim()).sort()).toEqual([
      // The group takes the template's new version; its running instances keep theirs (no instance refresh).
      'aws_autoscaling_group update launch_template',
      'aws_instance replace',
      'aws_instance update tags,tags_all',
      'aws_launch_template update default_version,latest_version,tag_specifications',
    ]);
    expect(machines.find((c) => c.action === 'replace')!.address).toBe(`aws_instance.${controlPlane.name}`);
  }, 180_000);
});
