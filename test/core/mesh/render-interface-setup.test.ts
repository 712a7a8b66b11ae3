import { Cloud } from '../../../lib/core/cloud';
import { MeshMode, planMesh, renderInterfaceSetup } from '../../../lib/core/mesh';
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

  test('cross-location non-gateway: own cloud via the peer, other clouds via its gateway, mesh address as source', () => {
    const plan = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION });
    expect(renderInterfaceSetup(plan, 'node-a', { interfaceName: 'wg-mesh' })).toEqual([
      'ip link set dev wg-mesh mtu 1420',
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

  test('cross-location on GCP: same-cloud peers and the gateway through the IPIP device, other clouds into WireGuard', () => {
    const gcp = [...nodes, meshNode('gcp-cp-0', Cloud.GCP, 20, NodeRole.CONTROL_PLANE), meshNode('gcp-w-2', Cloud.GCP, 22)];
    const plan = planMesh({ nodes: gcp, mode: MeshMode.CROSS_LOCATION });
    const byName = (name: string) => plan.nodes.find((n) => n.name === name)!;
    expect(['aws-cp-0', 'node-a', 'gcp-cp-0', 'gcp-w-1'].map((name) => byName(name).ipip)).toEqual([undefined, undefined, true, true]);
    const mesh = (name: string) => byName(name).meshAddress;
    expect(renderInterfaceSetup(plan, 'gcp-w-1')).toEqual([
      'ip link set dev wg0 mtu 1420',
      `ip address replace ${mesh('gcp-w-1')}/32 dev wg0`,
      'ip link set dev wg0 up',
      'ip link replace cast-ipip type ipip local 10.11.0.11 ttl 64',
      'ip link set dev cast-ipip mtu 1420 up',
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
      'ip link set dev cast-ipip mtu 1420 up',
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

  test('ipipClouds overrides the table; full mesh never tunnels, cloud-network does on ipip clouds', () => {
    const gcpOnly = [meshNode('gcp-a', Cloud.GCP, 1), meshNode('gcp-b', Cloud.GCP, 2)];
    const plain = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, ipipClouds: [] });
    expect(plain.nodes.some((n) => n.ipip)).toBe(false);
    const aws = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, ipipClouds: [Cloud.AWS] });
    expect(aws.nodes.map((n) => [n.name, n.ipip === true])).toEqual([['aws-cp-0', true], ['gcp-w-1', false], ['node-a', true]]);
    const fullMesh = planMesh({ nodes: gcpOnly, mode: MeshMode.FULL_MESH });
    expect(fullMesh.nodes.some((n) => n.ipip)).toBe(false);
    expect(renderInterfaceSetup(fullMesh, 'gcp-a').join('\n')).not.toContain('cast-ipip');
    const cloudNetwork = planMesh({ nodes: gcpOnly, mode: MeshMode.CLOUD_NETWORK });
    expect(cloudNetwork.nodes.map((n) => n.ipip)).toEqual([true, true]);
    const b = cloudNetwork.nodes[1];
    expect(renderInterfaceSetup(cloudNetwork, 'gcp-a')).toEqual([
      `ip link replace cast-ipip type ipip local ${cloudNetwork.nodes[0].privateAddress} ttl 64`,
      'ip link set dev cast-ipip mtu 1420 up',
      `ip route replace ${b.podCidr} via ${b.privateAddress} dev cast-ipip onlink`,
    ]);
    const plainCloudNetwork = planMesh({ nodes: gcpOnly, mode: MeshMode.CLOUD_NETWORK, ipipClouds: [] });
    expect(plainCloudNetwork.nodes.some((n) => n.ipip)).toBe(false);
    expect(renderInterfaceSetup(plainCloudNetwork, 'gcp-a')).toEqual([`ip route replace ${b.podCidr} via ${b.privateAddress}`]);
    expect(() => planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, ipipClouds: ['hetzner' as Cloud] })).toThrow(
      'ipipClouds must list only aws, gcp, azure, digitalocean (got "hetzner"). Use Cloud values.',
    );
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
