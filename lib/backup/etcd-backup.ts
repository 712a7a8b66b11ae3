/**
 * The etcd backup of a cluster: one store per target cloud (BACKUP_STORE_BUILDERS), what the
 * in-cluster stack installs (the manifests and the Secret's data), and the sensitive output
 * a restore reads its target from (docs/etcd-backup.md).
 *
 *   etcd-backup/<cloud>/...                the cloud's bucket and scoped identity
 *   output cast_cluster_<name>_etcd_backup sensitive: per target, the CAST_RESTORE_* values of etcd-restore.sh
 *
 * The plan (targets, schedule, keep, SAS expiry) is resolved and checked by the cluster with
 * planEtcdBackup, with the other props, so every problem is reported at once.
 */
import { TerraformOutput, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { backupSecretKeys } from '../core/backup/backup-secret';
import { BackupTarget } from '../core/backup/backup-targets';
import { renderEtcdBackupManifests } from '../core/backup/etcd-backup-manifests';
import { AZURE_SAS_START, EtcdBackupPlan } from '../core/backup/etcd-backup-plan';
import { Cloud } from '../core/cloud';
import { ClusterLabels } from '../core/cluster-labels';
import { CloudLocation } from '../core/regions';
import { NetworkAttachment } from '../network/network-spec';
import { BackupStore } from './backup-store-spec';
import { BACKUP_STORE_BUILDERS } from './backup-stores';

/** One of the cluster's clouds, as a store is built on it. */
export interface EtcdBackupCloud {
  readonly cloud: Cloud;
  readonly provider: TerraformProvider;
  readonly location: CloudLocation;
  readonly network: NetworkAttachment;
}

/** What the backup is built from. */
export interface EtcdBackupProps {
  readonly clusterName: string;
  readonly labels: ClusterLabels;
  /** The plan from planEtcdBackup; `enabled` must be true. */
  readonly plan: EtcdBackupPlan;
  /** The cluster's clouds; each target must be one of them. */
  readonly clouds: readonly EtcdBackupCloud[];
  /** The cluster's random provider. */
  readonly randomProvider: TerraformProvider;
}

export class EtcdBackup extends Construct {
  /** Where snapshots go, one per target cloud, in the library's cloud order (URLs hold Terraform references). */
  public readonly targets: readonly BackupTarget[];
  /**
   * The data of the Kubernetes Secret ETCD_BACKUP_SECRET_NAME (namespace ETCD_BACKUP_NAMESPACE)
   * the CronJob mounts: by key (backupSecretKeys), a Terraform reference to a sensitive
   * attribute. Put it in a Secret of the in-cluster stack; never in a manifest.
   */
  public readonly secretData: Readonly<Record<string, string>>;
  private readonly plan: EtcdBackupPlan;
  private readonly clusterName: string;

  constructor(scope: Construct, id: string, props: EtcdBackupProps) {
    super(scope, id);
    if (!props.plan.enabled) throw new Error(`${this.node.path}: an EtcdBackup is built only when etcdBackup.enabled is true.`);
    this.plan = props.plan;
    this.clusterName = props.clusterName;
    const prefix = `${props.clusterName}/`;
    const stores: BackupStore[] = props.plan.targets.map((cloud) => {
      const on = props.clouds.find((c) => c.cloud === cloud);
      if (!on) throw new Error(`${this.node.path}: the backup target ${cloud} is not one of the cluster's clouds.`);
      return BACKUP_STORE_BUILDERS[cloud](new Construct(this, cloud), {
        clusterName: props.clusterName,
        labels: props.labels,
        location: on.location,
        network: on.network,
        provider: on.provider,
        randomProvider: props.randomProvider,
        prefix,
        azureSas: { start: AZURE_SAS_START, expiry: props.plan.azureSasExpiry },
      });
    });
    this.targets = stores.map((store) => store.target);
    const data: Record<string, string> = {};
    for (const store of stores) {
      const keys = backupSecretKeys(store.target.cloud);
      if (keys.accessKeyId) data[keys.accessKeyId] = store.credentials.accessKeyId!;
      if (keys.secretAccessKey) data[keys.secretAccessKey] = store.credentials.secretAccessKey!;
      if (keys.sasToken) data[keys.sasToken] = store.credentials.sasToken!;
    }
    this.secretData = data;

    // What etcd-restore.sh reads, per target: `terraform output -json cast_cluster_<name>_etcd_backup`.
    const restore = Object.fromEntries(
      stores.map((store) => [
        store.target.cloud,
        {
          CAST_RESTORE_KIND: store.target.kind,
          CAST_RESTORE_URL: store.target.url,
          CAST_RESTORE_REGION: store.target.region,
          CAST_RESTORE_PREFIX: prefix,
          ...(store.credentials.accessKeyId ? { CAST_RESTORE_ACCESS_KEY_ID: store.credentials.accessKeyId, CAST_RESTORE_SECRET_ACCESS_KEY: store.credentials.secretAccessKey } : {}),
          ...(store.credentials.sasToken ? { CAST_RESTORE_SAS_TOKEN: store.credentials.sasToken } : {}),
        },
      ]),
    );
    new TerraformOutput(this, 'restore', {
      value: restore,
      sensitive: true,
      description: `Per backup target of cluster ${props.clusterName}: the CAST_RESTORE_* environment of etcd-restore.sh (docs/etcd-backup.md).`,
    }).overrideLogicalId(`cast_cluster_${props.clusterName.replace(/-/g, '_')}_etcd_backup`);
  }

  /** The manifests the in-cluster stack installs (renderEtcdBackupManifests): the CronJob, its RBAC, scripts and status ConfigMap. */
  public manifests(): string[] {
    return renderEtcdBackupManifests({ clusterName: this.clusterName, schedule: this.plan.schedule, keep: this.plan.keep, targets: this.targets });
  }
}
