/**
 * Terraform, with the stand-in providers, on a cluster whose API ranges are narrowed: it
 * validates and converges with autoscaled groups on every cloud (workers' seeds name their
 * control planes' private addresses, and no control plane names a worker: no cycle), and
 * what the user does to it changes firewalls and the new nodes only. Narrowing the API of a
 * running cluster, or adding workers to a narrowed one, replaces or updates no VM, group or
 * template. Replacing a control plane updates its cloud's workers' seeds in place where they
 * name its private address (AWS, GCP), and nothing on Azure (the address is its interface's)
 * or DigitalOcean (workers name its reserved IP only: a DigitalOcean pool replaces its
 * droplets whenever its droplet template changes). Upgrading from the version whose seeds
 * were every control plane's public address changes the AWS, GCP and Azure workers' seeds
 * in place and no DigitalOcean droplet or pool.
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

  /** Each cloud's VM resource, and what its control plane's replacement plans for the machines (`type action changed`). */
  const REPLACED: [string, string, string[]][] = [
    // The group takes the template's new version; its running instances keep theirs (no instance refresh).
    ['aws', 'aws_instance', ['aws_autoscaling_group update launch_template', 'aws_instance replace', 'aws_instance update tags,tags_all', 'aws_launch_template update default_version,latest_version,tag_specifications']],
    // A new instance template (it cannot change) and the group's version; OPPORTUNISTIC: no VM of the group is replaced.
    ['gcp', 'google_compute_instance', ['google_compute_instance replace', 'google_compute_instance update metadata', 'google_compute_instance_group_manager update version', 'google_compute_instance_template replace']],
    // The private address belongs to the network interface, which the VM's replacement keeps.
    ['azure', 'azurerm_linux_virtual_machine', ['azurerm_linux_virtual_machine replace']],
    // Workers name the reserved IP, which stays: no droplet and no pool template changes.
    ['do', 'digitalocean_droplet', ['digitalocean_droplet replace']],
  ];

  test.each(REPLACED)('%s: a control plane replaced changes no other machine of another cloud, and on its own only the seeds that name its private address', async (cloud, type, expected) => {
    const base = await narrowed();
    const state = JSON.parse(fs.readFileSync(path.join(base, STATE_FILE), 'utf8'));
    const controlPlane = state.resources.find((r: any) => r.type === type && r.name.includes(`_prod-${cloud}-cp-1_`));
    const changes = await planned(base, NARROWED, [`${type}.${controlPlane.name}`]);
    const machines = changes.filter((c) => MACHINES.includes(c.type));
    expect(machines.map((c) => `${c.type} ${c.action} ${c.action === 'replace' ? '' : c.changed.join(',')}`.trim()).sort()).toEqual(expected);
    expect(machines.find((c) => c.type === type && c.action === 'replace')!.address).toBe(`${type}.${controlPlane.name}`);
    // GCP's template is replaced (ForceNew metadata), its group's VMs are not: the group is updated, not replaced.
    expect(machines.filter((c) => c.action === 'replace').map((c) => c.type).filter((t) => t !== type)).toEqual(cloud === 'gcp' ? ['google_compute_instance_template'] : []);
  }, 180_000);

  test('upgrading from every seed public (each worker\'s seeds local holding the control planes\' value): seeds change in place on AWS, GCP and Azure; no DigitalOcean droplet or pool changes', async () => {
    const SHAPE: ApiRuleShape = { autoscaled: true };
    const root = fs.mkdtempSync(path.join(workdir, 'previous-'));
    const app = synthesizeApp(apiRuleApp(SHAPE), root);
    asPublicSeedsOnly(path.join(app.stacks[0].dir, 'cdk.tf.json'));
    const problems = failures(await applyApp(app, env));
    if (problems) throw new Error(problems);
    const changes = await planned(root, SHAPE);
    const machines = changes.filter((c) => MACHINES.includes(c.type));
    expect(machines.map((c) => `${c.type} ${c.action} ${c.action === 'replace' ? c.replacePaths.join(',') : c.changed.join(',')}`).sort()).toEqual([
      'aws_autoscaling_group update launch_template',
      'aws_instance update tags,tags_all',
      'aws_launch_template update default_version,latest_version,tag_specifications',
      // Tags only: azurerm updates no instance for them (no updateInstances on a change of `tags`).
      'azurerm_linux_virtual_machine update tags',
      'azurerm_linux_virtual_machine_scale_set update tags',
      'google_compute_instance update metadata',
      'google_compute_instance_group_manager update version',
      'google_compute_instance_template replace metadata',
    ]);
    // What keeps each group's running VMs through these updates (the same in both stacks).
    const stack = JSON.parse(fs.readFileSync(path.join(app.stacks[0].dir, 'cdk.tf.json'), 'utf8'));
    const only = (resourceType: string) => {
      const bodies = Object.values<any>(stack.resource[resourceType]);
      expect(bodies).toHaveLength(1);
      return bodies[0];
    };
    expect(only('aws_autoscaling_group').instance_refresh).toBeUndefined();
    expect(only('google_compute_instance_group_manager').update_policy).toEqual({ type: 'OPPORTUNISTIC', minimal_action: 'REPLACE' });
    expect(only('azurerm_linux_virtual_machine_scale_set').upgrade_mode).toBe('Manual');
    expect(stack.provider.azurerm[0].features[0].virtual_machine_scale_set).toEqual([{ roll_instances_when_required: false }]);
  }, 180_000);
});

/**
 * The stack as the version before workers' private seeds wrote them: one seeds value for every
 * node, the control planes' public addresses in order. Only the seeds are rewritten; each
 * worker's seeds local takes the control planes' local's value.
 */
function asPublicSeedsOnly(file: string): void {
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  const names = Object.keys(config.locals);
  const controlPlanes = names.filter((name) => name.startsWith('prod_api-servers_'));
  const workers = names.filter((name) => name.startsWith('prod_worker-api-servers-'));
  if (controlPlanes.length !== 1 || workers.length !== 4) throw new Error(`expected one control-plane seeds local and one per cloud, got ${names.join(', ')}`);
  for (const name of workers) config.locals[name] = config.locals[controlPlanes[0]];
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}
