/**
 * User-data size against each cloud's limit, with credentials of the size the
 * cluster really has (ECDSA P-256 CAs and an RSA-2048 service-account key, as
 * ClusterCredentials makes them). AWS is the tight one: 16 KB of user data,
 * counted before base64, so the wiring sends `base64gzip(...)` and the gzip
 * must fit. Node's zlib at its default level stands in for Terraform's Go gzip
 * (also its default level).
 *
 * With the mesh, the agent (about 10 KB of gzip) travels in the user-data on
 * GCP, Azure and DigitalOcean; on AWS it is downloaded (`mesh.agentUrl`, pinned
 * by SHA-256), since inline it pushes the control-plane documents past 16 KB.
 *
 * The test names carry the measured sizes: `npx jest test/core/bootstrap/user-data-size --verbose`.
 */
import { gzipSync } from 'node:zlib';
import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { meshAgentArchive } from '../../../lib/core/bootstrap/mesh-agent-archive';
import { NODE_BOOTSTRAP_KINDS, NodeBootstrapKind, NodeBootstrapMesh, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { MeshMode } from '../../../lib/core/mesh/mesh-mode';
import { FAKE_MESH, fakeInput, realSizedCredentials, workerCredentials } from './bootstrap-fixtures';

/** Bytes of user data each cloud accepts, and what the limit counts. */
const LIMITS: Record<Cloud, { bytes: number; counts: 'gzip' | 'raw' }> = {
  [Cloud.AWS]: { bytes: 16 * 1024, counts: 'gzip' },
  [Cloud.GCP]: { bytes: 256 * 1024, counts: 'raw' },
  [Cloud.AZURE]: { bytes: 64 * 1024, counts: 'raw' },
  [Cloud.DIGITALOCEAN]: { bytes: 64 * 1024, counts: 'raw' },
};
/** A URL of realistic length (an S3 object of the cluster). */
const AGENT_URL = 'https://cast-prod-0f3a9c.s3.eu-west-1.amazonaws.com/cast-mesh-agent-0.1.0.tar';

const credentials = realSizedCredentials();
const agent = meshAgentArchive();

/** The mesh as the wiring sends it: on AWS the agent by URL. */
function meshAsSent(cloud: Cloud, kind: NodeBootstrapKind, inline = cloud !== Cloud.AWS): NodeBootstrapMesh {
  // gateway and privateCidr set: the largest mesh.env.
  const mesh = { ...FAKE_MESH, gateway: true, privateCidr: '10.10.0.0/24' };
  return inline ? mesh : { ...mesh, agentUrl: AGENT_URL, agentSha256: agent.sha256 };
}

/** Cloud-network mode as the wiring sends it: no mesh address (the node finds its private address at boot, with node-identity.sh). */
function cloudNetworkAsSent(cloud: Cloud, kind: NodeBootstrapKind): NodeBootstrapMesh {
  return { ...meshAsSent(cloud, kind), mode: MeshMode.CLOUD_NETWORK };
}

function measure(cloud: Cloud, kind: NodeBootstrapKind, mesh?: NodeBootstrapMesh) {
  // The largest document of the kind: spot handler where there is one, a phone-home URL.
  const cloudNetwork = mesh?.mode === MeshMode.CLOUD_NETWORK;
  const input = fakeInput(kind, cloud, {
    spot: cloud !== Cloud.DIGITALOCEAN,
    credentials: kind === 'worker' ? workerCredentials(credentials) : credentials,
    mesh,
    meshAddress: cloudNetwork ? undefined : '10.4.17.3',
  });
  const text = unescapeTerraformTemplate(renderNodeUserData(input));
  const what = mesh ? `${cloudNetwork ? 'cloud network' : 'mesh'}, agent ${mesh.agentUrl ? 'by URL' : 'inline'}` : 'no mesh';
  return { cloud, kind, mesh: what, raw: Buffer.byteLength(text), gzip: gzipSync(text).length };
}

const rows = ALL_CLOUDS.flatMap((cloud) =>
  NODE_BOOTSTRAP_KINDS.flatMap((kind) => [measure(cloud, kind), measure(cloud, kind, meshAsSent(cloud, kind)), measure(cloud, kind, cloudNetworkAsSent(cloud, kind))]),
);

describe('user-data size (credentials as ClusterCredentials makes them)', () => {
  test.each(rows)('$kind on $cloud, $mesh: $raw B raw, $gzip B gzip', ({ cloud, raw, gzip }) => {
    const limit = LIMITS[cloud];
    expect(limit.counts === 'gzip' ? gzip : raw).toBeLessThan(limit.bytes);
  });

  test('on AWS the largest kind leaves at least 4 KB of gzip for an autoscaler manifest, with the mesh as sent too', () => {
    const largest = Math.max(...rows.filter((r) => r.cloud === Cloud.AWS).map((r) => r.gzip));
    expect(LIMITS[Cloud.AWS].bytes - largest).toBeGreaterThan(4096);
  });

  // Why every AWS node downloads the agent: control planes carry the CAs, and with the
  // agent inline too they exceed what AWS accepts (a worker would just about fit).
  const inline = NODE_BOOTSTRAP_KINDS.filter((kind) => kind !== 'worker').map((kind) => measure(Cloud.AWS, kind, meshAsSent(Cloud.AWS, kind, true)));
  test.each(inline)('why AWS downloads the agent: inline, $kind would be $gzip B gzip', ({ gzip }) => {
    expect(gzip).toBeGreaterThan(LIMITS[Cloud.AWS].bytes);
  });
});
