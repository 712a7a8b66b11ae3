/**
 * The contract between the etcd backup and each cloud's object store: a private bucket
 * (Azure: a container) that deletes snapshots older than BACKUP_EXPIRY_DAYS, and an identity
 * that may put, get, list and delete objects in that bucket and nothing else, whose key lives
 * in Terraform state only.
 */
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { BackupTarget } from '../core/backup/backup-targets';
import { ClusterLabels } from '../core/cluster-labels';
import { CloudLocation } from '../core/regions';
import { NetworkAttachment } from '../network/network-spec';

/**
 * The buckets' safety net: a snapshot older than this is deleted by the cloud even if
 * the CronJob's count retention never ran (it deletes older ones after each upload).
 */
export const BACKUP_EXPIRY_DAYS = 30;

/** What a cloud's store is built from. */
export interface BackupStoreSpec {
  readonly clusterName: string;
  readonly labels: ClusterLabels;
  readonly location: CloudLocation;
  /** The cluster's network on the cloud (Azure: its resource group). */
  readonly network: NetworkAttachment;
  readonly provider: TerraformProvider;
  /** The cluster's random provider, for the names that must be unique beyond the account. */
  readonly randomProvider: TerraformProvider;
  /** The key prefix the CronJob writes under (`<cluster>/`): the expiry rule's filter. */
  readonly prefix: string;
  /** Azure: the SAS token's start and expiry (RFC 3339). */
  readonly azureSas: { readonly start: string; readonly expiry: string };
}

/** A built store. */
export interface BackupStore {
  /** Where the CronJob writes (the bucket's name is a Terraform reference). */
  readonly target: BackupTarget;
  /** The identity's credentials, Terraform references to sensitive attributes: s3 a key id and secret, azure a SAS token. */
  readonly credentials: { readonly accessKeyId?: string; readonly secretAccessKey?: string; readonly sasToken?: string };
}

/** One cloud's builder. */
export type BackupStoreBuilder = (scope: Construct, spec: BackupStoreSpec) => BackupStore;

/** `<cluster>-etcd-backup-<hex>`: at most 30 + 13 + 8 characters, inside S3's, GCS's and Spaces' 63. */
export function bucketName(clusterName: string, suffix: string): string {
  return `${clusterName}-etcd-backup-${suffix}`;
}
