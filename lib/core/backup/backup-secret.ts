/**
 * The Kubernetes Secret that holds each backup target's credentials. Its values come from
 * Terraform (lib/backup: the scoped identities' keys, sensitive in state); the backup
 * CronJob mounts it as files (templates/backup/etcd-backup.sh reads `<target>-<key>`), so
 * no credential is in a manifest, an environment variable or a command line.
 */
import { Cloud } from '../cloud';
import { BACKUP_STORE_KIND, BackupStoreKind } from './backup-targets';

/** The Helm release of the backup's objects (lib/core/in-cluster). */
export const ETCD_BACKUP_RELEASE = 'cast-etcd-backup';

/** Where the CronJob, its Secret and its status live. */
export const ETCD_BACKUP_NAMESPACE = 'kube-system';

/** The Secret the CronJob mounts; the in-cluster stack creates it from EtcdBackup.secretData. */
export const ETCD_BACKUP_SECRET_NAME = 'cast-etcd-backup';

/** The ConfigMap where each good run records its snapshot (lastSnapshot, lastSnapshotTime, lastSuccessTime, targets). */
export const ETCD_BACKUP_STATUS_CONFIGMAP = 'cast-etcd-backup-status';

/** The Secret's keys of one target. */
export interface BackupSecretKeys {
  /** s3: the access key id (GCS: the HMAC key's access id). */
  readonly accessKeyId?: string;
  /** s3: the secret access key (GCS: the HMAC secret). */
  readonly secretAccessKey?: string;
  /** azure: the container SAS token. */
  readonly sasToken?: string;
}

/** The Secret's keys for `cloud`'s target: `<cloud>-access-key-id` and `<cloud>-secret-access-key`, or `<cloud>-sas-token`. */
export function backupSecretKeys(cloud: Cloud): BackupSecretKeys {
  return secretKeysOfKind(cloud, BACKUP_STORE_KIND[cloud]);
}

function secretKeysOfKind(cloud: Cloud, kind: BackupStoreKind): BackupSecretKeys {
  return kind === 's3' ? { accessKeyId: `${cloud}-access-key-id`, secretAccessKey: `${cloud}-secret-access-key` } : { sasToken: `${cloud}-sas-token` };
}
