/**
 * AWS: VPC and subnet ranges, and security group rules written inline
 * (`ingress`/`egress` blocks of aws_security_group) or as separate resources
 * (aws_vpc_security_group_ingress_rule / _egress_rule, and the older
 * aws_security_group_rule). After a refresh the state's inline blocks mirror
 * every rule of the group, including those of separate resources, so an
 * owner's actual set is the union of both, de-duplicated by comparison.
 *
 * Protocol "-1" means all (ports then are 0/0 or null); for ICMP, from_port
 * and to_port are the ICMP type and code, -1 meaning any.
 */
import { CloudNetworkModel, listItems, NetworkResourceInput, OwnedRules, OwnerLookup, RuleCollector, addressPeer, ownerAddress, text } from './cloud-network-model';
import { FirewallRule } from './firewall-rule';
import { portRange } from './port-ranges';
import { hasPorts, normalizeProtocol } from './protocol';
import { Cloud } from '../../../core/cloud';
import { UnknownValue } from '../resolve-references';
import { asNumber } from '../../read/state/json-shapes';

const OWNER = 'aws_security_group';

/** Protocol, ports and ICMP type/code of one AWS rule; undefined when unknown. */
function ruleBase(direction: FirewallRule['direction'], protocolRaw: unknown, fromRaw: unknown, toRaw: unknown): Omit<FirewallRule, 'peer'> | undefined {
  const protocol = normalizeProtocol(protocolRaw);
  if (!protocol) return undefined;
  const base = { direction, action: 'allow' as const, protocol, ports: [], icmp: '', target: '', priority: 0 };
  if (protocol === 'all') return base;
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = fromRaw === undefined || fromRaw === null ? -1 : asNumber(fromRaw);
    const code = toRaw === undefined || toRaw === null ? -1 : asNumber(toRaw);
    if (!Number.isInteger(type) || !Number.isInteger(code)) return undefined;
    return { ...base, icmp: type === -1 ? '' : code === -1 ? `${type}` : `${type}/${code}` };
  }
  if (!hasPorts(protocol)) return base;
  const ports = portRange(fromRaw, toRaw);
  return ports ? { ...base, ports } : undefined;
}

/** `sg:<id>`, or `self` when it is the owner itself. */
function groupPeer(value: unknown, owner: string, lookup: OwnerLookup): string | undefined {
  if (value instanceof UnknownValue) return value.reference?.address === owner ? 'self' : undefined;
  const id = text(value);
  if (id === undefined) return undefined;
  return id === lookup.idOf(owner) ? 'self' : `sg:${id}`;
}

function inlineRules(resource: NetworkResourceInput, lookup: OwnerLookup): OwnedRules {
  const collector = new RuleCollector();
  const directions: FirewallRule['direction'][] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const blocks = resource.attributes[direction];
    if (blocks === undefined || blocks === null) continue;
    directions.push(direction);
    for (const block of listItems(blocks)) {
      if (block === null || typeof block !== 'object' || block instanceof UnknownValue) {
        collector.add(undefined, []);
        continue;
      }
      const rule = block as Record<string, unknown>;
      const peers = [
        ...listItems(rule.cidr_blocks).map(addressPeer),
        ...listItems(rule.ipv6_cidr_blocks).map(addressPeer),
        ...listItems(rule.prefix_list_ids).map((id) => (typeof id === 'string' ? `prefix-list:${id}` : undefined)),
        ...listItems(rule.security_groups).map((id) => groupPeer(id, resource.address, lookup)),
        ...(rule.self === true ? ['self'] : rule.self instanceof UnknownValue ? [undefined] : []),
      ];
      collector.add(ruleBase(direction, rule.protocol, rule.from_port, rule.to_port), peers);
    }
  }
  return { owner: resource.address, directions, rules: collector.rules, incomplete: collector.incomplete };
}

function separateRule(resource: NetworkResourceInput, lookup: OwnerLookup): OwnedRules | undefined {
  const attributes = resource.attributes;
  const owner = ownerAddress(attributes.security_group_id, lookup, OWNER, 'id');
  if (!owner) return undefined;
  const collector = new RuleCollector();
  let direction: FirewallRule['direction'];
  let peers: (string | undefined)[];
  let base: Omit<FirewallRule, 'peer'> | undefined;
  if (resource.type === 'aws_security_group_rule') {
    direction = attributes.type === 'egress' ? 'egress' : 'ingress';
    base = ruleBase(direction, attributes.protocol, attributes.from_port, attributes.to_port);
    peers = [
      ...listItems(attributes.cidr_blocks).map(addressPeer),
      ...listItems(attributes.ipv6_cidr_blocks).map(addressPeer),
      ...listItems(attributes.prefix_list_ids).map((id) => (typeof id === 'string' ? `prefix-list:${id}` : undefined)),
      ...listItems(attributes.source_security_group_id).map((id) => groupPeer(id, owner, lookup)),
      ...(attributes.self === true ? ['self'] : []),
    ];
  } else {
    direction = resource.type.endsWith('_egress_rule') ? 'egress' : 'ingress';
    base = ruleBase(direction, attributes.ip_protocol, attributes.from_port, attributes.to_port);
    peers = [
      ...listItems(attributes.cidr_ipv4).map(addressPeer),
      ...listItems(attributes.cidr_ipv6).map(addressPeer),
      ...listItems(attributes.prefix_list_id).map((id) => (typeof id === 'string' ? `prefix-list:${id}` : undefined)),
      ...listItems(attributes.referenced_security_group_id).map((id) => groupPeer(id, owner, lookup)),
    ];
  }
  collector.add(base, peers);
  return { owner, directions: [direction], rules: collector.rules, incomplete: collector.incomplete };
}

/** AWS network knowledge. */
export const AWS_NETWORK: CloudNetworkModel = {
  cloud: Cloud.AWS,
  rangeAttributes: { aws_vpc: ['cidr_block'], aws_subnet: ['cidr_block'] },
  ownerTypes: [OWNER],
  rulesOf(resource, lookup) {
    if (resource.type === OWNER) return inlineRules(resource, lookup);
    if (['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule'].includes(resource.type)) return separateRule(resource, lookup);
    return undefined;
  },
};
