import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { bodies, NODES, synthNetwork, UUID } from './network-fixture';

describe('DigitalOcean network', () => {
  const net = synthNetwork(Cloud.DIGITALOCEAN, '10.150.16.0/20');

  test('a VPC with the /20 in the Cast region', () => {
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'digitalocean_vpc' }, { ip_range: '10.150.16.0/20', region: 'nyc1', description: `Cast cluster demo (${UUID})` });
    expect(net.network.subnetCidr).toBe('10.150.16.0/20');
  });

  test('one firewall per role, selecting droplets by a role tag', () => {
    const firewalls = bodies(net.resources('digitalocean_firewall'));
    expect(firewalls.map((f) => f.name).sort()).toEqual(['demo-control-plane', 'demo-worker']);
    expect(bodies(net.resources('digitalocean_tag')).map((t) => t.name).sort()).toEqual(['demo-control-plane', 'demo-worker']);
    expect(firewalls.every((f) => (f.tags as string[])[0].startsWith('${digitalocean_tag.'))).toBe(true);
    expect(net.resolve(net.network.firewallFor(NodeRole.WORKER))).toMatch(/^\$\{digitalocean_tag\.[^.]+\.name\}$/);
  });

  test('inbound rules are the seed tables; "all protocols" is tcp+udp on every port plus icmp', () => {
    const firewalls = bodies(net.resources('digitalocean_firewall'));
    const rows = firewalls.flatMap((f) =>
      (f.inbound_rule as { protocol: string; port_range?: string; source_addresses: string[] }[]).map(
        (r) => `${f.name} ${r.protocol} ${r.port_range ?? '*'} <- ${r.source_addresses.join()}`,
      ),
    );
    const internal = '10.150.16.0/20,10.217.0.0/16,10.4.0.0/16';
    expect(rows.sort()).toEqual(
      [
        'demo-control-plane tcp 6443 <- 0.0.0.0/0',
        'demo-control-plane udp 51820 <- 0.0.0.0/0',
        `demo-control-plane tcp 1-65535 <- ${internal}`,
        `demo-control-plane udp 1-65535 <- ${internal}`,
        `demo-control-plane icmp * <- ${internal}`,
        'demo-worker udp 51820 <- 0.0.0.0/0',
        'demo-worker tcp 30000-32767 <- 0.0.0.0/0',
        'demo-worker udp 30000-32767 <- 0.0.0.0/0',
        `demo-worker tcp 1-65535 <- ${internal}`,
        `demo-worker udp 1-65535 <- ${internal}`,
        `demo-worker icmp * <- ${internal}`,
      ].sort(),
    );
  });

  test('outbound is open: a firewall without outbound rules drops everything', () => {
    for (const firewall of bodies(net.resources('digitalocean_firewall'))) {
      expect((firewall.outbound_rule as { protocol: string }[]).map((r) => r.protocol)).toEqual(['tcp', 'udp', 'icmp']);
    }
  });

  test('"all protocols" between droplets of the VPC holds UDP on every port: VXLAN (udp 4789) passes', () => {
    const controlPlane = bodies(net.resources('digitalocean_firewall')).find((f) => f.name === 'demo-control-plane')!;
    const udp = (controlPlane.inbound_rule as { protocol: string; port_range?: string; source_addresses: string[] }[]).filter((r) => r.protocol === 'udp' && r.source_addresses.includes('10.150.16.0/20'));
    expect(udp.map((r) => r.port_range)).toEqual(['1-65535']);
  });

  test('narrowed API ranges: the API rule lists each node\'s address after them, by node name; open ranges: nodes add nothing', () => {
    const inbound = (n: typeof net) => Object.fromEntries(bodies(n.resources('digitalocean_firewall')).map((f) => [f.name, f.inbound_rule]));
    const narrowed = inbound(synthNetwork(Cloud.DIGITALOCEAN, '10.150.16.0/20', { firewall: { apiSourceRanges: ['203.0.113.0/24'] } }, NODES));
    expect((narrowed['demo-control-plane'] as { port_range?: string; source_addresses: string[] }[]).find((r) => r.port_range === '6443')!.source_addresses).toEqual(['203.0.113.0/24', '192.0.2.10/32', '198.51.100.20/32']);
    expect(narrowed['demo-worker']).toEqual(inbound(net)['demo-worker']);
    expect(inbound(synthNetwork(Cloud.DIGITALOCEAN, '10.150.16.0/20', {}, NODES))).toEqual(inbound(net));
  });
});
