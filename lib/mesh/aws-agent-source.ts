/**
 * Where AWS nodes fetch the mesh agent. With the agent inline, a control-plane
 * node's user-data exceeds AWS's 16 KB, so AWS nodes download the agent
 * archive (byte-identical on every synth, pinned by SHA-256 in each node's
 * user-data) from an S3 object that only the cluster's VPC can read: through a
 * gateway endpoint, with a bucket policy on that endpoint, so nodes need no
 * IAM role and the bucket stays private.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetType, Fn, ITerraformDependable, TerraformAsset, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { MeshAgentArchive, meshAgentArchive } from '../core/bootstrap/mesh-agent-archive';
import { ClusterLabels, labelMap } from '../core/cluster-labels';
import { blockPublicAccess } from '../private/aws-private-bucket';

/** The agent's URL and hash, as every AWS node's user-data takes them. */
export interface MeshAgentSource {
  readonly url: string;
  readonly sha256: string;
  /** What must exist before a node boots and downloads: the object, its policy and the endpoint. */
  readonly dependencies: ITerraformDependable[];
}

/** What publishing needs from the cluster's AWS network. */
export interface AwsAgentSourceSpec {
  readonly labels: ClusterLabels;
  readonly region: string;
  readonly vpcId: string;
  readonly routeTableId: string;
  readonly provider?: TerraformProvider;
}

/**
 * The bucket's name prefix: `cast-mesh-` and the first 8 hex digits of the cluster UUID.
 *
 * S3 bucket names are unique across all AWS accounts of a partition ("Bucket naming
 * rules", Amazon S3 User Guide), so a name derived from the cluster alone (its UUID is
 * a UUIDv5 of its name) could be created by only one deployment of a cluster named
 * `prod` in the world. With `bucket_prefix` the AWS provider makes the name at creation
 * (the prefix, a UTC timestamp to 0.1 ms and an 8-hex-digit counter: terraform-plugin-sdk
 * helper/id PrefixedUniqueId, 26 characters) and keeps it in the state: unique per
 * deployment, and the same synth for the same input. The prefix may have at most 37 characters
 * (aws_s3_bucket, `bucket_prefix`: "Must be lowercase and less than or equal to 37
 * characters in length"); this one has 19 and says which cluster the bucket serves.
 */
export function meshAgentBucketPrefix(clusterUuid: string): string {
  return `cast-mesh-${clusterUuid.slice(0, 8)}-`;
}

/** Creates the bucket, endpoint, policy and object; returns where nodes find the agent. */
export function publishMeshAgentOnAws(scope: Construct, spec: AwsAgentSourceSpec): MeshAgentSource {
  const archive = meshAgentArchive();
  const tags = labelMap(spec.labels);
  const bucket = new S3Bucket(scope, 'mesh-agent-bucket', {
    provider: spec.provider,
    bucketPrefix: meshAgentBucketPrefix(spec.labels.uuid),
    forceDestroy: true,
    tags,
    lifecycle: {
      // The name is made once, at creation, and kept in the state. A bucket made by an earlier
      // version of this library (`cast-mesh-<uuid>`, no prefix) is kept as it is: it is already
      // the deployment's own, and moving it would gain nothing.
      ignoreChanges: ['bucket', 'bucket_prefix'],
      // Replaced anyway (`terraform apply -replace`): the new bucket, whose name differs, holds the
      // archive before launch templates point at it and before the old one goes.
      createBeforeDestroy: true,
    },
  });
  blockPublicAccess(scope, 'mesh-agent-public-access', spec.provider, bucket.id);
  const endpoint = new VpcEndpoint(scope, 'mesh-agent-s3-endpoint', {
    provider: spec.provider,
    vpcId: spec.vpcId,
    serviceName: `com.amazonaws.${spec.region}.s3`,
    vpcEndpointType: 'Gateway',
    routeTableIds: [spec.routeTableId],
    tags,
  });
  // Reads only through the cluster's endpoint; a policy conditioned on aws:SourceVpce
  // is not "public" to S3 Block Public Access.
  const policy = new S3BucketPolicy(scope, 'mesh-agent-bucket-policy', {
    provider: spec.provider,
    bucket: bucket.id,
    policy: Fn.jsonencode({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ClusterVpcReadsMeshAgent',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `${bucket.arn}/*`,
          Condition: { StringEquals: { 'aws:SourceVpce': endpoint.id } },
        },
      ],
    }),
    // Without it, a replaced bucket's old policy would go first, and a node booting from the
    // previous launch template could no longer read the old archive (createBeforeDestroy on the bucket).
    lifecycle: { createBeforeDestroy: true },
  });
  const key = `cast-mesh-agent-${archive.sha256.slice(0, 16)}.tar`;
  // The archive is a file beside the stack (an asset in cdktf.out), uploaded from there: inline as
  // `content_base64` it put 280 KB into the configuration and into every copy of the state, which
  // Terraform's local backend rewrites after each resource it applies.
  const asset = new TerraformAsset(scope, 'mesh-agent-file', { path: archiveFile(archive), type: AssetType.FILE, assetHash: archive.sha256 });
  const object = new S3Object(scope, 'mesh-agent-archive', {
    provider: spec.provider,
    bucket: bucket.id,
    key,
    source: asset.path,
    // A new archive has a new key anyway; this records which bytes the object holds.
    sourceHash: archive.sha256,
    contentType: 'application/x-tar',
    tags,
    // A new archive (a new key) or a new bucket: uploaded before launch templates point at it,
    // and the old object stays until they do, for a node that boots from the previous template.
    lifecycle: { createBeforeDestroy: true },
  });
  return { url: `https://${bucket.bucketRegionalDomainName}/${key}`, sha256: archive.sha256, dependencies: [object, policy, endpoint] };
}

/**
 * The archive as a file TerraformAsset can copy into the stack's folder at synth: written once
 * per content and user (the folder is the archive's SHA-256 under a folder of the user's own), so
 * concurrent synths share it and never see a partial file; a file found there is used only if it
 * holds exactly these bytes.
 */
function archiveFile(archive: MeshAgentArchive): string {
  const dir = join(tmpdir(), `cdktf-cast-cluster-${process.getuid?.() ?? 'user'}`, archive.sha256);
  const file = join(dir, 'cast-mesh-agent.tar');
  if (!existsSync(file) || createHash('sha256').update(readFileSync(file)).digest('hex') !== archive.sha256) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, archive.bytes);
    renameSync(partial, file);
  }
  return file;
}
