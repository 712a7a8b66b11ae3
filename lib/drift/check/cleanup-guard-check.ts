/**
 * Cleanup guard: deleting the cluster fails when its networks still hold VMs
 * that are not the cluster's, and cast-drift must never suggest deleting
 * those. A VM is in a cluster network when it is attached to a VPC/network in
 * the state (AWS VpcId, GCP network, DigitalOcean vpc_uuid) or, for Azure,
 * whose `az vm list -d` output names no network, when a private IP falls in a
 * cluster VNet's address space in the same location. It is the cluster's when
 * it carries the cluster UUID.
 */
import { CheckId, Finding, Severity } from './finding';
import { describeItem, inventoryAddress } from './inventory-match';
import { contains, parseCidr } from '../../core/cidr';
import { Cloud, CLOUD_DISPLAY_NAME } from '../../core/cloud';
import { ActualState, InventoryItem } from '../model';
import { normalizeCidrList } from './network/address-prefix';
import { gcpResourcePath } from '../read/inventory/gcp';
import { appendTo } from '../append';

interface ClusterNetwork {
  readonly address: string;
  readonly ids: readonly string[];
  readonly cidrs: readonly string[];
  readonly location?: string;
}

const NETWORK_TYPES: Readonly<Record<string, Cloud>> = {
  aws_vpc: Cloud.AWS,
  google_compute_network: Cloud.GCP,
  azurerm_virtual_network: Cloud.AZURE,
  digitalocean_vpc: Cloud.DIGITALOCEAN,
};

/**
 * Runs the cleanup guard; `severity` is WARNING in `check`, ERROR in
 * `guard-destroy`. `networkAddresses` (the description's networks) narrows
 * which networks are the cluster's when a stack holds several clusters.
 */
export function checkCleanupGuard(actual: ActualState, clusterUuid: string, severity: Severity, networkAddresses: readonly string[] = []): Finding[] {
  const networks = clusterNetworks(actual, clusterUuid, networkAddresses);
  const findings: Finding[] = [];
  for (const inventory of actual.inventories) {
    for (const item of inventory.items) {
      if (item.clusterUuid === clusterUuid || item.status === 'terminated') continue;
      const network = networks.get(item.cloud)?.find((candidate) => attached(item, candidate));
      if (!network) continue;
      const owner = item.clusterUuid ? `belongs to cluster ${item.clusterUuid}` : 'has no cast-cluster-uuid tag';
      findings.push({
        check: CheckId.CLEANUP_GUARD,
        rule: 'cleanup-guard/foreign-vm',
        severity,
        address: inventoryAddress(item),
        cloud: item.cloud,
        type: item.resourceType,
        message: `${CLOUD_DISPLAY_NAME[item.cloud]} VM ${describeItem(item)} is in cluster network ${network.address} but ${owner}: destroying the cluster would fail`,
        differences: [{ path: `tags.cast-cluster-uuid`, desired: clusterUuid, actual: item.clusterUuid ?? null }],
        remediation: `Move ${item.name} out of ${network.address} or have its owner delete it before destroying the cluster; it is not this cluster's, so cast-drift will not suggest deleting it.`,
        tags: item.tags,
      });
    }
  }
  return findings;
}

function attached(item: InventoryItem, network: ClusterNetwork): boolean {
  if (item.cloud !== Cloud.AZURE) return item.networks.some((id) => network.ids.includes(item.cloud === Cloud.GCP ? gcpResourcePath(id) : id));
  if (network.location && item.location.location && network.location.toLowerCase() !== item.location.location.toLowerCase()) return false;
  return item.privateIps.some((ip) => network.cidrs.some((cidr) => /^\d+\.\d+\.\d+\.\d+$/.test(ip) && contains(parseCidr(cidr), parseCidr(`${ip}/32`))));
}

/**
 * The cluster's networks in the state, per cloud: the described ones, or
 * else every network resource not tagged with another cluster's UUID (GCP
 * networks and DigitalOcean VPCs take no tags).
 */
export function clusterNetworks(actual: ActualState, clusterUuid: string, networkAddresses: readonly string[] = []): Map<Cloud, ClusterNetwork[]> {
  const out = new Map<Cloud, ClusterNetwork[]>();
  for (const resource of actual.resources.values()) {
    const cloud = NETWORK_TYPES[resource.type];
    if (!cloud || resource.mode !== 'managed') continue;
    if (networkAddresses.length > 0 ? !networkAddresses.includes(resource.address) : resource.clusterUuid !== undefined && resource.clusterUuid !== clusterUuid) continue;
    const attributes = resource.attributes;
    const strings = [attributes.id, attributes.self_link].filter((value): value is string => typeof value === 'string');
    const network: ClusterNetwork = {
      address: resource.address,
      ids: cloud === Cloud.GCP ? strings.map(gcpResourcePath) : strings,
      cidrs: cloud === Cloud.AZURE ? (normalizeCidrList(attributes.address_space) ?? []).filter((cidr) => !cidr.includes(':')) : [],
      location: typeof attributes.location === 'string' ? attributes.location : undefined,
    };
    appendTo(out, cloud, network);
  }
  return out;
}
