/** GCP: VPC network without auto subnets, one /24 subnetwork, firewall rules targeted by a network tag per role. */
import { ComputeFirewall, ComputeFirewallAllow } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { Construct } from 'constructs';
import { InboundRule, NodeSource, RoleFirewallPlan } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { BuiltNetwork, NetworkSpec, roleResourceName, ruleSources, terraformAddress } from './network-spec';

export function buildNetwork(scope: Construct, spec: NetworkSpec): BuiltNetwork {
  const network = createNetwork(scope, spec);
  const subnet = createSubnet(scope, spec, network);
  // GCP creates the default internet route with every network: no routing step.
  const nodes: NodeSource[] = [];
  const roleFirewall = {} as Record<NodeRole, string>;
  for (const plan of spec.firewall) roleFirewall[plan.role] = createRoleFirewall(scope, spec, network, plan, nodes);
  return {
    attachment: { networkId: network.id, networkAddress: terraformAddress(network), subnetId: subnet.id, roleFirewall },
    allowNode: (node) => void nodes.push(node),
  };
}

function createNetwork(scope: Construct, spec: NetworkSpec): ComputeNetwork {
  // google_compute_network takes no labels; the subnetwork and instances carry them.
  return new ComputeNetwork(scope, 'Network', {
    provider: spec.provider,
    name: spec.clusterName,
    description: `Cast cluster ${spec.clusterName} (${spec.labels.uuid})`,
    autoCreateSubnetworks: false,
    routingMode: 'REGIONAL',
  });
}

function createSubnet(scope: Construct, spec: NetworkSpec, network: ComputeNetwork): ComputeSubnetwork {
  return new ComputeSubnetwork(scope, 'Subnet', {
    provider: spec.provider,
    name: `${spec.clusterName}-nodes`,
    description: `Cast cluster ${spec.clusterName} (${spec.labels.uuid})`,
    network: network.id,
    region: spec.location.region,
    ipCidrRange: spec.subnetCidr,
  });
}

/**
 * One firewall rule per inbound rule, all targeting the role's network tag; returns the tag.
 * A rule that lets the cluster's nodes in lists their addresses in its source_ranges, read
 * at synth from `nodes`; source_ranges is updated in place (resource_compute_firewall.go).
 */
function createRoleFirewall(scope: Construct, spec: NetworkSpec, network: ComputeNetwork, plan: RoleFirewallPlan, nodes: readonly NodeSource[]): string {
  const tag = roleResourceName(spec.clusterName, plan.role);
  for (const rule of plan.inbound) {
    new ComputeFirewall(scope, `${plan.role}-${rule.key}`, {
      provider: spec.provider,
      name: `${tag}-${rule.key}`,
      description: rule.description,
      network: network.id,
      direction: 'INGRESS',
      sourceRanges: ruleSources(rule, nodes),
      targetTags: [tag],
      allow: [ruleAllow(rule)],
    });
  }
  // GCP allows all egress by default (the implied egress rule): nothing to add.
  return tag;
}

function ruleAllow(rule: InboundRule): ComputeFirewallAllow {
  if (rule.fromPort === undefined) return { protocol: rule.protocol };
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return { protocol: rule.protocol, ports: [ports] };
}
