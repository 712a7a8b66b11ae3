/**
 * EtcdBackup synthesized with a store on every cloud (lib/backup): private buckets with an
 * expiry rule and no versioning, an identity per bucket that reaches that bucket only, the
 * secrets referenced only from sensitive places, and the manifests naming the buckets. The
 * stack is checked against the vendored provider schemas.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformLocal, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { parseAllDocuments } from 'yaml';
import { EtcdBackup } from '../../lib/backup';
import { backupSecretKeys, planEtcdBackup } from '../../lib/core/backup';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { LABELS } from '../nodes/scaling/scaling-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

const NETWORK = { networkId: 'n', networkAddress: 'n', subnetId: 's', roleFirewall: { 'control-plane': 'cp', worker: 'w' }, resourceGroupName: 'rg-demo' };
const REGIONS: Record<Cloud, string> = { [Cloud.AWS]: 'us-east-1', [Cloud.GCP]: 'us-east4', [Cloud.AZURE]: 'eastus', [Cloud.DIGITALOCEAN]: 'nyc1' };

function synth() {
  const stack = new TerraformStack(Testing.app(), 'test');
  const providers = {
    [Cloud.AWS]: new AwsProvider(stack, 'aws', { region: REGIONS[Cloud.AWS] }),
    [Cloud.GCP]: new GoogleProvider(stack, 'google', {}),
    [Cloud.AZURE]: new AzurermProvider(stack, 'azurerm', { features: [{}] }),
    [Cloud.DIGITALOCEAN]: new DigitaloceanProvider(stack, 'digitalocean', {}),
  };
  const plan = planEtcdBackup({ targets: [...ALL_CLOUDS] }, ALL_CLOUDS, new Date('2026-12-05T00:00:00Z'));
  const backup = new EtcdBackup(stack, 'etcd-backup', {
    clusterName: 'demo',
    labels: LABELS,
    plan,
    randomProvider: new RandomProvider(stack, 'random'),
    clouds: ALL_CLOUDS.map((cloud) => ({ cloud, provider: providers[cloud], location: { region: REGIONS[cloud], zone: `${REGIONS[cloud]}-a` }, network: NETWORK })),
  });
  // What the in-cluster stack is handed, resolved as Terraform would see it.
  new TerraformOutput(stack, 'secret-data', { value: backup.secretData, sensitive: true });
  new TerraformLocal(stack, 'manifests', backup.manifests());
  const json = JSON.parse(Testing.synth(stack));
  return { json, backup };
}

/** The one resource of `type`; fails when there is not exactly one. */
function only(json: any, type: string, data = false): { name: string; body: any } {
  const entries = Object.entries((data ? json.data : json.resource)[type] ?? {});
  expect(entries).toHaveLength(1);
  return { name: entries[0][0], body: entries[0][1] };
}

/** Every JSON path whose string holds `pattern`. */
function pathsOf(value: unknown, pattern: RegExp, path = ''): string[] {
  if (typeof value === 'string') return pattern.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => pathsOf(item, pattern, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => pathsOf(item, pattern, path ? `${path}.${key}` : key));
  return [];
}

describe('EtcdBackup on every cloud', () => {
  const { json } = synth();

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(json, loadVendoredSchemas()))).toBe('');
  });

  test('AWS: a private bucket with an expiry rule, and a user whose policy names that bucket and its objects only', () => {
    const bucket = only(json, 'aws_s3_bucket');
    expect(bucket.body).toMatchObject({ force_destroy: false });
    // In the provider's region: AWS provider 5 refuses a `region` argument (6 takes one).
    expect(bucket.body.region).toBeUndefined();
    expect(only(json, 'aws_s3_bucket_public_access_block').body).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(only(json, 'aws_s3_bucket_lifecycle_configuration').body.rule).toEqual([
      { id: 'expire-etcd-snapshots', status: 'Enabled', filter: [{ prefix: 'demo/' }], expiration: [{ days: 30 }] },
    ]);
    expect(json.resource.aws_s3_bucket_versioning).toBeUndefined();
    const policy = JSON.parse(only(json, 'aws_iam_user_policy').body.policy);
    const arn = `\${aws_s3_bucket.${bucket.name}.arn}`;
    expect(policy.Statement).toEqual([
      { Sid: 'EtcdSnapshots', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], Resource: `${arn}/*` },
      { Sid: 'ListEtcdSnapshots', Effect: 'Allow', Action: 's3:ListBucket', Resource: arn },
    ]);
    expect(only(json, 'aws_iam_user_policy').body.user).toBe(`\${aws_iam_user.${only(json, 'aws_iam_user').name}.name}`);
  });

  test('GCP: a private bucket, and a service account with objectAdmin on that bucket only, no project role', () => {
    const bucket = only(json, 'google_storage_bucket');
    expect(bucket.body).toMatchObject({ location: 'us-east4', uniform_bucket_level_access: true, public_access_prevention: 'enforced', force_destroy: false });
    expect(bucket.body.lifecycle_rule).toEqual([{ action: { type: 'Delete' }, condition: { age: 30, matches_prefix: ['demo/'] } }]);
    expect(bucket.body.versioning).toBeUndefined();
    const account = only(json, 'google_service_account').name;
    expect(only(json, 'google_storage_bucket_iam_member').body).toEqual({
      provider: 'google',
      bucket: `\${google_storage_bucket.${bucket.name}.name}`,
      role: 'roles/storage.objectAdmin',
      member: `\${google_service_account.${account}.member}`,
    });
    expect(json.resource.google_project_iam_member).toBeUndefined();
    expect(only(json, 'google_storage_hmac_key').body.service_account_email).toBe(`\${google_service_account.${account}.email}`);
  });

  test('Azure: a private container, and a SAS on that container only, HTTPS only, until the planned expiry', () => {
    const account = only(json, 'azurerm_storage_account');
    expect(account.body).toMatchObject({ resource_group_name: 'rg-demo', allow_nested_items_to_be_public: false, min_tls_version: 'TLS1_2', https_traffic_only_enabled: true });
    const container = only(json, 'azurerm_storage_container');
    expect(container.body).toMatchObject({ name: 'etcd-snapshots', container_access_type: 'private', storage_account_id: `\${azurerm_storage_account.${account.name}.id}` });
    const sas = only(json, 'azurerm_storage_account_blob_container_sas', true).body;
    expect(sas).toMatchObject({
      connection_string: `\${azurerm_storage_account.${account.name}.primary_connection_string}`,
      container_name: `\${azurerm_storage_container.${container.name}.name}`,
      https_only: true,
      start: '2020-01-01T00:00:00Z',
      expiry: '2028-01-01T00:00:00Z',
      permissions: { read: true, add: true, create: true, write: true, delete: true, list: true },
    });
    expect(only(json, 'azurerm_storage_management_policy').body.rule[0]).toMatchObject({
      filters: { blob_types: ['blockBlob'], prefix_match: ['etcd-snapshots/demo/'] },
      actions: { base_blob: { delete_after_days_since_modification_greater_than: 30 } },
    });
  });

  test("DigitalOcean: a private bucket in the city's Spaces region, and a key granted on that bucket only", () => {
    const bucket = only(json, 'digitalocean_spaces_bucket');
    expect(bucket.body).toMatchObject({ region: 'nyc3', acl: 'private', force_destroy: false });
    expect(only(json, 'digitalocean_spaces_key').body.grant).toEqual([{ bucket: `\${digitalocean_spaces_bucket.${bucket.name}.name}`, permission: 'readwrite' }]);
  });

  test('secrets are referenced only from the Secret data and the restore output, both sensitive, and the SAS data source', () => {
    const secret = /\.(secret|secret_key|sas|primary_connection_string)\}/;
    const outputs = Object.keys(json.output);
    expect(pathsOf(json, secret).sort()).toEqual(
      [
        `data.azurerm_storage_account_blob_container_sas.${only(json, 'azurerm_storage_account_blob_container_sas', true).name}.connection_string`,
        ...['aws', 'azure', 'digitalocean', 'gcp'].map((cloud) => `output.${outputs.find((o) => o.endsWith('_etcd_backup'))}.value.${cloud}.CAST_RESTORE_${cloud === 'azure' ? 'SAS_TOKEN' : 'SECRET_ACCESS_KEY'}`),
        ...ALL_CLOUDS.map((cloud) => `output.secret-data.value.${backupSecretKeys(cloud).secretAccessKey ?? backupSecretKeys(cloud).sasToken}`),
      ].sort(),
    );
    for (const output of outputs) expect(json.output[output].sensitive).toBe(true);
    expect(outputs).toContain('cast_cluster_demo_etcd_backup');
  });

  test("the Secret's data maps each key to its identity's credential", () => {
    const data = json.output['secret-data'].value;
    const ref = (type: string, attribute: string, isData = false) => `\${${isData ? 'data.' : ''}${type}.${only(json, type, isData).name}.${attribute}}`;
    expect(data).toEqual({
      'aws-access-key-id': ref('aws_iam_access_key', 'id'),
      'aws-secret-access-key': ref('aws_iam_access_key', 'secret'),
      'gcp-access-key-id': ref('google_storage_hmac_key', 'access_id'),
      'gcp-secret-access-key': ref('google_storage_hmac_key', 'secret'),
      'azure-sas-token': ref('azurerm_storage_account_blob_container_sas', 'sas', true),
      'digitalocean-access-key-id': ref('digitalocean_spaces_key', 'access_key'),
      'digitalocean-secret-access-key': ref('digitalocean_spaces_key', 'secret_key'),
    });
  });

  test('the CronJob names each bucket by its Terraform reference, and no manifest holds a credential', () => {
    const manifests: string[] = json.locals.manifests;
    expect(manifests.join('\n')).not.toMatch(/\.(secret|secret_key|sas|access_key|access_id|primary_connection_string)\}/);
    const cronJob = manifests.map((text) => parseAllDocuments(text)[0].toJS()).find((doc) => doc.kind === 'CronJob');
    const env = Object.fromEntries(cronJob.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({
      CAST_BACKUP_TARGETS: 'aws gcp azure digitalocean',
      CAST_TARGET_AWS_URL: `https://\${aws_s3_bucket.${only(json, 'aws_s3_bucket').name}.bucket}.s3.\${aws_s3_bucket.${only(json, 'aws_s3_bucket').name}.region}.amazonaws.com`,
      CAST_TARGET_GCP_URL: `https://storage.googleapis.com/\${google_storage_bucket.${only(json, 'google_storage_bucket').name}.name}`,
      CAST_TARGET_GCP_REGION: 'auto',
      CAST_TARGET_AZURE_URL: `https://\${azurerm_storage_account.${only(json, 'azurerm_storage_account').name}.name}.blob.core.windows.net/\${azurerm_storage_container.${only(json, 'azurerm_storage_container').name}.name}`,
      CAST_TARGET_DIGITALOCEAN_URL: `https://\${digitalocean_spaces_bucket.${only(json, 'digitalocean_spaces_bucket').name}.name}.nyc3.digitaloceanspaces.com`,
    });
  });
});
