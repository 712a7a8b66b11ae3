/** Azure: resource group, VNet, one /24 subnet, a network security group per role. */
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { InboundRule, NodeSource, RoleFirewallPlan } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { BuiltNetwork, NetworkSpec, roleResourceName, ruleSources, terraformAddress } from './network-spec';

// NSG rule priorities (100..4096, lower first; Azure's own defaults start at
// 65000), fixed per rule so that adding or dropping one rule moves no other.
const RULE_PRIORITY: Readonly<Record<string, number>> = {
  'kube-apiserver': 100,
  'wireguard': 110,
  'node-ports-tcp': 120,
  'node-ports-udp': 130,
  'cluster-internal': 200,
  'ssh': 300,
};

export function buildNetwork(scope: Construct, spec: NetworkSpec): BuiltNetwork {
  const group = new ResourceGroup(scope, 'ResourceGroup', {
    provider: spec.provider,
    name: spec.clusterName,
    location: spec.location.region,
    tags: labelMap(spec.labels),
  });
  const network = createNetwork(scope, spec, group);
  const subnet = createSubnet(scope, spec, group, network);
  // Azure's system routes already reach the internet: no routing step.
  const nodes: NodeSource[] = [];
  const roleFirewall = {} as Record<NodeRole, string>;
  for (const plan of spec.firewall) roleFirewall[plan.role] = createRoleFirewall(scope, spec, group, plan, nodes).id;
  return {
    attachment: { networkId: network.id, networkAddress: terraformAddress(network), subnetId: subnet.id, roleFirewall, resourceGroupName: group.name },
    allowNode: (node) => void nodes.push(node),
  };
}

function createNetwork(scope: Construct, spec: NetworkSpec, group: ResourceGroup): VirtualNetwork {
  return new VirtualNetwork(scope, 'VirtualNetwork', {
    provider: spec.provider,
    name: spec.clusterName,
    resourceGroupName: group.name,
    location: group.location,
    addressSpace: [spec.vpcCidr],
    tags: labelMap(spec.labels),
  });
}

function createSubnet(scope: Construct, spec: NetworkSpec, group: ResourceGroup, network: VirtualNetwork): Subnet {
  return new Subnet(scope, 'Subnet', {
    provider: spec.provider,
    name: `${spec.clusterName}-nodes`,
    resourceGroupName: group.name,
    virtualNetworkName: network.name,
    addressPrefixes: [spec.subnetCidr],
  });
}

/**
 * The role's NSG with one rule per inbound rule; nodes associate it to their NICs. A rule
 * that lets the cluster's nodes in lists their addresses in its source_address_prefixes,
 * read at synth from `nodes`; only name, the NSG and the resource group replace a rule
 * (network_security_rule_resource.go), so a new list is an update in place.
 */
function createRoleFirewall(scope: Construct, spec: NetworkSpec, group: ResourceGroup, plan: RoleFirewallPlan, nodes: readonly NodeSource[]): NetworkSecurityGroup {
  const nsg = new NetworkSecurityGroup(scope, `SecurityGroup-${plan.role}`, {
    provider: spec.provider,
    name: roleResourceName(spec.clusterName, plan.role),
    resourceGroupName: group.name,
    location: group.location,
    tags: labelMap(spec.labels),
  });
  for (const rule of plan.inbound) {
    new NetworkSecurityRule(scope, `${plan.role}-${rule.key}`, {
      provider: spec.provider,
      name: rule.key,
      description: rule.description,
      resourceGroupName: group.name,
      networkSecurityGroupName: nsg.name,
      priority: RULE_PRIORITY[rule.key],
      direction: 'Inbound',
      access: 'Allow',
      protocol: ruleProtocol(rule),
      sourcePortRange: '*',
      destinationPortRange: rulePorts(rule),
      sourceAddressPrefixes: ruleSources(rule, nodes),
      destinationAddressPrefix: '*',
    });
  }
  // Outbound: Azure's default AllowInternetOutBound rule already lets nodes out.
  return nsg;
}

/** Azure spells protocols Tcp, Udp, Icmp and "*" for every protocol. */
function ruleProtocol(rule: InboundRule): string {
  const names = { tcp: 'Tcp', udp: 'Udp', icmp: 'Icmp', all: '*' } as const;
  return names[rule.protocol];
}

function rulePorts(rule: InboundRule): string {
  if (rule.fromPort === undefined) return '*';
  return rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
}
