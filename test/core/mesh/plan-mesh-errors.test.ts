import { Cloud } from '../../../lib/core/cloud';
import { Encapsulation, MeshMode, MeshNodeInput, planMesh, PlanMeshInput } from '../../../lib/core/mesh';
import { NodeRole } from '../../../lib/core/node-role';
import { meshNode, meshNodes } from './mesh-nodes';

const two = meshNodes(2);
const cases: [string, PlanMeshInput, string][] = [
  [
    'mesh range overlapping another range',
    { nodes: two, mode: MeshMode.FULL_MESH, otherRanges: [{ name: 'aws vpc', cidr: '10.0.0.0/8' }] },
    'meshCidr must not overlap aws vpc (got 10.4.0.0/16, which overlaps 10.0.0.0/8). Pick a mesh range outside every VPC, pod and service range.',
  ],
  [
    'more nodes than addresses',
    { nodes: meshNodes(7), mode: MeshMode.FULL_MESH, meshCidr: '10.4.0.0/29' },
    'meshCidr must hold one host address per node (got 10.4.0.0/29: 6 host addresses for 7 nodes). Use a larger mesh range, such as a /16.',
  ],
  [
    'zero gateways per cloud in cross-location mode',
    { nodes: two, mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud: 0 },
    'gatewaysPerCloud must be a whole number of at least 1 in cross-location mode (got 0). Set it to 1 or more, or use full-mesh mode to peer every node directly.',
  ],
  [
    'duplicate node names',
    { nodes: [meshNode('a', Cloud.AWS, 1), meshNode('a', Cloud.GCP, 2)], mode: MeshMode.FULL_MESH },
    'node names must be unique (got "a" 2 times). Give each node its own name.',
  ],
  [
    'malformed mesh range',
    { nodes: two, mode: MeshMode.FULL_MESH, meshCidr: '10.4.0.0/33' },
    'meshCidr must be a canonical IPv4 CIDR such as 10.4.0.0/16 (got "10.4.0.0/33", which has a prefix length above 32). Pass the network address and prefix length of the mesh range.',
  ],
  [
    'cloud-network across clouds',
    { nodes: two, mode: MeshMode.CLOUD_NETWORK },
    'mode must be full-mesh or cross-location when nodes span more than one cloud (got cloud-network with nodes in AWS, GCP). Pick cross-location to use the cloud network inside each cloud and WireGuard between clouds.',
  ],
  [
    'more pinned gateways than gatewaysPerCloud',
    { nodes: [meshNode('a', Cloud.AWS, 1, NodeRole.WORKER, { gateway: true }), meshNode('b', Cloud.AWS, 2, NodeRole.WORKER, { gateway: true })], mode: MeshMode.CROSS_LOCATION },
    'nodes pinned with gateway: true in AWS must be at most gatewaysPerCloud (got 2: a, b; gatewaysPerCloud 1). Raise gatewaysPerCloud or unpin some of them.',
  ],
  [
    'a cloud where no node may be a gateway',
    { nodes: [meshNode('a', Cloud.AZURE, 1, NodeRole.WORKER, { gateway: false })], mode: MeshMode.CROSS_LOCATION },
    'nodes of Azure must include one that may be a gateway (got every node pinned with gateway: false). Leave gateway unset or true on at least one node that has a public address.',
  ],
  [
    'a node name that is not a DNS subdomain',
    { nodes: [meshNode('Node_1', Cloud.AWS, 1)], mode: MeshMode.FULL_MESH },
    'nodes["Node_1"].name must be a lowercase DNS subdomain (a-z, 0-9, "-", "."; 1 to 253 characters) (got "Node_1"). Use the Kubernetes node name.',
  ],
  [
    'an unknown cloud',
    { nodes: [meshNode('a', 'ibm' as Cloud, 1)], mode: MeshMode.FULL_MESH },
    'nodes["a"].cloud must be one of aws, gcp, azure, digitalocean (got "ibm"). Use a Cloud value.',
  ],
  [
    'an unknown role',
    { nodes: [meshNode('a', Cloud.AWS, 1, 'etcd' as NodeRole)], mode: MeshMode.FULL_MESH },
    'nodes["a"].role must be one of control-plane, worker (got "etcd"). Use a NodeRole value.',
  ],
  [
    'an address that would inject a config line',
    { nodes: [{ ...meshNode('a', Cloud.AWS, 1), publicAddress: '1.2.3.4\nPublicKey = x' }], mode: MeshMode.FULL_MESH },
    'nodes["a"].publicAddress must be a non-empty address without spaces, "," or "#" (got "1.2.3.4\\nPublicKey = x"). Pass the address or a Terraform reference to it.',
  ],
  [
    'a pod CIDR inside the mesh range',
    { nodes: [{ ...meshNode('a', Cloud.AWS, 1), podCidr: '10.4.1.0/24' }], mode: MeshMode.FULL_MESH },
    'nodes["a"].podCidr must not overlap meshCidr (got 10.4.1.0/24, inside or around 10.4.0.0/16). Carve pod CIDRs from the pod range.',
  ],
  [
    'overlapping pod CIDRs',
    { nodes: [{ ...meshNode('a', Cloud.AWS, 1), podCidr: '10.244.0.0/16' }, { ...meshNode('b', Cloud.AWS, 2), podCidr: '10.244.7.0/24' }], mode: MeshMode.FULL_MESH },
    'nodes["b"].podCidr must not overlap another node\'s pod CIDR (got 10.244.7.0/24, which overlaps 10.244.0.0/16 of "a"). Give each node its own block of the pod range.',
  ],
  [
    'a malformed pod CIDR',
    { nodes: [{ ...meshNode('a', Cloud.AWS, 1), podCidr: '10.244.1.1/24' }], mode: MeshMode.FULL_MESH },
    'nodes["a"].podCidr must be a canonical IPv4 CIDR (got "10.244.1.1/24", which has host bits set (did you mean 10.244.1.0/24?)). Pass the node\'s block of the pod range.',
  ],
  [
    'another range given as a token',
    { nodes: two, mode: MeshMode.FULL_MESH, otherRanges: [{ name: 'pods', cidr: '${var.pod_cidr}' }] },
    'otherRanges["pods"].cidr must be a concrete IPv4 CIDR (got the token ${var.pod_cidr}). Pass the literal range so the overlap can be checked.',
  ],
  [
    'a listen port out of range',
    { nodes: two, mode: MeshMode.FULL_MESH, listenPort: 70000 },
    'listenPort must be a whole number from 1 to 65535 (got 70000). Use a free UDP port; WireGuard registers 51820.',
  ],
  [
    'an MTU too small',
    { nodes: two, mode: MeshMode.FULL_MESH, mtu: 100 },
    'mtu must be a whole number from 576 to 65535 (got 100). Leave it unset (1400 with a GCP node, 1440 otherwise), or use 1440 (WireGuard over a 1500-byte network) unless the clouds allow jumbo frames.',
  ],
  [
    'a negative keepalive',
    { nodes: two, mode: MeshMode.FULL_MESH, persistentKeepalive: -1 },
    'persistentKeepalive must be a whole number from 0 to 65535 (got -1). Use 25 (seconds), or 0 to turn keepalives off.',
  ],
  [
    'an encapsulation for an unknown cloud',
    { nodes: two, mode: MeshMode.CROSS_LOCATION, encapsulation: { hetzner: Encapsulation.VXLAN } as Partial<Record<Cloud, Encapsulation>> },
    'encapsulation must be keyed by aws, gcp, azure, digitalocean (got "hetzner"). Use Cloud values.',
  ],
  [
    'an unknown encapsulation',
    { nodes: two, mode: MeshMode.CROSS_LOCATION, encapsulation: { [Cloud.AZURE]: 'gre' as Encapsulation } },
    'encapsulation.azure must be one of none, ipip, vxlan (got "gre"). Use an Encapsulation value.',
  ],
  [
    'an unknown mode',
    { nodes: two, mode: 'star' as MeshMode },
    'mode must be one of full-mesh, cross-location, cloud-network (got "star"). Use a MeshMode value.',
  ],
];

describe('planMesh: bad input', () => {
  test.each(cases)('%s', (_, input, message) => {
    expect(() => planMesh(input)).toThrow(new Error(message));
  });

  test('all problems are reported together, one per line', () => {
    const nodes: MeshNodeInput[] = [meshNode('a', Cloud.AWS, 1), meshNode('a', Cloud.GCP, 2)];
    let message = '';
    try {
      planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud: 0, otherRanges: [{ name: 'vpc', cidr: '10.4.0.0/20' }] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').map((line) => line.split(' must ')[0])).toEqual(['node names', 'meshCidr', 'gatewaysPerCloud']);
  });

  test('a gateway count of zero is fine outside cross-location mode', () => {
    expect(() => planMesh({ nodes: two, mode: MeshMode.FULL_MESH, gatewaysPerCloud: 0 })).not.toThrow();
  });
});
