/**
 * Terraform, with the stand-in providers, upgrading a cluster from the version whose seeds were
 * every control plane's public address: the AWS, GCP and Azure workers' seeds change in place
 * (tags, metadata, a new template or template version the groups take without touching their
 * running VMs), and no DigitalOcean droplet or pool changes. Narrowing the API of a running
 * cluster is a lifecycle scenario (test/terraform/lifecycle: no VM, group or template changes,
 * and a reference cycle with autoscaled groups would stop its plan).
 */
import * as fs from 'fs';
import * as path from 'path';
import { applyApp, failures, planChanges, type ResourceChange } from '../terraform/harness';
import { useStandInTerraform } from '../terraform/stand-in/use-stand-ins';
import { synthesizeApp } from '../terraform/synthesized-app';
import { describeWithTerraform } from '../terraform/terraform-cli';
import { API_RULE_STACK, apiRuleApp, ApiRuleShape } from './api-rule-app';

/** What stands for VMs: a node, a group, or the template a group starts its VMs from. */
const MACHINES = [
  'aws_instance', 'aws_launch_template', 'aws_autoscaling_group',
  'google_compute_instance', 'google_compute_instance_template', 'google_compute_instance_group_manager',
  'azurerm_linux_virtual_machine', 'azurerm_linux_virtual_machine_scale_set',
  'digitalocean_droplet', 'digitalocean_droplet_autoscale',
];
const STATE_FILE = `terraform.${API_RULE_STACK}.tfstate`;

describeWithTerraform('the API rule and the seeds, as terraform plans them', () => {
  const terraform = useStandInTerraform('cast-api-rule-');

  async function planned(base: string, shape: ApiRuleShape, replace: readonly string[] = []): Promise<ResourceChange[]> {
    const root = fs.mkdtempSync(path.join(terraform.workdir, 'after-'));
    fs.copyFileSync(path.join(base, STATE_FILE), path.join(root, STATE_FILE));
    return planChanges(synthesizeApp(apiRuleApp(shape), root).stacks[0], terraform.env, replace);
  }

  test('upgrading from every seed public (each worker\'s seeds local holding the control planes\' value): seeds change in place on AWS, GCP and Azure; no DigitalOcean droplet or pool changes', async () => {
    const SHAPE: ApiRuleShape = { autoscaled: true };
    const root = fs.mkdtempSync(path.join(terraform.workdir, 'previous-'));
    const app = synthesizeApp(apiRuleApp(SHAPE), root);
    asPublicSeedsOnly(path.join(app.stacks[0].dir, 'cdk.tf.json'));
    const problems = failures(await applyApp(app, terraform.env));
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
