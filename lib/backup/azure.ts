/**
 * azure: the etcd backup container and its SAS.
 *
 *   azurerm_storage_account            <cluster letters and digits, 12><hex>bk: Standard LRS, no
 *                                      public blobs, TLS 1.2, in the cluster's resource group
 *   azurerm_storage_container          etcd-snapshots, private
 *   azurerm_storage_management_policy  deletes blobs under etcd-snapshots/<cluster>/ older than BACKUP_EXPIRY_DAYS
 *   data azurerm_storage_account_blob_container_sas   read, add, create, write, delete and list on
 *                                      that container only, HTTPS only, until azureSasExpiry
 *
 * A service SAS reaches the one container it names ("Create a service SAS", signedResource c).
 * Its expiry is fixed at synth (EtcdBackupOptions.azureSasExpiry, by default 1 January of the
 * year after next), so the same token comes back on every plan; a later date renders a new one,
 * which the next deploy hands to the CronJob. Storage encrypts all data at rest with
 * Microsoft-managed keys ("Azure Storage encryption for data at rest"). Rotating the account's
 * keys (az storage account keys renew) revokes every SAS signed with them at once.
 */
import { DataAzurermStorageAccountBlobContainerSas } from '@cdktf/provider-azurerm/lib/data-azurerm-storage-account-blob-container-sas';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { Id } from '@cdktf/provider-random/lib/id';
import { backupTarget } from '../core/backup/backup-targets';
import { Cloud } from '../core/cloud';
import { labelMap } from '../core/cluster-labels';
import { BACKUP_EXPIRY_DAYS, BackupStoreBuilder } from './backup-store-spec';

/** The container of the snapshots. */
export const BACKUP_CONTAINER = 'etcd-snapshots';

// A storage account name is 3-24 lowercase letters and digits, unique in Azure: 12 of the
// cluster name's letters and digits, 8 hex digits, "bk".
const ACCOUNT_NAME_PART = 12;

export const buildBackupStore: BackupStoreBuilder = (scope, spec) => {
  const resourceGroupName = spec.network.resourceGroupName;
  if (resourceGroupName === undefined) throw new Error(`${scope.node.path}: the Azure network has no resource group.`);
  const suffix = new Id(scope, 'suffix', { provider: spec.randomProvider, byteLength: 4 }).hex;
  const account = new StorageAccount(scope, 'account', {
    provider: spec.provider,
    name: `${spec.clusterName.replace(/-/g, '').slice(0, ACCOUNT_NAME_PART)}${suffix}bk`,
    resourceGroupName,
    location: spec.location.region,
    accountTier: 'Standard',
    accountReplicationType: 'LRS',
    minTlsVersion: 'TLS1_2',
    allowNestedItemsToBePublic: false,
    httpsTrafficOnlyEnabled: true,
    tags: labelMap(spec.labels),
  });
  const container = new StorageContainer(scope, 'container', { provider: spec.provider, name: BACKUP_CONTAINER, storageAccountId: account.id, containerAccessType: 'private' });
  new StorageManagementPolicy(scope, 'expiry', {
    provider: spec.provider,
    storageAccountId: account.id,
    rule: [
      {
        name: 'expire-etcd-snapshots',
        enabled: true,
        // A prefix match starts with the container's name ("Lifecycle management policy", prefixMatch).
        filters: { blobTypes: ['blockBlob'], prefixMatch: [`${BACKUP_CONTAINER}/${spec.prefix}`] },
        actions: { baseBlob: { deleteAfterDaysSinceModificationGreaterThan: BACKUP_EXPIRY_DAYS } },
      },
    ],
  });
  const sas = new DataAzurermStorageAccountBlobContainerSas(scope, 'sas', {
    provider: spec.provider,
    connectionString: account.primaryConnectionString,
    containerName: container.name,
    httpsOnly: true,
    start: spec.azureSas.start,
    expiry: spec.azureSas.expiry,
    permissions: { read: true, add: true, create: true, write: true, delete: true, list: true },
  });
  return {
    target: backupTarget({ cloud: Cloud.AZURE, bucket: container.name, azureAccount: account.name }),
    credentials: { sasToken: sas.sas },
  };
};
