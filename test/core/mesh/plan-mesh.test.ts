import fc from 'fast-check';
import { Cloud } from '../../../lib/core/cloud';
import { MeshMode, MeshNodeInput, MeshNodePlan, MeshPlan, planMesh, renderInterfaceSetup, renderWireGuardConfig } from '../../../lib/core/mesh';
import { NodeRole } from '../../../lib/core/node-role';
import { meshNode, meshNodes, shuffled } from './mesh-nodes';

const byName = (plan: MeshPlan, name: string): MeshNodePlan => plan.nodes.find((node) => node.name === name)!;
const destinations = (node: MeshNodePlan) => [`${node.meshAddress}/32`, ...(node.podCidr ? [node.podCidr] : [])];
const placeholderKeys = { publicKeyOf: (name: string) => `{{wg-public-key:${name}}}` };

/** aws: cp + 2 workers; gcp: 2 workers; azure: 1 worker. */
const mixed: MeshNodeInput[] = [
  meshNode('aws-w-1', Cloud.AWS, 1),
  meshNode('aws-cp-1', Cloud.AWS, 2, NodeRole.CONTROL_PLANE),
  meshNode('aws-w-2', Cloud.AWS, 3),
  meshNode('gcp-w-2', Cloud.GCP, 4),
  meshNode('gcp-w-1', Cloud.GCP, 5),
  meshNode('azure-w-1', Cloud.AZURE, 6),
];

describe('planMesh: full mesh', () => {
  const plan = planMesh({ nodes: mixed, mode: MeshMode.FULL_MESH });

  test('plan-wide settings carry the defaults', () => {
    expect(plan).toMatchObject({ mode: MeshMode.FULL_MESH, meshCidr: '10.4.0.0/16', listenPort: 51820, mtu: 1400, persistentKeepalive: 25, wireGuard: true });
    expect(plan.nodes.map((node) => node.name)).toEqual(['aws-cp-1', 'aws-w-1', 'aws-w-2', 'azure-w-1', 'gcp-w-1', 'gcp-w-2']);
  });

  test('every node peers every other node, with its mesh /32 and pod CIDR as AllowedIPs', () => {
    for (const node of plan.nodes) {
      expect(node).toMatchObject({ gateway: true, gatewayName: node.name });
      const others = plan.nodes.filter((other) => other !== node);
      expect(node.peers).toEqual(
        others.map((other) => ({ name: other.name, endpoint: `${other.publicAddress}:51820`, allowedIps: destinations(other), persistentKeepalive: 25 })),
      );
      expect(node.routes).toEqual(others.flatMap((other) => destinations(other).map((destination) => ({ destination }))));
    }
  });

  test('a node without a pod CIDR is reached on its mesh /32 only', () => {
    const bare = { ...meshNode('do-w-9', Cloud.DIGITALOCEAN, 9), podCidr: undefined };
    const withBare = planMesh({ nodes: [...mixed, bare], mode: MeshMode.FULL_MESH });
    const bareNode = byName(withBare, 'do-w-9');
    expect(bareNode.podCidr).toBeUndefined();
    expect(byName(withBare, 'aws-cp-1').peers.find((peer) => peer.name === 'do-w-9')!.allowedIps).toEqual([`${bareNode.meshAddress}/32`]);
  });

  test('options flow into the plan; keepalive 0 is kept as 0', () => {
    const custom = planMesh({ nodes: mixed, mode: MeshMode.FULL_MESH, meshCidr: '100.64.0.0/24', listenPort: 443, mtu: 1380, persistentKeepalive: 0 });
    expect(custom).toMatchObject({ meshCidr: '100.64.0.0/24', listenPort: 443, mtu: 1380, persistentKeepalive: 0 });
    expect(custom.nodes.every((node) => node.meshAddress.startsWith('100.64.0.'))).toBe(true);
    expect(custom.nodes[0].peers[0]).toMatchObject({ endpoint: `${custom.nodes[1].publicAddress}:443`, persistentKeepalive: 0 });
  });

  test('addresses are opaque: Terraform references pass through, IPv6 endpoints get brackets', () => {
    const nodes = [
      { ...meshNode('a', Cloud.AWS, 1), publicAddress: '${aws_eip.a.public_ip}', privateAddress: '${aws_instance.a.private_ip}', podCidr: '${local.pod_a}' },
      { ...meshNode('b', Cloud.GCP, 2), publicAddress: '2001:db8::7' },
    ];
    const tokenPlan = planMesh({ nodes, mode: MeshMode.FULL_MESH });
    expect(byName(tokenPlan, 'b').peers[0]).toMatchObject({ endpoint: '${aws_eip.a.public_ip}:51820', allowedIps: [`${byName(tokenPlan, 'a').meshAddress}/32`, '${local.pod_a}'] });
    expect(byName(tokenPlan, 'a').peers[0].endpoint).toBe('[2001:db8::7]:51820');
  });
});

describe('planMesh: cross-location', () => {
  const plan = planMesh({ nodes: mixed, mode: MeshMode.CROSS_LOCATION });
  const gatewayNames = plan.nodes.filter((node) => node.gateway).map((node) => node.name);

  test('one gateway per cloud: control-plane first, then by name', () => {
    expect(gatewayNames).toEqual(['aws-cp-1', 'azure-w-1', 'gcp-w-1']);
    expect(Object.fromEntries(plan.nodes.map((node) => [node.name, node.gatewayName]))).toEqual({
      'aws-cp-1': 'aws-cp-1',
      'aws-w-1': 'aws-cp-1',
      'aws-w-2': 'aws-cp-1',
      'azure-w-1': 'azure-w-1',
      'gcp-w-1': 'gcp-w-1',
      'gcp-w-2': 'gcp-w-1',
    });
  });

  test('gateways peer with the gateways of the other clouds only; AllowedIPs cover every node of that cloud', () => {
    const aws = byName(plan, 'aws-cp-1');
    expect(aws.peers.map((peer) => peer.name)).toEqual(['azure-w-1', 'gcp-w-1']);
    const gcpNodes = plan.nodes.filter((node) => node.cloud === Cloud.GCP);
    expect(aws.peers[1]).toEqual({
      name: 'gcp-w-1',
      endpoint: `${byName(plan, 'gcp-w-1').publicAddress}:51820`,
      allowedIps: gcpNodes.flatMap(destinations),
      persistentKeepalive: 25,
    });
    expect(byName(plan, 'gcp-w-1').peers.map((peer) => peer.name)).toEqual(['aws-cp-1', 'azure-w-1']);
    expect(byName(plan, 'gcp-w-1').peers[0].allowedIps).toEqual(plan.nodes.filter((node) => node.cloud === Cloud.AWS).flatMap(destinations));
  });

  test('non-gateways have no WireGuard peer at all', () => {
    for (const name of ['aws-w-1', 'aws-w-2', 'gcp-w-2']) expect(byName(plan, name).peers).toEqual([]);
  });

  test('routes: same cloud via the peer\'s private address; other clouds through WireGuard (gateway) or via the gateway (others)', () => {
    const gateway = byName(plan, 'aws-cp-1');
    const worker = byName(plan, 'aws-w-1');
    const others = (self: MeshNodePlan) => plan.nodes.filter((node) => node !== self);
    expect(gateway.routes).toEqual(
      others(gateway).flatMap((node) =>
        destinations(node).map((destination) => (node.cloud === Cloud.AWS ? { destination, via: node.privateAddress } : { destination })),
      ),
    );
    expect(worker.routes).toEqual(
      others(worker).flatMap((node) =>
        destinations(node).map((destination) => ({ destination, via: node.cloud === Cloud.AWS ? node.privateAddress : gateway.privateAddress })),
      ),
    );
  });

  test('a single-cloud cluster has no peers and routes everything over the cloud network', () => {
    const single = planMesh({ nodes: meshNodes(4, [Cloud.GCP]), mode: MeshMode.CROSS_LOCATION });
    expect(single.nodes.flatMap((node) => node.peers)).toEqual([]);
    expect(single.nodes.flatMap((node) => node.routes).every((route) => route.via !== undefined)).toBe(true);
  });
});

describe('planMesh: gateway selection', () => {
  const gateways = (nodes: MeshNodeInput[], gatewaysPerCloud = 1) =>
    planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud })
      .nodes.filter((node) => node.gateway)
      .map((node) => node.name);
  const aws = (name: string, i: number, role = NodeRole.WORKER, gateway?: boolean) =>
    meshNode(name, Cloud.AWS, i, role, gateway === undefined ? {} : { gateway });

  test.each([
    ['lowest name among workers', [aws('w-b', 1), aws('w-a', 2)], 1, ['w-a']],
    ['control-plane before workers', [aws('a-worker', 1), aws('z-cp', 2, NodeRole.CONTROL_PLANE)], 1, ['z-cp']],
    ['pinned true before control-plane', [aws('cp', 1, NodeRole.CONTROL_PLANE), aws('w-pinned', 2, NodeRole.WORKER, true)], 1, ['w-pinned']],
    ['pinned false never chosen', [aws('cp', 1, NodeRole.CONTROL_PLANE, false), aws('w', 2)], 1, ['w']],
    ['two per cloud', [aws('w-c', 1), aws('cp', 2, NodeRole.CONTROL_PLANE), aws('w-a', 3), aws('w-b', 4)], 2, ['cp', 'w-a']],
    ['fewer nodes than gatewaysPerCloud: all of them', [aws('a', 1), aws('b', 2)], 3, ['a', 'b']],
  ] as [string, MeshNodeInput[], number, string[]][])('%s', (_, nodes, perCloud, expected) => {
    expect(gateways(nodes, perCloud)).toEqual(expected);
  });

  test('with several gateways per cloud every node is carried by exactly one, and traffic follows it', () => {
    const nodes = meshNodes(40);
    const plan = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud: 3 });
    for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN]) {
      const members = plan.nodes.filter((node) => node.cloud === cloud);
      const cloudGateways = members.filter((node) => node.gateway);
      expect(cloudGateways).toHaveLength(3);
      // Seen from a gateway of another cloud: the AllowedIPs of this cloud's gateways are disjoint and cover every member.
      const observer = plan.nodes.find((node) => node.gateway && node.cloud !== cloud)!;
      const allowed = observer.peers.filter((peer) => cloudGateways.some((g) => g.name === peer.name)).flatMap((peer) => peer.allowedIps);
      expect([...allowed].sort()).toEqual(members.flatMap(destinations).sort());
      for (const member of members) {
        const carrier = observer.peers.find((peer) => peer.allowedIps.includes(`${member.meshAddress}/32`))!;
        expect(carrier.name).toBe(member.gatewayName);
        if (!member.gateway) {
          // The way out matches the way in: a non-gateway leaves through the gateway that carries it.
          expect(member.routes).toContainEqual({ destination: observer.podCidr, via: byName(plan, member.gatewayName!).privateAddress });
        }
      }
    }
  });

  test('adding a gateway moves only the nodes the new gateway takes over', () => {
    const nodes = meshNodes(60, [Cloud.AWS, Cloud.GCP]);
    const before = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud: 2 });
    const after = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud: 3 });
    const newGateways = new Set(after.nodes.filter((node) => node.gateway && !byName(before, node.name).gateway).map((node) => node.name));
    expect(newGateways.size).toBe(2);
    for (const node of after.nodes) {
      if (!newGateways.has(node.gatewayName!)) expect(node.gatewayName).toBe(byName(before, node.name).gatewayName);
    }
  });
});

describe('planMesh: cloud-network', () => {
  test('no WireGuard; pod CIDRs via private addresses; mesh addresses still reserved', () => {
    const plan = planMesh({ nodes: meshNodes(3, [Cloud.AZURE]), mode: MeshMode.CLOUD_NETWORK });
    expect(plan.wireGuard).toBe(false);
    for (const node of plan.nodes) {
      expect(node).toMatchObject({ gateway: false, peers: [] });
      expect(node.gatewayName).toBeUndefined();
      expect(node.meshAddress).toMatch(/^10\.4\./);
      const others = plan.nodes.filter((other) => other !== node);
      expect(node.routes).toEqual(others.map((other) => ({ destination: other.podCidr, via: other.privateAddress })));
    }
  });
});

describe('planMesh: stable output', () => {
  const renderAll = (plan: MeshPlan) =>
    plan.nodes.map((node) => renderWireGuardConfig(plan, node.name, placeholderKeys) + renderInterfaceSetup(plan, node.name).join('\n'));

  test.each([MeshMode.FULL_MESH, MeshMode.CROSS_LOCATION])('%s: shuffled input gives the identical plan and config text', (mode) => {
    const nodes = meshNodes(24);
    const reference = planMesh({ nodes, mode, gatewaysPerCloud: 2 });
    const referenceText = renderAll(reference);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const plan = planMesh({ nodes: shuffled(nodes, seed), mode, gatewaysPerCloud: 2 });
        expect(JSON.stringify(plan)).toBe(JSON.stringify(reference));
        expect(renderAll(plan)).toEqual(referenceText);
      }),
      { numRuns: 25 },
    );
  });

  test('full mesh: adding a node that does not collide adds its peer section and changes nothing else', () => {
    const nodes = meshNodes(12);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), (name) => {
        fc.pre(!nodes.some((node) => node.name === name));
        const before = planMesh({ nodes, mode: MeshMode.FULL_MESH });
        const after = planMesh({ nodes: [...nodes, meshNode(name, Cloud.GCP, 99)], mode: MeshMode.FULL_MESH });
        const added = byName(after, name);
        fc.pre(!before.nodes.some((node) => node.meshAddress === added.meshAddress));
        for (const node of before.nodes) {
          const now = byName(after, node.name);
          expect(now.meshAddress).toBe(node.meshAddress);
          expect(now.peers.filter((peer) => peer.name !== name)).toEqual(node.peers);
          const text = renderWireGuardConfig(after, node.name, placeholderKeys);
          const withoutAdded = text.replace(new RegExp(`\\n\\[Peer\\]\\n# ${name}\\n[^[]*?(?=\\n\\[Peer\\]|$)`), '');
          expect(withoutAdded).toBe(renderWireGuardConfig(before, node.name, placeholderKeys));
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('planMesh: 1000 nodes', () => {
  const nodes = meshNodes(1000);

  test('full mesh: 999 peers each, distinct addresses, disjoint AllowedIPs, every config renders', () => {
    const plan = planMesh({ nodes, mode: MeshMode.FULL_MESH });
    expect(new Set(plan.nodes.map((node) => node.meshAddress)).size).toBe(1000);
    for (const node of plan.nodes) {
      expect(node.peers).toHaveLength(999);
      expect(node.routes).toHaveLength(1998);
    }
    const allowed = plan.nodes[500].peers.flatMap((peer) => peer.allowedIps);
    expect(new Set(allowed).size).toBe(1998);
    for (const node of plan.nodes) {
      const text = renderWireGuardConfig(plan, node.name, placeholderKeys);
      expect(text.split('[Peer]')).toHaveLength(1000);
    }
  });

  test('cross-location: 3 peers per gateway covering all other nodes, none elsewhere', () => {
    const plan = planMesh({ nodes, mode: MeshMode.CROSS_LOCATION });
    const gateways = plan.nodes.filter((node) => node.gateway);
    expect(gateways.map((node) => node.name)).toEqual(['aws-cp-0', 'azure-cp-2', 'digitalocean-cp-3', 'gcp-cp-1']);
    for (const gateway of gateways) {
      expect(gateway.peers).toHaveLength(3);
      expect(gateway.peers.flatMap((peer) => peer.allowedIps)).toHaveLength(1500);
    }
    for (const node of plan.nodes) {
      expect(node.routes).toHaveLength(1998);
      if (!node.gateway) expect(node.peers).toHaveLength(0);
      // GCP nodes add the three lines of their IPIP device (device, MTU, address); Azure and
      // DigitalOcean nodes those of their VXLAN device and a neighbour and a forwarding entry
      // for each of the 249 other nodes of their cloud (the gateway's carries the other clouds).
      const extra = { [Cloud.AWS]: 0, [Cloud.GCP]: 3, [Cloud.AZURE]: 3 + 2 * 249, [Cloud.DIGITALOCEAN]: 3 + 2 * 249 }[node.cloud];
      expect(renderInterfaceSetup(plan, node.name)).toHaveLength(2001 + extra);
    }
  });
});
