/**
 * Azure: the control planes' keys in a Key Vault secret that only the control planes'
 * user-assigned identity reads (docs/decisions/0003). The node asks IMDS for a Key Vault
 * token of that identity and reads the secret (templates/mesh/agent/castmesh/keys_azure.py).
 *
 * Access: the vault's access-policy model, not Azure RBAC. Microsoft recommends RBAC
 * (learn.microsoft.com/azure/key-vault/general/rbac-access-policy), but with RBAC the
 * principal that runs Terraform needs a role assignment on the new vault to write the
 * secret, and Key Vault answers 403 "If role assignments ... were changed recently, please
 * observe propagation time" until it has spread (hashicorp/terraform-provider-azurerm#23927,
 * Azure/terraform-azurerm-avm-res-keyvault-vault#78): the first apply would fail, and
 * Terraform has no wait to put in between without another provider. (The deploying principal
 * needs `Microsoft.Authorization/roleAssignments/write` either way, for the inventory grant
 * below; access policies add only `Microsoft.KeyVault/vaults/write`.) RBAC's one gain, a
 * grant on the single secret instead of the vault, is nothing here: the vault holds this
 * one secret. The cost, from the same page: a principal with Contributor on the vault can
 * give itself data access by adding a policy; the vault sits in the cluster's resource
 * group, whose contributors run the cluster's VMs (and can read their disks) anyway.
 *
 * Network: the vault keeps its public endpoint (public_network_access_enabled, no network
 * ACLs): the control planes reach it over their public IPs, and Terraform from wherever
 * it runs. Reading still needs the identity's token and its grant.
 *
 * Soft delete, which Azure keeps on for every vault: a deleted vault and a deleted secret
 * stay recoverable for soft_delete_retention_days (7 to 90) and their names stay taken
 * (azurerm docs, azurerm_key_vault `name`). Handled three ways: (1) the vault's name comes
 * from a random_id in state, so a destroyed and redeployed cluster gets a new name that no
 * soft-deleted vault holds; (2) the azurerm provider purges a destroyed vault and secret by
 * default (features { key_vault { purge_soft_delete_on_destroy = true,
 * purge_soft_deleted_secrets_on_destroy = true } }: "Defaults to true", azurerm docs,
 * "Features Block"), which purge_protection_enabled = false allows and the deploying
 * principal's Purge permission covers; (3) with a provider that turns purging off, the
 * deleted vault waits out the shortest retention, 7 days, under its old name, which no
 * later deploy asks for.
 *
 * Inventory: the same identity reads the cluster's VMs, for cast-node-gc
 * (templates/mesh/agent/castmesh/inventory_azure.py asks Resource Manager whether a NotReady
 * Node's VM still exists). Reader on the cluster's resource group, azurerm_role_assignment:
 * - No built-in role is narrower and covers both reads it makes,
 *   Microsoft.Compute/virtualMachines/read and .../virtualMachineScaleSets/virtualMachines/read
 *   ("Azure built-in roles", learn.microsoft.com/azure/role-based-access-control/built-in-roles):
 *   Virtual Machine User Login reads every virtualMachines sub-resource but not the scale sets'
 *   VMs, and carries a login data action besides; the Compute roles that read both also write.
 * - A custom role (azurerm_role_definition) with those two actions would be narrower, but
 *   needs `Microsoft.Authorization/roleDefinitions/write` (Owner, User Access Administrator;
 *   not Role Based Access Control Administrator, which can assign Reader), takes one of the
 *   tenant's custom-role names per cluster, and spreads as slowly as the assignment.
 * - What Reader adds here is read access to the rest of the group's resources: their
 *   configuration, not data (Reader's one action, read on every type, holds no secret, key or
 *   listKeys action), seen from a VM that holds the cluster's CA keys already.
 * Scoped to the group, which holds every VM and scale set of the cluster (lib/nodes/azure.ts,
 * lib/nodes/scaling/azure.ts). Control planes are not made to wait for it: until the assignment
 * has spread (minutes; "Troubleshoot Azure RBAC", "Role assignment changes are not being
 * detected") Resource Manager answers 403 AuthorizationFailed, which the inventory takes as
 * "unknown", and no Node is deleted. The deploying principal needs
 * `Microsoft.Authorization/roleAssignments/write` on the group (Owner, User Access
 * Administrator, or Role Based Access Control Administrator), as autoscaled Azure groups do.
 *
 * Join token (docs/decisions/0006-join-tokens-from-the-cloud.md): a vault of its own. An access
 * policy grants its permissions on every secret of the vault (the model assigns "individual
 * permissions to security principals ... at Key Vault scope", learn.microsoft.com/azure/key-vault/general/rbac-access-policy),
 * so the workers' grant to read the join token could not stay off the bundle in the keys' vault. The
 * second vault is made as the first (a random_id name, `castjoin` + 16 hex digits = 24, the
 * longest Key Vault takes; the same soft-delete handling) and holds no Terraform-managed secret:
 * the control planes create `join-token` by writing it (Key Vault REST "Set Secret": "If the named
 * secret already exists, Azure Key Vault creates a new version", learn.microsoft.com/rest/api/keyvault/secrets/set-secret),
 * so Terraform never reverts it. Its policies: the control planes' identity Get and Set; a new
 * user-assigned identity for the workers, Get. Terraform's principal gets none there: it writes no
 * secret in it, destroys and purges the vault with Resource Manager operations
 * (Microsoft.KeyVault/vaults/delete, locations/deletedVaults/purge/action; azurerm 4.54.0
 * key_vault_resource.go, resourceKeyVaultDelete), which take the control planes' secret with the vault,
 * and reads the vault's certificate contacts (the one data-plane call of its read) taking a 403 as
 * none (key_vault_resource.go:783, `ResponseWasForbidden`).
 *
 * A cluster deployed before control planes read their keys here: each Azure control plane gets
 * the identity in place (lib/nodes/azure.ts, identityBlock), but its custom data changes too (the
 * keys leave it, node.env names the store), and a custom_data change replaces an Azure VM
 * (test/terraform/stand-in/replace-rules/azurerm.ts): every Azure control plane is replaced in
 * that one apply.
 */
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultAccessPolicyA } from '@cdktf/provider-azurerm/lib/key-vault-access-policy';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Id } from '@cdktf/provider-random/lib/id';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { KeyStoreBuilder, KeyStoreSpec } from './key-store-spec';

/** The secret's name in its vault (1-127 letters, digits and hyphens: Key Vault object names). */
export const KEY_VAULT_SECRET_NAME = 'control-plane-keys';
/**
 * The vault's name is this prefix and 16 hex digits of a random_id: 20 characters, inside
 * Key Vault's 3-24 letters, digits and hyphens, starting with a letter, and unique across
 * Azure ("The name must be globally unique", azurerm docs, azurerm_key_vault).
 */
export const KEY_VAULT_NAME_PREFIX = 'cast';
const KEY_VAULT_NAME_RANDOM_BYTES = 8;
/** The shortest retention Azure allows ("between 7 and 90 (the default) days", azurerm_key_vault). */
export const KEY_VAULT_SOFT_DELETE_RETENTION_DAYS = 7;
/**
 * What Terraform's principal does with the secret (azurerm 4.54.0
 * internal/services/keyvault/key_vault_secret_resource.go): Get to look for an existing one
 * and read it back, Set to write each version, Delete and Purge on destroy, Recover when a
 * soft-deleted one of the same name is found (the provider's default).
 */
export const DEPLOYER_SECRET_PERMISSIONS = ['Get', 'Set', 'Delete', 'Purge', 'Recover'];
/** What the control planes' identity does: read the secret's latest version, nothing else (no List, no keys or certificates). */
export const CONTROL_PLANE_SECRET_PERMISSIONS = ['Get'];
/** The join token's secret in its own vault: the control planes create it with their first write. */
export const JOIN_TOKEN_SECRET_NAME = 'join-token';
/** The join-token vault's name prefix: `castjoin` and 16 hex digits of its own random_id, 24 characters, Key Vault's longest. */
export const JOIN_TOKEN_VAULT_NAME_PREFIX = 'castjoin';
/** What the control planes' identity does with the join token: read it at a joining boot, write each new one when it rotates. */
export const CONTROL_PLANE_JOIN_TOKEN_PERMISSIONS = ['Get', 'Set'];
/** What the workers' identity does in the join-token vault: read the latest version, nothing else (no List, no Set). */
export const WORKER_JOIN_TOKEN_PERMISSIONS = ['Get'];
/** The control planes' identity's role on the cluster's resource group, for cast-node-gc's inventory (header: why not narrower). */
export const CONTROL_PLANE_INVENTORY_ROLE = 'Reader';

export const buildKeyStore: KeyStoreBuilder = (scope: Construct, spec: KeyStoreSpec) => {
  const client = new DataAzurermClientConfig(scope, 'client', { provider: spec.provider });
  const identity = createIdentity(scope, 'identity', `${spec.clusterName}-control-plane-keys`, spec);
  const vault = createVault(scope, 'vault', KEY_VAULT_NAME_PREFIX, spec, client.tenantId);
  // Separate policy resources, none inline: the provider manages a vault's policies one way or the other, never both
  // ("it's not possible to use both methods", azurerm docs, azurerm_key_vault_access_policy).
  const deployer = new KeyVaultAccessPolicyA(scope, 'deployer-access', {
    provider: spec.provider,
    keyVaultId: vault.id,
    tenantId: client.tenantId,
    objectId: client.objectId,
    secretPermissions: DEPLOYER_SECRET_PERMISSIONS,
  });
  const reader = new KeyVaultAccessPolicyA(scope, 'control-plane-access', {
    provider: spec.provider,
    keyVaultId: vault.id,
    tenantId: identity.tenantId,
    objectId: identity.principalId,
    secretPermissions: CONTROL_PLANE_SECRET_PERMISSIONS,
  });
  grantInventory(scope, spec, identity, client);
  const secret = new KeyVaultSecret(scope, 'secret', {
    provider: spec.provider,
    name: KEY_VAULT_SECRET_NAME,
    keyVaultId: vault.id,
    value: spec.bundle,
    contentType: 'application/json',
    tags: labelMap(spec.labels),
    // Written with the deployer's policy; destroyed (and purged) before that policy goes.
    dependsOn: [deployer],
  });
  const joinToken = createJoinTokenVault(scope, spec, client.tenantId, identity);
  return {
    // versionless_id: https://<vault>.vault.azure.net/secrets/<name>, the latest version when read.
    source: { store: 'azure-key-vault', secretUrl: secret.versionlessId, identityClientId: identity.clientId },
    identity: { azureIdentityId: identity.id },
    // The founding control plane publishes its first join token right after kubeadm init: its grant to write comes first.
    dependencies: [secret, reader, joinToken.controlPlaneAccess],
    joinToken: {
      controlPlane: { store: 'azure-key-vault', secretUrl: joinToken.secretUrl, identityClientId: identity.clientId },
      worker: { store: 'azure-key-vault', secretUrl: joinToken.secretUrl, identityClientId: joinToken.workerIdentity.clientId },
      workerIdentity: { azureIdentityId: joinToken.workerIdentity.id },
    },
  };
};

/**
 * The join token's vault (see the header), its two grants and the workers' identity. The secret's URL is the
 * vault's URI (`https://<vault>.vault.azure.net/`, the DNS suffix of the vault's cloud) and `secrets/join-token`,
 * the versionless form Key Vault reads as the latest version and writes as a new one ("Get Secret", "Set Secret").
 */
function createJoinTokenVault(scope: Construct, spec: KeyStoreSpec, tenantId: string, controlPlanes: UserAssignedIdentity) {
  const vault = createVault(scope, 'join-token-vault', JOIN_TOKEN_VAULT_NAME_PREFIX, spec, tenantId);
  const workerIdentity = createIdentity(scope, 'worker-identity', `${spec.clusterName}-workers`, spec);
  const controlPlaneAccess = new KeyVaultAccessPolicyA(scope, 'join-token-control-plane-access', {
    provider: spec.provider,
    keyVaultId: vault.id,
    tenantId: controlPlanes.tenantId,
    objectId: controlPlanes.principalId,
    secretPermissions: CONTROL_PLANE_JOIN_TOKEN_PERMISSIONS,
  });
  new KeyVaultAccessPolicyA(scope, 'join-token-worker-access', {
    provider: spec.provider,
    keyVaultId: vault.id,
    tenantId: workerIdentity.tenantId,
    objectId: workerIdentity.principalId,
    secretPermissions: WORKER_JOIN_TOKEN_PERMISSIONS,
  });
  // trimsuffix: the provider itself trims the base URL's "/" before it adds a path (azurerm 4.54.0
  // internal/services/keyvault/parse/nested_item.go, VersionlessID), so neither form of vault_uri doubles it.
  const secretUrl = `${Fn.trimsuffix(vault.vaultUri, '/')}/secrets/${JOIN_TOKEN_SECRET_NAME}`;
  return { secretUrl, workerIdentity, controlPlaneAccess };
}

function createIdentity(scope: Construct, id: string, name: string, spec: KeyStoreSpec): UserAssignedIdentity {
  return new UserAssignedIdentity(scope, id, {
    provider: spec.provider,
    name,
    resourceGroupName: spec.network.resourceGroupName!,
    location: spec.location.region,
    tags: labelMap(spec.labels),
  });
}

/** Reader on the cluster's resource group for the control planes' identity; nothing waits for it (see the header). */
function grantInventory(scope: Construct, spec: KeyStoreSpec, identity: UserAssignedIdentity, client: DataAzurermClientConfig): void {
  new RoleAssignment(scope, 'inventory-reader', {
    provider: spec.provider,
    // The group's id spelled from the provider's subscription, as the autoscaler's grant does (lib/nodes/scaling/azure.ts).
    scope: `/subscriptions/${client.subscriptionId}/resourceGroups/${spec.network.resourceGroupName!}`,
    roleDefinitionName: CONTROL_PLANE_INVENTORY_ROLE,
    principalId: identity.principalId,
    // Skips the directory lookup a brand-new identity may not pass yet.
    principalType: 'ServicePrincipal',
  });
}

/** A vault named `prefix` and 16 hex digits of its own random_id (`<id>-name`), Terraform's access policies none inline. */
function createVault(scope: Construct, id: string, prefix: string, spec: KeyStoreSpec, tenantId: string): KeyVault {
  const suffix = new Id(scope, `${id}-name`, { provider: spec.randomProvider, byteLength: KEY_VAULT_NAME_RANDOM_BYTES, prefix });
  return new KeyVault(scope, id, {
    provider: spec.provider,
    // random_id's hex is the prefix and the hex of its bytes (`Hex: prefix + hexStr`, terraform-provider-random
    // internal/provider/resource_id.go): the prefix and 16 lower-case hex digits, made once and kept in state.
    name: suffix.hex,
    resourceGroupName: spec.network.resourceGroupName!,
    location: spec.location.region,
    tenantId,
    skuName: 'standard',
    rbacAuthorizationEnabled: false,
    publicNetworkAccessEnabled: true,
    softDeleteRetentionDays: KEY_VAULT_SOFT_DELETE_RETENTION_DAYS,
    // Purge protection would keep a deleted vault for the whole retention and cannot be turned off once on.
    purgeProtectionEnabled: false,
    tags: labelMap(spec.labels),
  });
}
