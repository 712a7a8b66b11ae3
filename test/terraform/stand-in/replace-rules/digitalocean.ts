/**
 * Attributes whose change makes digitalocean/digitalocean 2.79.0 plan a replacement, for the stand-in provider.
 *
 * Read from digitalocean/terraform-provider-digitalocean at tag v2.79.0 (the pinned version); a source gives the
 * file, line, attribute and mechanism (`ForceNew` schema flag or `CustomizeDiff ForceNewIfChange`).
 */
import { ReplaceTable } from './replace-rule';

const DO = 'digitalocean/terraform-provider-digitalocean v2.79.0';
const DROPLET = `${DO} digitalocean/droplet/resource_droplet.go`;
const RESERVED_IP = `${DO} digitalocean/reservedip/resource_reserved_ip.go`;
const RESERVED_IP_ASSIGNMENT = `${DO} digitalocean/reservedip/resource_reserved_ip_assignment.go`;
const VPC = `${DO} digitalocean/vpc/resource_vpc.go`;
const LOADBALANCER = `${DO} digitalocean/loadbalancer/resource_loadbalancer.go`;
const DOMAIN = `${DO} digitalocean/domain/resource_domain.go`;
const RECORD = `${DO} digitalocean/domain/resource_record.go`;
const SSH_KEY = `${DO} digitalocean/sshkey/resource_ssh_key.go`;
const TAG = `${DO} digitalocean/tag/resource_tag.go`;
const SPACES_BUCKET = `${DO} digitalocean/spaces/resource_spaces_bucket.go`;

/** Force-new attributes of registry.terraform.io/digitalocean/digitalocean 2.79.0, by resource type. */
export const DIGITALOCEAN_REPLACE_RULES: ReplaceTable = {
  digitalocean_domain: [
    { path: ['name'], source: `${DOMAIN}:27 "name" ForceNew` },
    { path: ['ip_address'], source: `${DOMAIN}:33 "ip_address" ForceNew` },
  ],
  digitalocean_droplet: [
    // size (resize), name, backups, tags, volume_ids, graceful_shutdown are updated in place.
    { path: ['image'], source: `${DROPLET}:69 "image" ForceNew` },
    { path: ['region'], source: `${DROPLET}:83 "region" ForceNew` },
    // Keys are only injected at creation: adding or removing one replaces.
    { path: ['ssh_keys'], source: `${DROPLET}:227 "ssh_keys" ForceNew` },
    // DigitalOcean cannot change a droplet's user data: any change replaces (state keeps its SHA-1 hex, util.HashStringStateFunc).
    { path: ['user_data'], source: `${DROPLET}:237 "user_data" ForceNew` },
    { path: ['monitoring'], source: `${DROPLET}:256 "monitoring" ForceNew` },
    { path: ['droplet_agent'], source: `${DROPLET}:263 "droplet_agent" ForceNew` },
    { path: ['vpc_uuid'], source: `${DROPLET}:271 "vpc_uuid" ForceNew` },
    // Only true -> false replaces; enabling IPv6 is in place.
    { path: ['ipv6'], when: { attribute: 'ipv6', equals: false }, source: `${DROPLET}:293 "ipv6" CustomizeDiff ForceNewIfChange` },
  ],
  // No ForceNew in digitalocean/dropletautoscale/resource_droplet_autoscale.go (v2.79.0): every change (config, droplet_template) goes to the pool update API, which rolls its droplets itself.
  digitalocean_droplet_autoscale: [],
  // No ForceNew in digitalocean/firewall/resource_firewall.go (v2.79.0): name, rules, droplet_ids and tags are all updated in place.
  digitalocean_firewall: [],
  digitalocean_loadbalancer: [
    { path: ['region'], source: `${LOADBALANCER}:147 "region" ForceNew` },
    { path: ['vpc_uuid'], source: `${LOADBALANCER}:384 "vpc_uuid" ForceNew` },
    { path: ['type'], source: `${LOADBALANCER}:443 "type" ForceNew` },
    { path: ['network'], source: `${LOADBALANCER}:565 "network" ForceNew` },
    { path: ['network_stack'], source: `${LOADBALANCER}:573 "network_stack" ForceNew` },
  ],
  digitalocean_record: [
    // name, value, ttl, priority, port, weight, flags and tag are updated in place.
    { path: ['type'], source: `${RECORD}:31 "type" ForceNew` },
    { path: ['domain'], source: `${RECORD}:48 "domain" ForceNew` },
  ],
  digitalocean_reserved_ip: [
    // droplet_id is updated in place (assign/unassign).
    { path: ['region'], source: `${RESERVED_IP}:32 "region" ForceNew` },
  ],
  digitalocean_reserved_ip_assignment: [
    { path: ['ip_address'], source: `${RESERVED_IP_ASSIGNMENT}:33 "ip_address" ForceNew` },
    { path: ['droplet_id'], source: `${RESERVED_IP_ASSIGNMENT}:39 "droplet_id" ForceNew` },
  ],
  digitalocean_spaces_bucket: [
    // name, acl, cors_rule, lifecycle_rule, versioning and force_destroy are not ForceNew.
    { path: ['region'], source: `${SPACES_BUCKET}:48 "region" ForceNew` },
  ],
  // No ForceNew in spacesKeyResourceSchema() (digitalocean/spaces/spaces_entities.go, v2.79.0): name and grant are updated in place.
  digitalocean_spaces_key: [],
  digitalocean_ssh_key: [
    // name is updated in place.
    { path: ['public_key'], source: `${SSH_KEY}:40 "public_key" ForceNew` },
  ],
  digitalocean_tag: [
    { path: ['name'], source: `${TAG}:26 "name" ForceNew` },
  ],
  digitalocean_vpc: [
    { path: ['region'], source: `${VPC}:41 "region" ForceNew` },
    { path: ['ip_range'], source: `${VPC}:55 "ip_range" ForceNew` },
  ],
};
