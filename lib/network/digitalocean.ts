/** DigitalOcean: a VPC holding the cluster's /20, a firewall per role selecting droplets by tag. */
import { Firewall, FirewallInboundRule, FirewallOutboundRule } from '@cdktf/provider-digitalocean/lib/firewall';
import { Tag } from '@cdktf/provider-digitalocean/lib/tag';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { Construct } from 'constructs';
import { InboundRule, NodeSource, RoleFirewallPlan } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { BuiltNetwork, NetworkSpec, roleResourceName, ruleSources, terraformAddress } from './network-spec';

const EVERYWHERE = ['0.0.0.0/0', '::/0'];

export function buildNetwork(scope: Construct, spec: NetworkSpec): BuiltNetwork {
  const vpc = createNetwork(scope, spec);
  // The VPC is the only subnet (seed: "only one subnet which is allocated dynamically"),
  // and DigitalOcean routes to the internet by itself: no subnet or routing step.
  const nodes: NodeSource[] = [];
  const roleFirewall = {} as Record<NodeRole, string>;
  for (const plan of spec.firewall) roleFirewall[plan.role] = createRoleFirewall(scope, spec, plan, nodes);
  return {
    attachment: { networkId: vpc.id, networkAddress: terraformAddress(vpc), subnetId: vpc.id, roleFirewall },
    allowNode: (node) => void nodes.push(node),
  };
}

function createNetwork(scope: Construct, spec: NetworkSpec): Vpc {
  // digitalocean_vpc takes no tags; droplets carry the cluster's tags.
  return new Vpc(scope, 'Vpc', {
    provider: spec.provider,
    name: `${spec.clusterName}-${spec.location.region}`,
    description: `Cast cluster ${spec.clusterName} (${spec.labels.uuid})`,
    region: spec.location.region,
    ipRange: spec.vpcCidr,
  });
}

/**
 * The role's droplet tag and a firewall that selects it; returns the tag name. A rule that
 * lets the cluster's nodes in lists their addresses, read at synth from `nodes`: by address,
 * not by `source_tags`, because DigitalOcean documents a tag source only as "Tags
 * corresponding to groups of Droplets" (API reference, Firewalls, sources.tags), not which
 * of their addresses (public or VPC) it matches, and nodes on other clouds carry no tag. Nothing on digitalocean_firewall replaces (resource_firewall.go).
 */
function createRoleFirewall(scope: Construct, spec: NetworkSpec, plan: RoleFirewallPlan, nodes: readonly NodeSource[]): string {
  const tag = new Tag(scope, `Tag-${plan.role}`, {
    provider: spec.provider,
    name: roleResourceName(spec.clusterName, plan.role),
  });
  new Firewall(scope, `Firewall-${plan.role}`, {
    provider: spec.provider,
    name: roleResourceName(spec.clusterName, plan.role),
    tags: [tag.name],
    inboundRule: plan.inbound.flatMap((rule) => inboundRules(rule, nodes)),
    // A DigitalOcean firewall without outbound rules drops all outbound traffic.
    outboundRule: (['tcp', 'udp', 'icmp'] as const).map((protocol) => outboundRule(protocol)),
  });
  return tag.name;
}

/**
 * DigitalOcean has no "every protocol": it is tcp and udp on all ports plus icmp, which
 * covers UDP-encapsulated pod traffic between droplets of the VPC (VXLAN, udp 4789).
 */
function inboundRules(rule: InboundRule, nodes: readonly NodeSource[]): FirewallInboundRule[] {
  const sourceAddresses = ruleSources(rule, nodes);
  if (rule.protocol === 'icmp') return [{ protocol: 'icmp', sourceAddresses }];
  if (rule.protocol === 'all') {
    return [
      { protocol: 'tcp', portRange: '1-65535', sourceAddresses },
      { protocol: 'udp', portRange: '1-65535', sourceAddresses },
      { protocol: 'icmp', sourceAddresses },
    ];
  }
  const portRange = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return [{ protocol: rule.protocol, portRange, sourceAddresses }];
}

function outboundRule(protocol: 'tcp' | 'udp' | 'icmp'): FirewallOutboundRule {
  return protocol === 'icmp'
    ? { protocol, destinationAddresses: EVERYWHERE }
    : { protocol, portRange: '1-65535', destinationAddresses: EVERYWHERE };
}
