import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { bodies, NODES, synthNetwork, UUID } from './network-fixture';

describe('GCP network', () => {
  const net = synthNetwork(Cloud.GCP, '10.0.0.0/16');

  test('a custom-mode network and one /24 subnetwork in the Cast region', () => {
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'google_compute_network' }, { name: 'demo', auto_create_subnetworks: false, description: `Cast cluster demo (${UUID})` });
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'google_compute_subnetwork' }, { name: 'demo-nodes', ip_cidr_range: '10.0.0.0/24', region: 'us-east4' });
    expect(net.network.zone).toBe('us-east4-a');
  });

  test('firewall rules target one network tag per role and are the seed tables', () => {
    const rules = bodies(net.resources('google_compute_firewall'));
    const row = (r: Record<string, unknown>) => {
      const allow = (r.allow as { protocol: string; ports?: string[] }[])[0];
      return `${(r.target_tags as string[]).join()} ${allow.protocol} ${allow.ports?.join() ?? '*'} <- ${(r.source_ranges as string[]).join()}`;
    };
    expect(rules.map(row).sort()).toEqual(
      [
        'demo-control-plane tcp 6443 <- 0.0.0.0/0',
        'demo-control-plane udp 51820 <- 0.0.0.0/0',
        'demo-control-plane all * <- 10.0.0.0/16,10.217.0.0/16,10.4.0.0/16',
        'demo-worker udp 51820 <- 0.0.0.0/0',
        'demo-worker tcp 30000-32767 <- 0.0.0.0/0',
        'demo-worker udp 30000-32767 <- 0.0.0.0/0',
        'demo-worker all * <- 10.0.0.0/16,10.217.0.0/16,10.4.0.0/16',
      ].sort(),
    );
    expect(rules.every((r) => r.direction === 'INGRESS' && (r.name as string).length <= 63)).toBe(true);
    expect(net.network.firewallFor(NodeRole.CONTROL_PLANE)).toBe('demo-control-plane');
  });

  test('narrowed API ranges: the API rule lists each node\'s address after them, by node name; open ranges: nodes add nothing', () => {
    const sources = (n: typeof net) => Object.fromEntries(bodies(n.resources('google_compute_firewall')).map((r) => [r.name, r.source_ranges]));
    const narrowed = sources(synthNetwork(Cloud.GCP, '10.0.0.0/16', { firewall: { apiSourceRanges: ['203.0.113.0/24'] } }, NODES));
    expect(narrowed['demo-control-plane-kube-apiserver']).toEqual(['203.0.113.0/24', '192.0.2.10/32', '198.51.100.20/32']);
    const others = { ...narrowed, 'demo-control-plane-kube-apiserver': undefined };
    expect(others).toEqual({ ...sources(net), 'demo-control-plane-kube-apiserver': undefined });
    expect(sources(synthNetwork(Cloud.GCP, '10.0.0.0/16', {}, NODES))).toEqual(sources(net));
  });
});
