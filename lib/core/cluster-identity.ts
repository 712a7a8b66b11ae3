/**
 * The cluster's identity: its name rules and its UUID. Pure.
 *
 * The UUID is a name-based UUID (RFC 9562 version 5) of the cluster name under
 * the library's own namespace, so the same name gives the same UUID on every
 * synth and every machine. Pin it (`clusterUuid`) to keep it across a rename.
 */
import { createHash } from 'node:crypto';

/** The library's UUIDv5 namespace (itself a v5 UUID of "cdktf-cast-cluster" under RFC 9562's URL namespace). */
export const CLUSTER_UUID_NAMESPACE = 'd728b512-7629-5b2a-861f-f4f017ff2373';

/** The tag/label key that carries the cluster UUID on every taggable resource. */
export const CLUSTER_UUID_TAG = 'cast-cluster-uuid';
/** The tag/label key that carries the cluster name. */
export const CLUSTER_NAME_TAG = 'cast-cluster-name';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Names end up in resource names on every cloud: GCP's rule ([a-z]([-a-z0-9]*[a-z0-9])?)
// is the strictest, and the longest suffix added to a name is about 30 characters
// of GCP's 63.
const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Longest cluster name accepted. */
export const MAX_CLUSTER_NAME_LENGTH = 30;

/** Derives the cluster UUID from its name (UUIDv5). */
export function deriveClusterUuid(name: string): string {
  return uuidV5(CLUSTER_UUID_NAMESPACE, name);
}

/** A name-based UUID, version 5 (SHA-1), as RFC 9562 section 5.5 defines it. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Why `name` cannot be a cluster name, or undefined when it can. */
export function clusterNameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name) || name.length > MAX_CLUSTER_NAME_LENGTH) {
    return `name must be 1-${MAX_CLUSTER_NAME_LENGTH} lowercase letters, digits or dashes, starting with a letter and not ending with a dash (got "${name}"). It becomes part of resource names on every cloud, and GCP's naming rule is the strictest.`;
  }
  return undefined;
}

/** Why `uuid` cannot be a pinned cluster UUID, or undefined when it can. */
export function clusterUuidProblem(uuid: string): string | undefined {
  if (!UUID_PATTERN.test(uuid)) {
    return `clusterUuid must be a lowercase RFC 9562 UUID like 0c9a3f5e-2b7d-5e1a-8f4c-6d2b9e7a1c30 (got "${uuid}"). Leave it out to derive one from the name.`;
  }
  return undefined;
}
