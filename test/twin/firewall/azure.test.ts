import { azureNodeFirewalls } from './azure';
import { FirewallLab } from './firewall-lab';
import { renderNodeFirewall } from './rules';
import { resourcesOf } from './stack-json';
import { AddressBook, API_SOURCE, copyStack, firewallOf, hostIn, synthCluster, testRoleRules } from './synth-cluster';
import { verdictOf } from './verdict';
import { Cloud } from '../../../lib/core/cloud';

// A multi-cloud cluster, so WireGuard's port is open; the nodes under test are on Azure.
const stack = synthCluster([Cloud.AZURE, Cloud.AWS]);
const firewalls = azureNodeFirewalls(stack, new AddressBook().resolve);
const cp = firewallOf(firewalls, 'prod-cp-1');
const worker = firewallOf(firewalls, 'prod-w-1');
const vnet = resourcesOf(stack, 'azurerm_virtual_network')[0];
const vnetAddress = hostIn((vnet.body.address_space as string[])[0], 77);
const subnet = resourcesOf(stack, 'azurerm_subnet')[0];
const outsider = '198.51.100.7';

/** The stack with an NSG on the nodes' subnet holding `rules` (by priority). */
function withSubnetNsg(rules: Record<string, unknown>[]) {
  const edited = copyStack(stack);
  edited.resource.azurerm_network_security_group.subnet_nsg = { name: 'subnet-nsg', resource_group_name: 'rg', location: 'eastus', security_rule: rules };
  edited.resource.azurerm_subnet_network_security_group_association = {
    subnet_nsg: { subnet_id: `\${${subnet.address}.id}`, network_security_group_id: '${azurerm_network_security_group.subnet_nsg.id}' },
  };
  return edited;
}

const inbound = (name: string, priority: number, access: string, protocol: string, ports: string, source: string) => ({
  name,
  priority,
  direction: 'Inbound',
  access,
  protocol,
  source_port_range: '*',
  destination_port_range: ports,
  source_address_prefix: source,
  destination_address_prefix: '*',
});

describe('azureNodeFirewalls on a synthesized cluster', () => {
  testRoleRules(cp, worker);

  test('an outsider meets Azure\'s default DenyAllInBound at the API port', () => {
    expect(verdictOf(cp, { source: outsider, protocol: 'tcp', port: 6443 }).why).toContain('DenyAllInBound');
  });

  test('one firewall per azurerm_linux_virtual_machine, from the NSG on its NIC', () => {
    expect(firewalls.map((firewall) => [firewall.resource.split('.')[0], firewall.vmName, firewall.outerRules])).toEqual([
      ['azurerm_linux_virtual_machine', 'prod-cp-1', undefined],
      ['azurerm_linux_virtual_machine', 'prod-w-1', undefined],
    ]);
  });

  test("rules by priority, then Azure's AllowVnetInBound and DenyAllInBound", () => {
    const api = cp.rules.findIndex((rule) => rule.fromPort === 6443);
    const internal = cp.rules.findIndex((rule) => rule.why.includes('cluster-internal'));
    expect(api).toBeLessThan(internal);
    expect(cp.rules.slice(-2).map((rule) => [rule.action, rule.why.replace(/^.* /, '')])).toEqual([
      ['accept', '65000)'],
      ['drop', '65500)'],
    ]);
    // The VirtualNetwork tag: the VNet's space and the host's virtual IP, which reaches any port.
    expect(cp.rules[cp.rules.length - 2].sources).toEqual([...(vnet.body.address_space as string[]), '168.63.129.16/32'].sort());
    expect(verdictOf(cp, { source: '168.63.129.16', protocol: 'tcp', port: 10250 }).why).toContain('AllowVnetInBound');
  });

  test('the NSG lets the VNet send every protocol (the VNet itself blocks IP-in-IP: cloud-behaviour.ts)', () => {
    expect(verdictOf(worker, { source: vnetAddress, protocol: 4 }).action).toBe('accept');
    expect(verdictOf(worker, { source: outsider, protocol: 4 }).action).toBe('drop');
  });
});

describe('azureNodeFirewalls on edited stacks', () => {
  test("a subnet NSG is judged before the NIC's: an empty one drops what the NIC allows from outside the VNet", () => {
    const edited = firewallOf(azureNodeFirewalls(withSubnetNsg([]), new AddressBook().resolve), 'prod-cp-1');
    expect(edited.outerRules?.map((rule) => rule.why.replace(/^.* /, ''))).toEqual(['65000)', '65500)']);
    expect(verdictOf(edited, { source: '203.0.113.7', protocol: 'tcp', port: 6443 }).why).toContain('subnet_nsg DenyAllInBound');
    expect(verdictOf(edited, { source: vnetAddress, protocol: 'tcp', port: 10250 }).action).toBe('accept');
  });

  test('a lower priority number wins; an AzureLoadBalancer rule matches nothing', () => {
    const edited = copyStack(stack);
    const nsg = `\${${resourcesOf(stack, 'azurerm_network_security_group').find((group) => group.name.includes('control-plane'))!.address}.name}`;
    const rule = (name: string, priority: number, access: string, source: string) => ({ ...inbound(name, priority, access, 'Tcp', '6443', source), network_security_group_name: nsg, resource_group_name: 'rg' });
    edited.resource.azurerm_network_security_rule.late_deny = rule('late-deny', 150, 'Deny', '203.0.113.0/28');
    edited.resource.azurerm_network_security_rule.early_deny = rule('early-deny', 50, 'Deny', '203.0.113.16/28');
    edited.resource.azurerm_network_security_rule.probes = rule('probes', 60, 'Allow', 'AzureLoadBalancer');
    const edit = firewallOf(azureNodeFirewalls(edited, new AddressBook().resolve), 'prod-cp-1');
    expect(verdictOf(edit, { source: '203.0.113.7', protocol: 'tcp', port: 6443 }).action).toBe('accept');
    expect(verdictOf(edit, { source: '203.0.113.17', protocol: 'tcp', port: 6443 }).why).toBe('azurerm_network_security_rule.early_deny');
    expect(edit.rules.some((twin) => twin.why.includes('probes'))).toBe(false);
  });

  test('a VM without any NSG is not filtered', () => {
    const edited = copyStack(stack);
    delete edited.resource.azurerm_network_interface_security_group_association;
    expect(verdictOf(firewallOf(azureNodeFirewalls(edited, new AddressBook().resolve), 'prod-w-1'), { source: outsider, protocol: 'tcp', port: 10250 }).action).toBe('accept');
  });

  test('other service tags, equal priorities, outbound denies and source port filters are refused', () => {
    expect(() => azureNodeFirewalls(withSubnetNsg([inbound('web', 100, 'Allow', 'Tcp', '443', 'Internet')]), new AddressBook().resolve)).toThrow('service tag Internet is not modelled');
    expect(() => azureNodeFirewalls(withSubnetNsg([inbound('a', 100, 'Allow', 'Tcp', '443', '*'), inbound('b', 100, 'Deny', 'Tcp', '80', '*')]), new AddressBook().resolve)).toThrow(
      'two inbound rules of azurerm_network_security_group.subnet_nsg have priority 100',
    );
    expect(() => azureNodeFirewalls(withSubnetNsg([{ ...inbound('out', 100, 'Deny', '*', '*', '*'), direction: 'Outbound' }]), new AddressBook().resolve)).toThrow('an outbound Deny rule');
    expect(() => azureNodeFirewalls(withSubnetNsg([{ ...inbound('sport', 100, 'Allow', 'Tcp', '443', '*'), source_port_range: '1024' }]), new AddressBook().resolve)).toThrow('source_port_range "1024"');
  });
});

describe('the rendered control-plane firewall, under a subnet NSG, in a network namespace', () => {
  let lab: FirewallLab;
  beforeAll(async () => {
    const firewall = firewallOf(azureNodeFirewalls(withSubnetNsg([inbound('api', 100, 'Allow', 'Tcp', '6443', API_SOURCE)]), new AddressBook().resolve), 'prod-cp-1');
    lab = await FirewallLab.create('az');
    await lab.applyFirewall(renderNodeFirewall(firewall, { table: 'twin_azure', device: FirewallLab.DEVICE }));
    await lab.addSource(vnetAddress);
    await lab.listen(['tcp/6443', 'tcp/10250', 'udp/51820']);
  });
  afterAll(() => lab?.cleanup());

  test('a packet passes only when both NSGs allow it', async () => {
    expect(await lab.probe('203.0.113.10', 'tcp', 6443)).toBe('open');
    expect(await lab.probe(vnetAddress, 'tcp', 10250)).toBe('open');
    // The NIC's NSG opens WireGuard to anyone; the subnet's NSG does not.
    expect(await lab.probe('203.0.113.10', 'udp', 51820)).toBe('timeout');
  });
});
