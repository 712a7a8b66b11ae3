/**
 * The in-cluster side of etcd backups, one YAML document per manifest: the scripts'
 * ConfigMap, the CronJob's ServiceAccount, its Role on the status ConfigMap and their
 * RoleBinding, the status ConfigMap, and the CronJob (templates/backup/). Pure; no cdktf import.
 *
 * The credentials are not here: the CronJob mounts the Secret ETCD_BACKUP_SECRET_NAME, which
 * the in-cluster stack creates from Terraform values (lib/backup, EtcdBackup.secretData).
 *
 * The result is Terraform template text: template text and the scripts are escaped, and a
 * target's URL or region may hold a Terraform expression (a bucket named with a random
 * suffix), copied verbatim so Terraform resolves it at apply time. Such a value sits in a
 * double-quoted YAML scalar, so it must resolve to text without `"`, `\` or a line feed
 * (bucket names and regions do).
 */
import { escapeTerraformTemplate, renderTemplateFile } from '../bootstrap/render-template';
import { readTemplateFile } from '../bootstrap/template-files';
import { ALL_CLOUDS } from '../cloud';
import { ETCD_BACKUP_ETCD_IMAGE, ETCD_BACKUP_UPLOAD_IMAGE } from './backup-images';
import { backupSecretKeys, ETCD_BACKUP_NAMESPACE, ETCD_BACKUP_SECRET_NAME, ETCD_BACKUP_STATUS_CONFIGMAP } from './backup-secret';
import { BackupTarget } from './backup-targets';

/** The CronJob, its ServiceAccount, Role and RoleBinding. */
export const ETCD_BACKUP_NAME = 'cast-etcd-backup';
/** The ConfigMap of templates/backup/{etcd-backup,etcd-restore,object-store}.sh. */
export const ETCD_BACKUP_SCRIPTS_CONFIGMAP = 'cast-etcd-backup-scripts';
/** The scripts the ConfigMap carries, by file name (templates/backup/). */
export const ETCD_BACKUP_SCRIPTS: readonly string[] = ['etcd-backup.sh', 'etcd-restore.sh', 'object-store.sh'];

/** Where the containers find things. */
const SNAPSHOT_DIR = '/snapshots';
const SNAPSHOT_FILE = `${SNAPSHOT_DIR}/etcd.db`;
const SCRIPTS_DIR = '/scripts';
const SECRETS_DIR = '/etc/cast-etcd-backup';

/**
 * etcdctl against the member on this control plane, with the client certificate kubeadm made
 * for health checks ("Certificate Management with kubeadm", etcd/healthcheck-client: "client
 * certificate for liveness probes to healthcheck etcd"), the same one etcd-remove-member.sh
 * uses. kubeadm's etcd serves clients on https://127.0.0.1:2379 among its listen URLs. The
 * flags are environment variables (etcdctl reads ETCDCTL_<FLAG> for each global flag), so the
 * command line holds only what the command does.
 */
const ETCDCTL_ENV: readonly { readonly name: string; readonly value: string }[] = [
  { name: 'ETCDCTL_API', value: '3' },
  { name: 'ETCDCTL_ENDPOINTS', value: 'https://127.0.0.1:2379' },
  { name: 'ETCDCTL_CACERT', value: '/etc/kubernetes/pki/etcd/ca.crt' },
  { name: 'ETCDCTL_CERT', value: '/etc/kubernetes/pki/etcd/healthcheck-client.crt' },
  { name: 'ETCDCTL_KEY', value: '/etc/kubernetes/pki/etcd/healthcheck-client.key' },
  { name: 'ETCDCTL_DIAL_TIMEOUT', value: '10s' },
  // snapshot save streams the whole database: up to etcd's 8 GiB suggested maximum ("System limits").
  { name: 'ETCDCTL_COMMAND_TIMEOUT', value: '20m' },
];

/** What the manifests are rendered from. */
export interface EtcdBackupManifestsInput {
  /** The cluster's name: the snapshots' key prefix is `<clusterName>/`. */
  readonly clusterName: string;
  /** A CronJob schedule (checked by planEtcdBackup). */
  readonly schedule: string;
  /** How many snapshots each target keeps. */
  readonly keep: number;
  /** At least one; at most one per cloud. */
  readonly targets: readonly BackupTarget[];
}

/** The manifests, one YAML document each: scripts, ServiceAccount, Role, RoleBinding, status ConfigMap, CronJob. */
export function renderEtcdBackupManifests(input: EtcdBackupManifestsInput): string[] {
  const problems = inputProblems(input);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const labels = { 'app.kubernetes.io/name': ETCD_BACKUP_NAME, 'app.kubernetes.io/part-of': 'cast-cluster' };
  const common = { name: literal(ETCD_BACKUP_NAME), namespace: literal(ETCD_BACKUP_NAMESPACE), labels: literal(labels) };
  const scripts = Object.fromEntries(ETCD_BACKUP_SCRIPTS.map((file) => [file, readTemplateFile(`backup/${file}`)]));
  const targets = [...input.targets].sort((a, b) => ALL_CLOUDS.indexOf(a.cloud) - ALL_CLOUDS.indexOf(b.cloud));
  return [
    renderTemplateFile('backup/etcd-backup-scripts.yaml', { ...common, name: literal(ETCD_BACKUP_SCRIPTS_CONFIGMAP), scripts: literal(scripts) }),
    ...renderTemplateFile('backup/etcd-backup-rbac.yaml', { ...common, status_configmap: literal(ETCD_BACKUP_STATUS_CONFIGMAP) }).split(/^---\n/m),
    renderTemplateFile('backup/etcd-backup-cronjob.yaml', {
      ...common,
      schedule: literal(input.schedule),
      etcd_image: literal(ETCD_BACKUP_ETCD_IMAGE),
      upload_image: literal(ETCD_BACKUP_UPLOAD_IMAGE),
      snapshot_command: literal(['etcdctl', 'snapshot', 'save', SNAPSHOT_FILE]),
      etcdctl_env: literal(ETCDCTL_ENV),
      // A file that is not a readable snapshot fails here, before any upload (etcd, "Disaster recovery": snapshot status).
      verify_command: literal(['etcdctl', 'snapshot', 'status', SNAPSHOT_FILE, '--write-out', 'table']),
      upload_command: literal(['bash', `${SCRIPTS_DIR}/etcd-backup.sh`]),
      upload_env: uploadEnv(input, targets),
      snapshot_dir: literal(SNAPSHOT_DIR),
      scripts_dir: literal(SCRIPTS_DIR),
      secrets_dir: literal(SECRETS_DIR),
      scripts_configmap: literal(ETCD_BACKUP_SCRIPTS_CONFIGMAP),
      secret_name: literal(ETCD_BACKUP_SECRET_NAME),
    }),
  ];
}

/**
 * The upload container's environment (etcd-backup.sh's configuration), as a JSON flow
 * sequence. Each target's URL and region are copied verbatim (they may be Terraform
 * expressions); every other value is fixed text that holds no `${` or `%{`.
 */
function uploadEnv(input: EtcdBackupManifestsInput, targets: readonly BackupTarget[]): string {
  const env: { name: string; value: string }[] = [
    { name: 'CAST_SNAPSHOT_FILE', value: SNAPSHOT_FILE },
    { name: 'CAST_BACKUP_PREFIX', value: `${input.clusterName}/` },
    { name: 'CAST_BACKUP_KEEP', value: String(input.keep) },
    { name: 'CAST_BACKUP_TARGETS', value: targets.map((target) => target.cloud).join(' ') },
    { name: 'CAST_SECRETS_DIR', value: SECRETS_DIR },
    { name: 'CAST_STATUS_CONFIGMAP', value: ETCD_BACKUP_STATUS_CONFIGMAP },
  ];
  for (const target of targets) {
    const upper = target.cloud.toUpperCase();
    env.push({ name: `CAST_TARGET_${upper}_KIND`, value: target.kind }, { name: `CAST_TARGET_${upper}_URL`, value: target.url }, { name: `CAST_TARGET_${upper}_REGION`, value: target.region });
  }
  return JSON.stringify(env);
}

function inputProblems(input: EtcdBackupManifestsInput): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(input.clusterName)) problems.push(`clusterName must be lowercase letters, digits and dashes (got ${JSON.stringify(input.clusterName)}).`);
  if (input.targets.length === 0) problems.push('targets must hold at least one target.');
  const clouds = input.targets.map((target) => target.cloud);
  if (new Set(clouds).size !== clouds.length) problems.push(`targets must hold one target per cloud (got ${clouds.join(', ')}).`);
  if (!Number.isInteger(input.keep) || input.keep < 1) problems.push(`keep must be a whole number of at least 1 (got ${input.keep}).`);
  for (const target of input.targets) {
    // The Secret keys the script reads for this target must be the ones the Secret is made with.
    const keys = backupSecretKeys(target.cloud);
    if ((target.kind === 'azure') !== (keys.sasToken !== undefined)) problems.push(`the ${target.cloud} target must be of kind ${target.kind === 'azure' ? 's3' : 'azure'} (got ${target.kind}).`);
  }
  return problems;
}

/** A literal value for a placeholder: JSON, escaped so Terraform does not interpolate it. */
function literal(value: unknown): string {
  return escapeTerraformTemplate(JSON.stringify(value));
}
