/**
 * Which attributes of a resource the reader keeps. Everything else is dropped
 * while streaming so memory stays proportional to what the checks compare,
 * not to the state's size. Types not listed keep only `id`.
 */

const COMMON = ['id'];

/** Kept attributes per resource type (besides `id`, and tags, which are kept separately). */
const KEPT: Readonly<Record<string, readonly string[]>> = {
  // AWS
  aws_vpc: ['cidr_block', 'ipv6_cidr_block'],
  aws_subnet: ['cidr_block', 'ipv6_cidr_block', 'vpc_id'],
  aws_security_group: ['ingress', 'egress', 'vpc_id', 'name'],
  aws_vpc_security_group_ingress_rule: ['security_group_id', 'ip_protocol', 'from_port', 'to_port', 'cidr_ipv4', 'cidr_ipv6', 'referenced_security_group_id', 'prefix_list_id'],
  aws_vpc_security_group_egress_rule: ['security_group_id', 'ip_protocol', 'from_port', 'to_port', 'cidr_ipv4', 'cidr_ipv6', 'referenced_security_group_id', 'prefix_list_id'],
  aws_security_group_rule: ['type', 'security_group_id', 'protocol', 'from_port', 'to_port', 'cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'source_security_group_id', 'self'],
  aws_instance: ['instance_state', 'availability_zone', 'subnet_id', 'private_ip', 'vpc_security_group_ids', 'instance_type', 'ami'],
  aws_route: ['route_table_id', 'destination_cidr_block', 'destination_ipv6_cidr_block', 'gateway_id', 'nat_gateway_id', 'network_interface_id', 'transit_gateway_id', 'vpc_peering_connection_id'],
  aws_route_table_association: ['route_table_id', 'subnet_id', 'gateway_id'],
  aws_eip_association: ['allocation_id', 'instance_id', 'network_interface_id'],
  // GCP
  google_compute_network: ['self_link', 'name', 'project'],
  google_compute_subnetwork: ['ip_cidr_range', 'network', 'self_link', 'region', 'name'],
  google_compute_firewall: ['network', 'direction', 'priority', 'disabled', 'source_ranges', 'destination_ranges', 'source_tags', 'target_tags', 'source_service_accounts', 'target_service_accounts', 'allow', 'deny'],
  google_compute_instance: ['instance_id', 'self_link', 'zone', 'name', 'project', 'current_status', 'network_interface', 'tags', 'machine_type', 'boot_disk'],
  // Azure
  azurerm_virtual_network: ['address_space', 'name', 'resource_group_name', 'location'],
  azurerm_subnet: ['address_prefixes', 'name', 'virtual_network_name', 'resource_group_name'],
  azurerm_network_security_group: ['security_rule', 'name', 'resource_group_name'],
  azurerm_network_security_rule: [
    'name',
    'priority',
    'direction',
    'access',
    'protocol',
    'source_port_range',
    'source_port_ranges',
    'destination_port_range',
    'destination_port_ranges',
    'source_address_prefix',
    'source_address_prefixes',
    'destination_address_prefix',
    'destination_address_prefixes',
    'network_security_group_name',
    'resource_group_name',
  ],
  azurerm_linux_virtual_machine: ['virtual_machine_id', 'name', 'resource_group_name', 'location', 'private_ip_address', 'size', 'network_interface_ids', 'source_image_reference', 'source_image_id'],
  azurerm_network_interface: ['name', 'ip_configuration'],
  azurerm_network_interface_security_group_association: ['network_interface_id', 'network_security_group_id'],
  // DigitalOcean
  digitalocean_vpc: ['ip_range', 'name', 'region', 'urn'],
  digitalocean_firewall: ['inbound_rule', 'outbound_rule', 'name', 'tags', 'droplet_ids'],
  digitalocean_tag: ['name'],
  digitalocean_reserved_ip_assignment: ['droplet_id', 'ip_address'],
  digitalocean_droplet: ['status', 'vpc_uuid', 'region', 'name', 'ipv4_address_private', 'size', 'image', 'tags'],
  // Terraform's own: the OS image pins keep the image they looked up in `output`.
  terraform_data: ['output'],
};

/** The attribute names kept for `type`. */
export function keptAttributes(type: string): readonly string[] {
  const kept = KEPT[type];
  return kept ? [...COMMON, ...kept] : COMMON;
}

/** A copy of `attributes` with only the kept ones. */
export function projectAttributes(type: string, attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of keptAttributes(type)) {
    if (name in attributes) out[name] = attributes[name];
  }
  return out;
}
