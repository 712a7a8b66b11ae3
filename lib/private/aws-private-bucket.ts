import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Blocks every way an S3 bucket or its objects could become public (ACLs and bucket
 * policies, new and existing): the library's buckets hold node tools and etcd snapshots,
 * read only by the identities and endpoints their policies name.
 */
export function blockPublicAccess(scope: Construct, id: string, provider: TerraformProvider | undefined, bucket: string): S3BucketPublicAccessBlock {
  return new S3BucketPublicAccessBlock(scope, id, {
    provider,
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}
