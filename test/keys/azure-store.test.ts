/**
 * The Azure key store as synthesized (lib/keys/azure.ts, lib/nodes/azure.ts): one vault with one
 * secret that holds the bundle, an identity on the control planes that may only read it, and
 * control-plane custom data that names the store instead of carrying keys. (The join token's own
 * vault and the workers' identity: azure-join-token.test.ts.)
 */
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { CONTROL_PLANE_SECRET_PERMISSIONS, DEPLOYER_SECRET_PERMISSIONS, KEY_VAULT_SECRET_NAME } from '../../lib/keys/azure';
import { logicalId, synthCluster, SynthesizedCluster } from '../nodes/node-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

/** A reference as node.env holds it: quoted for the shell at apply time (render-template.ts, shellSingleQuoted). */
const shellQuoted = (reference: string): string => `\${replace(${reference.slice(2, -1)}, "'", "'\\\\''")}`;

const ref = (c: SynthesizedCluster, type: string, fragment: string, attribute: string) => `\${${type}.${logicalId(c.json, type, fragment)}.${attribute}}`;
// The key store's own identity and vault (its scope also holds the join token's vault and the workers' identity).
const IDENTITY = 'control-plane-keys-azure_identity_';
const VAULT = 'control-plane-keys-azure_vault_';
const VAULT_NAME = 'control-plane-keys-azure_vault-name_';

describe('Azure key store', () => {
  const c = synthCluster([Cloud.AZURE], {
    cp: { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, count: 2 },
    workers: { cloud: Cloud.AZURE, role: NodeRole.WORKER, count: 1 },
  });
  const identity = ref(c, 'azurerm_user_assigned_identity', IDENTITY, 'id');

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });

  test('the key identity in the cluster resource group and region, its vault, one secret holding the bundle expression', () => {
    // Two: this one, and the workers' (azure-join-token.test.ts).
    expect(Object.keys(c.resources('azurerm_user_assigned_identity'))).toHaveLength(2);
    expect(c.resource('azurerm_user_assigned_identity', IDENTITY)).toMatchObject({ name: 'c1-control-plane-keys', location: 'eastus' });
    expect(c.resource('azurerm_user_assigned_identity', IDENTITY).resource_group_name).toMatch(/^\$\{azurerm_resource_group\.[^.]+\.name\}$/);
    // Two: this one, and the join token's (azure-join-token.test.ts).
    expect(Object.keys(c.resources('azurerm_key_vault'))).toHaveLength(2);
    const secret = c.resource('azurerm_key_vault_secret', 'control-plane-keys');
    expect(secret).toMatchObject({ name: KEY_VAULT_SECRET_NAME, content_type: 'application/json', key_vault_id: ref(c, 'azurerm_key_vault', VAULT, 'id') });
    // A Terraform expression over the credentials' state: the keys are never literals in the JSON.
    expect(secret.value).toMatch(/^\$\{jsonencode\(\{"schema" = "cast-control-plane-keys\/v1", "files" = \{"ca\.key" = base64encode\(tls_private_key\./);
  });

  test('the vault: a name from a random_id in state (cast + 16 hex), standard, access policies, shortest soft-delete retention, no purge protection', () => {
    const vault = c.resource('azurerm_key_vault', VAULT);
    const id = c.resource('random_id', VAULT_NAME);
    expect(id).toMatchObject({ byte_length: 8, prefix: 'cast' });
    expect(vault.name).toBe(ref(c, 'random_id', VAULT_NAME, 'hex'));
    expect(vault).toMatchObject({
      sku_name: 'standard', rbac_authorization_enabled: false, soft_delete_retention_days: 7, purge_protection_enabled: false, public_network_access_enabled: true, location: 'eastus',
    });
    expect(vault.tenant_id).toMatch(/^\$\{data\.azurerm_client_config\.[^.]+\.tenant_id\}$/);
    expect(vault.access_policy).toBeUndefined();
    // The random_id uses the cluster's own random provider (aliased to the cluster), no second one.
    expect(id.provider).toBe('random.c1_random');
    expect((c.json.provider.random as Array<{ alias?: string }>).map((p) => p.alias)).toEqual(['c1_random']);
  });

  test("the identity's grant: Get on this vault's secrets, nothing on keys, certificates or storage", () => {
    const policies = Object.values(c.resources('azurerm_key_vault_access_policy'));
    const reader = policies.filter((p) => p.object_id === ref(c, 'azurerm_user_assigned_identity', IDENTITY, 'principal_id') && p.key_vault_id === ref(c, 'azurerm_key_vault', VAULT, 'id'));
    expect(reader).toEqual([{
      provider: 'azurerm.c1_azure',
      key_vault_id: ref(c, 'azurerm_key_vault', VAULT, 'id'),
      tenant_id: ref(c, 'azurerm_user_assigned_identity', IDENTITY, 'tenant_id'),
      object_id: ref(c, 'azurerm_user_assigned_identity', IDENTITY, 'principal_id'),
      secret_permissions: CONTROL_PLANE_SECRET_PERMISSIONS,
    }]);
    expect(CONTROL_PLANE_SECRET_PERMISSIONS).toEqual(['Get']);
    // No other grant names the identity but cast-node-gc's Reader on the resource group (test/node-gc/azure-grant.test.ts).
    expect(Object.values(c.resources('azurerm_role_assignment') ?? {}).filter((r) => JSON.stringify(r).includes('control-plane-keys')).map((r) => r.role_definition_name)).toEqual(['Reader']);
  });

  test("Terraform's principal may write, read back, delete, purge and recover the secret, and the secret waits for that grant", () => {
    const deployer = c.resource('azurerm_key_vault_access_policy', 'deployer-access');
    expect(deployer.object_id).toMatch(/^\$\{data\.azurerm_client_config\.[^.]+\.object_id\}$/);
    expect(deployer.secret_permissions).toEqual(DEPLOYER_SECRET_PERMISSIONS);
    expect(deployer.key_permissions).toBeUndefined();
    expect(c.resource('azurerm_key_vault_secret', 'control-plane-keys').depends_on).toEqual([`azurerm_key_vault_access_policy.${logicalId(c.json, 'azurerm_key_vault_access_policy', 'deployer-access')}`]);
  });

  test('each control plane carries the key identity and is created after the secret and the grant', () => {
    for (const name of ['c1-cp-1_', 'c1-cp-2_']) {
      const vm = c.resource('azurerm_linux_virtual_machine', name);
      expect(vm.identity).toEqual([{ type: 'UserAssigned', identity_ids: [identity] }]);
      expect(vm.depends_on).toEqual(expect.arrayContaining([
        `azurerm_key_vault_secret.${logicalId(c.json, 'azurerm_key_vault_secret', 'control-plane-keys')}`,
        `azurerm_key_vault_access_policy.${logicalId(c.json, 'azurerm_key_vault_access_policy', 'control-plane-keys-azure_control-plane-access_')}`,
      ]));
    }
  });

  test("workers get the workers' identity, never the key store's", () => {
    expect(c.resource('azurerm_linux_virtual_machine', 'c1-workers-1_').identity).toEqual([{ type: 'UserAssigned', identity_ids: [ref(c, 'azurerm_user_assigned_identity', 'worker-identity', 'id')] }]);
  });

  test("a control plane's custom data names the store and holds no private key; a worker's names none", () => {
    const cp = c.userData(c.resource('azurerm_linux_virtual_machine', 'c1-cp-1_').custom_data);
    expect(cp).toContain("CAST_KEYS_STORE='azure-key-vault'");
    expect(cp).toContain(`CAST_KEYS_SECRET='${shellQuoted(ref(c, 'azurerm_key_vault_secret', 'control-plane-keys', 'versionless_id'))}'`);
    expect(cp).toContain(`CAST_KEYS_CLIENT_ID='${shellQuoted(ref(c, 'azurerm_user_assigned_identity', IDENTITY, 'client_id'))}'`);
    expect(cp).not.toMatch(/private_key_pem/);
    // cloud-init writes the CA certificate alone (bootstrap-node.sh may name ca.key: it checks for the fetched one).
    expect(cp).not.toContain('- path: /etc/kubernetes/pki/ca.key');
    expect(cp).toContain('- path: /etc/kubernetes/pki/ca.crt');
    const worker = c.userData(c.resource('azurerm_linux_virtual_machine', 'c1-workers-1_').custom_data);
    expect(worker).toContain("CAST_KEYS_STORE=''");
    expect(worker).not.toMatch(/private_key_pem/);
  });

  test('the names are the same on every synth (the vault name lives in state, not in the JSON)', () => {
    const again = synthCluster([Cloud.AZURE], {
      cp: { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, count: 2 },
      workers: { cloud: Cloud.AZURE, role: NodeRole.WORKER, count: 1 },
    });
    for (const type of ['azurerm_key_vault', 'azurerm_key_vault_secret', 'azurerm_key_vault_access_policy', 'azurerm_user_assigned_identity', 'random_id']) {
      expect(again.json.resource[type]).toEqual(c.json.resource[type]);
    }
  });
});

describe('Azure key store with an autoscaled Azure group', () => {
  const c = synthCluster([Cloud.AZURE], {
    cp: { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE },
    pool: { cloud: Cloud.AZURE, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } },
  });

  test("control planes carry one identity block: the key store's identity, then the autoscaler's", () => {
    expect(c.resource('azurerm_linux_virtual_machine', 'c1-cp-1_').identity).toEqual([{
      type: 'UserAssigned',
      identity_ids: [ref(c, 'azurerm_user_assigned_identity', IDENTITY, 'id'), ref(c, 'azurerm_user_assigned_identity', 'autoscaler', 'id')],
    }]);
  });

  test("the autoscaler's identity gets no access to the vault", () => {
    const autoscaler = ref(c, 'azurerm_user_assigned_identity', 'autoscaler', 'principal_id');
    expect(Object.values(c.resources('azurerm_key_vault_access_policy')).filter((p) => p.object_id === autoscaler)).toEqual([]);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });
});

describe('Azure workers only', () => {
  test('no control plane on Azure: no key store on Azure', () => {
    const c = synthCluster([Cloud.AWS, Cloud.AZURE], {
      cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
      workers: { cloud: Cloud.AZURE, role: NodeRole.WORKER },
    });
    expect(c.json.resource.azurerm_key_vault).toBeUndefined();
    expect(c.json.resource.azurerm_user_assigned_identity).toBeUndefined();
    expect(c.resource('azurerm_linux_virtual_machine', 'c1-workers-1_').identity).toBeUndefined();
  });
});
