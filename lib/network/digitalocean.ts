/** DigitalOcean: a VPC holding the cluster's /20, a firewall per role selecting droplets by tag. */
import { Firewall, FirewallInboundRule, FirewallOutboundRule } from '@cdktf/provider-digitalocean/lib/firewall';
import { Tag } from '@cdktf/provider-digitalocean/lib/tag';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { Construct } from 'constructs';
import { InboundRule, RoleFirewallPlan } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { NetworkAttachment, NetworkSpec, roleResourceName, terraformAddress } from './network-spec';

const EVERYWHERE = ['0.0.0.0/0', '::/0'];

export function buildNetwork(scope: Construct, spec: NetworkSpec): NetworkAttachment {
  const vpc = createNetwork(scope, spec);
  // The VPC is the only subnet (seed: "only one subnet which is allocated dynamically"),
  // and DigitalOcean routes to the internet by itself: no subnet or routing step.
  const roleFirewall = {} as Record<NodeRole, string>;
  for (const plan of spec.firewall) roleFirewall[plan.role] = createRoleFirewall(scope, spec, plan);
  return { networkId: vpc.id, networkAddress: terraformAddress(vpc), subnetId: vpc.id, roleFirewall };
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

/** The role's droplet tag and a firewall that selects it; returns the tag name. */
function createRoleFirewall(scope: Construct, spec: NetworkSpec, plan: RoleFirewallPlan): string {
  const tag = new Tag(scope, `Tag-${plan.role}`, {
    provider: spec.provider,
    name: roleResourceName(spec.clusterName, plan.role),
  });
  new Firewall(scope, `Firewall-${plan.role}`, {
    provider: spec.provider,
    name: roleResourceName(spec.clusterName, plan.role),
    tags: [tag.name],
    inboundRule: plan.inbound.flatMap(inboundRules),
    // A DigitalOcean firewall without outbound rules drops all outbound traffic.
    outboundRule: (['tcp', 'udp', 'icmp'] as const).map((protocol) => outboundRule(protocol)),
  });
  return tag.name;
}

/** DigitalOcean has no "every protocol": it is tcp and udp on all ports plus icmp. */
function inboundRules(rule: InboundRule): FirewallInboundRule[] {
  const sourceAddresses = [...rule.sources];
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
