/**
 * Where each cloud keeps etcd snapshots, as templates/backup/object-store.sh addresses it:
 * the protocol, the bucket's URL and the region a signature names. Pure; the names may be
 * Terraform expressions (a bucket named with a random suffix), copied verbatim into the URL.
 */
import { Cloud } from '../cloud';

/** How the backup script talks to a cloud's object storage. */
export type BackupStoreKind = 's3' | 'azure';

/**
 * S3 Signature Version 4 for AWS S3; for GCS through its XML API with an HMAC key (Cloud
 * Storage, "HMAC keys": HMAC keys authenticate XML API requests signed like S3's); for
 * DigitalOcean Spaces, which is S3-compatible (Spaces API reference, "Authentication").
 * Azure Blob has its own REST API, authorized here by a container SAS ("Create a service SAS").
 */
export const BACKUP_STORE_KIND: Readonly<Record<Cloud, BackupStoreKind>> = {
  [Cloud.AWS]: 's3',
  [Cloud.GCP]: 's3',
  [Cloud.AZURE]: 'azure',
  [Cloud.DIGITALOCEAN]: 's3',
};

/** One configured backup target, as the CronJob's environment names it. */
export interface BackupTarget {
  readonly cloud: Cloud;
  readonly kind: BackupStoreKind;
  /** The bucket's (Azure: the container's) URL, no trailing slash. */
  readonly url: string;
  /** The region SigV4 signs for (empty for Azure). */
  readonly region: string;
}

/**
 * Regions with Spaces Standard Storage (DigitalOcean, "Spaces Availability", generated
 * 23 Mar 2026: NYC3, AMS3, SFO2, SFO3, SGP1, LON1, FRA1, TOR1, BLR1, SYD1, ATL1). A droplet
 * region without Spaces keeps its snapshots in the same city's Spaces region.
 */
export const SPACES_REGIONS: readonly string[] = ['ams3', 'atl1', 'blr1', 'fra1', 'lon1', 'nyc3', 'sfo2', 'sfo3', 'sgp1', 'syd1', 'tor1'];

/** The Spaces region for droplets in `region`: itself, or the same city's (nyc1 → nyc3); undefined when the city has none. */
export function spacesRegionFor(region: string): string | undefined {
  if (SPACES_REGIONS.includes(region)) return region;
  const city = region.replace(/[0-9]+$/, '');
  return [...SPACES_REGIONS].reverse().find((candidate) => candidate.replace(/[0-9]+$/, '') === city);
}

/** Where a target's bucket is: its name, and for S3 and Spaces its region (the Azure account for Azure). */
export interface BackupBucket {
  readonly cloud: Cloud;
  /** The bucket's name (Azure: the container's). */
  readonly bucket: string;
  /** AWS: the bucket's region; DigitalOcean: its Spaces region. */
  readonly region?: string;
  /** Azure: the storage account that holds the container. */
  readonly azureAccount?: string;
}

/**
 * The target of a bucket. Virtual-hosted URLs on S3 and Spaces ("Virtual hosting of buckets",
 * Amazon S3 user guide; Spaces API reference), path-style on GCS (the XML API serves
 * https://storage.googleapis.com/<bucket>/<object>, "Request endpoints"). GCS signs for the
 * region "auto" (Cloud Storage, "Signed URLs: V4 signing process", credential scope).
 */
export function backupTarget(bucket: BackupBucket): BackupTarget {
  const kind = BACKUP_STORE_KIND[bucket.cloud];
  switch (bucket.cloud) {
    case Cloud.AWS:
      return { cloud: bucket.cloud, kind, url: `https://${bucket.bucket}.s3.${required(bucket, 'region')}.amazonaws.com`, region: bucket.region! };
    case Cloud.GCP:
      return { cloud: bucket.cloud, kind, url: `https://storage.googleapis.com/${bucket.bucket}`, region: 'auto' };
    case Cloud.DIGITALOCEAN:
      return { cloud: bucket.cloud, kind, url: `https://${bucket.bucket}.${required(bucket, 'region')}.digitaloceanspaces.com`, region: bucket.region! };
    case Cloud.AZURE:
      return { cloud: bucket.cloud, kind, url: `https://${required(bucket, 'azureAccount')}.blob.core.windows.net/${bucket.bucket}`, region: '' };
  }
}

function required(bucket: BackupBucket, field: 'region' | 'azureAccount'): string {
  const value = bucket[field];
  if (value === undefined || value === '') throw new Error(`a ${bucket.cloud} backup bucket needs its ${field}.`);
  return value;
}
