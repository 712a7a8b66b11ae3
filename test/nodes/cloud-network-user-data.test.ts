/**
 * What the nodes of the single-cloud examples (cloud-network mode, no WireGuard) receive
 * once Terraform has filled in the references: their mesh address is their private
 * address, an attribute of their own VM, so the document leaves it to the node
 * (node-private-address.sh and the `@CAST_MESH_ADDRESS@` placeholder) instead of
 * referencing the VM it is the user-data of.
 */
import { USER_DATA_LIMITS, userDataSize } from '../../lib/core/bootstrap/user-data-limits';
import { parse } from 'yaml';
import { Cloud } from '../../lib/core/cloud';
import { synthExampleStacks } from '../support/example-stacks';
import { unpackNodeFiles } from '../core/bootstrap/user-data-files';
import { interpolate } from './terraform-interpolation';

const EXAMPLES: readonly [string, Cloud][] = [
  ['aws', Cloud.AWS],
  ['gcp', Cloud.GCP],
  ['azure', Cloud.AZURE],
  ['digitalocean', Cloud.DIGITALOCEAN],
];

const documents = EXAMPLES.flatMap(([example, cloud]) => {
  const [stack] = synthExampleStacks(example);
  return Object.entries(stack.config.locals as Record<string, string>)
    .filter(([name]) => /-user-data_[0-9A-F]{8}$/.test(name))
    .map(([name, template]) => ({ example, cloud, name, template, final: interpolate(template) }));
});
// On GCP and DigitalOcean the scripts come in the node-files archive, which runcmd unpacks first.
const fileOf = (document: string, path: string) => (unpackNodeFiles(parse(document)).write_files as { path: string; content: string }[]).find((f) => f.path === path)?.content;

describe('cloud-network nodes find their private address at boot', () => {
  test('three nodes per single-cloud example', () => {
    expect(EXAMPLES.map(([example]) => documents.filter((d) => d.example === example).length)).toEqual([3, 3, 3, 3]);
  });

  test.each(documents.map((d) => [d.name, d] as const))('%s', (_name, d) => {
    // Only the public address of a node is a reference in its document (EIP, static address, public IP, reserved IP).
    expect(d.template).not.toMatch(/\$\{(aws_instance|google_compute_instance|azurerm_linux_virtual_machine|azurerm_network_interface|digitalocean_droplet)\./);
    expect(fileOf(d.final, '/etc/cast/node.env')).toContain("CAST_MESH_ADDRESS=''\n");
    expect(fileOf(d.final, '/opt/cast/bin/node-private-address.sh')).toBeDefined();
    expect(fileOf(d.final, '/etc/cast/kubeadm.yaml')).toContain("'@CAST_MESH_ADDRESS@'");
    const apiserverCert = fileOf(d.final, '/etc/cast/apiserver-cert.yaml');
    if (apiserverCert !== undefined) expect(apiserverCert).toContain("advertiseAddress: '@CAST_MESH_ADDRESS@'");
    expect(userDataSize(d.cloud, d.final)).toBeLessThan(USER_DATA_LIMITS[d.cloud].bytes);
  });
});
