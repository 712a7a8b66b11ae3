/**
 * The tags/labels every taggable resource of a cluster carries, in each cloud's
 * own form. The UUID tag is what the drift check and the cleanup guard look for.
 */
import { CLUSTER_NAME_TAG, CLUSTER_UUID_TAG } from './cluster-identity';

/** Labels shared by every resource of a cluster: the UUID, the name and the user's own. */
export interface ClusterLabels {
  readonly uuid: string;
  readonly name: string;
  /** User tags, already validated. */
  readonly extra: Readonly<Record<string, string>>;
}

/** AWS tags, Azure tags and GCP labels: one key/value map, sorted by key. */
export function labelMap(labels: ClusterLabels): Record<string, string> {
  const all: Record<string, string> = { ...labels.extra, [CLUSTER_UUID_TAG]: labels.uuid, [CLUSTER_NAME_TAG]: labels.name };
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
}

/** DigitalOcean tags are plain strings: `key:value` for each label, sorted. */
export function digitalOceanTags(labels: ClusterLabels): string[] {
  return Object.entries(labelMap(labels)).map(([key, value]) => `${key}:${value}`);
}

// GCP label keys and values: lowercase letters, digits, `_` and `-`, at most 63
// characters, keys starting with a letter. DigitalOcean tags allow letters,
// digits, `:`, `-` and `_`. Keeping user tags inside both rules keeps one map
// valid on every cloud.
const KEY_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
const VALUE_PATTERN = /^[a-z0-9_-]{0,63}$/;

/** Problems with user tags, one message each (empty when all are valid). */
export function userTagProblems(tags: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(tags).sort()) {
    if (key === CLUSTER_UUID_TAG || key === CLUSTER_NAME_TAG) {
      problems.push(`tags must not set "${key}" (got "${value}"): the library sets it. Remove it, or pin clusterUuid instead.`);
    } else if (!KEY_PATTERN.test(key) || !VALUE_PATTERN.test(value)) {
      problems.push(
        `tags must use lowercase letters, digits, "_" and "-" (keys starting with a letter, both at most 63 characters) so they are valid GCP labels and DigitalOcean tags (got "${key}": "${value}"). Rename the tag.`,
      );
    }
  }
  return problems;
}
