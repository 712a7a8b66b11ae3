/**
 * Running nodes keep the user data they were created with (docs/decisions/0004, extended to
 * workers in 0006): their VM's user-data attribute is in ignore_changes on the clouds where a
 * change to it restarts (AWS) or replaces (Azure, DigitalOcean) the VM, for control planes and
 * workers alike; GCP's (changed in place, no restart) never is. The Terraform harness measures
 * what that does to a plan (test/terraform/lifecycle); this pins the attribute each cloud ignores.
 */
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { synthCluster } from './node-fixture';

const VMS: [Cloud, string, string][] = [
  [Cloud.AWS, 'aws_instance', 'user_data_base64'],
  [Cloud.AZURE, 'azurerm_linux_virtual_machine', 'custom_data'],
  [Cloud.DIGITALOCEAN, 'digitalocean_droplet', 'user_data'],
  [Cloud.GCP, 'google_compute_instance', 'metadata'],
];

describe.each(VMS)('on %s', (cloud, type, attribute) => {
  const c = synthCluster([cloud], { cp: { cloud, role: NodeRole.CONTROL_PLANE }, workers: { cloud, role: NodeRole.WORKER } });
  const ignored = (name: string) => (c.resource(type, name).lifecycle?.ignore_changes ?? []) as string[];

  test.each(['c1-cp-1', 'c1-workers-1'])(`%s: its ${attribute} is ${cloud === Cloud.GCP ? 'applied in place (not ignored)' : 'ignored once the VM runs'}`, (name) => {
    expect(ignored(name).includes(attribute)).toBe(cloud !== Cloud.GCP);
    // The attribute still carries the current user data for a VM created from now on.
    expect(JSON.stringify(c.resource(type, name))).toContain(`${name}-user-data`);
  });
});
