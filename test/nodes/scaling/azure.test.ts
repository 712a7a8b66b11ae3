import { Cloud } from '../../../lib/core/cloud';
import { MAX_CLUSTER_NAME_LENGTH } from '../../../lib/core/cluster-identity';
import { AZURE_AUTOSCALER_ACTIONS, computerNamePrefix, encodeTagKey, scaleSetTags } from '../../../lib/nodes/scaling/azure';
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
    // The name as written, not a reference: the first control plane's user-data names it, and the group names that control plane (its seeds).
    expect(s.attachments[0].autoscalerRef).toBe('c1-pool');
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
  const client = Object.keys(s.json.data.azurerm_client_config);
  const identity = s.logicalId('azurerm_user_assigned_identity');
  const resourceGroupId = `/subscriptions/\${data.azurerm_client_config.${client[0]}.subscription_id}/resourceGroups/c1`;
  const role = s.resource('azurerm_role_definition');

  /**
   * What cluster-autoscaler's Azure provider (vmType vmss, Uniform scale sets) calls, releases
   * v1.31.3 to v1.35.2, as RBAC actions: written out here so that a change to the role is a change
   * to this list too (the sources are in AZURE_AUTOSCALER_ACTIONS' comment).
   */
  const DOCUMENTED = [
    'Microsoft.Compute/virtualMachineScaleSets/read', // List in the group (cache refresh), Get (current size)
    'Microsoft.Compute/virtualMachineScaleSets/write', // PUT with the new capacity (scale up)
    'Microsoft.Compute/virtualMachineScaleSets/delete/action', // DeleteInstances (scale down)
    'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read', // the scale set's instances and their instance view
    'Microsoft.Compute/virtualMachines/read', // List of the group's VMs (cache refresh)
    'Microsoft.Network/virtualNetworks/subnets/join/action', // linked check: new instances join the subnet
    'Microsoft.Network/networkSecurityGroups/join/action', // linked check: new instances' NICs join the worker NSG
  ];

  /**
   * Actions that run code as root on a VM or a scale set's instance, or widen what the identity may
   * do: none may be granted, not even through a wildcard.
   */
  const DANGEROUS = [
    'Microsoft.Compute/virtualMachines/runCommand/action',
    'Microsoft.Compute/virtualMachines/runCommands/write',
    'Microsoft.Compute/virtualMachines/extensions/write',
    'Microsoft.Compute/virtualMachines/write',
    'Microsoft.Compute/virtualMachines/login/action',
    'Microsoft.Compute/virtualMachines/loginAsAdmin/action',
    'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action',
    'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands/write',
    'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/write',
    'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/extensions/write',
    'Microsoft.Compute/virtualMachineScaleSets/extensions/write',
    'Microsoft.Compute/virtualMachineScaleSets/manualUpgrade/action',
    'Microsoft.Compute/virtualMachineScaleSets/reimage/action',
    'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/reimage/action',
    'Microsoft.Compute/disks/beginGetAccess/action',
    'Microsoft.Authorization/roleAssignments/write',
    'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
    'Microsoft.KeyVault/vaults/write',
    'Microsoft.Network/networkSecurityGroups/securityRules/write',
  ];

  /** Azure's action matching: case-insensitive, `*` for any characters. */
  const grants = (pattern: string, action: string) =>
    new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.?+^$()[\]{}|/\\]/g, '\\$&')).join('.*')}$`, 'i').test(action);

  test('one custom role with exactly the actions the autoscaler calls, and nothing in the other lists', () => {
    expect(AZURE_AUTOSCALER_ACTIONS).toEqual(DOCUMENTED);
    expect(role.permissions).toEqual([{ actions: DOCUMENTED }]);
    expect(Object.keys(s.resources('azurerm_role_definition'))).toHaveLength(1);
  });

  test.each(DANGEROUS)('%s is not granted', (action) => {
    expect(DOCUMENTED.filter((pattern) => grants(pattern, action))).toEqual([]);
  });

  test('the matcher sees through wildcards (what Virtual Machine Contributor, the role this replaces, granted)', () => {
    expect(grants('Microsoft.Compute/virtualMachines/*', 'Microsoft.Compute/virtualMachines/runCommand/action')).toBe(true);
    expect(grants('Microsoft.Compute/virtualMachineScaleSets/*', 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action')).toBe(true);
    expect(grants('Microsoft.Compute/virtualMachineScaleSets/read', 'Microsoft.Compute/virtualMachineScaleSets/write')).toBe(false);
  });

  test('defined, assignable and assigned on the cluster\'s resource group only, to the autoscaler\'s identity', () => {
    expect(role).toMatchObject({ scope: resourceGroupId, assignable_scopes: [resourceGroupId] });
    expect(s.resource('azurerm_role_assignment')).toEqual({
      scope: resourceGroupId,
      role_definition_id: `\${azurerm_role_definition.${s.logicalId('azurerm_role_definition')}.role_definition_resource_id}`,
      principal_id: `\${azurerm_user_assigned_identity.${identity}.principal_id}`,
      principal_type: 'ServicePrincipal',
    });
    expect(Object.keys(s.resources('azurerm_role_assignment'))).toHaveLength(1);
  });

  test('the role\'s name is unique in the tenant: it names the resource group and the subscription', () => {
    expect(role.name).toBe(`c1-autoscaler c1 \${data.azurerm_client_config.${client[0]}.subscription_id}`);
    // Within Azure's 128 characters for the longest cluster name (its resource group has the same name) and a subscription id.
    const longest = `${'a'.repeat(MAX_CLUSTER_NAME_LENGTH)}-autoscaler ${'a'.repeat(MAX_CLUSTER_NAME_LENGTH)} ${'0'.repeat(36)}`;
    expect(longest.length).toBeLessThanOrEqual(128);
  });

  test('a user-assigned identity in the cluster resource group; the control planes get its ids', () => {
    expect(client).toHaveLength(1);
    expect(s.json.data.azurerm_resource_group).toBeUndefined();
    expect(s.resource('azurerm_user_assigned_identity')).toMatchObject({ name: 'c1-autoscaler', resource_group_name: 'c1', location: 'eastus' });
    expect(s.identity).toEqual({
      azureIdentityId: `\${azurerm_user_assigned_identity.${identity}.id}`,
      azureClientId: `\${azurerm_user_assigned_identity.${identity}.client_id}`,
      azureSubscriptionId: `\${data.azurerm_client_config.${client[0]}.subscription_id}`,
    });
  });

  test('the grant conforms to the provider schemas (azurerm 4.54.0)', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
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
