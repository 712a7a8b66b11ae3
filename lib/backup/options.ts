import { Cloud } from '../core/cloud';

/**
 * Scheduled etcd snapshots to object storage (docs/etcd-backup.md): a CronJob on the
 * control planes saves a snapshot, checks it, uploads it to a bucket on each target cloud
 * with credentials that reach that bucket only, and keeps the newest `keep` of them.
 */
export interface EtcdBackupOptions {
  /**
   * Whether the cluster backs etcd up. Turning it off removes the CronJob and the buckets'
   * credentials; a bucket that still holds snapshots is not deleted (see the runbook).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The clouds whose object storage holds the snapshots (S3, Cloud Storage, Azure Blob,
   * Spaces); each must be one of the cluster's clouds. Two clouds survive the loss of one.
   * @default - the first two of the cluster's clouds, in the order AWS, GCP, Azure, DigitalOcean (one on a single-cloud cluster)
   */
  readonly targets?: Cloud[];
  /**
   * When snapshots are taken: a CronJob schedule in UTC, five fields or a macro such as
   * `@hourly`.
   * @default "17 * * * *" (hourly, at minute 17)
   */
  readonly schedule?: string;
  /**
   * How many snapshots each target keeps; older ones are deleted after each successful
   * upload. Every bucket also deletes snapshots older than 30 days, as a safety net.
   * @default 48 (two days of hourly snapshots)
   */
  readonly keep?: number;
  /**
   * Until when (`YYYY-MM-DD`, UTC) the Azure target's SAS token is valid. A deploy renders a
   * new token when the date changes; the in-cluster stack hands it to the CronJob.
   * @default - 1 January of the year after next: a deploy in a new year renews it
   */
  readonly azureSasExpiry?: string;
}
