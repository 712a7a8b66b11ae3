/**
 * The resource types the drift check knows, per cloud, and how to tell a
 * resource's cloud from its type or provider address.
 */
import { Cloud } from '../../core/cloud';

/** The VM resource type of each cloud: these are the cluster's nodes. */
export const NODE_TYPES: Readonly<Record<Cloud, string>> = {
  [Cloud.AWS]: 'aws_instance',
  [Cloud.GCP]: 'google_compute_instance',
  [Cloud.AZURE]: 'azurerm_linux_virtual_machine',
  [Cloud.DIGITALOCEAN]: 'digitalocean_droplet',
};

/** Network resource types per cloud, in the order a network is built. */
export const NETWORK_TYPES: Readonly<Record<Cloud, readonly string[]>> = {
  [Cloud.AWS]: ['aws_vpc', 'aws_subnet', 'aws_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule'],
  [Cloud.GCP]: ['google_compute_network', 'google_compute_subnetwork', 'google_compute_firewall'],
  [Cloud.AZURE]: ['azurerm_virtual_network', 'azurerm_subnet', 'azurerm_network_security_group', 'azurerm_network_security_rule'],
  [Cloud.DIGITALOCEAN]: ['digitalocean_vpc', 'digitalocean_firewall'],
};

const NODE_TYPE_SET = new Set(Object.values(NODE_TYPES));
const NETWORK_TYPE_SET = new Set(Object.values(NETWORK_TYPES).flat());

/** True for the four clouds' VM resource types. */
export function isNodeType(type: string): boolean {
  return NODE_TYPE_SET.has(type);
}

/** True for the network resource types (ranges and firewalls). */
export function isNetworkType(type: string): boolean {
  return NETWORK_TYPE_SET.has(type);
}

const TYPE_PREFIXES: readonly (readonly [string, Cloud])[] = [
  ['aws_', Cloud.AWS],
  ['google_', Cloud.GCP],
  ['azurerm_', Cloud.AZURE],
  ['digitalocean_', Cloud.DIGITALOCEAN],
];

/** The cloud a resource type belongs to (`aws_vpc` → AWS), or undefined for other providers. */
export function cloudOfType(type: string): Cloud | undefined {
  for (const [prefix, cloud] of TYPE_PREFIXES) if (type.startsWith(prefix)) return cloud;
  return undefined;
}

const PROVIDER_NAMES: Readonly<Record<string, Cloud>> = {
  aws: Cloud.AWS,
  google: Cloud.GCP,
  'google-beta': Cloud.GCP,
  azurerm: Cloud.AZURE,
  digitalocean: Cloud.DIGITALOCEAN,
};

/**
 * The provider source address inside a state's provider config string:
 * `provider["registry.terraform.io/hashicorp/aws"].west` → `registry.terraform.io/hashicorp/aws`;
 * `module.x.provider["registry.opentofu.org/hashicorp/aws"]` → `registry.opentofu.org/hashicorp/aws`.
 * Legacy (0.12) `provider.aws` → `aws`.
 */
export function providerSource(config: string): string {
  const match = /provider\["([^"]+)"\]/.exec(config);
  if (match) return match[1];
  const legacy = /provider\.([A-Za-z0-9_-]+)/.exec(config);
  return legacy ? legacy[1] : config;
}

/** The cloud of a provider source address (`registry.opentofu.org/hashicorp/aws` → AWS). */
export function cloudOfProvider(source: string): Cloud | undefined {
  const name = source.split('/').pop() ?? '';
  return PROVIDER_NAMES[name];
}
