/**
 * The grant cast-node-gc's Azure inventory reads with (lib/keys/azure.ts): Reader on the cluster's
 * resource group for the control planes' key identity, one role assignment, nothing wider; and the
 * control planes do not wait for it (the inventory answers 'unknown' until it has spread).
 */
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { CONTROL_PLANE_INVENTORY_ROLE } from '../../lib/keys/azure';
import { logicalId, synthCluster } from '../nodes/node-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

describe('Azure inventory grant', () => {
  const c = synthCluster([Cloud.AZURE], {
    cp: { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, count: 2 },
    pool: { cloud: Cloud.AZURE, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } },
  });
  const identity = logicalId(c.json, 'azurerm_user_assigned_identity', 'control-plane-keys-azure_identity_');
  const principal = `\${azurerm_user_assigned_identity.${identity}.principal_id}`;

  test('Reader on the resource group that holds every VM and scale set of the cluster, for the key identity alone', () => {
    // The key store's own client config (the autoscaler has another): the subscription the provider works in.
    const client = Object.keys(c.json.data?.azurerm_client_config ?? {}).filter((id) => id.includes('control-plane-keys'));
    expect(client).toHaveLength(1);
    const grant = c.resource('azurerm_role_assignment', 'inventory-reader');
    expect(grant).toEqual({
      provider: 'azurerm.c1_azure',
      scope: `/subscriptions/\${data.azurerm_client_config.${client[0]}.subscription_id}/resourceGroups/\${azurerm_resource_group.${logicalId(c.json, 'azurerm_resource_group', 'c1_azure')}.name}`,
      role_definition_name: 'Reader',
      principal_id: principal,
      principal_type: 'ServicePrincipal',
    });
    expect(CONTROL_PLANE_INVENTORY_ROLE).toBe('Reader');
    // Every VM and scale set is in that group: the group is what the grant's scope names.
    const group = grant.scope.split('/resourceGroups/')[1];
    for (const vm of Object.values(c.resources('azurerm_linux_virtual_machine'))) expect(vm.resource_group_name).toBe(group);
    for (const set of Object.values(c.resources('azurerm_linux_virtual_machine_scale_set'))) expect(set.resource_group_name).toBe(group);
  });

  test('no other role assignment names the key identity, and none at a wider scope than a resource group', () => {
    const assignments = Object.entries(c.resources('azurerm_role_assignment'));
    expect(assignments.filter(([, a]) => a.principal_id === principal).map(([id]) => id)).toEqual([logicalId(c.json, 'azurerm_role_assignment', 'inventory-reader')]);
    for (const [, a] of assignments) expect(a.scope).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/);
  });

  test('control planes are created without waiting for the grant', () => {
    const grant = `azurerm_role_assignment.${logicalId(c.json, 'azurerm_role_assignment', 'inventory-reader')}`;
    for (const name of ['c1-cp-1_', 'c1-cp-2_']) expect(c.resource('azurerm_linux_virtual_machine', name).depends_on ?? []).not.toContain(grant);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });

  test('no Azure control plane: no inventory grant', () => {
    const other = synthCluster([Cloud.AWS, Cloud.AZURE], {
      cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
      workers: { cloud: Cloud.AZURE, role: NodeRole.WORKER },
    });
    expect(other.json.resource.azurerm_role_assignment).toBeUndefined();
  });
});
