/**
 * Running nodes keep the user data and the image they were created with (docs/decisions/0004,
 * extended to workers in 0006 and to GCP and images in 0009): on every cloud their VM's user-data
 * attribute and image attribute are in ignore_changes, for control planes and workers alike (GCP:
 * the metadata key `user-data` only, so `cast-api-servers` beside it still changes in place). A
 * node's replacement stamp (NodeGroupOptions.replacements) is the one thing that replaces its VM on
 * purpose. The Terraform harness measures what this does to plans (test/terraform/lifecycle); this
 * pins the attributes each cloud keeps and the stamp's wiring.
 */
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { synthCluster } from './node-fixture';

const VMS: Record<Cloud, { type: string; kept: string[] }> = {
  [Cloud.AWS]: { type: 'aws_instance', kept: ['user_data_base64', 'ami'] },
  [Cloud.GCP]: { type: 'google_compute_instance', kept: ['metadata["user-data"]', 'boot_disk[0].initialize_params[0].image'] },
  [Cloud.AZURE]: { type: 'azurerm_linux_virtual_machine', kept: ['custom_data', 'source_image_reference'] },
  [Cloud.DIGITALOCEAN]: { type: 'digitalocean_droplet', kept: ['user_data', 'image'] },
};

describe.each(ALL_CLOUDS)('on %s', (cloud) => {
  const { type, kept } = VMS[cloud];
  const c = synthCluster([cloud], {
    cp: { cloud, role: NodeRole.CONTROL_PLANE },
    workers: { cloud, role: NodeRole.WORKER, count: 2, replacements: { 'c1-workers-2': 'roll-1' } },
  });
  const vm = (name: string) => c.resource(type, `${name}`);

  test.each(['c1-cp-1', 'c1-workers-1'])('%s keeps its user data and its image once it runs', (name) => {
    expect(vm(name).lifecycle.ignore_changes).toEqual(expect.arrayContaining(kept));
    // The attributes still carry the current user data and image for a VM created from now on.
    expect(JSON.stringify(vm(name))).toContain(`${name}-user-data`);
    expect(JSON.stringify(vm(name))).toContain('os-image-');
  });

  test('every static node has its replacement stamp, which its VM is replaced by, and no other', () => {
    for (const name of ['c1-cp-1', 'c1-workers-1', 'c1-workers-2']) {
      const stamps = Object.keys(c.resources('terraform_data')).filter((id) => id.includes(`${name}-replacement`));
      expect(stamps).toHaveLength(1);
      // The bare address: Terraform's JSON syntax takes no "${…}" there.
      expect(vm(name).lifecycle.replace_triggered_by).toEqual([`terraform_data.${stamps[0]}`]);
    }
    // The stamp is its input; a node without one has an empty input, so setting one is a change.
    expect(c.resource('terraform_data', 'c1-workers-2-replacement').input).toEqual({ stamp: 'roll-1' });
    expect(c.resource('terraform_data', 'c1-workers-1-replacement').input).toEqual({});
  });
});

describe('replacements: bad input', () => {
  test('a stamp for a node the group does not have', () => {
    expect(() => synthCluster([Cloud.AWS], { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, replacements: { 'c1-cp-2': 'x' } } })).toThrow(
      'test/c1/cp: replacements must name nodes of this group (got "c1-cp-2"; the group has c1-cp-1). Fix the node name.',
    );
  });

  test('stamps on an autoscaled group', () => {
    expect(() => synthCluster([Cloud.GCP], {
      cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
      scaled: { cloud: Cloud.GCP, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 }, replacements: { x: 'y' } },
    })).toThrow("test/c1/scaled: replacements must be left out of an autoscaled group (got a map): the cloud names and replaces its nodes. Remove replacements; the group's new nodes boot from its current template.");
  });
});
