/**
 * The rendered etcd backup against real etcd and real object stores (backup-lab.ts): a
 * three-member etcd holding known keys; the CronJob's containers run as the manifests say
 * (etcdctl snapshot save and snapshot status, etcd-backup.sh from the scripts ConfigMap)
 * against S3 (s3rver behind a SigV4 check) and Azure Blob (azurite, SAS); retention; a failing
 * target; then etcd-restore.sh brings a fresh member set back from the newest snapshot.
 */
import * as aws4 from 'aws4';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { backupSecretKeys, BackupTarget, ETCD_BACKUP_SCRIPTS_CONFIGMAP, ETCD_BACKUP_STATUS_CONFIGMAP, renderEtcdBackupManifests } from '../../lib/core/backup';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { Cloud } from '../../lib/core/cloud';
import { jestTimeout, READY_LIMIT_MS } from '../mesh/lab-waits';
import { BackupLab, describeBackupLab, S3_KEY } from './backup-lab';

const BUCKET = 'cast-lab-etcd';
const CONTAINER = 'etcd-snapshots';
const CLUSTER = 'lab';
const KEEP = 3;
const MEMBERS = ['cp-1', 'cp-2', 'cp-3'];
const KEYS = Array.from({ length: 20 }, (_, i) => [`/registry/cast-lab/k${String(i).padStart(2, '0')}`, `value-${i}-${'x'.repeat(i * 10)}`] as const);
/** Snapshot times the lab gives each run's file (its modification time): an hour apart. */
const FIRST_SNAPSHOT = Date.UTC(2026, 11, 5, 0, 17, 3);
const HOUR = 3_600_000;

interface Container {
  readonly name: string;
  readonly command: string[];
  readonly env?: { name: string; value: string }[];
  readonly volumeMounts: { name: string; mountPath: string }[];
}

/** `20261205T001703Z`, as the script names a snapshot taken then. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
const snapshotKey = (ms: number) => `${CLUSTER}/etcd-snapshot-${stamp(ms)}.db`;

describeBackupLab('the rendered etcd backup and restore, on real etcd, S3 and Azure Blob', () => {
  let lab: BackupLab;
  let s3: string;
  let containerUrl: string;
  let sas: string;
  let api: string;
  let containers: Container[];
  /** The time given to each run's snapshot, in order. */
  const runs: number[] = [];

  /** A path inside a container, as a folder of the lab (the CronJob's volumes). */
  const mapped = (text: string) =>
    text.replace(/^\/snapshots(?=\/|$)/, join(lab.dir, 'snapshots')).replace(/^\/scripts(?=\/|$)/, join(lab.dir, 'scripts')).replace(/^\/etc\/cast-etcd-backup(?=\/|$)/, join(lab.dir, 'secrets'));

  /** Runs one of the CronJob's containers as a local process; `env` overrides the manifest's. */
  function runContainer(name: string, env: Record<string, string | undefined> = {}) {
    const container = containers.find((c) => c.name === name)!;
    const merged: Record<string, string | undefined> = { ...Object.fromEntries((container.env ?? []).map((e) => [e.name, mapped(e.value)])), ...env };
    const defined = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const [command, ...args] = container.command.map(mapped);
    return lab.run(command, args, defined);
  }

  /** One CronJob run: the two init containers, then the upload; the snapshot file gets time `at`. */
  async function backup(at: number) {
    rmSync(join(lab.dir, 'snapshots'), { recursive: true, force: true });
    mkdirSync(join(lab.dir, 'snapshots'));
    // Plain HTTP to the lab's member: no client certificate (kubeadm's are TLS, read from the same variables).
    const snapshot = await runContainer('snapshot', { ETCDCTL_ENDPOINTS: lab.clientUrl('cp-1'), ETCDCTL_CACERT: undefined, ETCDCTL_CERT: undefined, ETCDCTL_KEY: undefined });
    expect(snapshot).toMatchObject({ code: 0 });
    utimesSync(join(lab.dir, 'snapshots', 'etcd.db'), at / 1000, at / 1000);
    const verify = await runContainer('verify');
    expect(verify).toMatchObject({ code: 0 });
    runs.push(at);
    return runContainer('upload', { CAST_KUBE_API: api, CAST_KUBE_TOKEN_FILE: join(lab.dir, 'token'), CAST_KUBE_CA_FILE: join(lab.dir, 'ca.crt') });
  }

  /** Writes the Secret's files as the CronJob mounts them. */
  function writeSecret(awsSecret: string) {
    mkdirSync(join(lab.dir, 'secrets'), { recursive: true });
    const aws = backupSecretKeys(Cloud.AWS);
    writeFileSync(join(lab.dir, 'secrets', aws.accessKeyId!), S3_KEY.accessKeyId);
    writeFileSync(join(lab.dir, 'secrets', aws.secretAccessKey!), awsSecret);
    writeFileSync(join(lab.dir, 'secrets', backupSecretKeys(Cloud.AZURE).sasToken!), sas);
  }

  async function s3Object(key: string): Promise<Buffer> {
    const url = new URL(`${s3}/${BUCKET}/${key}`);
    const signed = aws4.sign({ host: url.host, path: url.pathname, service: 's3', region: 'us-east-1', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }, S3_KEY);
    const response = await fetch(url, { headers: signed.headers as Record<string, string> });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  beforeAll(async () => {
    lab = BackupLab.create();
    try {
      await lab.startEtcd(MEMBERS);
      for (const [key, value] of KEYS) expect(await lab.etcdctl(['put', key, value])).toMatchObject({ code: 0 });
      s3 = await lab.startS3(BUCKET);
      containerUrl = await lab.startAzurite(CONTAINER);
      sas = lab.containerSas(CONTAINER, '2099-01-01T00:00:00Z');
      api = await lab.startApi();
      writeFileSync(join(lab.dir, 'token'), 'lab-service-account-token');
      writeFileSync(join(lab.dir, 'ca.crt'), '');
      // What the cluster would get, rendered for the lab's stores.
      const targets: BackupTarget[] = [
        { cloud: Cloud.AWS, kind: 's3', url: `${s3}/${BUCKET}`, region: 'us-east-1' },
        { cloud: Cloud.AZURE, kind: 'azure', url: containerUrl, region: '' },
      ];
      const documents = renderEtcdBackupManifests({ clusterName: CLUSTER, schedule: '17 * * * *', keep: KEEP, targets }).map((text) => parse(unescapeTerraformTemplate(text)));
      const cronJob = documents.find((doc) => doc.kind === 'CronJob');
      const spec = cronJob.spec.jobTemplate.spec.template.spec;
      containers = [...spec.initContainers, ...spec.containers];
      mkdirSync(join(lab.dir, 'scripts'));
      const scripts = documents.find((doc) => doc.kind === 'ConfigMap' && doc.metadata.name === ETCD_BACKUP_SCRIPTS_CONFIGMAP).data as Record<string, string>;
      for (const [file, text] of Object.entries(scripts)) writeFileSync(join(lab.dir, 'scripts', file), text);
      writeSecret(S3_KEY.secretAccessKey);
    } catch (error) {
      await lab.cleanup();
      throw error;
    }
  }, jestTimeout(READY_LIMIT_MS * 3));

  afterAll(async () => {
    await lab?.cleanup();
  });

  test('a run stores the snapshot on both targets under the time it was taken, and records it in the status ConfigMap', async () => {
    const result = await backup(FIRST_SNAPSHOT);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const key = snapshotKey(FIRST_SNAPSHOT);
    expect(await lab.s3Keys(s3, BUCKET, `${CLUSTER}/`)).toEqual([key]);
    expect(await lab.azureNames(containerUrl, sas, `${CLUSTER}/`)).toEqual([key]);
    // The stored object is the snapshot, byte for byte.
    expect((await s3Object(key)).equals(readFileSync(join(lab.dir, 'snapshots', 'etcd.db')))).toBe(true);
    expect(lab.statusPatches).toHaveLength(1);
    const patch = lab.statusPatches[0];
    expect(patch).toMatchObject({ authorization: 'Bearer lab-service-account-token', url: `PATCH /api/v1/namespaces/kube-system/configmaps/${ETCD_BACKUP_STATUS_CONFIGMAP}` });
    expect(JSON.parse(patch.body).data).toMatchObject({ lastSnapshot: key, lastSnapshotTime: new Date(FIRST_SNAPSHOT).toISOString().replace(/\.\d{3}/, ''), targets: 'aws azure' });
    expect(lab.refusedS3).toEqual([]);
  }, jestTimeout(READY_LIMIT_MS));

  test(`keep ${KEEP}: after ${KEEP + 2} runs each target holds exactly the newest ${KEEP}`, async () => {
    for (let i = runs.length; i < KEEP + 2; i++) expect(await backup(FIRST_SNAPSHOT + i * HOUR)).toMatchObject({ code: 0 });
    const newest = runs.slice(-KEEP).map(snapshotKey).sort();
    expect(runs).toHaveLength(KEEP + 2);
    expect(await lab.s3Keys(s3, BUCKET, `${CLUSTER}/`)).toEqual(newest);
    expect(await lab.azureNames(containerUrl, sas, `${CLUSTER}/`)).toEqual(newest);
    expect(lab.statusPatches).toHaveLength(KEEP + 2);
  }, jestTimeout(READY_LIMIT_MS));

  test('a target that refuses the upload: the run fails, nothing is deleted there, no status is recorded', async () => {
    const before = await lab.s3Keys(s3, BUCKET, `${CLUSTER}/`);
    const patches = lab.statusPatches.length;
    writeSecret('not-the-secret');
    const at = FIRST_SNAPSHOT + runs.length * HOUR;
    const result = await backup(at);
    writeSecret(S3_KEY.secretAccessKey);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`aws: upload of ${snapshotKey(at)} failed; nothing deleted.`);
    expect(result.stderr).toContain('failed on: aws.');
    expect(lab.refusedS3).toEqual([expect.stringContaining('signature mismatch')]);
    expect(await lab.s3Keys(s3, BUCKET, `${CLUSTER}/`)).toEqual(before);
    // The other target stored it and kept its newest KEEP.
    expect(await lab.azureNames(containerUrl, sas, `${CLUSTER}/`)).toEqual(runs.slice(-KEEP).map(snapshotKey).sort());
    expect(lab.statusPatches).toHaveLength(patches);
  }, jestTimeout(READY_LIMIT_MS));

  test('etcd-restore.sh downloads the newest snapshot and restores a fresh three-member set holding every key', async () => {
    // Written after the last snapshot: a restore must not have it.
    expect(await lab.etcdctl(['put', '/registry/cast-lab/after-the-snapshot', 'lost'])).toMatchObject({ code: 0 });
    await lab.stopEtcd();
    const restore = join(lab.dir, 'scripts', 'etcd-restore.sh');
    const newestOnS3 = (await lab.s3Keys(s3, BUCKET, `${CLUSTER}/`)).at(-1)!;
    const file = join(lab.dir, 'restore.db');
    const fromS3 = await lab.run('bash', [restore, 'download', '--out', file], {
      CAST_RESTORE_KIND: 's3',
      CAST_RESTORE_URL: `${s3}/${BUCKET}`,
      CAST_RESTORE_REGION: 'us-east-1',
      CAST_RESTORE_PREFIX: `${CLUSTER}/`,
      CAST_RESTORE_ACCESS_KEY_ID: S3_KEY.accessKeyId,
      CAST_RESTORE_SECRET_ACCESS_KEY: S3_KEY.secretAccessKey,
    });
    expect(fromS3).toMatchObject({ code: 0, stdout: expect.stringContaining(`etcd-restore: downloaded ${newestOnS3} to ${file}`) });
    // The same snapshot, named, from the Azure target: the same bytes.
    const azureFile = join(lab.dir, 'restore-azure.db');
    const fromAzure = await lab.run('bash', [restore, 'download', '--snapshot', newestOnS3, '--out', azureFile], {
      CAST_RESTORE_KIND: 'azure',
      CAST_RESTORE_URL: containerUrl,
      CAST_RESTORE_SAS_TOKEN: sas,
    });
    expect(fromAzure).toMatchObject({ code: 0 });
    expect(readFileSync(azureFile).equals(readFileSync(file))).toBe(true);

    await lab.allocate(MEMBERS);
    const cluster = lab.initialCluster(MEMBERS);
    for (const name of MEMBERS) {
      const result = await lab.run('bash', [restore, 'restore', '--snapshot-file', file, '--name', name, '--initial-cluster', cluster, '--initial-advertise-peer-urls', lab.peerUrl(name), '--data-dir', join(lab.dir, 'restored', name)], {});
      expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining(`restored member ${name}`) });
    }
    for (const name of MEMBERS) lab.startMember(name, MEMBERS, 'restored', 'restored');
    await lab.waitHealthy(MEMBERS);

    for (const [key, value] of KEYS) expect((await lab.etcdctl(['get', key, '--print-value-only'])).stdout).toBe(`${value}\n`);
    expect(await lab.etcdctl(['get', '/registry/cast-lab/after-the-snapshot'])).toMatchObject({ code: 0, stdout: '' });
    const members = (await lab.etcdctl(['member', 'list'])).stdout.trim().split('\n').map((line) => line.split(', ').slice(2, 4).join(' ')).sort();
    expect(members).toEqual(MEMBERS.map((name) => `${name} ${lab.peerUrl(name)}`));

    // A data directory that holds something is never overwritten.
    const again = await lab.run('bash', [restore, 'restore', '--snapshot-file', file, '--name', 'cp-1', '--initial-cluster', cluster, '--initial-advertise-peer-urls', lab.peerUrl('cp-1'), '--data-dir', join(lab.dir, 'restored', 'cp-1')], {});
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('is not empty. Move it aside first') });
  }, jestTimeout(READY_LIMIT_MS * 2));
});
