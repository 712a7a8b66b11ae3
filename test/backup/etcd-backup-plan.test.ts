/**
 * The pure side of etcd backups (lib/core/backup): the options' defaults and checks, cron
 * schedules, where each cloud's target is, and what the rendered manifests hold. No App.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  BackupTarget, backupTarget, cronScheduleProblem, ETCD_BACKUP_SECRET_NAME, ETCD_BACKUP_STATUS_CONFIGMAP, planEtcdBackup, renderEtcdBackupManifests, spacesRegionFor,
} from '../../lib/core/backup';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { Cloud } from '../../lib/core/cloud';
import { PlanError } from '../../lib/core/plan-error';
import { describeWithTool, runTool } from '../core/bootstrap/node-tools';

const NOW = new Date('2026-12-05T09:00:00Z');
const FOUR = [Cloud.DIGITALOCEAN, Cloud.AZURE, Cloud.GCP, Cloud.AWS];

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  return [];
}

describe('planEtcdBackup', () => {
  test('defaults: on, hourly at :17, 48 kept, the first two clouds in the library order, the SAS until 1 January of the year after next', () => {
    expect(planEtcdBackup({}, FOUR, NOW)).toEqual({ enabled: true, targets: [Cloud.AWS, Cloud.GCP], schedule: '17 * * * *', keep: 48, azureSasExpiry: '2028-01-01T00:00:00Z' });
    expect(planEtcdBackup({}, [Cloud.AZURE, Cloud.DIGITALOCEAN], NOW).targets).toEqual([Cloud.AZURE, Cloud.DIGITALOCEAN]);
    expect(planEtcdBackup({}, [Cloud.GCP], NOW).targets).toEqual([Cloud.GCP]);
    // A synth in the next year moves the expiry on by a year.
    expect(planEtcdBackup({}, FOUR, new Date('2027-01-01T00:00:00Z')).azureSasExpiry).toBe('2029-01-01T00:00:00Z');
  });

  test('given values are kept; targets sorted, duplicates dropped', () => {
    expect(planEtcdBackup({ targets: [Cloud.DIGITALOCEAN, Cloud.AZURE, Cloud.DIGITALOCEAN], schedule: '@daily', keep: 7, azureSasExpiry: '2027-06-30', enabled: false }, FOUR, NOW)).toEqual({
      enabled: false,
      targets: [Cloud.AZURE, Cloud.DIGITALOCEAN],
      schedule: '@daily',
      keep: 7,
      azureSasExpiry: '2027-06-30T00:00:00Z',
    });
  });

  test('every bad value at once, each with the prop, the value and the fix', () => {
    const found = problems(() => planEtcdBackup({ targets: [Cloud.AZURE, Cloud.DIGITALOCEAN], schedule: '61 * * * *', keep: 0, azureSasExpiry: '2026-02-30' }, [Cloud.AWS, Cloud.GCP], NOW));
    expect(found).toEqual([
      'etcdBackup.targets must only name clouds the cluster spans (got Azure; the cluster spans [AWS, GCP]). Pick from those, or add the cloud to the cluster\'s clouds.',
      'etcdBackup.targets must only name clouds the cluster spans (got DigitalOcean; the cluster spans [AWS, GCP]). Pick from those, or add the cloud to the cluster\'s clouds.',
      'etcdBackup.schedule must be a cron schedule of five fields or an @hourly-style macro (got "61 * * * *"): the minute field "61" must hold numbers 0-59 (got "61"). E.g. "17 * * * *" for hourly at :17.',
      'etcdBackup.keep must be a whole number of at least 1 (got 0). It is how many snapshots each target keeps; 48 is two days of hourly ones.',
      'etcdBackup.azureSasExpiry must be a date written YYYY-MM-DD (got "2026-02-30"). Set a date within the validity your storage account\'s SAS policy allows, or leave it out.',
    ]);
  });

  test.each([
    ['no target', { targets: [] }, 'etcdBackup.targets must name at least one cloud (got []).'],
    ['a fractional keep', { keep: 2.5 }, 'etcdBackup.keep must be a whole number of at least 1 (got 2.5).'],
    ['an expiry in the past', { azureSasExpiry: '2026-12-04' }, 'etcdBackup.azureSasExpiry must be in the future (got 2026-12-04)'],
    ['six cron fields', { schedule: '0 17 * * * *' }, 'it has 6 fields, not 5'],
  ])('refuses %s', (_what, input, message) => {
    expect(problems(() => planEtcdBackup(input, FOUR, NOW)).join('\n')).toContain(message);
  });
});

describe('cronScheduleProblem', () => {
  test.each(['17 * * * *', '*/15 * * * *', '0 0-23/2 * * *', '5 4 * * SUN', '0 0 1,15 JAN-JUN ?', '0 3 * * 7', '@hourly', '@weekly', '  17 * * * *  '])('accepts %j', (schedule) => {
    expect(cronScheduleProblem(schedule)).toBeUndefined();
  });

  test.each([
    ['', 'it has 0 fields, not 5'],
    ['* * * *', 'it has 4 fields, not 5'],
    ['@every 1h', 'unknown macro @every 1h'],
    ['60 * * * *', 'the minute field "60" must hold numbers 0-59'],
    ['0 24 * * *', 'the hour field "24"'],
    ['0 0 0 * *', 'the day of month field "0"'],
    ['0 0 * 13 *', 'the month field "13"'],
    ['0 0 * * 8', 'the day of week field "8"'],
    ['*/0 * * * *', 'has a bad step in "*/0"'],
    ['10-5 * * * *', 'has a range that runs backwards ("10-5")'],
    ['? * * * *', 'the minute field "?"'],
    ['CRON_TZ=UTC 0 * * * *', 'it has 6 fields, not 5'],
  ])('refuses %j: %s', (schedule, problem) => {
    expect(cronScheduleProblem(schedule)).toContain(problem);
  });
});

describe('backup targets', () => {
  test("each cloud's bucket URL and signing region", () => {
    expect(backupTarget({ cloud: Cloud.AWS, bucket: 'b', region: 'eu-west-2' })).toEqual({ cloud: Cloud.AWS, kind: 's3', url: 'https://b.s3.eu-west-2.amazonaws.com', region: 'eu-west-2' });
    expect(backupTarget({ cloud: Cloud.GCP, bucket: 'b' })).toEqual({ cloud: Cloud.GCP, kind: 's3', url: 'https://storage.googleapis.com/b', region: 'auto' });
    expect(backupTarget({ cloud: Cloud.DIGITALOCEAN, bucket: 'b', region: 'fra1' })).toEqual({ cloud: Cloud.DIGITALOCEAN, kind: 's3', url: 'https://b.fra1.digitaloceanspaces.com', region: 'fra1' });
    expect(backupTarget({ cloud: Cloud.AZURE, bucket: 'c', azureAccount: 'acct' })).toEqual({ cloud: Cloud.AZURE, kind: 'azure', url: 'https://acct.blob.core.windows.net/c', region: '' });
    expect(() => backupTarget({ cloud: Cloud.AWS, bucket: 'b' })).toThrow('a aws backup bucket needs its region.');
  });

  test("a droplet region's Spaces region: itself, else the same city's", () => {
    expect(['nyc1', 'nyc3', 'sfo3', 'sfo1', 'ams2', 'lon1', 'blr1', 'tor1'].map(spacesRegionFor)).toEqual(['nyc3', 'nyc3', 'sfo3', 'sfo3', 'ams3', 'lon1', 'blr1', 'tor1']);
    expect(spacesRegionFor('xyz1')).toBeUndefined();
  });
});

describe('renderEtcdBackupManifests', () => {
  const targets: BackupTarget[] = [
    { cloud: Cloud.AZURE, kind: 'azure', url: 'https://${azurerm_storage_account.a.name}.blob.core.windows.net/etcd-snapshots', region: '' },
    { cloud: Cloud.AWS, kind: 's3', url: 'https://${aws_s3_bucket.b.bucket}.s3.us-east-1.amazonaws.com', region: 'us-east-1' },
  ];
  const texts = renderEtcdBackupManifests({ clusterName: 'prod', schedule: '@hourly', keep: 5, targets });
  const documents = texts.map((text) => parse(unescapeTerraformTemplate(text)));
  const cronJob = documents.find((doc) => doc.kind === 'CronJob');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;

  test('one document each: the scripts, the ServiceAccount, its Role and RoleBinding, the status ConfigMap, the CronJob', () => {
    expect(documents.map((doc) => `${doc.kind}/${doc.metadata.name}`)).toEqual([
      'ConfigMap/cast-etcd-backup-scripts',
      'ServiceAccount/cast-etcd-backup',
      'Role/cast-etcd-backup',
      'RoleBinding/cast-etcd-backup',
      `ConfigMap/${ETCD_BACKUP_STATUS_CONFIGMAP}`,
      'CronJob/cast-etcd-backup',
    ]);
    expect(documents.every((doc) => doc.metadata.namespace === 'kube-system')).toBe(true);
  });

  test('the CronJob: one run at a time, on a control plane, on the host network, with images by digest', () => {
    expect(cronJob.spec).toMatchObject({ schedule: '@hourly', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    expect(pod).toMatchObject({ hostNetwork: true, dnsPolicy: 'Default', nodeSelector: { 'node-role.kubernetes.io/control-plane': '' }, serviceAccountName: 'cast-etcd-backup', restartPolicy: 'Never' });
    expect(pod.tolerations).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' });
    for (const container of [...pod.initContainers, ...pod.containers]) expect(container.image).toMatch(/^registry\.k8s\.io\/[a-z0-9/-]+:[^@]+@sha256:[0-9a-f]{64}$/);
    expect(pod.volumes).toContainEqual({ name: 'etcd-certs', hostPath: { path: '/etc/kubernetes/pki/etcd', type: 'Directory' } });
    expect(pod.volumes).toContainEqual({ name: 'credentials', secret: { secretName: ETCD_BACKUP_SECRET_NAME, defaultMode: 0o400 } });
    expect(pod.initContainers[0].volumeMounts).toContainEqual({ name: 'etcd-certs', mountPath: '/etc/kubernetes/pki/etcd', readOnly: true });
  });

  test('the upload container: targets in the library order, their URLs verbatim, keep and prefix; no credential in its environment', () => {
    const env = Object.fromEntries(pod.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toEqual({
      CAST_SNAPSHOT_FILE: '/snapshots/etcd.db',
      CAST_BACKUP_PREFIX: 'prod/',
      CAST_BACKUP_KEEP: '5',
      CAST_BACKUP_TARGETS: 'aws azure',
      CAST_SECRETS_DIR: '/etc/cast-etcd-backup',
      CAST_STATUS_CONFIGMAP: ETCD_BACKUP_STATUS_CONFIGMAP,
      CAST_TARGET_AWS_KIND: 's3',
      CAST_TARGET_AWS_URL: targets[1].url,
      CAST_TARGET_AWS_REGION: 'us-east-1',
      CAST_TARGET_AZURE_KIND: 'azure',
      CAST_TARGET_AZURE_URL: targets[0].url,
      CAST_TARGET_AZURE_REGION: '',
    });
    // The URLs' expressions are left for Terraform; the scripts' own ${...} are escaped.
    const cronJobText = texts.at(-1)!;
    expect(cronJobText).toContain('"https://${aws_s3_bucket.b.bucket}.s3.us-east-1.amazonaws.com"');
    expect(texts[0]).not.toMatch(/[^$]\$\{/);
  });

  test('the Role reaches the status ConfigMap only, to read and patch it', () => {
    expect(documents.find((doc) => doc.kind === 'Role').rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: [ETCD_BACKUP_STATUS_CONFIGMAP], verbs: ['get', 'patch'] }]);
  });

  test('bad input is refused with every problem', () => {
    expect(() => renderEtcdBackupManifests({ clusterName: 'Prod', schedule: '@hourly', keep: 0, targets: [] })).toThrow(
      'clusterName must be lowercase letters, digits and dashes (got "Prod").\ntargets must hold at least one target.\nkeep must be a whole number of at least 1 (got 0).',
    );
  });
});

describeWithTool('shellcheck', 'shellcheck', 'the scripts in the rendered ConfigMap', () => {
  test('pass shellcheck, following what they source', () => {
    const [scriptsMap] = renderEtcdBackupManifests({ clusterName: 'prod', schedule: '@hourly', keep: 5, targets: [{ cloud: Cloud.GCP, kind: 's3', url: 'https://x', region: 'auto' }] });
    const scripts = parse(unescapeTerraformTemplate(scriptsMap)).data as Record<string, string>;
    expect(Object.keys(scripts).sort()).toEqual(['etcd-backup.sh', 'etcd-restore.sh', 'object-store.sh']);
    const dir = mkdtempSync(join(tmpdir(), 'cast-backup-sc-'));
    try {
      const files = Object.entries(scripts).map(([name, text]) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      });
      expect(runTool('shellcheck', ['-x', ...files])).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
