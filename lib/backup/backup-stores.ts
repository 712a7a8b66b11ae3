/** Each cloud's etcd backup store builder, keyed by cloud so the compiler catches a missing one. */
import { Cloud } from '../core/cloud';
import { buildBackupStore as aws } from './aws';
import { buildBackupStore as azure } from './azure';
import { BackupStoreBuilder } from './backup-store-spec';
import { buildBackupStore as digitalocean } from './digitalocean';
import { buildBackupStore as gcp } from './gcp';

export const BACKUP_STORE_BUILDERS: Readonly<Record<Cloud, BackupStoreBuilder>> = {
  [Cloud.AWS]: aws,
  [Cloud.GCP]: gcp,
  [Cloud.AZURE]: azure,
  [Cloud.DIGITALOCEAN]: digitalocean,
};
