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
  /** What the limit is, in the cloud's words, for messages. */
  readonly what: string;
  /** What makes a node's document smaller on this cloud, for messages. */
  readonly fix: string;
}

/** What shrinks a document on every cloud. */
const SHRINK = 'give the group fewer or shorter labels and taints, or use a shorter phoneHomeUrl';

export const USER_DATA_LIMITS: Readonly<Record<Cloud, UserDataLimit>> = {
  // EC2: "User data is limited to 16 KB, in raw form, before it is base64-encoded" (docs.aws.amazon.com,
  // AWSEC2/latest/UserGuide/instancedata-add-user-data.html); launch templates alike (RequestLaunchTemplateData.UserData).
  [Cloud.AWS]: {
    bytes: 16 * 1024,
    counts: 'gzip',
    what: '16 KB of user data before base64; the wiring sends base64gzip, so its gzip counts',
    fix: `AWS nodes already download the node tools (mesh agentUrl); ${SHRINK}`,
  },
  // Compute Engine metadata: a value's "size must be less than or equal to 262144 bytes (256 KiB)", and
  // all keys and values together "less than 512 KB" (Compute API, Metadata.items). The node's other keys
  // (block-project-ssh-keys; cast-api-servers, at most MAX_API_SERVER_SEEDS addresses) are a few hundred
  // bytes, so the value's limit is the one reached.
  [Cloud.GCP]: {
    bytes: 256 * 1024,
    counts: 'raw',
    what: '256 KiB per metadata value (user-data), counted as text',
    fix: SHRINK,
  },
  // Azure: customData "is decoded to a binary array ... The maximum length of the binary array is 65535
  // bytes" (Compute REST API, OSProfile.customData; VirtualMachineScaleSetOSProfile alike).
  [Cloud.AZURE]: {
    bytes: 65535,
    counts: 'gzip',
    what: '65,535 bytes of custom data once base64-decoded; the wiring sends base64gzip, so its gzip counts',
    fix: SHRINK,
  },
  // DigitalOcean: user_data "must be plain text and may not exceed 64 KiB in size" (DigitalOcean API,
  // Droplets: Create a New Droplet; autoscale pools take the same droplet template).
  [Cloud.DIGITALOCEAN]: {
    bytes: 64 * 1024,
    counts: 'raw',
    what: '64 KiB of user data, counted as text',
    fix: `DigitalOcean control planes carry the CA keys, having no key store; ${SHRINK}`,
  },
};

/** Clouds whose nodes get the whole document gzipped (`base64gzip` in the wiring). */
export const GZIPPED_USER_DATA_CLOUDS: readonly Cloud[] = (Object.keys(USER_DATA_LIMITS) as Cloud[]).filter((cloud) => USER_DATA_LIMITS[cloud].counts === 'gzip');

/** The size of a node's document as its cloud counts it (Node's zlib standing in for Terraform's gzip; both use the default level). */
export function userDataSize(cloud: Cloud, document: string): number {
  return USER_DATA_LIMITS[cloud].counts === 'gzip' ? gzipSync(document).length : Buffer.byteLength(document);
}
