import { Cloud } from '../../../lib/core/cloud';
import { NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { MeshMode } from '../../../lib/core/mesh/mesh-mode';
import { fakeMeshInput, problemsOf } from './bootstrap-fixtures';

describe('renderNodeUserData: bad mesh input', () => {
  test.each<[string, NodeBootstrapInput, string]>([
    ['an unknown mode', fakeMeshInput('worker', Cloud.AWS, { mode: 'mesh' as MeshMode }), 'mesh.mode must be one of full-mesh, cross-location, cloud-network (got "mesh"). Use a MeshMode value.'],
    [
      'a mesh range that is a token',
      fakeMeshInput('worker', Cloud.AWS, { meshCidr: '${var.mesh}' }),
      'mesh.meshCidr must be a concrete IPv4 CIDR (got the token ${var.mesh}). Pass the literal range; the planner allocates addresses from it.',
    ],
    ['port 0', fakeMeshInput('worker', Cloud.AWS, { listenPort: 0 }), 'mesh.listenPort must be a whole number from 1 to 65535 (got 0). Use the cluster mesh port (51820 by default).'],
    ['an MTU too small for IPv4', fakeMeshInput('worker', Cloud.AWS, { mtu: 500 }), 'mesh.mtu must be a whole number from 576 to 65535 (got 500). Use the cluster mesh MTU, or leave it out for the per-cloud default.'],
    ['no gateway per cloud', fakeMeshInput('worker', Cloud.AWS, { gatewaysPerCloud: 0 }), 'mesh.gatewaysPerCloud must be a whole number from 1 to 65535 (got 0). Use the cluster value (1 by default).'],
    [
      'a private subnet with host bits',
      fakeMeshInput('worker', Cloud.DIGITALOCEAN, { privateCidr: '10.30.0.7/24' }),
      'mesh.privateCidr must be the IPv4 CIDR of the node\'s subnet (got "10.30.0.7/24"). Pass the subnet range, or leave it out to use the default route\'s source address.',
    ],
    [
      'an agent URL over plain http',
      fakeMeshInput('worker', Cloud.AWS, { agentUrl: 'http://downloads.example.com/agent.tar', agentSha256: 'a'.repeat(64) }),
      'mesh.agentUrl must be an https URL without spaces or quotes (got "http://downloads.example.com/agent.tar"). Serve meshAgentArchive().bytes there, or leave it out to send the agent in the user-data.',
    ],
    [
      'an agent URL without its hash',
      fakeMeshInput('worker', Cloud.AWS, { agentUrl: 'https://downloads.example.com/agent.tar' }),
      'mesh.agentSha256 must be the 64 hex digits of meshAgentArchive().sha256 when agentUrl is set (got nothing). The node refuses an archive with another hash.',
    ],
    ['a hash without a URL', fakeMeshInput('worker', Cloud.AWS, { agentSha256: 'a'.repeat(64) }), `mesh.agentSha256 must be left out without agentUrl (got "${'a'.repeat(64)}"). Set agentUrl too, or drop the hash.`],
    [
      'a mesh address outside the mesh range',
      fakeMeshInput('worker', Cloud.AWS, {}, { meshAddress: '10.5.0.1' }),
      'meshAddress must be a host address inside mesh.meshCidr 10.4.0.0/16 in full-mesh mode (got 10.5.0.1). Use the node\'s address from allocateMeshAddresses.',
    ],
    [
      "the mesh range's network address",
      fakeMeshInput('worker', Cloud.AWS, { mode: MeshMode.CROSS_LOCATION }, { meshAddress: '10.4.0.0' }),
      'meshAddress must be a host address inside mesh.meshCidr 10.4.0.0/16 in cross-location mode (got 10.4.0.0). Use the node\'s address from allocateMeshAddresses.',
    ],
    [
      'no mesh address in a WireGuard mode',
      fakeMeshInput('control-plane', Cloud.GCP, { mode: MeshMode.FULL_MESH }, { meshAddress: undefined }),
      "meshAddress must be given in full-mesh mode (got nothing): only cloud-network nodes take their private address found at boot. Use the node's address from allocateMeshAddresses.",
    ],
  ])('%s', (_what, input, message) => {
    expect(problemsOf(input)).toEqual([message]);
  });

  test('cloud-network mode: the mesh address may be outside the mesh range (a private address)', () => {
    expect(() => renderNodeUserData(fakeMeshInput('worker', Cloud.AWS, { mode: MeshMode.CLOUD_NETWORK }, { meshAddress: '10.10.0.7' }))).not.toThrow();
  });

  test('cloud-network mode: the mesh address may be left out (the node finds its private address at boot)', () => {
    expect(() => renderNodeUserData(fakeMeshInput('control-plane', Cloud.AWS, { mode: MeshMode.CLOUD_NETWORK }, { meshAddress: undefined }))).not.toThrow();
  });

  test('every mesh problem at once', () => {
    const problems = problemsOf(fakeMeshInput('worker', Cloud.AWS, { listenPort: 0, mtu: 0, persistentKeepalive: -1, gatewaysPerCloud: 1.5 }));
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['mesh.listenPort', 'mesh.mtu', 'mesh.persistentKeepalive', 'mesh.gatewaysPerCloud']);
  });
});
