import { Cloud } from '../../../lib/core/cloud';
import { computerNamePrefix, encodeTagKey, scaleSetTags } from '../../../lib/nodes/scaling/azure';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../../support/schema-conformance';
import { CLUSTER, LABELS, literalSecrets, resourcesWithoutClusterLabels, scalingSpec, synthScaling } from './scaling-fixture';
import { SEEDS } from '../api-servers-fixture';

describe('Azure scaling group', () => {
  const s = synthScaling(Cloud.AZURE, [{}, { name: 'c1-ondemand', spot: false, minNodes: 0, maxNodes: 3, nodeLabels: {}, nodeTaints: [] }]);
  const vmss = (fragment: string) => s.resource('azurerm_linux_virtual_machine_scale_set', fragment);

  test('the synthesized stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });

  test('a scale set per group in the zone, starting at min, the count left to the autoscaler', () => {
    expect(vmss('c1-pool')).toMatchObject({
      name: 'c1-pool', computer_name_prefix: 'c1-pool', resource_group_name: 'c1', location: 'eastus', zones: ['1'],
      sku: 'Standard_D2s_v5', instances: 1, upgrade_mode: 'Manual', overprovision: false,
    });
    expect(vmss('c1-pool').lifecycle).toEqual({ ignore_changes: ['instances'] });
    expect(vmss('c1-ondemand').instances).toBe(0);
    expect(s.attachments[0].autoscalerRef).toBe(s.attachments[0].groupName);
  });

  test('key-only login with the generated key, Ubuntu image, StandardSSD disk, base64 custom data from the local', () => {
    const set = vmss('c1-pool');
    expect(set.disable_password_authentication).toBe(true);
    expect(set.admin_password).toBeUndefined();
    expect(set.admin_ssh_key).toEqual([{ username: 'cast', public_key: `\${tls_private_key.${Object.keys(s.json.resource.tls_private_key)[0]}.public_key_openssh}` }]);
    expect(set.source_image_reference).toEqual({ publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' });
    expect(set.os_disk).toEqual({ caching: 'ReadWrite', storage_account_type: 'StandardSSD_LRS', disk_size_gb: 60 });
    expect(set.custom_data).toMatch(/^\$\{base64gzip\(local\.[\w-]+\)\}$/);
  });

  test('the NIC forwards IP, sits in the worker NSG and gives each instance a public IP', () => {
    expect(vmss('c1-pool').network_interface).toEqual([{
      name: 'primary',
      primary: true,
      enable_ip_forwarding: true,
      network_security_group_id: '/subscriptions/s/resourceGroups/c1/providers/Microsoft.Network/networkSecurityGroups/c1-worker',
      ip_configuration: [{ name: 'primary', primary: true, subnet_id: '/subscriptions/s/resourceGroups/c1/providers/Microsoft.Network/virtualNetworks/c1/subnets/nodes', public_ip_address: [{ name: 'public' }] }],
    }]);
  });

  test('spot groups are Spot, evicted by deletion, never for price; on-demand groups Regular', () => {
    expect(vmss('c1-pool')).toMatchObject({ priority: 'Spot', eviction_policy: 'Delete', max_bid_price: -1 });
    expect(vmss('c1-ondemand').priority).toBe('Regular');
    expect(vmss('c1-ondemand').eviction_policy).toBeUndefined();
  });

  test('tags: cluster labels, the discovery labels and the node template in the autoscaler\'s encoding', () => {
    expect(vmss('c1-pool').tags).toEqual({
      'cast-cluster-name': CLUSTER,
      'cast-cluster-uuid': LABELS.uuid,
      'cast-node-role': 'worker',
      'cluster-autoscaler-enabled': 'true',
      'cluster-autoscaler-name': CLUSTER,
      'k8s.io_cluster-autoscaler_node-template_label_cast-cluster_cloud': 'azure',
      'k8s.io_cluster-autoscaler_node-template_label_node~2pool': 'pool',
      'k8s.io_cluster-autoscaler_node-template_taint_dedicated': 'batch:NoSchedule',
      'team': 'infra',
    });
    expect(Object.keys(vmss('c1-ondemand').tags).filter((k) => k.includes('node-template'))).toEqual([]);
  });

  test('cluster labels on every taggable resource, no literal secret', () => {
    expect(resourcesWithoutClusterLabels(s.json)).toEqual([]);
    expect(literalSecrets(s.text)).toEqual([]);
  });

  test.each([
    ['node.kubernetes.io/pool', 'node.kubernetes.io_pool'],
    ['team_a/x', 'team~2a_x'],
    ['plain', 'plain'],
  ])('label key %s is written %s (the autoscaler reads "_" as "/" and "~2" as "_")', (key, encoded) => {
    expect(encodeTagKey(key)).toBe(encoded);
    expect(encoded.replace(/_/g, '/').replace(/~2/g, '_')).toBe(key);
  });

  test('computer name prefix: the name, at most 58 characters, never ending in "-"', () => {
    expect(computerNamePrefix('c1-pool')).toBe('c1-pool');
    expect(computerNamePrefix(`${'a'.repeat(57)}-b`)).toBe('a'.repeat(57));
    expect(computerNamePrefix('x'.repeat(70))).toHaveLength(58);
  });
});

describe('Azure autoscaler grant', () => {
  const s = synthScaling(Cloud.AZURE);

  test('a user-assigned identity in the cluster resource group, Virtual Machine Contributor on that group', () => {
    const identity = s.logicalId('azurerm_user_assigned_identity');
    const client = Object.keys(s.json.data.azurerm_client_config);
    expect(client).toHaveLength(1);
    expect(s.json.data.azurerm_resource_group).toBeUndefined();
    expect(s.resource('azurerm_user_assigned_identity')).toMatchObject({ name: 'c1-autoscaler', resource_group_name: 'c1', location: 'eastus' });
    expect(s.resource('azurerm_role_assignment')).toEqual({
      scope: `/subscriptions/\${data.azurerm_client_config.${client[0]}.subscription_id}/resourceGroups/c1`,
      role_definition_name: 'Virtual Machine Contributor',
      principal_id: `\${azurerm_user_assigned_identity.${identity}.principal_id}`,
      principal_type: 'ServicePrincipal',
    });
    expect(s.identity).toEqual({
      azureIdentityId: `\${azurerm_user_assigned_identity.${identity}.id}`,
      azureClientId: `\${azurerm_user_assigned_identity.${identity}.client_id}`,
      azureSubscriptionId: `\${data.azurerm_client_config.${client[0]}.subscription_id}`,
    });
  });
});

describe('Azure scaling group: the API seeds', () => {
  const s = synthScaling(Cloud.AZURE, [{ apiServers: SEEDS }]);

  test('the scale set\'s tag cast-api-servers carries the seeds (its instances see the scale set\'s tags in IMDS); custom data does not', () => {
    const vmss = s.resource('azurerm_linux_virtual_machine_scale_set');
    expect(vmss.tags['cast-api-servers']).toBe(SEEDS);
    expect(vmss.custom_data).toBe('${base64gzip(local.pool-user-data)}');
  });

  test('without seeds: no tag', () => {
    expect(synthScaling(Cloud.AZURE).resource('azurerm_linux_virtual_machine_scale_set').tags['cast-api-servers']).toBeUndefined();
    expect(Object.keys(scaleSetTags(scalingSpec(Cloud.AZURE, 'user-data', undefined)))).not.toContain('cast-api-servers');
    expect(scaleSetTags(scalingSpec(Cloud.AZURE, 'user-data', undefined, { apiServers: SEEDS }))['cast-api-servers']).toBe(SEEDS);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
