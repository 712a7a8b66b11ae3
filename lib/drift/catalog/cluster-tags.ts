/**
 * Reading the cluster's identity off a resource: the `cast-cluster-uuid` tag
 * (AWS, Azure), label (GCP) or `cast-cluster-uuid:<uuid>` tag string
 * (DigitalOcean, whose tags are plain strings).
 */

/** Tag, label and tag-prefix key that carries the cluster UUID on every cloud. */
export const CLUSTER_UUID_KEY = 'cast-cluster-uuid';
/** Tag/label key that carries the cluster name. */
export const CLUSTER_NAME_KEY = 'cast-cluster-name';

/**
 * Tag/label key on every instance of an autoscaled group: the group's name on
 * the cloud (DigitalOcean: the tag `cast-scaling-group:<name>`).
 */
export const SCALING_GROUP_KEY = 'cast-scaling-group';

/** Attributes that hold tags or labels, most specific (provider-merged) first. */
const TAG_ATTRIBUTES = ['tags_all', 'tags', 'effective_labels', 'terraform_labels', 'labels'] as const;

/**
 * Tags or labels of a resource as a string map. DigitalOcean's `key:value`
 * tag strings become `{ key: value }`; a tag without `:` maps to ''.
 */
export function tagsOf(attributes: Readonly<Record<string, unknown>>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const name of TAG_ATTRIBUTES) {
    const value = attributes[name];
    if (Array.isArray(value)) {
      for (const tag of value) {
        if (typeof tag !== 'string') continue;
        const colon = tag.indexOf(':');
        const key = colon === -1 ? tag : tag.slice(0, colon);
        if (key !== '__proto__' && !Object.prototype.hasOwnProperty.call(tags, key)) tags[key] = colon === -1 ? '' : tag.slice(colon + 1);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, tagValue] of Object.entries(value)) {
        if (typeof tagValue === 'string' && key !== '__proto__' && !Object.prototype.hasOwnProperty.call(tags, key)) tags[key] = tagValue;
      }
    }
  }
  return tags;
}

/** The cluster UUID a resource carries, or undefined. */
export function clusterUuidOf(tags: Readonly<Record<string, string>>): string | undefined {
  const value = tags[CLUSTER_UUID_KEY];
  return value ? value.toLowerCase() : undefined;
}

/**
 * The name of the autoscaled group an instance belongs to, from its
 * `cast-scaling-group` tag or label (the key matched case-insensitively, as
 * Azure's tag keys are); undefined when untagged or empty.
 */
export function scalingGroupOf(tags: Readonly<Record<string, string>>): string | undefined {
  const key = Object.prototype.hasOwnProperty.call(tags, SCALING_GROUP_KEY) ? SCALING_GROUP_KEY : Object.keys(tags).find((candidate) => candidate.toLowerCase() === SCALING_GROUP_KEY);
  const value = key === undefined ? undefined : tags[key]?.trim();
  return value ? value : undefined;
}
