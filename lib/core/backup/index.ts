export * from './backup-images';
export * from './backup-secret';
export * from './backup-targets';
export * from './cron-schedule';
export * from './etcd-backup-manifests';
export * from './etcd-backup-plan';
