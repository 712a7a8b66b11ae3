/**
 * `doctl compute droplet list -o json` output: a list of droplets. Tags are
 * plain strings, so the cluster UUID is the tag `cast-cluster-uuid:<uuid>`.
 *
 *   { "id": 123456, "name": "node-1", "status": "active", "vpc_uuid": "…",
 *     "region": {"slug": "fra1"}, "tags": ["cast-cluster-uuid:…"],
 *     "networks": {"v4": [{"ip_address": "10.40.0.2", "type": "private"}]} }
 */
import { Cloud } from '../../../core/cloud';
import { clusterUuidOf, tagsOf } from '../../catalog/cluster-tags';
import { InventoryItem, InventoryKind } from '../../model';
import { asArray, asRecord, asString, asText } from '../state/json-shapes';

/** True when `raw` looks like one droplet. */
export function isDigitalOceanInventoryItem(raw: unknown): boolean {
  const item = asRecord(raw);
  return item !== undefined && (typeof item.size_slug === 'string' || ('vpc_uuid' in item && typeof item.id === 'number') || asRecord(item.networks)?.v4 !== undefined);
}

/** One droplet; empty when it is not one. */
export function readDigitalOceanInventoryItem(raw: unknown, file: string): InventoryItem[] {
  const droplet = asRecord(raw);
  const id = asText(droplet?.id);
  if (!droplet || !id) return [];
  const tags = tagsOf({ tags: droplet.tags });
  const vpc = asString(droplet.vpc_uuid);
  const region = asString(asRecord(droplet.region)?.slug) ?? asString(droplet.region);
  const statusText = asString(droplet.status) ?? 'unknown';
  const privateIps = asArray(asRecord(droplet.networks)?.v4)
    .map(asRecord)
    .filter((net) => net?.type === 'private')
    .map((net) => asString(net?.ip_address))
    .filter((ip): ip is string => !!ip);
  return [
    {
      cloud: Cloud.DIGITALOCEAN,
      kind: InventoryKind.VM,
      resourceType: 'digitalocean_droplet',
      id,
      aliases: [],
      name: asString(droplet.name) ?? id,
      clusterUuid: clusterUuidOf(tags),
      tags,
      networks: vpc ? [vpc] : [],
      privateIps,
      status: statusText === 'active' || statusText === 'new' ? 'running' : statusText === 'off' ? 'stopped' : statusText === 'archive' ? 'terminated' : 'other',
      statusText,
      location: region ? { region } : {},
      file,
    },
  ];
}
