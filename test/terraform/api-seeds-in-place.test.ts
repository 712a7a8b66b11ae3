/**
 * Terraform plans a change of the API seeds with the stand-in providers: one static node
 * and one autoscaled group per cloud (test/nodes/api-servers-fixture.ts), applied with
 * one seed list, planned with another. Every VM is updated in place, never replaced or
 * restarted by its user-data; only GCP's instance template, which cannot change, is
 * replaced, and its group takes it in place (it keeps its VMs: OPPORTUNISTIC). A
 * DigitalOcean pool is not changed at all: it keeps the droplet template it was created
 * with (lib/nodes/scaling/digitalocean.ts, KEEP_DROPLET_TEMPLATE). The same for the first
 * seed list, the upgrade that wires them in. Any change of what a node's seeds hold takes
 * this one way (its tags, metadata key or droplet tags), whichever of the cluster's seeds
 * locals it comes from: the control planes' own, or its cloud's workers' (private addresses
 * first), so an upgrade from a version whose workers had every control plane's public
 * address is such a change too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { seedsApp, SEEDS } from '../nodes/api-servers-fixture';
import { applyApp, failures, planChanges, type ResourceChange } from './harness';
import { useStandInTerraform } from './stand-in/use-stand-ins';
import { synthesizeApp } from './synthesized-app';
import { describeWithTerraform } from './terraform-cli';

/** A fourth control plane joins, the second leaves. */
const AFTER = '203.0.113.10 192.0.2.30 198.51.100.44';
const STATE_FILE = 'terraform.seeds.tfstate';

/** What each kind of resource the seeds reach does: every VM and group in place, GCP's template anew; no DigitalOcean pool. */
const EXPECTED: Record<string, ResourceChange['action']> = {
  aws_autoscaling_group: 'update',
  aws_instance: 'update',
  aws_launch_template: 'update',
  azurerm_linux_virtual_machine: 'update',
  azurerm_linux_virtual_machine_scale_set: 'update',
  digitalocean_droplet: 'update',
  google_compute_instance: 'update',
  google_compute_instance_group_manager: 'update',
  google_compute_instance_template: 'replace',
};

describeWithTerraform('the API seeds change in place, as terraform plans it', () => {
  const terraform = useStandInTerraform('cast-seeds-');

  /** The app with `seeds` (undefined: none) applied in a folder of its own. */
  async function applied(seeds: string | undefined): Promise<string> {
    const root = fs.mkdtempSync(path.join(terraform.workdir, 'before-'));
    const problems = failures(await applyApp(synthesizeApp(seedsApp(seeds), root), terraform.env));
    if (problems) throw new Error(problems);
    return root;
  }

  /** The plan of the app with `seeds` against the state applied in `base`. */
  async function planned(base: string, seeds: string): Promise<ResourceChange[]> {
    const root = fs.mkdtempSync(path.join(terraform.workdir, 'after-'));
    fs.copyFileSync(path.join(base, STATE_FILE), path.join(root, STATE_FILE));
    return planChanges(synthesizeApp(seedsApp(seeds), root).stacks[0], terraform.env);
  }

  const actions = (changes: readonly ResourceChange[]) => Object.fromEntries(changes.map((c) => [c.type, c.action]));
  const change = (changes: readonly ResourceChange[], type: string) => changes.find((c) => c.type === type)!;

  test('a new seed list: every VM and group in place, their user data untouched; GCP\'s template anew', async () => {
    const changes = await planned(await applied(SEEDS), AFTER);
    expect(actions(changes)).toEqual(EXPECTED);
    expect(changes.filter((c) => c.action === 'replace').map((c) => `${c.type} ${c.replacePaths.join(',')}`)).toEqual(['google_compute_instance_template metadata']);
    for (const c of changes) expect(c.changed.filter((name) => /user_data|custom_data/.test(name))).toEqual([]);
    // What each channel holds after the apply, as terraform computed it.
    expect(change(changes, 'aws_instance').after?.tags).toMatchObject({ 'cast-api-servers': AFTER });
    expect((change(changes, 'aws_launch_template').after?.tag_specifications as any[])[0].tags).toMatchObject({ 'cast-api-servers': AFTER });
    expect(change(changes, 'google_compute_instance').after?.metadata).toMatchObject({ 'cast-api-servers': AFTER });
    expect(change(changes, 'azurerm_linux_virtual_machine').after?.tags).toMatchObject({ 'cast-api-servers': AFTER });
    expect(change(changes, 'azurerm_linux_virtual_machine_scale_set').after?.tags).toMatchObject({ 'cast-api-servers': AFTER });
    const seedTags = ['cast-api:0:203-0-113-10', 'cast-api:1:192-0-2-30', 'cast-api:2:198-51-100-44'];
    expect((change(changes, 'digitalocean_droplet').after?.tags as string[]).filter((t) => t.startsWith('cast-api:')).sort()).toEqual(seedTags);
    expect((change(changes, 'digitalocean_droplet').before?.tags as string[]).filter((t) => t.startsWith('cast-api:')).sort()).toEqual(['cast-api:0:203-0-113-10', 'cast-api:1:198-51-100-20', 'cast-api:2:192-0-2-30']);
    // The pool keeps the seeds it was created with: no change to it is planned (EXPECTED).
  }, 180_000);

  test('the first seed list (the upgrade that wires them in): the same, and AWS allows tags in IMDS in place', async () => {
    const changes = await planned(await applied(undefined), SEEDS);
    expect(actions(changes)).toEqual(EXPECTED);
    expect((change(changes, 'aws_instance').after?.metadata_options as any[])[0]).toMatchObject({ instance_metadata_tags: 'enabled', http_tokens: 'required' });
    expect(change(changes, 'google_compute_instance_group_manager').after?.update_policy).toEqual([expect.objectContaining({ type: 'OPPORTUNISTIC' })]);
  }, 180_000);
});
