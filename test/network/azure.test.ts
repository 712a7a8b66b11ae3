import { Cloud } from '../../lib/core/cloud';
import { bodies, NODES, synthNetwork, UUID } from './network-fixture';

describe('Azure network', () => {
  const net = synthNetwork(Cloud.AZURE, '10.20.0.0/16');
  const tags = { 'cast-cluster-name': 'demo', 'cast-cluster-uuid': UUID };

  test('resource group, VNet and one /24 subnet in the Cast region', () => {
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'azurerm_resource_group' }, { name: 'demo', location: 'eastus', tags });
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'azurerm_virtual_network' }, { address_space: ['10.20.0.0/16'], tags });
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'azurerm_subnet' }, { address_prefixes: ['10.20.0.0/24'] });
  });

  test('one NSG per role; rules are the seed tables with fixed priorities', () => {
    expect(bodies(net.resources('azurerm_network_security_group')).map((g) => g.name).sort()).toEqual(['demo-control-plane', 'demo-worker']);
    const rules = bodies(net.resources('azurerm_network_security_rule'));
    const nsgOf = (r: Record<string, unknown>) => ((r.network_security_group_name as string).includes('control-plane') ? 'cp' : 'worker');
    const row = (r: Record<string, unknown>) => `${nsgOf(r)} ${r.priority} ${r.protocol} ${r.destination_port_range} <- ${(r.source_address_prefixes as string[]).join()}`;
    expect(rules.map(row).sort()).toEqual(
      [
        'cp 100 Tcp 6443 <- 0.0.0.0/0',
        'cp 110 Udp 51820 <- 0.0.0.0/0',
        'cp 200 * * <- 10.20.0.0/16,10.217.0.0/16,10.4.0.0/16',
        'worker 110 Udp 51820 <- 0.0.0.0/0',
        'worker 120 Tcp 30000-32767 <- 0.0.0.0/0',
        'worker 130 Udp 30000-32767 <- 0.0.0.0/0',
        'worker 200 * * <- 10.20.0.0/16,10.217.0.0/16,10.4.0.0/16',
      ].sort(),
    );
    expect(rules.every((r) => r.direction === 'Inbound' && r.access === 'Allow')).toBe(true);
  });

  test('adding SSH moves no other rule priority', () => {
    const withSsh = synthNetwork(Cloud.AZURE, '10.20.0.0/16', { firewall: { sshSourceRanges: ['203.0.113.0/24'] } });
    const priorities = (n: typeof net) => Object.fromEntries(bodies(n.resources('azurerm_network_security_rule')).map((r) => [`${r.network_security_group_name}/${r.name}`, r.priority]));
    const before = priorities(net);
    const after = priorities(withSsh);
    for (const [rule, priority] of Object.entries(before)) expect(after[rule]).toBe(priority);
    expect(Object.keys(after).length - Object.keys(before).length).toBe(2);
  });

  test('narrowed API ranges: the API rule lists each node\'s address after them, by node name, at its fixed priority; open ranges: nodes add nothing', () => {
    const rules = (n: typeof net) => Object.fromEntries(bodies(n.resources('azurerm_network_security_rule')).map((r) => [`${r.network_security_group_name}/${r.name}`, r]));
    const narrowed = rules(synthNetwork(Cloud.AZURE, '10.20.0.0/16', { firewall: { apiSourceRanges: ['203.0.113.0/24'] } }, NODES));
    const api = Object.entries(narrowed).filter(([, r]) => r.destination_port_range === '6443');
    expect(api.map(([, r]) => [r.priority, r.source_address_prefixes])).toEqual([[100, ['203.0.113.0/24', '192.0.2.10/32', '198.51.100.20/32']]]);
    expect(Object.keys(narrowed).sort()).toEqual(Object.keys(rules(net)).sort());
    expect(rules(synthNetwork(Cloud.AZURE, '10.20.0.0/16', {}, NODES))).toEqual(rules(net));
  });
});
