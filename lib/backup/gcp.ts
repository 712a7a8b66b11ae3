/**
 * gcp: the etcd backup bucket and its writer.
 *
 *   google_storage_bucket             <cluster>-etcd-backup-<hex>, in the cluster's region: uniform
 *                                     bucket-level access, public access prevention enforced, a
 *                                     lifecycle rule deleting objects older than BACKUP_EXPIRY_DAYS
 *   google_service_account            <cluster>-bk-<hex>
 *   google_storage_bucket_iam_member  roles/storage.objectAdmin on that bucket only
 *   google_storage_hmac_key           the account's HMAC key: the secret is in state (sensitive) only
 *
 * Cloud Storage encrypts every object with a Google-owned key by default ("Data encryption
 * options"); versioning is off unless turned on. The XML API takes S3-style SigV4 signatures from
 * an HMAC key of a service account ("HMAC keys"), which is how the CronJob uploads. objectAdmin
 * ("Storage Object Admin": objects' create, get, list, delete) is the narrowest predefined role
 * with list and delete; granted on the bucket, it reaches no other bucket ("IAM roles for Cloud
 * Storage"). force_destroy stays false (docs/etcd-backup.md).
 */
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { StorageHmacKey } from '@cdktf/provider-google/lib/storage-hmac-key';
import { Id } from '@cdktf/provider-random/lib/id';
import { backupTarget } from '../core/backup/backup-targets';
import { Cloud } from '../core/cloud';
import { labelMap } from '../core/cluster-labels';
import { BACKUP_EXPIRY_DAYS, BackupStoreBuilder, bucketName } from './backup-store-spec';

/** Create, read, list and delete the bucket's objects (Cloud Storage, "IAM roles for Cloud Storage"). */
export const OBJECT_ADMIN_ROLE = 'roles/storage.objectAdmin';

// A service account id is 6-30 characters [a-z]([-a-z0-9]*[a-z0-9]) (hashicorp/google 6.50.0): 15 of the name, "-bk-", 8 hex digits.
const ACCOUNT_NAME_PART = 15;

export const buildBackupStore: BackupStoreBuilder = (scope, spec) => {
  const suffix = new Id(scope, 'suffix', { provider: spec.randomProvider, byteLength: 4 }).hex;
  const bucket = new StorageBucket(scope, 'bucket', {
    provider: spec.provider,
    name: bucketName(spec.clusterName, suffix),
    location: spec.location.region,
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    forceDestroy: false,
    labels: labelMap(spec.labels),
    lifecycleRule: [{ action: { type: 'Delete' }, condition: { age: BACKUP_EXPIRY_DAYS, matchesPrefix: [spec.prefix] } }],
  });
  const account = new ServiceAccount(scope, 'writer', {
    provider: spec.provider,
    accountId: `${spec.clusterName.slice(0, ACCOUNT_NAME_PART).replace(/-+$/, '')}-bk-${suffix}`,
    displayName: `${spec.clusterName} etcd backup`,
    description: `Writes the etcd snapshots of the cast cluster ${spec.clusterName} to its backup bucket, and nothing else.`,
  });
  new StorageBucketIamMember(scope, 'writer-objects', { provider: spec.provider, bucket: bucket.name, role: OBJECT_ADMIN_ROLE, member: account.member });
  const key = new StorageHmacKey(scope, 'writer-key', { provider: spec.provider, serviceAccountEmail: account.email });
  return {
    target: backupTarget({ cloud: Cloud.GCP, bucket: bucket.name }),
    credentials: { accessKeyId: key.accessId, secretAccessKey: key.secret },
  };
};
