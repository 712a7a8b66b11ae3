/**
 * The etcd backup: each cloud's store (a bucket and an identity scoped to it) and the
 * EtcdBackup construct that builds one per target.
 */
export type { BackupStore, BackupStoreBuilder, BackupStoreSpec } from './backup-store-spec';
export { BACKUP_STORE_BUILDERS } from './backup-stores';
export { EtcdBackup, EtcdBackupCloud, EtcdBackupProps } from './etcd-backup';
export { EtcdBackupOptions } from './options';
