/**
 * `gcloud compute instances list --format=json` output: a list of instances.
 *
 *   { "kind": "compute#instance", "id": "1234567890123456789", "name": "node-1",
 *     "zone": "https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b",
 *     "selfLink": "https://…/projects/p/zones/europe-west1-b/instances/node-1",
 *     "status": "RUNNING", "labels": {"cast-cluster-uuid": "…"},
 *     "networkInterfaces": [{"network": "https://…/projects/p/global/networks/cast", "networkIP": "10.20.1.2"}] }
 *
 * GCP's TERMINATED means stopped (the VM still exists), not deleted.
 */
import { Cloud } from '../../../core/cloud';
import { clusterUuidOf } from '../../catalog/cluster-tags';
import { InventoryItem, InventoryKind } from '../../model';
import { asArray, asRecord, asString, asText } from '../state/json-shapes';

/** True when `raw` looks like one Compute Engine instance. */
export function isGcpInventoryItem(raw: unknown): boolean {
  const item = asRecord(raw);
  return item?.kind === 'compute#instance' || (typeof item?.selfLink === 'string' && item.selfLink.includes('/instances/'));
}

/**
 * The project-relative path of a GCP resource URL or id:
 * `https://www.googleapis.com/compute/v1/projects/p/global/networks/n` → `projects/p/global/networks/n`.
 */
export function gcpResourcePath(value: string): string {
  const at = value.indexOf('projects/');
  return at === -1 ? value : value.slice(at);
}

/** One instance; empty when it is not one. */
export function readGcpInventoryItem(raw: unknown, file: string): InventoryItem[] {
  const instance = asRecord(raw);
  const name = asString(instance?.name);
  const selfLink = asString(instance?.selfLink);
  if (!instance || !name) return [];
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(instance.labels) ?? {})) if (typeof value === 'string') tags[key] = value;
  const id = asText(instance.id) ?? name;
  const zone = asString(instance.zone)?.split('/').pop();
  const project = selfLink ? /projects\/([^/]+)/.exec(selfLink)?.[1] : undefined;
  const interfaces = asArray(instance.networkInterfaces).map(asRecord);
  const statusText = asString(instance.status) ?? 'UNKNOWN';
  return [
    {
      cloud: Cloud.GCP,
      kind: InventoryKind.VM,
      resourceType: 'google_compute_instance',
      id,
      aliases: selfLink ? [selfLink, gcpResourcePath(selfLink)] : [],
      name,
      clusterUuid: clusterUuidOf(tags),
      tags,
      networks: interfaces.map((nic) => asString(nic?.network)).filter((n): n is string => !!n).map(gcpResourcePath),
      privateIps: interfaces.map((nic) => asString(nic?.networkIP)).filter((ip): ip is string => !!ip),
      status: gcpStatus(statusText),
      statusText,
      scope: project,
      location: { ...(zone ? { zone } : {}), ...(project ? { project } : {}) },
      file,
    },
  ];
}

function gcpStatus(status: string): InventoryItem['status'] {
  if (['RUNNING', 'PROVISIONING', 'STAGING', 'REPAIRING'].includes(status)) return 'running';
  if (['STOPPING', 'STOPPED', 'SUSPENDING', 'SUSPENDED', 'TERMINATED'].includes(status)) return 'stopped';
  return 'other';
}
