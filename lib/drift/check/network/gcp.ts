/**
 * GCP: subnetwork ranges, and google_compute_firewall rules. Each firewall is
 * its own owner: direction (default INGRESS), priority (default 1000), allow
 * or deny blocks of protocol + ports (no ports: all), sources (ranges, tags,
 * service accounts) for ingress, destination ranges for egress (default
 * anywhere), and the targets it applies to (target tags or service accounts;
 * none: every instance of the network). A disabled firewall allows nothing.
 */
import { CloudNetworkModel, listItems, NetworkResourceInput, OwnedRules, RuleCollector, addressPeer, text } from './cloud-network-model';
import { FirewallRule } from './firewall-rule';
import { parsePortSpec, PortRange } from './port-ranges';
import { hasPorts, normalizeProtocol } from './protocol';
import { Cloud } from '../../../core/cloud';
import { UnknownValue } from '../resolve-references';

const OWNER = 'google_compute_firewall';
/** GCP's default firewall priority (https://cloud.google.com/firewall/docs/firewalls#priority_order_for_firewall_rules). */
const DEFAULT_PRIORITY = 1000;

/** Sorted, comma-joined concrete strings; undefined if any is unknown. */
function joined(value: unknown, prefix: string): string | undefined {
  const items = listItems(value);
  if (items.some((item) => typeof item !== 'string')) return undefined;
  return (items as string[]).map((item) => `${prefix}${item}`).sort().join(',');
}

function firewallRules(resource: NetworkResourceInput): OwnedRules {
  const attributes = resource.attributes;
  const collector = new RuleCollector();
  const direction: FirewallRule['direction'] = text(attributes.direction)?.toUpperCase() === 'EGRESS' ? 'egress' : 'ingress';
  const priority = attributes.priority === undefined || attributes.priority === null ? DEFAULT_PRIORITY : Number(text(attributes.priority));
  const targets = [joined(attributes.target_tags, 'tag:'), joined(attributes.target_service_accounts, 'sa:')];
  if (attributes.disabled === true || attributes.direction instanceof UnknownValue || Number.isNaN(priority) || targets.includes(undefined)) {
    return { owner: resource.address, directions: [direction], rules: [], incomplete: attributes.disabled !== true };
  }
  const target = targets.filter((part) => part !== '').join(',') || 'all instances';
  const peers =
    direction === 'ingress'
      ? [...listItems(attributes.source_ranges).map(addressPeer), ...listItems(attributes.source_tags).map((tag) => (typeof tag === 'string' ? `tag:${tag}` : undefined)), ...listItems(attributes.source_service_accounts).map((sa) => (typeof sa === 'string' ? `sa:${sa}` : undefined))]
      : listItems(attributes.destination_ranges).map(addressPeer);
  if (direction === 'egress' && peers.length === 0) peers.push('0.0.0.0/0');
  for (const action of ['allow', 'deny'] as const) {
    for (const block of listItems(attributes[action])) {
      if (block === null || typeof block !== 'object' || block instanceof UnknownValue) {
        collector.add(undefined, []);
        continue;
      }
      const rule = block as Record<string, unknown>;
      const protocol = normalizeProtocol(rule.protocol);
      let ports: readonly PortRange[] | undefined = [];
      if (protocol && hasPorts(protocol)) {
        const specs = listItems(rule.ports);
        ports = specs.length === 0 ? parsePortSpec('all') : specs.reduce<PortRange[] | undefined>((all, spec) => {
          const parsed = parsePortSpec(spec, []);
          return all && parsed ? [...all, ...parsed] : undefined;
        }, []);
      }
      collector.add(protocol && ports ? { direction, action, protocol, ports, icmp: '', target, priority } : undefined, peers);
    }
  }
  return { owner: resource.address, directions: [direction], rules: collector.rules, incomplete: collector.incomplete };
}

/** GCP network knowledge. */
export const GCP_NETWORK: CloudNetworkModel = {
  cloud: Cloud.GCP,
  rangeAttributes: { google_compute_subnetwork: ['ip_cidr_range'] },
  ownerTypes: [OWNER],
  rulesOf(resource) {
    return resource.type === OWNER ? firewallRules(resource) : undefined;
  },
};
