import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { defaultWireGuardMtu, Encapsulation, MeshMode, planMesh, podMtu, tunnelMtu, vxlanMac } from '../../../lib/core/mesh';
import { meshNode } from './mesh-nodes';

describe('MTU per cloud and per path', () => {
  test.each([
    [[], 1440],
    [[Cloud.AWS], 1440],
    [[Cloud.AZURE, Cloud.DIGITALOCEAN], 1440],
    [[Cloud.GCP], 1400],
    [[Cloud.AWS, Cloud.GCP], 1400],
    [ALL_CLOUDS, 1400],
  ] as [Cloud[], number][])('WireGuard by default over %j: %d (an encrypted packet, 60 bytes more, fits every network of the cluster)', (clouds, mtu) => {
    expect(defaultWireGuardMtu(clouds)).toBe(mtu);
    // The outer packet fits the smallest of the clouds' networks and the internet.
    expect(mtu + 60).toBeLessThanOrEqual(Math.min(1500, ...clouds.map((cloud) => ({ aws: 9001, gcp: 1460, azure: 1500, digitalocean: 1500 })[cloud])));
  });

  test('tunnels: the network MTU minus the encapsulation (IPIP 20, VXLAN 50)', () => {
    expect(tunnelMtu(Cloud.GCP, Encapsulation.IPIP)).toBe(1440);
    expect(tunnelMtu(Cloud.AZURE, Encapsulation.VXLAN)).toBe(1450);
    expect(tunnelMtu(Cloud.DIGITALOCEAN, Encapsulation.VXLAN)).toBe(1450);
    expect(tunnelMtu(Cloud.AWS, Encapsulation.IPIP)).toBe(8981);
  });

  test('pods: the smallest path; AWS jumbo frames stop at the internet gateway', () => {
    expect(podMtu(Cloud.AWS, undefined, undefined)).toBe(1500);
    expect(podMtu(Cloud.GCP, undefined, 1440)).toBe(1440);
    expect(podMtu(Cloud.GCP, 1400, 1440)).toBe(1400);
    expect(podMtu(Cloud.AZURE, 9000, 1450)).toBe(1450);
  });

  test('the plan: the explicit mtu wins for WireGuard; tunnels and pods follow each node\'s cloud', () => {
    const nodes = [meshNode('aws-a', Cloud.AWS, 1), meshNode('gcp-a', Cloud.GCP, 2), meshNode('az-a', Cloud.AZURE, 3), meshNode('do-a', Cloud.DIGITALOCEAN, 4)];
    const summary = (plan: ReturnType<typeof planMesh>) => [plan.mtu, plan.nodes.map((n) => [n.name, n.encapsulation ?? 'none', n.tunnelMtu ?? '-', n.podMtu])];
    expect(summary(planMesh({ nodes, mode: MeshMode.CROSS_LOCATION }))).toEqual([
      1400,
      [
        ['aws-a', 'none', '-', 1400],
        ['az-a', 'vxlan', 1450, 1400],
        ['do-a', 'vxlan', 1450, 1400],
        ['gcp-a', 'ipip', 1440, 1400],
      ],
    ]);
    // Without GCP, 1440 everywhere; with mtu 1300 the pods follow it.
    expect(summary(planMesh({ nodes: nodes.filter((n) => n.cloud !== Cloud.GCP), mode: MeshMode.FULL_MESH }))[0]).toBe(1440);
    expect(summary(planMesh({ nodes, mode: MeshMode.FULL_MESH, mtu: 1300 }))).toEqual([
      1300,
      [
        ['aws-a', 'none', '-', 1300],
        ['az-a', 'none', '-', 1300],
        ['do-a', 'none', '-', 1300],
        ['gcp-a', 'none', '-', 1300],
      ],
    ]);
    // Cloud-network mode has no WireGuard: pods get the tunnel's MTU, or the network's.
    const gcp = planMesh({ nodes: [meshNode('g1', Cloud.GCP, 1), meshNode('g2', Cloud.GCP, 2)], mode: MeshMode.CLOUD_NETWORK });
    expect(gcp.nodes.map((n) => n.podMtu)).toEqual([1440, 1440]);
    const aws = planMesh({ nodes: [meshNode('a1', Cloud.AWS, 1), meshNode('a2', Cloud.AWS, 2)], mode: MeshMode.CLOUD_NETWORK });
    expect(aws.nodes.map((n) => n.podMtu)).toEqual([1500, 1500]);
  });

  test('VXLAN MACs: 02:ca and the private address in hex, locally administered unicast', () => {
    expect(vxlanMac('10.0.0.1')).toBe('02:ca:0a:00:00:01');
    expect(vxlanMac('192.168.255.254')).toBe('02:ca:c0:a8:ff:fe');
    // Bit 0 of the first byte clear (unicast), bit 1 set (locally administered).
    expect(parseInt(vxlanMac('172.16.3.4').slice(0, 2), 16) & 0b11).toBe(0b10);
  });
});
