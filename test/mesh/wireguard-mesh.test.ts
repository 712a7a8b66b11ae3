import { TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { MeshMode } from '../../lib/core/mesh/mesh-mode';
import { NodeRole } from '../../lib/core/node-role';

function makeCluster(props: Partial<CastClusterProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 's');
  const cluster = new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [...ALL_CLOUDS], ...props });
  return { stack, cluster };
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('WireGuardMesh', () => {
  test('full mesh across clouds, cloud network on one cloud', () => {
    expect(makeCluster().cluster.mesh.mode).toBe(MeshMode.FULL_MESH);
    expect(makeCluster({ clouds: [Cloud.GCP] }).cluster.mesh.mode).toBe(MeshMode.CLOUD_NETWORK);
    expect(makeCluster({ clouds: [Cloud.GCP] }).cluster.mesh.wireGuard).toBe(false);
  });

  test('the firewall opens the listen port the mesh uses', () => {
    const { stack } = makeCluster({ clouds: [Cloud.GCP, Cloud.AWS], mesh: { listenPort: 51999 } });
    const rules = Object.values(JSON.parse(Testing.synth(stack)).resource.google_compute_firewall as Record<string, { name: string; allow: { ports?: string[] }[] }>);
    expect(rules.filter((r) => r.name.endsWith('-wireguard')).map((r) => r.allow[0].ports)).toEqual([['51999'], ['51999']]);
  });

  test('the diagram shows every node and, in a full mesh, every pair once', () => {
    const { cluster } = makeCluster();
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    cluster.addNodeGroup('w', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, count: 3 });
    const diagram = cluster.mesh.diagram();
    expect(diagram.split('\n').filter((line) => line.includes('<-->'))).toHaveLength(6);
    expect(diagram).toContain('subgraph cloud_digitalocean["DigitalOcean"]');
    const address = cluster.mesh._plan().nodes.find((n) => n.name === 'c1-cp-1')!.meshAddress;
    expect(diagram).toContain(`["c1-cp-1<br/>${address}<br/>control-plane"]`);
  });

  test('cross-location: gateways per cloud, and only they peer across clouds', () => {
    const { cluster } = makeCluster({ mesh: { mode: MeshMode.CROSS_LOCATION } });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    cluster.addNodeGroup('aws-w', { cloud: Cloud.AWS, role: NodeRole.WORKER, count: 2 });
    cluster.addNodeGroup('gcp-w', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 });
    const links = cluster.mesh.diagram().split('\n').filter((line) => line.includes('<-->'));
    expect(links).toEqual(['  n_c1_2dcp_2d1 <--> n_c1_2dgcp_2dw_2d1']);
  });
});

// Problems are reported at synth, with every other problem of the app (lib/private/validation-error.ts).
describe('WireGuardMesh bad input', () => {
  test('zero gateways in cross-location mode', () => {
    expect(errorOf(() => Testing.synth(makeCluster({ mesh: { mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud: 0 } }).stack))).toContain(
      's/c1/mesh: mesh.gatewaysPerCloud must be a whole number of at least 1 in cross-location mode (got 0). Use 1, or 2 for a standby gateway.',
    );
  });

  test('cloud network only across clouds', () => {
    expect(errorOf(() => Testing.synth(makeCluster({ mesh: { mode: MeshMode.CLOUD_NETWORK } }).stack))).toBe(
      's/c1/mesh: mesh.mode must not be MeshMode.CLOUD_NETWORK for a cluster across several clouds (got cloud-network): clouds reach each other only over WireGuard. Use MeshMode.FULL_MESH or MeshMode.CROSS_LOCATION.',
    );
  });

  test('an MTU WireGuard cannot use', () => {
    expect(errorOf(() => Testing.synth(makeCluster({ mesh: { mtu: 100 } }).stack))).toMatch(/^s\/c1\/mesh: mesh\.mtu must be a whole number from \d+ to \d+ \(got 100\)\./);
  });

  test('a mesh range overlapping another range', () => {
    expect(errorOf(() => Testing.synth(makeCluster({ addresses: { meshCidr: '10.10.0.0/16' } }).stack))).toContain('addresses.aws.vpcCidr must not overlap addresses.meshCidr');
  });

  test('more nodes than mesh addresses, at synth', () => {
    const { cluster, stack } = makeCluster({ clouds: [Cloud.AWS, Cloud.GCP], addresses: { meshCidr: '10.4.0.0/29' } });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    cluster.addNodeGroup('w', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 6 });
    let message = '';
    try {
      Testing.synth(stack, true);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('s/c1/mesh: ');
    expect(message).toMatch(/7 nodes/);
  });
});

describe('pinned mesh addresses', () => {
  test('a pinned node gets its address; the others keep theirs from their names', () => {
    const unpinned = makeCluster({ clouds: [Cloud.AWS, Cloud.GCP] });
    unpinned.cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    unpinned.cluster.addNodeGroup('w', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 });
    const pinned = makeCluster({ clouds: [Cloud.AWS, Cloud.GCP] });
    pinned.cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    pinned.cluster.addNodeGroup('w', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2, meshAddresses: { 'c1-w-2': '10.4.9.9' } });
    const addresses = (c: ReturnType<typeof makeCluster>) =>
      Object.fromEntries(c.cluster.mesh._plan().nodes.map((n) => [n.name, n.meshAddress]));
    const before = addresses(unpinned);
    const after = addresses(pinned);
    expect(after['c1-w-2']).toBe('10.4.9.9');
    expect({ ...after, 'c1-w-2': before['c1-w-2'] }).toEqual(before);
    const outputs = JSON.parse(Testing.synth(pinned.stack)).output.cast_cluster_c1_nodes.value;
    expect(outputs['c1-w-2'].mesh_address).toBe('10.4.9.9');
  });

  test('on one cloud network (no WireGuard) the nodes output gives each node its private address as its cluster address', () => {
    const { cluster, stack } = makeCluster({ clouds: [Cloud.GCP] });
    cluster.addNodeGroup('cp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE });
    cluster.addNodeGroup('w', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 });
    const outputs = JSON.parse(Testing.synth(stack)).output.cast_cluster_c1_nodes.value;
    expect(Object.keys(outputs).length).toBe(3);
    for (const node of Object.values<any>(outputs)) {
      expect(node.private_address).toMatch(/^\$\{google_compute_instance\..+\.network_interface\[0\]\.network_ip\}$/);
      expect(node.mesh_address).toBe(node.private_address);
    }
  });

  test('a pin for a node the group does not have', () => {
    const { cluster, stack } = makeCluster({ clouds: [Cloud.AWS, Cloud.GCP] });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    cluster.addNodeGroup('w', { cloud: Cloud.GCP, role: NodeRole.WORKER, meshAddresses: { 'c1-w-9': '10.4.9.9' } });
    expect(errorOf(() => Testing.synth(stack))).toBe(
      's/c1/w: meshAddresses must name nodes of this group (got "c1-w-9"; the group has c1-w-1). Fix the node name.',
    );
  });

  test('a pin outside the mesh range fails at synth', () => {
    const { cluster, stack } = makeCluster({ clouds: [Cloud.AWS, Cloud.GCP] });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, meshAddresses: { 'c1-cp-1': '10.5.0.1' } });
    expect(errorOf(() => Testing.synth(stack, true))).toMatch(/^s\/c1\/mesh: .*10\.5\.0\.1/);
  });
});
