/**
 * Azure: the network security groups of each azurerm_linux_virtual_machine, in the
 * order Azure evaluates them, as the twin's firewall.
 *
 * What Microsoft documents, and how the twin models it:
 * - "Network security groups" (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview):
 *   rules are processed by priority, lowest number first, and processing stops at the
 *   first match; Allow or Deny; protocol Tcp, Udp, Icmp, Esp, Ah or Any (`*`); source as
 *   address prefixes or service tags; NSGs are stateful. Every NSG ends with the default
 *   inbound rules AllowVnetInBound (65000, VirtualNetwork to VirtualNetwork),
 *   AllowAzureLoadBalancerInBound (65001) and DenyAllInBound (65500).
 * - "How network security groups filter network traffic"
 *   (https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works):
 *   inbound, the subnet's NSG is processed first, then the network interface's; traffic
 *   passes only if both allow it; with no NSG on either, all traffic passes. The twin
 *   renders the subnet NSG as `outerRules` and the NIC's as `rules`.
 * - "Virtual network service tags" (https://learn.microsoft.com/azure/virtual-network/service-tags-overview):
 *   VirtualNetwork is the virtual network's address space, connected on-premises and
 *   peered spaces, the host's virtual IP (168.63.129.16) and the address prefixes of
 *   user-defined routes. The twin expands it to the VNet's `address_space`, the prefixes
 *   of route tables on the VNet's subnets, and 168.63.129.16/32; it refuses peerings and
 *   gateways. AzureLoadBalancer (the platform's health probes) has no counterpart in the
 *   twin: a rule from it matches nothing and is left out, as is the 65001 default.
 * - Outbound rules are not modelled: an outbound Deny rule is refused, so is any other
 *   service tag, a source port filter, a destination other than any, and application
 *   security groups.
 */
import { NodeFirewall, Resolve, TerraformJson, TwinRule, twinProtocol } from './rules';
import { addressValue, blocksOf, listOf, referencedAddress, referenceOf, refuseAttributes, refuseTypes, resourceAt, resourcesOf, StackResource, stringValue } from './stack-json';

const NSG = 'azurerm_network_security_group';
/** The source "any": every IPv4 and IPv6 address. */
const ANY = ['0.0.0.0/0', '::/0'];
/** The host's virtual IP, part of the VirtualNetwork tag ("What is IP address 168.63.129.16?", Microsoft Learn). */
const HOST_VIRTUAL_IP = '168.63.129.16/32';

/** One NSG rule, as the twin reads it. */
interface NsgRule {
  readonly priority: number;
  readonly why: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The inbound firewall of every azurerm_linux_virtual_machine of the stack, sorted by resource name. */
export function azureNodeFirewalls(stack: TerraformJson, resolve: Resolve): NodeFirewall[] {
  refuseTypes(stack, ['azurerm_virtual_network_peering', 'azurerm_virtual_network_gateway', 'azurerm_application_security_group', 'azurerm_network_interface_application_security_group_association'], 'Azure');
  return resourcesOf(stack, 'azurerm_linux_virtual_machine').map((vm) => {
    const nics = listOf(vm.body.network_interface_ids, `${vm.address} network_interface_ids`);
    if (nics.length !== 1) throw new Error(`${vm.address}: has ${nics.length} network interfaces; the twin models exactly one.`);
    const nic = referencedAddress(nics[0], 'azurerm_network_interface', 'id', `${vm.address} network_interface_ids`);
    const subnet = nicSubnet(stack, nic);
    const vnetSpace = virtualNetworkSpace(stack, subnet, resolve);
    const nicNsg = associatedNsg(stack, 'azurerm_network_interface_security_group_association', 'network_interface_id', nic);
    const subnetNsg = associatedNsg(stack, 'azurerm_subnet_network_security_group_association', 'subnet_id', subnet);
    const vmName = stringValue(stack, vm.body.name, resolve, `${vm.address} name`);
    const lists = [subnetNsg, nicNsg].filter((nsg): nsg is string => nsg !== undefined).map((nsg) => nsgRules(stack, nsg, vnetSpace, resolve));
    if (lists.length === 0) {
      return { resource: vm.address, vmName, rules: [{ action: 'accept', protocol: 'all', sources: ANY, why: `${vm.address}: no NSG on its subnet or NIC, Azure passes all traffic` }] };
    }
    return lists.length === 1 ? { resource: vm.address, vmName, rules: lists[0] } : { resource: vm.address, vmName, outerRules: lists[0], rules: lists[1] };
  });
}

/** The subnet of the NIC's IP configurations (one subnet for all of them). */
function nicSubnet(stack: TerraformJson, nic: string): string {
  const resource = resourceAt(stack, nic);
  if (!resource) throw new Error(`${nic}: not in the stack.`);
  refuseAttributes(resource, ['network_security_group_id']);
  const subnets = new Set(
    blocksOf(resource.body.ip_configuration, `${nic} ip_configuration`).map((config) => referencedAddress(config.subnet_id, 'azurerm_subnet', 'id', `${nic} ip_configuration subnet_id`)),
  );
  if (subnets.size !== 1) throw new Error(`${nic}: its IP configurations use ${subnets.size} subnets; the twin models one.`);
  return [...subnets][0];
}

/** The VirtualNetwork service tag for a VM in `subnet`: the VNet's space, UDR prefixes on its subnets, the host's virtual IP. */
function virtualNetworkSpace(stack: TerraformJson, subnet: string, resolve: Resolve): string[] {
  const body = resourceAt(stack, subnet)?.body;
  const vnetRef = referenceOf(body?.virtual_network_name);
  const vnet = vnetRef && resourceAt(stack, vnetRef.address);
  if (!vnet) throw new Error(`${subnet}: virtual_network_name must reference the stack's azurerm_virtual_network (got ${JSON.stringify(body?.virtual_network_name)}).`);
  const space = listOf(vnet.body.address_space, `${vnet.address} address_space`).map((cidr) => addressValue(stack, cidr, resolve, `${vnet.address} address_space`));
  const subnetsOfVnet = resourcesOf(stack, 'azurerm_subnet').filter((other) => referenceOf(other.body.virtual_network_name)?.address === vnet.address).map((other) => other.address);
  const tables = resourcesOf(stack, 'azurerm_subnet_route_table_association')
    .filter((association) => subnetsOfVnet.includes(referencedAddress(association.body.subnet_id, 'azurerm_subnet', 'id', `${association.address} subnet_id`)))
    .map((association) => referencedAddress(association.body.route_table_id, 'azurerm_route_table', 'id', `${association.address} route_table_id`));
  const routes = tables.flatMap((table) => [
    ...blocksOf(resourceAt(stack, table)?.body.route, `${table} route`).map((route) => route.address_prefix),
    ...resourcesOf(stack, 'azurerm_route')
      .filter((route) => referenceOf(route.body.route_table_name)?.address === table)
      .map((route) => route.body.address_prefix),
  ]);
  const prefixes = routes.map((prefix) => addressValue(stack, prefix, resolve, `${subnet} route table prefix`));
  return [...new Set([...space, ...prefixes, HOST_VIRTUAL_IP])].sort();
}

/** The NSG an association resource ties to `target`, if any. */
function associatedNsg(stack: TerraformJson, type: string, attribute: string, target: string): string | undefined {
  const found = resourcesOf(stack, type).filter((association) => referenceOf(association.body[attribute])?.address === target);
  if (found.length > 1) throw new Error(`${target}: ${found.length} ${type} resources; Azure allows one NSG.`);
  return found.length === 0 ? undefined : referencedAddress(found[0].body.network_security_group_id, NSG, 'id', `${found[0].address} network_security_group_id`);
}

/** The inbound rules of one NSG by priority, then Azure's defaults. */
function nsgRules(stack: TerraformJson, nsgAddress: string, vnetSpace: readonly string[], resolve: Resolve): TwinRule[] {
  const nsg = resourceAt(stack, nsgAddress);
  if (!nsg) throw new Error(`${nsgAddress}: not in the stack.`);
  const rules: NsgRule[] = [
    ...blocksOf(nsg.body.security_rule, `${nsgAddress} security_rule`).map((body, index) => ({ priority: Number(body.priority), why: `${nsgAddress}.security_rule[${index}] ${String(body.name)}`, body })),
    ...resourcesOf(stack, 'azurerm_network_security_rule')
      .filter((rule) => belongsTo(stack, rule, nsg))
      .map((rule) => ({ priority: Number(rule.body.priority), why: rule.address, body: rule.body })),
  ];
  const outboundDeny = rules.find((rule) => String(rule.body.direction) === 'Outbound' && String(rule.body.access) === 'Deny');
  if (outboundDeny) throw new Error(`${outboundDeny.why}: an outbound Deny rule narrows outbound traffic; the twin models inbound rules only.`);
  const inbound = rules.filter((rule) => String(rule.body.direction) === 'Inbound').sort((a, b) => a.priority - b.priority);
  const clash = inbound.find((rule, index) => index > 0 && rule.priority === inbound[index - 1].priority);
  if (clash) throw new Error(`${clash.why}: two inbound rules of ${nsgAddress} have priority ${clash.priority}, which Azure refuses.`);
  return [
    ...inbound.flatMap((rule) => translate(stack, rule, vnetSpace, resolve)),
    { action: 'accept', protocol: 'all', sources: vnetSpace, why: `${nsgAddress} AllowVnetInBound (Azure default, 65000)` },
    // AllowAzureLoadBalancerInBound (65001): health probes, which the twin does not send.
    { action: 'drop', protocol: 'all', sources: ANY, why: `${nsgAddress} DenyAllInBound (Azure default, 65500)` },
  ];
}

/** Whether a separate rule names the NSG: by reference, or by the same literal name and resource group. */
function belongsTo(stack: TerraformJson, rule: StackResource, nsg: StackResource): boolean {
  const reference = referenceOf(rule.body.network_security_group_name);
  if (reference) return reference.address === nsg.address;
  const same = (a: unknown, b: unknown) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);
  if (same(rule.body.network_security_group_name, nsg.body.name) && same(rule.body.resource_group_name, nsg.body.resource_group_name)) return true;
  if (resourcesOf(stack, NSG).some((other) => other.body.name === rule.body.network_security_group_name)) return false;
  throw new Error(`${rule.address}: network_security_group_name ${JSON.stringify(rule.body.network_security_group_name)} names no NSG the twin can find.`);
}

function translate(stack: TerraformJson, rule: NsgRule, vnetSpace: readonly string[], resolve: Resolve): TwinRule[] {
  const { body, why } = rule;
  refuseAttributes({ address: why, body }, ['source_application_security_group_ids', 'destination_application_security_group_ids', 'source_port_ranges', 'destination_address_prefixes']);
  if (body.source_port_range !== undefined && body.source_port_range !== '*') throw new Error(`${why}: source_port_range ${JSON.stringify(body.source_port_range)} is not modelled by the twin.`);
  const destination = body.destination_address_prefix;
  if (destination !== undefined && !['*', 'VirtualNetwork', '0.0.0.0/0'].includes(String(destination))) {
    throw new Error(`${why}: destination_address_prefix ${JSON.stringify(destination)} is not modelled by the twin (only *, VirtualNetwork).`);
  }
  const action = String(body.access) === 'Allow' ? 'accept' : String(body.access) === 'Deny' ? 'drop' : undefined;
  if (!action) throw new Error(`${why}: access must be Allow or Deny (got ${JSON.stringify(body.access)}).`);
  const prefixes = [...(body.source_address_prefix === undefined ? [] : [body.source_address_prefix]), ...listOf(body.source_address_prefixes, `${why} source_address_prefixes`)];
  const sources = [...new Set(prefixes.flatMap((prefix) => sourcePrefix(stack, prefix, vnetSpace, resolve, why)))].sort();
  // A rule from AzureLoadBalancer only (platform health probes) matches nothing in the twin.
  if (sources.length === 0) return [];
  const protocol = twinProtocol(body.protocol, why);
  const ports = [...(body.destination_port_range === undefined ? [] : [body.destination_port_range]), ...listOf(body.destination_port_ranges, `${why} destination_port_ranges`)].map(String);
  if (ports.length === 0 || ports.includes('*')) return [{ action, protocol, sources, why }];
  if (protocol !== 'tcp' && protocol !== 'udp') throw new Error(`${why}: destination ports on protocol ${JSON.stringify(body.protocol)} are not modelled by the twin.`);
  return ports.map((port): TwinRule => {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
    if (!match) throw new Error(`${why}: destination port "${port}" is not a port or range.`);
    return { action, protocol, fromPort: Number(match[1]), toPort: Number(match[2] ?? match[1]), sources, why };
  });
}

/** A source prefix as addresses: `*`/Any, VirtualNetwork, AzureLoadBalancer (nothing), or a CIDR. */
function sourcePrefix(stack: TerraformJson, prefix: unknown, vnetSpace: readonly string[], resolve: Resolve, why: string): readonly string[] {
  if (prefix === '*' || prefix === 'Any') return ANY;
  if (prefix === 'VirtualNetwork') return vnetSpace;
  if (prefix === 'AzureLoadBalancer') return [];
  if (typeof prefix === 'string' && /^[A-Za-z][A-Za-z0-9.]*$/.test(prefix)) throw new Error(`${why}: service tag ${prefix} is not modelled by the twin.`);
  return [addressValue(stack, prefix, resolve, `${why} source`)];
}
