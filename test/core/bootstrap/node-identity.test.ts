/**
 * node-identity.sh against the stub metadata service (stub-metadata-service.ts), which,
 * like the real services, refuses a request without the cloud's header. The script runs
 * with real curl and python3 (CAST_METADATA_URL, CAST_NODE_ENV at a temporary file); the
 * tests read what it appended to node.env.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDirectory } from '../../../lib/core/bootstrap/template-files';
import { CloudName, metadataSandbox, runWithMetadata, sourcedValues } from './stub-metadata-service';

const SCRIPT = join(templatesDirectory(), 'scripts', 'node-identity.sh');

/** node.env of a node of an autoscaled group as rendered; `claim` = a WireGuard mode (mesh-up.sh claims the address). */
function scaledNodeEnv(cloud: CloudName, options: { claim: boolean; identity?: string; nodeName?: string }): string {
  return [
    '# shellcheck shell=bash disable=SC2034',
    `CAST_NODE_IDENTITY='${options.identity ?? 'from-metadata'}'`,
    `CAST_NODE_NAME='${options.nodeName ?? ''}'`,
    `CAST_NODE_NAME_PREFIX='prod-${cloud === 'digitalocean' ? 'do' : cloud}-pool'`,
    "CAST_NODE_ROLE='worker'",
    `CAST_CLOUD='${cloud}'`,
    "CAST_CLUSTER_NAME='prod'",
    "CAST_PUBLIC_ADDRESS=''",
    "CAST_MESH_ADDRESS=''",
    `CAST_MESH_CLAIM_CIDR='${options.claim ? '10.4.200.0/24' : ''}'`,
    "CAST_POD_CIDR='10.244.0.0/16'",
    '',
  ].join('\n');
}

describe('node-identity.sh', () => {
  const sandbox = metadataSandbox(SCRIPT, 'cast-identity-');
  const { service, run } = sandbox;

  const sourced = (path: string) => sourcedValues(path, ['CAST_NODE_NAME', 'CAST_PUBLIC_ADDRESS', 'CAST_PROVIDER_ID', 'CAST_MESH_ADDRESS']);

  const expected: Record<CloudName, { name: string; public: string; providerId: string }> = {
    aws: { name: 'prod-aws-pool-i-0abc123def4567890', public: '54.170.1.20', providerId: 'aws:///eu-west-1b/i-0abc123def4567890' },
    gcp: { name: 'prod-gcp-pool-x7k2', public: '34.77.8.9', providerId: 'gce://cast-prod-4711/europe-west1-c/prod-gcp-pool-x7k2' },
    azure: {
      name: 'prod-azure-pool000003',
      public: '20.50.60.70',
      providerId: 'azure:///subscriptions/0a1b2c3d-1111-2222-3333-444455556666/resourceGroups/cast-prod-rg/providers/Microsoft.Compute/virtualMachineScaleSets/prod-azure-pool/virtualMachines/3',
    },
    digitalocean: { name: 'prod-do-pool-a1b2c', public: '164.90.1.2', providerId: 'digitalocean://412345678' },
  };
  const clouds: CloudName[] = ['aws', 'gcp', 'azure', 'digitalocean'];

  test.each(clouds)('%s, WireGuard mode (a claim block): appends name, public address and provider id, not the mesh address', async (cloud) => {
    const env = scaledNodeEnv(cloud, { claim: true });
    const result = await run(env);
    expect(result.output).not.toContain('rror');
    expect(result.status).toBe(0);
    const e = expected[cloud];
    expect(readFileSync(result.path, 'utf8')).toBe(
      `${env}# Found at boot by node-identity.sh.\nCAST_NODE_NAME='${e.name}'\nCAST_PUBLIC_ADDRESS='${e.public}'\nCAST_PROVIDER_ID='${e.providerId}'\n`,
    );
    await expect(sourced(result.path)).resolves.toEqual({ CAST_NODE_NAME: e.name, CAST_PUBLIC_ADDRESS: e.public, CAST_PROVIDER_ID: e.providerId, CAST_MESH_ADDRESS: '' });
    expect(result.output).toContain(`this node is ${e.name}`);
    // No request was refused: the script sent each cloud's header.
    expect(service.requests.filter((r) => !r.endsWith(' 200'))).toEqual([]);
  });

  test.each(clouds)('%s, cloud-network mode (no claim block): the same identity, and no mesh address (node-private-address.sh finds it)', async (cloud) => {
    const env = scaledNodeEnv(cloud, { claim: false });
    const result = await run(env);
    expect(result.status).toBe(0);
    const e = expected[cloud];
    expect(readFileSync(result.path, 'utf8')).toBe(
      `${env}# Found at boot by node-identity.sh.\nCAST_NODE_NAME='${e.name}'\nCAST_PUBLIC_ADDRESS='${e.public}'\nCAST_PROVIDER_ID='${e.providerId}'\n`,
    );
  });

  test('AWS: the token comes from a PUT first, and every GET carries it', async () => {
    await run(scaledNodeEnv('aws', { claim: false }));
    expect(service.requests).toEqual([
      'PUT /latest/api/token 200',
      'GET /latest/meta-data/instance-id 200',
      'GET /latest/meta-data/placement/availability-zone 200',
      'GET /latest/meta-data/public-ipv4 200',
    ]);
  });

  test('the stub refuses requests without the cloud header (so the passing runs above sent it)', async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${sandbox.url()}${path}`, { headers }).then((r) => r.status);
    expect(await get('/latest/meta-data/instance-id')).toBe(401);
    expect(await get('/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': 'wrong' })).toBe(401);
    expect(await get('/computeMetadata/v1/instance/name')).toBe(403);
    expect(await get('/metadata/instance?api-version=2021-02-01')).toBe(400);
    expect(await get('/metadata/instance?api-version=2021-02-01', { Metadata: 'true' })).toBe(200);
  });

  test('a static node: nothing is asked, nothing appended', async () => {
    const env = scaledNodeEnv('gcp', { claim: false, identity: 'static', nodeName: 'gcp-w-1' });
    const result = await run(env);
    expect(result.status).toBe(0);
    expect(readFileSync(result.path, 'utf8')).toBe(env);
    expect(service.requests).toEqual([]);
  });

  test('a re-run once the name is known: nothing is asked, nothing appended', async () => {
    const first = await run(scaledNodeEnv('digitalocean', { claim: false }));
    const afterFirst = readFileSync(first.path, 'utf8');
    service.requests.length = 0;
    service.metadata.digitalocean.hostname = 'another-name';
    const again = await runWithMetadata(SCRIPT, first.path, sandbox.url());
    expect(again.status).toBe(0);
    expect(again.output).toContain('already names this node prod-do-pool-a1b2c; nothing to do');
    expect(readFileSync(first.path, 'utf8')).toBe(afterFirst);
    expect(service.requests).toEqual([]);
  });

  test.each([
    ['gcp', 'an underscore', 'instance/name', 'pool_node-1', 'node name "pool_node-1" from the gcp metadata service is not a lowercase DNS label of at most 63 characters'],
    ['digitalocean', 'a dot', 'hostname', 'node.example.com', 'node name "node.example.com" from the digitalocean metadata service is not a lowercase DNS label'],
    ['digitalocean', '64 characters', 'hostname', 'n'.repeat(64), `node name "${'n'.repeat(64)}" from the digitalocean metadata service is not a lowercase DNS label`],
    ['aws', 'too long a prefix and instance id', 'instance-id', `i-${'0'.repeat(60)}`, 'from the aws metadata service is not a lowercase DNS label'],
  ] as const)('%s: a node name with %s fails with a message and appends nothing', async (cloud, _what, path, value, message) => {
    service.metadata[cloud][path] = value;
    const env = scaledNodeEnv(cloud, { claim: true });
    const result = await run(env);
    expect(result.status).toBe(1);
    expect(result.output).toContain(message);
    expect(readFileSync(result.path, 'utf8')).toBe(env);
  });

  test('no public address (AWS answers 404): fails with a message', async () => {
    delete service.metadata.aws['public-ipv4'];
    const env = scaledNodeEnv('aws', { claim: true });
    const result = await run(env);
    expect(result.status).toBe(1);
    expect(result.output).toContain('could not read meta-data/public-ipv4');
    expect(readFileSync(result.path, 'utf8')).toBe(env);
  });

  test('an address that is not IPv4: fails with a message', async () => {
    (service.metadata.azure as { network: { interface: { ipv4: { ipAddress: { publicIpAddress: string }[] } }[] } }).network.interface[0].ipv4.ipAddress[0].publicIpAddress = '20.50.60.256';
    const env = scaledNodeEnv('azure', { claim: false });
    const result = await run(env);
    expect(result.status).toBe(1);
    expect(result.output).toContain('public address "20.50.60.256" from the azure metadata service is not an IPv4 address');
    expect(readFileSync(result.path, 'utf8')).toBe(env);
  });

  test('Azure: a Standard-SKU public IP missing from metadata/instance is read from metadata/loadbalancer', async () => {
    const azure = service.metadata.azure as { network: { interface: { ipv4: { ipAddress: { publicIpAddress: string }[] } }[] } };
    azure.network.interface[0].ipv4.ipAddress[0].publicIpAddress = '';
    service.metadata.azureLoadBalancer = {
      loadbalancer: { publicIpAddresses: [{ frontendIpAddress: '20.1.2.3', privateIpAddress: '10.9.9.9' }, { frontendIpAddress: '20.50.60.99', privateIpAddress: '10.1.0.4' }] },
    };
    const result = await run(scaledNodeEnv('azure', { claim: true }));
    expect(result.status).toBe(0);
    expect(readFileSync(result.path, 'utf8')).toContain("CAST_PUBLIC_ADDRESS='20.50.60.99'");
  });

  test('Azure: no public address anywhere fails with a message', async () => {
    const azure = service.metadata.azure as { network: { interface: { ipv4: { ipAddress: { publicIpAddress: string }[] } }[] } };
    azure.network.interface[0].ipv4.ipAddress[0].publicIpAddress = '';
    const env = scaledNodeEnv('azure', { claim: true });
    const result = await run(env);
    expect(result.status).toBe(1);
    expect(readFileSync(result.path, 'utf8')).toBe(env);
  });

  test('Azure: a VM outside a scale set fails with a message', async () => {
    (service.metadata.azure as { compute: { name: string } }).compute.name = 'lonely-vm';
    const result = await run(scaledNodeEnv('azure', { claim: true }));
    expect(result.status).toBe(1);
    expect(result.output).toContain('compute.name "lonely-vm" is not <scale set>_<index>');
  });

  test('a cloud it does not know: fails with a message, asks nothing', async () => {
    const result = await run(scaledNodeEnv('hetzner' as CloudName, { claim: true }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cast-node-identity: CAST_CLOUD=hetzner in');
    expect(result.stderr).toContain('expected aws, gcp, azure or digitalocean');
    expect(service.requests).toEqual([]);
  });

  test('AWS: no IMDSv2 token fails with a message and appends nothing', async () => {
    const env = scaledNodeEnv('aws', { claim: true });
    const first = await run(env);
    // Refused at once: a fresh node.env against a service that has no token path.
    const path = `${first.path}.fresh`;
    writeFileSync(path, env);
    const result = await runWithMetadata(SCRIPT, path, `${sandbox.url()}/refused`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cast-node-identity: no IMDSv2 token from ${sandbox.url()}/refused/latest/api/token`);
    expect(readFileSync(path, 'utf8')).toBe(env);
  });

  test('a node.env without its last newline still gets whole lines', async () => {
    const env = scaledNodeEnv('gcp', { claim: true }).trimEnd();
    const result = await run(env);
    expect(result.status).toBe(0);
    expect(readFileSync(result.path, 'utf8')).toContain(`${env}\n# Found at boot by node-identity.sh.\nCAST_NODE_NAME='prod-gcp-pool-x7k2'\n`);
  });
});
