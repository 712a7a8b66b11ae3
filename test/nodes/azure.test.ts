import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { logicalId, synthCluster } from './node-fixture';
import { SEEDS, SEEDS_REFERENCE, synthSeeds } from './api-servers-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

describe('Azure nodes', () => {
  const c = synthCluster([Cloud.AZURE], {
    cp: { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE },
    workers: { cloud: Cloud.AZURE, role: NodeRole.WORKER, count: 2, spot: true },
  });

  test('each node: a static Standard public IP on its own NIC, the NIC in its role NSG', () => {
    const ip = logicalId(c.json, 'azurerm_public_ip', 'c1-workers-1-ip');
    expect(c.resource('azurerm_public_ip', 'c1-workers-1-ip')).toMatchObject({ allocation_method: 'Static', sku: 'Standard', zones: ['1'] });
    const nic = c.resource('azurerm_network_interface', 'c1-workers-1-nic');
    expect(nic.ip_configuration[0].public_ip_address_id).toBe(`\${azurerm_public_ip.${ip}.id}`);
    const nsg = logicalId(c.json, 'azurerm_network_security_group', 'SecurityGroup-worker');
    expect(c.resource('azurerm_network_interface_security_group_association', 'c1-workers-1-nsg').network_security_group_id).toBe(`\${azurerm_network_security_group.${nsg}.id}`);
  });

  test('VM: key-only login with a generated key, Ubuntu 24.04, custom data with its own public IP', () => {
    const vm = c.resource('azurerm_linux_virtual_machine', 'c1-workers-1_');
    expect(vm.disable_password_authentication).toBe(true);
    expect(vm.admin_password).toBeUndefined();
    expect(vm.admin_ssh_key[0].public_key).toMatch(/^\$\{tls_private_key\.[^.]+\.public_key_openssh\}$/);
    // The pinned version (test/nodes/os-image.test.ts).
    expect(vm.source_image_reference).toEqual({ publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: expect.stringMatching(/^\$\{terraform_data\.[^.]*os-image-azure[^.]*\.output\.image\}$/) });
    expect(vm.custom_data).toMatch(/^\$\{base64gzip\(local\.[\w-]+\)\}$/);
    // node.env quotes it for the shell at apply time (render-template.ts, shellSingleQuoted).
    expect(c.userData(vm.custom_data)).toContain(`CAST_PUBLIC_ADDRESS='\${replace(azurerm_public_ip.${logicalId(c.json, 'azurerm_public_ip', 'c1-workers-1-ip')}.ip_address, "'", "'\\\\''")}'`);
  });

  test('spot workers are Spot, evicted by deletion, never for price', () => {
    expect(c.resource('azurerm_linux_virtual_machine', 'c1-workers-1_')).toMatchObject({ priority: 'Spot', eviction_policy: 'Delete', max_bid_price: -1 });
    expect(c.resource('azurerm_linux_virtual_machine', 'c1-cp-1_').priority).toBe('Regular');
  });
});

describe('Azure nodes: the API seeds', () => {
  const s = synthSeeds([Cloud.AZURE], SEEDS);

  test('the VM tag cast-api-servers carries the seeds; custom data does not', () => {
    const vm = s.resource('azurerm_linux_virtual_machine');
    expect(vm.tags['cast-api-servers']).toBe(SEEDS_REFERENCE);
    expect(vm.custom_data).toBe('${base64gzip(local.user-data)}');
  });

  test('without seeds: no tag', () => {
    expect(synthSeeds([Cloud.AZURE], undefined).resource('azurerm_linux_virtual_machine').tags['cast-api-servers']).toBeUndefined();
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
