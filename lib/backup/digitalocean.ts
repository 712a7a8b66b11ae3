/**
 * digitalocean: the etcd backup bucket and its key.
 *
 *   digitalocean_spaces_bucket   <cluster>-etcd-backup-<hex>, private, in the Spaces region of the
 *                                cluster's city (spacesRegionFor), objects expiring after BACKUP_EXPIRY_DAYS
 *   digitalocean_spaces_key      a key granted readwrite on that bucket only: the secret is in state
 *                                (sensitive) only
 *
 * A Spaces key with a bucket grant reaches that bucket and no other ("Manage Access to Spaces",
 * per-bucket access keys; the provider's digitalocean_spaces_key `grant`). Spaces encrypts data at
 * rest; versioning is off unless turned on. force_destroy stays false (docs/etcd-backup.md).
 */
import { SpacesBucket } from '@cdktf/provider-digitalocean/lib/spaces-bucket';
import { SpacesKey } from '@cdktf/provider-digitalocean/lib/spaces-key';
import { Id } from '@cdktf/provider-random/lib/id';
import { backupTarget, spacesRegionFor } from '../core/backup/backup-targets';
import { Cloud } from '../core/cloud';
import { BACKUP_EXPIRY_DAYS, BackupStoreBuilder, bucketName } from './backup-store-spec';

export const buildBackupStore: BackupStoreBuilder = (scope, spec) => {
  const region = spacesRegionFor(spec.location.region);
  if (region === undefined) {
    throw new Error(`${scope.node.path}: DigitalOcean has no Spaces region in ${spec.location.region}'s city. Back up to another of the cluster's clouds (etcdBackup.targets).`);
  }
  const suffix = new Id(scope, 'suffix', { provider: spec.randomProvider, byteLength: 4 }).hex;
  const bucket = new SpacesBucket(scope, 'bucket', {
    provider: spec.provider,
    name: bucketName(spec.clusterName, suffix),
    region,
    acl: 'private',
    forceDestroy: false,
    lifecycleRule: [{ enabled: true, prefix: spec.prefix, expiration: { days: BACKUP_EXPIRY_DAYS } }],
  });
  const key = new SpacesKey(scope, 'writer-key', {
    provider: spec.provider,
    name: `${spec.clusterName}-etcd-backup-${suffix}`,
    grant: [{ bucket: bucket.name, permission: 'readwrite' }],
  });
  return {
    target: backupTarget({ cloud: Cloud.DIGITALOCEAN, bucket: bucket.name, region }),
    credentials: { accessKeyId: key.accessKey, secretAccessKey: key.secretKey },
  };
};
