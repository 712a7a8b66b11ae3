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
 * On GCP, Azure and DigitalOcean the static files (scripts, units, the agent)
 * travel as one gzipped tar in base64 (the node-files archive).
 *
 * The test names carry the measured sizes: `npx jest test/core/bootstrap/user-data-size --verbose`.
 */
import { gzipSync } from 'node:zlib';
import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { meshAgentArchive } from '../../../lib/core/bootstrap/mesh-agent-archive';
import { NODE_BOOTSTRAP_KINDS, NodeBootstrapKind, NodeBootstrapMesh, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { NODE_FILES_ARCHIVE } from '../../../lib/core/bootstrap/node-files-archive';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { USER_DATA_LIMITS } from '../../../lib/core/bootstrap/user-data-limits';
import { MeshMode } from '../../../lib/core/mesh/mesh-mode';
import { FAKE_MESH, fakeInput, realSizedCredentials, workerCredentials } from './bootstrap-fixtures';
import { fileAt, filesOfArchive, parseCloudConfig } from './user-data-files';

/** Bytes of user data each cloud accepts, and what the limit counts: the library's one table. */
const LIMITS = USER_DATA_LIMITS;
/** A URL of realistic length (an S3 object of the cluster). */
const AGENT_URL = 'https://cast-prod-0f3a9c.s3.eu-west-1.amazonaws.com/cast-mesh-agent-0.1.0.tar';

const credentials = realSizedCredentials();
const agent = meshAgentArchive();

/** The mesh as the wiring sends it: on AWS the agent by URL. */
function meshAsSent(cloud: Cloud, inline = cloud !== Cloud.AWS): NodeBootstrapMesh {
  // gateway and privateCidr set: the largest mesh.env.
  const mesh = { ...FAKE_MESH, gateway: true, privateCidr: '10.10.0.0/24' };
  return inline ? mesh : { ...mesh, agentUrl: AGENT_URL, agentSha256: agent.sha256 };
}

/** Cloud-network mode as the wiring sends it: no mesh address (the node finds its private address at boot, with node-private-address.sh). */
function cloudNetworkAsSent(cloud: Cloud): NodeBootstrapMesh {
  return { ...meshAsSent(cloud), mode: MeshMode.CLOUD_NETWORK };
}

function measure(cloud: Cloud, kind: NodeBootstrapKind, mesh?: NodeBootstrapMesh) {
  // The largest document of the kind: spot handler where there is one, a phone-home URL, an API DNS name.
  const cloudNetwork = mesh?.mode === MeshMode.CLOUD_NETWORK;
  const input = fakeInput(kind, cloud, {
    spot: cloud !== Cloud.DIGITALOCEAN,
    credentials: kind === 'worker' ? workerCredentials(credentials) : credentials,
    mesh,
    meshAddress: cloudNetwork ? undefined : '10.4.17.3',
    apiServerDnsName: 'api.acme-prod.k8s.example.com',
  });
  const text = unescapeTerraformTemplate(renderNodeUserData(input));
  const what = mesh ? `${cloudNetwork ? 'cloud network' : 'mesh'}, agent ${mesh.agentUrl ? 'by URL' : 'inline'}` : 'no mesh';
  return { cloud, kind, mesh: what, raw: Buffer.byteLength(text), gzip: gzipSync(text).length };
}

const rows = ALL_CLOUDS.flatMap((cloud) =>
  NODE_BOOTSTRAP_KINDS.flatMap((kind) => [measure(cloud, kind), measure(cloud, kind, meshAsSent(cloud)), measure(cloud, kind, cloudNetworkAsSent(cloud))]),
);

describe('user-data size (credentials as ClusterCredentials makes them)', () => {
  test.each(rows)('$kind on $cloud, $mesh: $raw B raw, $gzip B gzip', ({ cloud, raw, gzip }) => {
    const limit = LIMITS[cloud];
    expect(limit.counts === 'gzip' ? gzip : raw).toBeLessThan(limit.bytes);
  });

  // Why GCP and DigitalOcean nodes get their static files as one archive: one gzip over all of
  // them (the scripts, the agent's modules and the units share most of their words) is smaller
  // than one per file, each a write_files entry of its own (gz+b64, as before the archive).
  const packing = [Cloud.GCP, Cloud.DIGITALOCEAN].map((cloud) => {
    const sent = parseCloudConfig(renderNodeUserData(fakeInput('control-plane', cloud, { credentials, mesh: cloudNetworkAsSent(cloud), meshAddress: undefined })));
    const archive = fileAt(sent, NODE_FILES_ARCHIVE);
    const entry = (path: string, permissions: string, content: string) => Buffer.byteLength(`  - path: ${path}\n    permissions: '${permissions}'\n    encoding: gz+b64\n    content: ${content}\n`);
    const packed = entry(archive.path, archive.permissions, archive.content);
    const oneByOne = filesOfArchive(archive).reduce((sum, f) => sum + entry(f.path, f.permissions, gzipSync(f.content, { level: 9 }).toString('base64')), 0);
    return { cloud, packed, oneByOne, files: filesOfArchive(archive).length };
  });
  test.each(packing)('why $cloud gets one archive: its $files static files take $packed B of the document, $oneByOne B one by one', ({ packed, oneByOne }) => {
    expect(packed).toBeLessThan(0.85 * oneByOne);
  });

  // Why every AWS node downloads the agent: inline, the agent, the API proxy and their
  // modules alone take most of the 16 KB, and no kind fits with them.
  const inline = NODE_BOOTSTRAP_KINDS.map((kind) => measure(Cloud.AWS, kind, meshAsSent(Cloud.AWS, true)));
  test.each(inline)('why AWS downloads the agent: inline, $kind would be $gzip B gzip', ({ gzip }) => {
    expect(gzip).toBeGreaterThan(LIMITS[Cloud.AWS].bytes);
  });
});
