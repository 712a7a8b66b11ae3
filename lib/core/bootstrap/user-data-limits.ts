/**
 * What each cloud accepts as a node's user-data, and what its limit counts
 * (docs/bootstrap.md, "Size"). The wiring sends `base64gzip(...)` where the
 * limit counts the decoded bytes and cloud-init unpacks gzip by itself.
 */
import { gzipSync } from 'node:zlib';
import { Cloud } from '../cloud';

export interface UserDataLimit {
  /** Bytes the cloud accepts. */
  readonly bytes: number;
  /** `gzip`: the wiring gzips the whole document, so its gzip counts; `raw`: the document as text. */
  readonly counts: 'gzip' | 'raw';
}

export const USER_DATA_LIMITS: Readonly<Record<Cloud, UserDataLimit>> = {
  // EC2: 16 KB of user data, before base64 (docs.aws.amazon.com, "Run commands when you launch an EC2 instance with user data input").
  [Cloud.AWS]: { bytes: 16 * 1024, counts: 'gzip' },
  // Compute Engine: 256 KB per metadata value.
  [Cloud.GCP]: { bytes: 256 * 1024, counts: 'raw' },
  // Azure: custom data decodes to at most 65,535 bytes (VirtualMachineOSProfile.CustomData).
  [Cloud.AZURE]: { bytes: 64 * 1024, counts: 'gzip' },
  // DigitalOcean: 64 KiB of user data.
  [Cloud.DIGITALOCEAN]: { bytes: 64 * 1024, counts: 'raw' },
};

/** Clouds whose nodes get the whole document gzipped (`base64gzip` in the wiring). */
export const GZIPPED_USER_DATA_CLOUDS: readonly Cloud[] = (Object.keys(USER_DATA_LIMITS) as Cloud[]).filter((cloud) => USER_DATA_LIMITS[cloud].counts === 'gzip');

/** The size of a node's document as its cloud counts it (Node's zlib standing in for Terraform's gzip; both use the default level). */
export function userDataSize(cloud: Cloud, document: string): number {
  return USER_DATA_LIMITS[cloud].counts === 'gzip' ? gzipSync(document).length : Buffer.byteLength(document);
}
