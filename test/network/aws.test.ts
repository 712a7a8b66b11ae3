import { Testing } from 'cdktf';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { bodies, NODES, synthNetwork, UUID } from './network-fixture';

describe('AWS network', () => {
  const net = synthNetwork(Cloud.AWS, '10.10.0.0/16');
  const tags = { 'cast-cluster-name': 'demo', 'cast-cluster-uuid': UUID };

  test('VPC, subnet in the Cast region zone, internet gateway and default route', () => {
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'aws_vpc' }, { cidr_block: '10.10.0.0/16', enable_dns_hostnames: true, tags: { ...tags, Name: 'demo' } });
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'aws_subnet' }, { cidr_block: '10.10.0.0/24', availability_zone: 'us-east-1a', map_public_ip_on_launch: false });
    expect(net.synthesized).toHaveResourceWithProperties({ tfResourceType: 'aws_route' }, { destination_cidr_block: '0.0.0.0/0', gateway_id: expect.stringMatching(/^\$\{aws_internet_gateway\.[^.]+\.id\}$/) });
    expect(Object.keys(net.resources('aws_route_table_association'))).toHaveLength(1);
    expect(net.network.zone).toBe('us-east-1a');
    expect(net.network.cloudRegion).toBe('us-east-1');
  });

  test('one security group per role, named after it', () => {
    expect(bodies(net.resources('aws_security_group')).map((g) => g.name).sort()).toEqual(['demo-control-plane', 'demo-worker']);
    expect(net.resolve(net.network.firewallFor(NodeRole.WORKER))).toMatch(/^\$\{aws_security_group\.[^.]+\.id\}$/);
  });

  test('ingress rules are the seed tables, one resource per source range', () => {
    const groupOf = (role: string) => `\${aws_security_group.${Object.keys(net.resources('aws_security_group')).find((k) => k.includes(`SecurityGroup-${role}`))}.id}`;
    const rules = bodies(net.resources('aws_vpc_security_group_ingress_rule'));
    const row = (r: Record<string, unknown>) => `${r.security_group_id === groupOf('control-plane') ? 'cp' : 'worker'} ${r.ip_protocol} ${r.from_port ?? '*'}-${r.to_port ?? '*'} <- ${r.cidr_ipv4}`;
    expect(rules.map(row).sort()).toEqual(
      [
        'cp tcp 6443-6443 <- 0.0.0.0/0',
        'cp udp 51820-51820 <- 0.0.0.0/0',
        'cp -1 *-* <- 10.10.0.0/16',
        'cp -1 *-* <- 10.217.0.0/16',
        'cp -1 *-* <- 10.4.0.0/16',
        'worker udp 51820-51820 <- 0.0.0.0/0',
        'worker tcp 30000-32767 <- 0.0.0.0/0',
        'worker udp 30000-32767 <- 0.0.0.0/0',
        'worker -1 *-* <- 10.10.0.0/16',
        'worker -1 *-* <- 10.217.0.0/16',
        'worker -1 *-* <- 10.4.0.0/16',
      ].sort(),
    );
    expect(rules.every((r) => (r.tags as Record<string, string>)['cast-cluster-uuid'] === UUID)).toBe(true);
  });

  test('egress is open (a Terraform-made security group has none)', () => {
    const egress = bodies(net.resources('aws_vpc_security_group_egress_rule'));
    expect(egress).toHaveLength(2);
    expect(egress.every((r) => r.ip_protocol === '-1' && r.cidr_ipv4 === '0.0.0.0/0')).toBe(true);
  });

  test('SSH and API sources follow the firewall options', () => {
    const custom = synthNetwork(Cloud.AWS, '10.10.0.0/16', { firewall: { apiSourceRanges: ['203.0.113.0/24'], sshSourceRanges: ['198.51.100.0/24'] }, wireguard: false });
    const rules = bodies(custom.resources('aws_vpc_security_group_ingress_rule'));
    expect(rules.filter((r) => r.from_port === 6443).map((r) => r.cidr_ipv4)).toEqual(['203.0.113.0/24']);
    expect(rules.filter((r) => r.from_port === 22).map((r) => r.cidr_ipv4)).toEqual(['198.51.100.0/24', '198.51.100.0/24']);
    expect(rules.filter((r) => r.from_port === 51820)).toEqual([]);
    expect(Testing.synth(custom.stack)).toHaveResource({ tfResourceType: 'aws_vpc' });
  });

  test('narrowed API ranges: each node gets an API rule of its own, named after it; open ranges: nodes add nothing', () => {
    const narrowed = synthNetwork(Cloud.AWS, '10.10.0.0/16', { firewall: { apiSourceRanges: ['203.0.113.0/24'] } }, NODES);
    const api = Object.entries(narrowed.resources('aws_vpc_security_group_ingress_rule')).filter(([, r]) => r.from_port === 6443);
    expect(api.map(([id, r]) => `${id.replace(/_[0-9A-F]{8}$/, '')} ${r.cidr_ipv4}`).sort()).toEqual([
      'aws_control-plane-kube-apiserver-203-0-113-0-24 203.0.113.0/24',
      'aws_control-plane-kube-apiserver-node-demo-cp-1 192.0.2.10/32',
      'aws_control-plane-kube-apiserver-node-demo-cp-2 198.51.100.20/32',
    ]);
    const controlPlane = narrowed.resolve(narrowed.network.firewallFor(NodeRole.CONTROL_PLANE));
    expect(api.every(([, r]) => r.security_group_id === controlPlane && r.ip_protocol === 'tcp' && r.to_port === 6443)).toBe(true);
    expect(api.map(([, r]) => r.description)).toContain('Kubernetes API server from node demo-cp-1');
    const open = synthNetwork(Cloud.AWS, '10.10.0.0/16', {}, NODES);
    expect(bodies(open.resources('aws_vpc_security_group_ingress_rule'))).toEqual(bodies(net.resources('aws_vpc_security_group_ingress_rule')));
  });
});
