/**
 * aws: the etcd backup bucket and its writer.
 *
 *   aws_s3_bucket                           <cluster>-etcd-backup-<hex>, in the cluster's region
 *   aws_s3_bucket_public_access_block       all four blocks on
 *   aws_s3_bucket_lifecycle_configuration   <cluster>/ objects expire after BACKUP_EXPIRY_DAYS
 *   aws_iam_user + aws_iam_user_policy      s3:PutObject, GetObject, DeleteObject on the bucket's
 *                                           objects, s3:ListBucket on the bucket; nothing else
 *   aws_iam_access_key                      its key: the secret is in state (sensitive) only
 *
 * Encryption: S3 encrypts every new object with SSE-S3 unless told otherwise ("Amazon S3 now
 * automatically encrypts all new objects", S3 user guide, "Setting default server-side
 * encryption behavior": since 5 January 2023). Versioning is off unless a
 * aws_s3_bucket_versioning turns it on: a deleted snapshot is gone, as count retention wants.
 * force_destroy stays false: destroying the cluster fails while the bucket holds snapshots
 * (empty it first, or keep it: docs/etcd-backup.md).
 * An IAM user, not a role: the CronJob runs on control planes of any cloud, which have no AWS
 * identity to assume a role with.
 */
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Id } from '@cdktf/provider-random/lib/id';
import { backupTarget } from '../core/backup/backup-targets';
import { Cloud } from '../core/cloud';
import { labelMap } from '../core/cluster-labels';
import { BACKUP_EXPIRY_DAYS, BackupStoreBuilder, bucketName } from './backup-store-spec';
import { blockPublicAccess } from '../private/aws-private-bucket';

export const buildBackupStore: BackupStoreBuilder = (scope, spec) => {
  const suffix = new Id(scope, 'suffix', { provider: spec.randomProvider, byteLength: 4 }).hex;
  const tags = labelMap(spec.labels);
  // In the provider's region (the cluster's), not a `region` argument: AWS provider 6 takes one
  // per resource, 5 refuses it ("Can't configure a value for \"region\""). The snapshots are
  // signed for the region the bucket reports.
  const bucket = new S3Bucket(scope, 'bucket', { provider: spec.provider, bucket: bucketName(spec.clusterName, suffix), forceDestroy: false, tags });
  blockPublicAccess(scope, 'private', spec.provider, bucket.id);
  new S3BucketLifecycleConfiguration(scope, 'expiry', {
    provider: spec.provider,
    bucket: bucket.id,
    rule: [{ id: 'expire-etcd-snapshots', status: 'Enabled', filter: [{ prefix: spec.prefix }], expiration: [{ days: BACKUP_EXPIRY_DAYS }] }],
  });
  const user = new IamUser(scope, 'writer', { provider: spec.provider, name: `${spec.clusterName}-etcd-backup-${suffix}`, tags });
  new IamUserPolicy(scope, 'writer-policy', { provider: spec.provider, name: 'etcd-backup-bucket', user: user.name, policy: bucketOnlyPolicy(bucket.arn) });
  const key = new IamAccessKey(scope, 'writer-key', { provider: spec.provider, user: user.name });
  return {
    target: backupTarget({ cloud: Cloud.AWS, bucket: bucket.bucket, region: bucket.region }),
    credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
  };
};

/**
 * The writer's policy: objects of the one bucket (put, get, delete) and the listing of that
 * bucket, nothing else ("Actions, resources, and condition keys for Amazon S3": PutObject,
 * GetObject and DeleteObject take the object resource `<bucket ARN>/*`, ListBucket the bucket).
 * The ARN is a Terraform reference, interpolated into the JSON at apply.
 */
export function bucketOnlyPolicy(bucketArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'EtcdSnapshots', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], Resource: `${bucketArn}/*` },
      { Sid: 'ListEtcdSnapshots', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
    ],
  });
}
