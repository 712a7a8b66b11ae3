/** AWS: VPC, one /24 subnet in the chosen zone, internet gateway, routes, a security group per role. */
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { InboundRule, NodeSource, nodeCidr, RoleFirewallPlan } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { BuiltNetwork, NetworkSpec, roleResourceName, sourceId, terraformAddress } from './network-spec';

export function buildNetwork(scope: Construct, spec: NetworkSpec): BuiltNetwork {
  const vpc = createNetwork(scope, spec);
  const subnet = createSubnet(scope, spec, vpc);
  const routeTable = createRouting(scope, spec, vpc, subnet);
  const groups = {} as Record<NodeRole, SecurityGroup>;
  for (const plan of spec.firewall) groups[plan.role] = createRoleFirewall(scope, spec, vpc, plan);
  const roleFirewall = { [NodeRole.CONTROL_PLANE]: groups[NodeRole.CONTROL_PLANE].id, [NodeRole.WORKER]: groups[NodeRole.WORKER].id };
  return {
    attachment: { networkId: vpc.id, networkAddress: terraformAddress(vpc), subnetId: subnet.id, roleFirewall, vpcId: vpc.id, routeTableId: routeTable.id },
    allowNode: (node) => allowNode(scope, spec, groups, node),
  };
}

function createNetwork(scope: Construct, spec: NetworkSpec): Vpc {
  return new Vpc(scope, 'Vpc', {
    provider: spec.provider,
    cidrBlock: spec.vpcCidr,
    enableDnsSupport: true,
    enableDnsHostnames: true,
    tags: { ...labelMap(spec.labels), Name: spec.clusterName },
  });
}

function createSubnet(scope: Construct, spec: NetworkSpec, vpc: Vpc): Subnet {
  return new Subnet(scope, 'Subnet', {
    provider: spec.provider,
    vpcId: vpc.id,
    cidrBlock: spec.subnetCidr,
    availabilityZone: spec.location.zone,
    // Nodes get Elastic IPs of their own: stable WireGuard endpoints and API addresses.
    mapPublicIpOnLaunch: false,
    tags: { ...labelMap(spec.labels), Name: `${spec.clusterName}-${spec.location.zone}` },
  });
}

function createRouting(scope: Construct, spec: NetworkSpec, vpc: Vpc, subnet: Subnet): RouteTable {
  const gateway = new InternetGateway(scope, 'InternetGateway', {
    provider: spec.provider,
    vpcId: vpc.id,
    tags: { ...labelMap(spec.labels), Name: spec.clusterName },
  });
  const table = new RouteTable(scope, 'RouteTable', {
    provider: spec.provider,
    vpcId: vpc.id,
    tags: { ...labelMap(spec.labels), Name: spec.clusterName },
  });
  new Route(scope, 'DefaultRoute', {
    provider: spec.provider,
    routeTableId: table.id,
    destinationCidrBlock: '0.0.0.0/0',
    gatewayId: gateway.id,
  });
  new RouteTableAssociation(scope, 'RouteTableAssociation', {
    provider: spec.provider,
    subnetId: subnet.id,
    routeTableId: table.id,
  });
  return table;
}

function createRoleFirewall(scope: Construct, spec: NetworkSpec, vpc: Vpc, plan: RoleFirewallPlan): SecurityGroup {
  const name = roleResourceName(spec.clusterName, plan.role);
  const group = new SecurityGroup(scope, `SecurityGroup-${plan.role}`, {
    provider: spec.provider,
    name,
    description: `Cast cluster ${spec.clusterName}: ${plan.role} nodes`,
    vpcId: vpc.id,
    tags: { ...labelMap(spec.labels), Name: name },
  });
  for (const rule of plan.inbound) {
    for (const source of rule.sources) {
      new VpcSecurityGroupIngressRule(scope, `${plan.role}-${rule.key}-${sourceId(source)}`, {
        provider: spec.provider,
        securityGroupId: group.id,
        description: rule.description,
        cidrIpv4: source,
        ...ruleProtocol(rule),
        tags: labelMap(spec.labels),
      });
    }
  }
  // A security group made by Terraform has no egress rule at all: nodes need
  // the internet for packages, images and the other clouds.
  new VpcSecurityGroupEgressRule(scope, `${plan.role}-egress`, {
    provider: spec.provider,
    securityGroupId: group.id,
    description: 'All outbound traffic',
    cidrIpv4: '0.0.0.0/0',
    ipProtocol: '-1',
    tags: labelMap(spec.labels),
  });
  return group;
}

/**
 * An ingress rule holds one CIDR ("aws_vpc_security_group_ingress_rule ... with one CIDR
 * block per rule", the provider's aws_security_group_rule page), so each node gets its own on
 * every rule that lets the cluster's nodes in, named after the node: adding or removing a
 * node adds or removes its rules only. A new cidr_ipv4 (a replaced DigitalOcean droplet) is
 * an update in place: only security_group_id replaces (vpc_security_group_ingress_rule.go).
 * Each counts against the group's 60 inbound rules (docs.aws.amazon.com/vpc/latest/userguide/
 * amazon-vpc-limits.html, "Inbound or outbound rules per security group", adjustable).
 */
function allowNode(scope: Construct, spec: NetworkSpec, groups: Record<NodeRole, SecurityGroup>, node: NodeSource): void {
  for (const plan of spec.firewall) {
    for (const rule of plan.inbound.filter((r) => r.clusterNodes)) {
      new VpcSecurityGroupIngressRule(scope, `${plan.role}-${rule.key}-node-${node.name}`, {
        provider: spec.provider,
        securityGroupId: groups[plan.role].id,
        description: `${rule.description} from node ${node.name}`,
        cidrIpv4: nodeCidr(node),
        ...ruleProtocol(rule),
        tags: labelMap(spec.labels),
      });
    }
  }
}

/** AWS spells "every protocol" -1 and takes no ports with it. */
function ruleProtocol(rule: InboundRule): { ipProtocol: string; fromPort?: number; toPort?: number } {
  if (rule.protocol === 'all') return { ipProtocol: '-1' };
  if (rule.protocol === 'icmp') return { ipProtocol: 'icmp', fromPort: -1, toPort: -1 };
  return { ipProtocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort };
}
