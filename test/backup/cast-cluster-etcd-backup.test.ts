/**
 * A CastCluster's etcd backup: by default on the first two of its clouds, made with the first
 * control-plane group, scoped to each bucket; none when turned off; and bad options refused at
 * synth in one message naming the construct path and the fix.
 */
import { TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { CastValidationError } from '../../lib/private/validation-error';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

function cluster(clouds: Cloud[], etcdBackup?: object, controlPlane = true) {
  const stack = new TerraformStack(Testing.app(), 'stack');
  const c = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds, etcdBackup });
  c.addNodeGroup('workers', { cloud: clouds[0], role: NodeRole.WORKER });
  if (!controlPlane) return { cluster: c, json: undefined };
  c.addNodeGroup('cp', { cloud: clouds[clouds.length - 1], role: NodeRole.CONTROL_PLANE });
  return { cluster: c, json: JSON.parse(Testing.synth(stack)) };
}

const types = (json: any) => Object.keys(json.resource).concat(Object.keys(json.data ?? {}).map((type) => `data.${type}`));

describe('CastCluster etcdBackup', () => {
  test('default: a bucket and a scoped identity on the first two clouds (AWS and GCP of four), each limited to its bucket', () => {
    const { cluster: c, json } = cluster([Cloud.DIGITALOCEAN, Cloud.AZURE, Cloud.GCP, Cloud.AWS]);
    expect(c._etcdBackup?.targets.map((t) => t.cloud)).toEqual([Cloud.AWS, Cloud.GCP]);
    expect(types(json)).toEqual(expect.arrayContaining(['aws_s3_bucket', 'aws_iam_user_policy', 'aws_iam_access_key', 'google_storage_bucket', 'google_storage_bucket_iam_member', 'google_storage_hmac_key']));
    expect(types(json)).not.toContain('digitalocean_spaces_bucket');
    expect(types(json)).not.toContain('azurerm_storage_account');
    const [bucket] = Object.keys(json.resource.aws_s3_bucket);
    const policy = JSON.parse(Object.values<any>(json.resource.aws_iam_user_policy)[0].policy);
    expect(policy.Statement.map((s: { Resource: string }) => s.Resource)).toEqual([`\${aws_s3_bucket.${bucket}.arn}/*`, `\${aws_s3_bucket.${bucket}.arn}`]);
    const [gcsBucket] = Object.keys(json.resource.google_storage_bucket);
    expect(Object.values<any>(json.resource.google_storage_bucket_iam_member)[0]).toMatchObject({ bucket: `\${google_storage_bucket.${gcsBucket}.name}`, role: 'roles/storage.objectAdmin' });
    expect(json.output.cast_cluster_prod_etcd_backup.sensitive).toBe(true);
    expect(formatProblems(checkStackConformance(json, loadVendoredSchemas()))).toBe('');
  });

  test('chosen targets: Azure and DigitalOcean; no store before the first control-plane group; none when turned off', () => {
    const chosen = cluster(ALL_CLOUDS.slice(), { targets: [Cloud.AZURE, Cloud.DIGITALOCEAN], keep: 24, schedule: '@hourly' });
    expect(types(chosen.json)).toEqual(expect.arrayContaining(['azurerm_storage_container', 'data.azurerm_storage_account_blob_container_sas', 'digitalocean_spaces_key']));
    // (An AWS cluster has an S3 bucket of its own: the mesh agent's download.)
    expect(types(chosen.json)).not.toContain('aws_iam_user');
    expect(types(chosen.json)).not.toContain('google_storage_bucket');
    expect(chosen.cluster._etcdBackup!.manifests().at(-1)).toContain('"@hourly"');
    expect(cluster([Cloud.AWS, Cloud.GCP], undefined, false).cluster._etcdBackup).toBeUndefined();
    const off = cluster([Cloud.AWS, Cloud.GCP], { enabled: false });
    expect(off.cluster._etcdBackup).toBeUndefined();
    expect(types(off.json)).not.toContain('aws_iam_user');
    expect(types(off.json)).not.toContain('google_storage_bucket');
  });

  test('a target on a cloud the cluster does not span, and a bad keep: one error with the path and the fix', () => {
    let error: unknown;
    try {
      cluster([Cloud.AWS, Cloud.GCP], { targets: [Cloud.AWS, Cloud.AZURE], keep: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CastValidationError);
    expect((error as Error).message).toBe(
      [
        "stack/prod: etcdBackup.targets must only name clouds the cluster spans (got Azure; the cluster spans [AWS, GCP]). Pick from those, or add the cloud to the cluster's clouds.",
        'stack/prod: etcdBackup.keep must be a whole number of at least 1 (got 0). It is how many snapshots each target keeps; 48 is two days of hourly ones.',
      ].join('\n'),
    );
  });
});
