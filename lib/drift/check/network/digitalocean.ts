/**
 * DigitalOcean: VPC ranges, and digitalocean_firewall rules (`inbound_rule`
 * and `outbound_rule` blocks; each firewall is its own owner). Ports are a
 * string: "22", "8000-9000", or all ports as "all", "1-65535" or "0" (the API
 * returns "0" for all ports); ICMP has none. Peers are addresses, droplet ids,
 * tags, load balancer uids and Kubernetes cluster ids.
 */
import { CloudNetworkModel, listItems, NetworkResourceInput, OwnedRules, RuleCollector, addressPeer, text } from './cloud-network-model';
import { FirewallRule } from './firewall-rule';
import { parsePortSpec } from './port-ranges';
import { hasPorts, normalizeProtocol } from './protocol';
import { Cloud } from '../../../core/cloud';
import { UnknownValue } from '../resolve-references';

const OWNER = 'digitalocean_firewall';

function firewallRules(resource: NetworkResourceInput): OwnedRules {
  const collector = new RuleCollector();
  for (const [attribute, direction, side] of [
    ['inbound_rule', 'ingress', 'source'],
    ['outbound_rule', 'egress', 'destination'],
  ] as const) {
    for (const block of listItems(resource.attributes[attribute])) {
      if (block === null || typeof block !== 'object' || block instanceof UnknownValue) {
        collector.add(undefined, []);
        continue;
      }
      const rule = block as Record<string, unknown>;
      const protocol = normalizeProtocol(rule.protocol);
      const ports = protocol && hasPorts(protocol) ? parsePortSpec(rule.port_range ?? '', ['all', '0', '']) : [];
      const tagged = (field: string, kind: string) => listItems(rule[`${side}_${field}`]).map((value) => (text(value) === undefined ? undefined : `${kind}:${text(value)}`));
      const peers = [
        ...listItems(rule[`${side}_addresses`]).map(addressPeer),
        ...tagged('droplet_ids', 'droplet'),
        ...tagged('tags', 'tag'),
        ...tagged('load_balancer_uids', 'load-balancer'),
        ...tagged('kubernetes_ids', 'kubernetes'),
      ];
      const base: Omit<FirewallRule, 'peer'> | undefined = protocol && ports ? { direction, action: 'allow', protocol, ports, icmp: '', target: '', priority: 0 } : undefined;
      collector.add(base, peers);
    }
  }
  return { owner: resource.address, directions: ['ingress', 'egress'], rules: collector.rules, incomplete: collector.incomplete };
}

/** DigitalOcean network knowledge. */
export const DIGITALOCEAN_NETWORK: CloudNetworkModel = {
  cloud: Cloud.DIGITALOCEAN,
  rangeAttributes: { digitalocean_vpc: ['ip_range'] },
  ownerTypes: [OWNER],
  rulesOf(resource) {
    return resource.type === OWNER ? firewallRules(resource) : undefined;
  },
};
