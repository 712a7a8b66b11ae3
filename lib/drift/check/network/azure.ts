/**
 * Azure: virtual network and subnet ranges, and network security group rules
 * written inline (`security_rule` blocks of azurerm_network_security_group) or
 * as separate azurerm_network_security_rule resources (owner found by NSG
 * name). Like AWS, the refreshed NSG lists every rule, so the actual set is
 * the union. A rule's prefix and ports come singular (`*_address_prefix`,
 * `*_port_range`) or plural (`…prefixes`, `…ranges`); "*", "Internet" and
 * "Any" mean anywhere; service tags (VirtualNetwork, AzureLoadBalancer)
 * compare by name.
 */
import { CloudNetworkModel, listItems, NetworkResourceInput, OwnedRules, OwnerLookup, RuleCollector, ownerAddress, text } from './cloud-network-model';
import { normalizeAddressPrefix } from './address-prefix';
import { FirewallRule } from './firewall-rule';
import { formatPortRanges, mergePortRanges, parsePortSpec, PortRange } from './port-ranges';
import { hasPorts, normalizeProtocol } from './protocol';
import { Cloud } from '../../../core/cloud';
import { UnknownValue } from '../resolve-references';
import { appendAll } from '../../append';

const OWNER = 'azurerm_network_security_group';

/** Singular + plural field values, ignoring empty strings; ['*'] when both are empty. */
function either(single: unknown, plural: unknown): unknown[] {
  const items = [...listItems(single), ...listItems(plural)].filter((item) => item !== '');
  return items.length === 0 ? ['*'] : items;
}

function prefix(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return normalizeAddressPrefix(value) ?? `service:${value.toLowerCase()}`;
}

function ports(values: unknown[]): readonly PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const value of values) {
    const parsed = parsePortSpec(value);
    if (!parsed) return undefined;
    appendAll(out, parsed);
  }
  return mergePortRanges(out);
}

function addRule(collector: RuleCollector, rule: Readonly<Record<string, unknown>>): FirewallRule['direction'] | undefined {
  const direction = text(rule.direction)?.toLowerCase() === 'outbound' ? 'egress' : 'ingress';
  const action = text(rule.access)?.toLowerCase() === 'deny' ? 'deny' : 'allow';
  const protocol = normalizeProtocol(rule.protocol);
  const priority = Number(text(rule.priority));
  const sources = either(rule.source_address_prefix, rule.source_address_prefixes).map(prefix);
  const destinations = either(rule.destination_address_prefix, rule.destination_address_prefixes).map(prefix);
  const sourcePorts = ports(either(rule.source_port_range, rule.source_port_ranges));
  const destinationPorts = ports(either(rule.destination_port_range, rule.destination_port_ranges));
  if (!protocol || !Number.isInteger(priority) || !sourcePorts || !destinationPorts || (direction === 'ingress' ? destinations : sources).includes(undefined)) {
    collector.add(undefined, []);
    return direction;
  }
  const sportText = formatPortRanges(sourcePorts) === 'all ports' ? '' : ` source ports ${formatPortRanges(sourcePorts)}`;
  const protected_ = (direction === 'ingress' ? destinations : sources) as string[];
  const target = [...protected_].sort().join(',') + sportText;
  const base = { direction, action, protocol, ports: hasPorts(protocol) || protocol === 'all' ? destinationPorts : [], icmp: '', target, priority } as const;
  collector.add(base, direction === 'ingress' ? sources : destinations);
  return direction;
}

function inlineRules(resource: NetworkResourceInput): OwnedRules | undefined {
  const blocks = resource.attributes.security_rule;
  if (blocks === undefined || blocks === null) return { owner: resource.address, directions: [], rules: [], incomplete: false };
  const collector = new RuleCollector();
  for (const block of listItems(blocks)) {
    if (block === null || typeof block !== 'object' || block instanceof UnknownValue) collector.add(undefined, []);
    else addRule(collector, block as Record<string, unknown>);
  }
  // An inline `security_rule` list manages the whole NSG, both directions.
  return { owner: resource.address, directions: ['ingress', 'egress'], rules: collector.rules, incomplete: collector.incomplete };
}

function separateRule(resource: NetworkResourceInput, lookup: OwnerLookup): OwnedRules | undefined {
  const owner = ownerAddress(resource.attributes.network_security_group_name, lookup, OWNER, 'name');
  if (!owner) return undefined;
  const collector = new RuleCollector();
  const direction = addRule(collector, resource.attributes) ?? 'ingress';
  return { owner, directions: [direction], rules: collector.rules, incomplete: collector.incomplete };
}

/** Azure network knowledge. */
export const AZURE_NETWORK: CloudNetworkModel = {
  cloud: Cloud.AZURE,
  rangeAttributes: { azurerm_virtual_network: ['address_space'], azurerm_subnet: ['address_prefixes'] },
  ownerTypes: [OWNER],
  rulesOf(resource, lookup) {
    if (resource.type === OWNER) return inlineRules(resource);
    if (resource.type === 'azurerm_network_security_rule') return separateRule(resource, lookup);
    return undefined;
  },
};
