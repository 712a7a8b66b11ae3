import { Cloud } from '../../../lib/core/cloud';
import { Encapsulation, MeshMode, planMesh, renderInterfaceSetup } from '../../../lib/core/mesh';
import { NodeRole } from '../../../lib/core/node-role';
import { meshNode } from './mesh-nodes';

// Home addresses (no collisions): aws-cp-0 10.4.13.211, gcp-w-1 10.4.176.200, node-a 10.4.220.159.
const nodes = [
  meshNode('aws-cp-0', Cloud.AWS, 10, NodeRole.CONTROL_PLANE),
  meshNode('node-a', Cloud.AWS, 12),
  meshNode('gcp-w-1', Cloud.GCP, 11),
];

describe('renderInterfaceSetup', () => {
  test('full mesh: address, MTU, up, then every peer destination into WireGuard', () => {
    const plan = planMesh({ nodes, mode: MeshMode.FULL_MESH, mtu: 1380 });
    expect(renderInterfaceSetup(plan, 'node-a')).toEqual([
      'ip link set dev wg0 mtu 1380',
      'ip address replace 10.4.220.159/32 dev wg0',
      'ip link set dev wg0 up',
      'ip route replace 10.4.13.211/32 dev wg0',
      'ip route replace 10.244.10.0/24 dev wg0',
      'ip route replace 10.4.176.200/32 dev wg0',
      'ip route replace 10.244.11.0/24 dev wg0',
    ]);
  });

  test('cross-location non-gateway: own cloud via the peer, other clouds via its gateway, mesh address as source; the MTU fits GCP', () => {
    const plan = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION });
    expect(renderInterfaceSetup(plan, 'node-a', { interfaceName: 'wg-mesh' })).toEqual([
      'ip link set dev wg-mesh mtu 1400',
      'ip address replace 10.4.220.159/32 dev wg-mesh',
      'ip link set dev wg-mesh up',
      'ip route replace 10.4.13.211/32 via 10.10.0.10 src 10.4.220.159',
      'ip route replace 10.244.10.0/24 via 10.10.0.10 src 10.4.220.159',
      'ip route replace 10.4.176.200/32 via 10.10.0.10 src 10.4.220.159',
      'ip route replace 10.244.11.0/24 via 10.10.0.10 src 10.4.220.159',
    ]);
  });

  test('cross-location gateway: other clouds into WireGuard', () => {
    const plan = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION });
    expect(renderInterfaceSetup(plan, 'aws-cp-0').slice(3)).toEqual([
      'ip route replace 10.4.176.200/32 dev wg0',
      'ip route replace 10.244.11.0/24 dev wg0',
      'ip route replace 10.4.220.159/32 via 10.10.0.12 src 10.4.13.211',
      'ip route replace 10.244.12.0/24 via 10.10.0.12 src 10.4.13.211',
    ]);
  });

  test('cross-location on GCP: same-cloud peers and the gateway through the IPIP device, which holds the pod CIDR\'s network address', () => {
    const gcp = [...nodes, meshNode('gcp-cp-0', Cloud.GCP, 20, NodeRole.CONTROL_PLANE), meshNode('gcp-w-2', Cloud.GCP, 22)];
    const plan = planMesh({ nodes: gcp, mode: MeshMode.CROSS_LOCATION });
    const byName = (name: string) => plan.nodes.find((n) => n.name === name)!;
    expect(['aws-cp-0', 'node-a', 'gcp-cp-0', 'gcp-w-1'].map((name) => byName(name).encapsulation)).toEqual([undefined, undefined, Encapsulation.IPIP, Encapsulation.IPIP]);
    const mesh = (name: string) => byName(name).meshAddress;
    expect(renderInterfaceSetup(plan, 'gcp-w-1')).toEqual([
      'ip link set dev wg0 mtu 1400',
      `ip address replace ${mesh('gcp-w-1')}/32 dev wg0`,
      'ip link set dev wg0 up',
      'ip link replace cast-ipip type ipip local 10.11.0.11 ttl 64',
      'ip link set dev cast-ipip mtu 1440 up',
      'ip address replace 10.244.11.0/32 dev cast-ipip',
      `ip route replace ${mesh('aws-cp-0')}/32 via 10.11.0.20 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
      `ip route replace 10.244.10.0/24 via 10.11.0.20 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
      `ip route replace ${mesh('gcp-cp-0')}/32 via 10.11.0.20 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
      `ip route replace 10.244.20.0/24 via 10.11.0.20 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
      `ip route replace ${mesh('gcp-w-2')}/32 via 10.11.0.22 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
      `ip route replace 10.244.22.0/24 via 10.11.0.22 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
      `ip route replace ${mesh('node-a')}/32 via 10.11.0.20 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
      `ip route replace 10.244.12.0/24 via 10.11.0.20 dev cast-ipip onlink src ${mesh('gcp-w-1')}`,
    ]);
    // The gateway: WireGuard to AWS, the tunnel to its own cloud.
    expect(renderInterfaceSetup(plan, 'gcp-cp-0').slice(3)).toEqual([
      'ip link replace cast-ipip type ipip local 10.11.0.20 ttl 64',
      'ip link set dev cast-ipip mtu 1440 up',
      'ip address replace 10.244.20.0/32 dev cast-ipip',
      `ip route replace ${mesh('aws-cp-0')}/32 dev wg0`,
      'ip route replace 10.244.10.0/24 dev wg0',
      `ip route replace ${mesh('gcp-w-1')}/32 via 10.11.0.11 dev cast-ipip onlink src ${mesh('gcp-cp-0')}`,
      `ip route replace 10.244.11.0/24 via 10.11.0.11 dev cast-ipip onlink src ${mesh('gcp-cp-0')}`,
      `ip route replace ${mesh('gcp-w-2')}/32 via 10.11.0.22 dev cast-ipip onlink src ${mesh('gcp-cp-0')}`,
      `ip route replace 10.244.22.0/24 via 10.11.0.22 dev cast-ipip onlink src ${mesh('gcp-cp-0')}`,
      `ip route replace ${mesh('node-a')}/32 dev wg0`,
      'ip route replace 10.244.12.0/24 dev wg0',
    ]);
  });

  test('cross-location on Azure: one VXLAN device, a permanent neighbour and forwarding entry per next hop (its MAC from its address), bridge lines last', () => {
    const azure = [meshNode('aws-cp-0', Cloud.AWS, 10, NodeRole.CONTROL_PLANE), meshNode('az-cp-0', Cloud.AZURE, 30, NodeRole.CONTROL_PLANE), meshNode('az-w-1', Cloud.AZURE, 31), meshNode('az-w-2', Cloud.AZURE, 32, NodeRole.WORKER, { podCidr: undefined })];
    const plan = planMesh({ nodes: azure, mode: MeshMode.CROSS_LOCATION });
    const byName = (name: string) => plan.nodes.find((n) => n.name === name)!;
    expect(plan.nodes.map((n) => [n.name, n.encapsulation, n.tunnelMtu, n.podMtu])).toEqual([
      ['aws-cp-0', undefined, undefined, 1440],
      ['az-cp-0', Encapsulation.VXLAN, 1450, 1440],
      ['az-w-1', Encapsulation.VXLAN, 1450, 1440],
      ['az-w-2', Encapsulation.VXLAN, 1450, 1440],
    ]);
    const mesh = (name: string) => byName(name).meshAddress;
    expect(renderInterfaceSetup(plan, 'az-w-1')).toEqual([
      'ip link set dev wg0 mtu 1440',
      `ip address replace ${mesh('az-w-1')}/32 dev wg0`,
      'ip link set dev wg0 up',
      'ip link add cast-vxlan type vxlan id 1 dstport 4789 local 10.12.0.31 nolearning ttl 64',
      'ip link set dev cast-vxlan address 02:ca:0a:0c:00:1f mtu 1450 up',
      'ip address replace 10.244.31.0/32 dev cast-vxlan',
      // The gateway carries AWS: its address is the first next hop the routes name.
      'ip neigh replace 10.12.0.30 lladdr 02:ca:0a:0c:00:1e dev cast-vxlan nud permanent',
      'ip neigh replace 10.12.0.32 lladdr 02:ca:0a:0c:00:20 dev cast-vxlan nud permanent',
      `ip route replace ${mesh('aws-cp-0')}/32 via 10.12.0.30 dev cast-vxlan onlink src ${mesh('az-w-1')}`,
      `ip route replace 10.244.10.0/24 via 10.12.0.30 dev cast-vxlan onlink src ${mesh('az-w-1')}`,
      `ip route replace ${mesh('az-cp-0')}/32 via 10.12.0.30 dev cast-vxlan onlink src ${mesh('az-w-1')}`,
      `ip route replace 10.244.30.0/24 via 10.12.0.30 dev cast-vxlan onlink src ${mesh('az-w-1')}`,
      `ip route replace ${mesh('az-w-2')}/32 via 10.12.0.32 dev cast-vxlan onlink src ${mesh('az-w-1')}`,
      'bridge fdb replace 02:ca:0a:0c:00:1e dev cast-vxlan dst 10.12.0.30 self permanent',
      'bridge fdb replace 02:ca:0a:0c:00:20 dev cast-vxlan dst 10.12.0.32 self permanent',
    ]);
    // A node without a pod CIDR: no tunnel address.
    expect(renderInterfaceSetup(plan, 'az-w-2').filter((line) => line.startsWith('ip address replace'))).toEqual([`ip address replace ${mesh('az-w-2')}/32 dev wg0`]);
    // Every line is one ip(8) or bridge(8) command; the bridge lines come after every ip line.
    for (const node of plan.nodes) {
      const lines = renderInterfaceSetup(plan, node.name);
      expect(lines.every((line) => line.startsWith('ip ') || line.startsWith('bridge '))).toBe(true);
      const firstBridge = lines.findIndex((line) => line.startsWith('bridge '));
      if (firstBridge >= 0) expect(lines.slice(firstBridge).every((line) => line.startsWith('bridge '))).toBe(true);
    }
  });

  test('encapsulation overrides the table; full mesh never tunnels, cloud-network does', () => {
    const gcpOnly = [meshNode('gcp-a', Cloud.GCP, 1), meshNode('gcp-b', Cloud.GCP, 2)];
    const plain = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, encapsulation: { [Cloud.GCP]: Encapsulation.NONE } });
    expect(plain.nodes.some((n) => n.encapsulation)).toBe(false);
    const aws = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, encapsulation: { [Cloud.AWS]: Encapsulation.IPIP, [Cloud.GCP]: Encapsulation.VXLAN } });
    expect(aws.nodes.map((n) => [n.name, n.encapsulation, n.tunnelMtu])).toEqual([
      ['aws-cp-0', Encapsulation.IPIP, 8981],
      ['gcp-w-1', Encapsulation.VXLAN, 1410],
      ['node-a', Encapsulation.IPIP, 8981],
    ]);
    const fullMesh = planMesh({ nodes: gcpOnly, mode: MeshMode.FULL_MESH });
    expect(fullMesh.nodes.some((n) => n.encapsulation)).toBe(false);
    expect(renderInterfaceSetup(fullMesh, 'gcp-a').join('\n')).not.toContain('cast-ipip');
    const cloudNetwork = planMesh({ nodes: gcpOnly, mode: MeshMode.CLOUD_NETWORK });
    expect(cloudNetwork.nodes.map((n) => n.encapsulation)).toEqual([Encapsulation.IPIP, Encapsulation.IPIP]);
    const b = cloudNetwork.nodes[1];
    expect(renderInterfaceSetup(cloudNetwork, 'gcp-a')).toEqual([
      `ip link replace cast-ipip type ipip local ${cloudNetwork.nodes[0].privateAddress} ttl 64`,
      'ip link set dev cast-ipip mtu 1440 up',
      'ip address replace 10.244.1.0/32 dev cast-ipip',
      `ip route replace ${b.podCidr} via ${b.privateAddress} dev cast-ipip onlink`,
    ]);
    const plainCloudNetwork = planMesh({ nodes: gcpOnly, mode: MeshMode.CLOUD_NETWORK, encapsulation: { [Cloud.GCP]: Encapsulation.NONE } });
    expect(plainCloudNetwork.nodes.some((n) => n.encapsulation)).toBe(false);
    expect(renderInterfaceSetup(plainCloudNetwork, 'gcp-a')).toEqual([`ip route replace ${b.podCidr} via ${b.privateAddress}`]);
    const doOnly = planMesh({ nodes: [meshNode('do-a', Cloud.DIGITALOCEAN, 1), meshNode('do-b', Cloud.DIGITALOCEAN, 2)], mode: MeshMode.CLOUD_NETWORK });
    expect(renderInterfaceSetup(doOnly, 'do-a')).toEqual([
      'ip link add cast-vxlan type vxlan id 1 dstport 4789 local 10.13.0.1 nolearning ttl 64',
      'ip link set dev cast-vxlan address 02:ca:0a:0d:00:01 mtu 1450 up',
      'ip address replace 10.244.1.0/32 dev cast-vxlan',
      'ip neigh replace 10.13.0.2 lladdr 02:ca:0a:0d:00:02 dev cast-vxlan nud permanent',
      'ip route replace 10.244.2.0/24 via 10.13.0.2 dev cast-vxlan onlink',
      'bridge fdb replace 02:ca:0a:0d:00:02 dev cast-vxlan dst 10.13.0.2 self permanent',
    ]);
  });

  test('cloud-network: pod routes only, no interface', () => {
    const plan = planMesh({ nodes: nodes.slice(0, 2), mode: MeshMode.CLOUD_NETWORK });
    expect(renderInterfaceSetup(plan, 'aws-cp-0')).toEqual(['ip route replace 10.244.12.0/24 via 10.10.0.12']);
  });

  test('an interface name Linux would refuse', () => {
    const plan = planMesh({ nodes, mode: MeshMode.FULL_MESH });
    expect(() => renderInterfaceSetup(plan, 'node-a', { interfaceName: 'wireguard-mesh-0' })).toThrow(
      new Error('interfaceName must be 1 to 15 letters, digits, "_", "." or "-" (got "wireguard-mesh-0"). Use a Linux interface name such as wg0.'),
    );
  });
});
