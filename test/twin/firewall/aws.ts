/**
 * AWS: the security groups of each aws_instance as the twin's firewall.
 *
 * What AWS documents, and how the twin models it:
 * - "Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html):
 *   rules only allow, there are no deny rules; with no inbound rule no inbound traffic is
 *   allowed; "When you associate multiple security groups with a resource, the rules from
 *   each security group are aggregated to form a single set of rules". So a VM's firewall
 *   is the union of the accept rules of all groups in its `vpc_security_group_ids`, in any
 *   order, then the implicit drop.
 * - Same page, "Security group referencing": a rule whose source is a security group
 *   allows traffic from the network interfaces associated with that group, by their
 *   private IP addresses. The twin resolves `${aws_instance.<name>.private_ip}` of every
 *   instance in the group.
 * - "Security group connection tracking"
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html):
 *   security groups are stateful; responses to allowed traffic are allowed.
 * - Protocol "-1" means every protocol; for a protocol other than tcp, udp, icmp and
 *   icmpv6 a rule allows all ports ("IpPermission", Amazon EC2 API Reference,
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
 * - Terraform removes the allow-all egress rule AWS gives a new group ("aws_security_group",
 *   Terraform registry, "NOTE on Egress rules"): a group's outbound is what the stack
 *   says. The twin models inbound only, so it refuses a VM whose groups do not allow all
 *   outbound traffic.
 * - Network ACLs (default: allow all) and prefix lists are not modelled: refused.
 */
import { NodeFirewall, Resolve, TerraformJson, TwinRule, twinProtocol } from './rules';
import { addressValue, blocksOf, listOf, referencedAddress, refuseAttributes, refuseTypes, resourcesOf, stringValue } from './stack-json';

/** One ingress or egress rule as written, before its sources are resolved. */
interface GroupRule {
  readonly why: string;
  readonly direction: 'ingress' | 'egress';
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  /** CIDR values (literals or expressions). */
  readonly cidrs: readonly unknown[];
  /** Addresses of the security groups whose members are sources. */
  readonly groups: readonly string[];
}

const GROUP = 'aws_security_group';

/** The inbound firewall of every aws_instance of the stack, sorted by resource name. */
export function awsNodeFirewalls(stack: TerraformJson, resolve: Resolve): NodeFirewall[] {
  refuseTypes(stack, ['aws_network_acl', 'aws_network_acl_rule', 'aws_network_acl_association', 'aws_default_network_acl', 'aws_network_interface_sg_attachment', 'aws_default_security_group'], 'AWS');
  const rules = groupRules(stack);
  const members = groupMembers(stack);
  return resourcesOf(stack, 'aws_instance').map((instance) => {
    refuseAttributes(instance, ['security_groups', 'network_interface', 'primary_network_interface']);
    const groups = members.groupsOf.get(instance.address) ?? [];
    if (groups.length === 0) throw new Error(`${instance.address}: vpc_security_group_ids is not set, so AWS attaches the VPC's default security group, which the twin does not model. Attach the stack's own groups.`);
    const own = groups.flatMap((group) => rules.get(group) ?? []);
    if (!own.some((rule) => rule.direction === 'egress' && allOutbound(rule))) {
      throw new Error(`${instance.address}: its security groups (${groups.join(', ')}) do not allow all outbound traffic; the twin models inbound rules only.`);
    }
    const inbound = own
      .filter((rule) => rule.direction === 'ingress')
      .map((rule): TwinRule => ({ action: 'accept', ...ruleMatch(rule), sources: ruleSources(stack, rule, members.instancesOf, resolve), why: rule.why }))
      .sort((a, b) => (a.why < b.why ? -1 : a.why > b.why ? 1 : 0));
    const name = (instance.body.tags as Record<string, unknown> | undefined)?.Name;
    if (name === undefined) throw new Error(`${instance.address}: has no Name tag; the twin names VMs by it.`);
    return { resource: instance.address, vmName: stringValue(stack, name, resolve, `${instance.address} tags.Name`), rules: inbound };
  });
}

/** Every rule of every security group: inline blocks and separate rule resources. */
function groupRules(stack: TerraformJson): Map<string, GroupRule[]> {
  const rules = new Map<string, GroupRule[]>();
  const add = (group: string, rule: GroupRule) => rules.set(group, [...(rules.get(group) ?? []), rule]);
  for (const group of resourcesOf(stack, GROUP)) {
    for (const direction of ['ingress', 'egress'] as const) {
      blocksOf(group.body[direction], `${group.address} ${direction}`).forEach((block, index) => {
        const why = `${group.address}.${direction}[${index}]`;
        refuseAttributes({ address: why, body: block }, ['prefix_list_ids']);
        const groups = listOf(block.security_groups, `${why} security_groups`).map((value) => referencedAddress(value, GROUP, 'id', `${why} security_groups`));
        add(group.address, {
          why,
          direction,
          protocol: block.protocol,
          fromPort: block.from_port,
          toPort: block.to_port,
          cidrs: [...listOf(block.cidr_blocks, why), ...listOf(block.ipv6_cidr_blocks, why)],
          groups: block.self === true ? [...groups, group.address] : groups,
        });
      });
    }
  }
  for (const type of ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'] as const) {
    for (const rule of resourcesOf(stack, type)) {
      refuseAttributes(rule, ['prefix_list_id']);
      const group = referencedAddress(rule.body.security_group_id, GROUP, 'id', `${rule.address} security_group_id`);
      const source = rule.body.referenced_security_group_id;
      add(group, {
        why: rule.address,
        direction: type.endsWith('_ingress_rule') ? 'ingress' : 'egress',
        protocol: rule.body.ip_protocol,
        fromPort: rule.body.from_port,
        toPort: rule.body.to_port,
        cidrs: [rule.body.cidr_ipv4, rule.body.cidr_ipv6].filter((cidr) => cidr !== undefined && cidr !== null),
        groups: source === undefined || source === null ? [] : [referencedAddress(source, GROUP, 'id', `${rule.address} referenced_security_group_id`)],
      });
    }
  }
  for (const rule of resourcesOf(stack, 'aws_security_group_rule')) {
    refuseAttributes(rule, ['prefix_list_ids']);
    const group = referencedAddress(rule.body.security_group_id, GROUP, 'id', `${rule.address} security_group_id`);
    const source = rule.body.source_security_group_id;
    const groups = source === undefined || source === null ? [] : [referencedAddress(source, GROUP, 'id', `${rule.address} source_security_group_id`)];
    add(group, {
      why: rule.address,
      direction: rule.body.type === 'egress' ? 'egress' : 'ingress',
      protocol: rule.body.protocol,
      fromPort: rule.body.from_port,
      toPort: rule.body.to_port,
      cidrs: [...listOf(rule.body.cidr_blocks, rule.address), ...listOf(rule.body.ipv6_cidr_blocks, rule.address)],
      groups: rule.body.self === true ? [...groups, group] : groups,
    });
  }
  return rules;
}

/** Which groups each instance has, and which instances each group has. */
function groupMembers(stack: TerraformJson): { groupsOf: Map<string, string[]>; instancesOf: Map<string, string[]> } {
  const groupsOf = new Map<string, string[]>();
  const instancesOf = new Map<string, string[]>();
  for (const instance of resourcesOf(stack, 'aws_instance')) {
    const what = `${instance.address} vpc_security_group_ids`;
    const groups = listOf(instance.body.vpc_security_group_ids, what).map((value) => referencedAddress(value, GROUP, 'id', what));
    groupsOf.set(instance.address, groups);
    for (const group of groups) instancesOf.set(group, [...(instancesOf.get(group) ?? []), instance.address]);
  }
  return { groupsOf, instancesOf };
}

/** Protocol and ports of a rule; ICMP type filters are refused. */
function ruleMatch(rule: GroupRule): Pick<TwinRule, 'protocol' | 'fromPort' | 'toPort'> {
  const protocol = twinProtocol(rule.protocol, rule.why);
  const from = rule.fromPort === undefined || rule.fromPort === null ? undefined : Number(rule.fromPort);
  const to = rule.toPort === undefined || rule.toPort === null ? undefined : Number(rule.toPort);
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined || !Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > to) {
      throw new Error(`${rule.why}: a ${protocol} rule needs from_port <= to_port within 0-65535 (got ${rule.fromPort}-${rule.toPort}).`);
    }
    return { protocol, fromPort: from, toPort: to };
  }
  // For ICMP (1) and ICMPv6 (58) the "ports" are the ICMP type and code; -1 is any.
  if ((protocol === 'icmp' || protocol === 58) && [from, to].some((port) => port !== undefined && port !== -1)) {
    throw new Error(`${rule.why}: ICMP type/code filters (${rule.fromPort}/${rule.toPort}) are not modelled by the twin.`);
  }
  return { protocol };
}

function ruleSources(stack: TerraformJson, rule: GroupRule, instancesOf: Map<string, string[]>, resolve: Resolve): string[] {
  const cidrs = rule.cidrs.map((cidr) => addressValue(stack, cidr, resolve, `${rule.why} source`));
  const peers = rule.groups.flatMap((group) => {
    if (resourcesOf(stack, 'aws_launch_template').length > 0) throw new Error(`${rule.why}: a security group as source with launch templates in the stack (scaled members) is not modelled by the twin.`);
    return (instancesOf.get(group) ?? []).map((instance) => addressValue(stack, `\${${instance}.private_ip}`, resolve, `${rule.why} member ${instance}`));
  });
  return [...new Set([...cidrs, ...peers])].sort();
}

function allOutbound(rule: GroupRule): boolean {
  return twinProtocol(rule.protocol, rule.why) === 'all' && rule.cidrs.includes('0.0.0.0/0');
}
