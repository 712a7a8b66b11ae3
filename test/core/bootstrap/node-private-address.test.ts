/**
 * node-private-address.sh against the stub metadata service (stub-metadata-service.ts),
 * which, like the real services, refuses a request without the cloud's header. A node in
 * cloud-network mode, static or autoscaled, finds its private address (its mesh address)
 * there: its user-data cannot hold it, since it is an attribute of its own VM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDirectory } from '../../../lib/core/bootstrap/template-files';
import { CloudName, metadataSandbox, runWithMetadata, sourcedValues } from './stub-metadata-service';

const SCRIPT = join(templatesDirectory(), 'scripts', 'node-private-address.sh');

/** node.env of a static node as rendered; `meshAddress` and `claimCidr` as in the WireGuard modes. */
function nodeEnv(cloud: CloudName, options: { meshAddress?: string; claimCidr?: string } = {}): string {
  return [
    '# shellcheck shell=bash disable=SC2034',
    "CAST_NODE_IDENTITY='static'",
    `CAST_NODE_NAME='${cloud}-w-1'`,
    `CAST_CLOUD='${cloud}'`,
    "CAST_PUBLIC_ADDRESS='198.51.100.21'",
    `CAST_MESH_ADDRESS='${options.meshAddress ?? ''}'`,
    `CAST_MESH_CLAIM_CIDR='${options.claimCidr ?? ''}'`,
    '',
  ].join('\n');
}

describe('node-private-address.sh', () => {
  const sandbox = metadataSandbox(SCRIPT, 'cast-private-address-');
  const { service, run } = sandbox;

  const expected: Record<CloudName, { address: string; requests: string[] }> = {
    aws: { address: '172.31.5.6', requests: ['PUT /latest/api/token 200', 'GET /latest/meta-data/local-ipv4 200'] },
    gcp: { address: '10.132.0.7', requests: ['GET /computeMetadata/v1/instance/network-interfaces/0/ip 200'] },
    azure: { address: '10.1.0.4', requests: ['GET /metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress?api-version=2021-02-01&format=text 200'] },
    digitalocean: { address: '10.114.0.9', requests: ['GET /metadata/v1/interfaces/private/0/ipv4/address 200'] },
  };

  test.each(['aws', 'gcp', 'azure', 'digitalocean'] as const)('%s, cloud-network mode: appends the private address as the mesh address, asking with the cloud header', async (cloud) => {
    const env = nodeEnv(cloud);
    const result = await run(env);
    expect(result.output).not.toContain('rror');
    expect(result.status).toBe(0);
    const e = expected[cloud];
    expect(readFileSync(result.path, 'utf8')).toBe(`${env}# Found at boot by node-private-address.sh.\nCAST_MESH_ADDRESS='${e.address}'\n`);
    await expect(sourcedValues(result.path, ['CAST_NODE_NAME', 'CAST_MESH_ADDRESS'])).resolves.toEqual({ CAST_NODE_NAME: `${cloud}-w-1`, CAST_MESH_ADDRESS: e.address });
    // Only the private address is asked, and no request was refused.
    expect(service.requests).toEqual(e.requests);
    expect(result.output).toContain(`mesh address ${e.address}, the private address`);
  });

  test.each([
    ['a mesh address (WireGuard modes)', nodeEnv('gcp', { meshAddress: '10.4.17.3' })],
    ['a claim block (an autoscaled node in a WireGuard mode)', nodeEnv('gcp', { claimCidr: '10.4.200.0/24' })],
  ])('with %s: nothing is asked, nothing appended', async (_what, env) => {
    const result = await run(env);
    expect(result.status).toBe(0);
    expect(readFileSync(result.path, 'utf8')).toBe(env);
    expect(service.requests).toEqual([]);
  });

  test('a re-run: nothing is asked, nothing appended', async () => {
    const first = await run(nodeEnv('digitalocean'));
    const afterFirst = readFileSync(first.path, 'utf8');
    service.requests.length = 0;
    const again = await runWithMetadata(SCRIPT, first.path, sandbox.url());
    expect(again.status).toBe(0);
    expect(readFileSync(first.path, 'utf8')).toBe(afterFirst);
    expect(service.requests).toEqual([]);
  });

  type AzureDocument = { network: { interface: { ipv4: { ipAddress: { privateIpAddress: string }[] } }[] } };
  test.each<[CloudName, () => void, string]>([
    [
      'gcp',
      (): void => {
        service.metadata.gcp['instance/network-interfaces/0/ip'] = 'fe80::1';
      },
      'private address "fe80::1" from the gcp metadata service is not an IPv4 address',
    ],
    [
      'azure',
      (): void => {
        (service.metadata.azure as AzureDocument).network.interface[0].ipv4.ipAddress[0].privateIpAddress = '10.1.0.256';
      },
      'private address "10.1.0.256" from the azure metadata service is not an IPv4 address',
    ],
    [
      'digitalocean',
      (): void => {
        delete service.metadata.digitalocean['interfaces/private/0/ipv4/address'];
      },
      'could not read metadata/v1/interfaces/private/0/ipv4/address from',
    ],
  ])('%s: a missing or bad address fails with a message and appends nothing', async (cloud, breakIt, message) => {
    breakIt();
    const env = nodeEnv(cloud);
    const result = await run(env);
    expect(result.status).toBe(1);
    expect(result.output).toContain(message);
    expect(readFileSync(result.path, 'utf8')).toBe(env);
  });

  test('AWS: no IMDSv2 token fails with a message and appends nothing (metadata access is cloud-metadata.sh\'s)', async () => {
    const env = nodeEnv('aws');
    // A fresh node.env beside the sandbox's, against a service that has no token path.
    const path = `${(await run(env)).path}.fresh`;
    writeFileSync(path, env);
    const result = await runWithMetadata(SCRIPT, path, `${sandbox.url()}/refused`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cast-node-private-address: no IMDSv2 token from ${sandbox.url()}/refused/latest/api/token`);
    expect(readFileSync(path, 'utf8')).toBe(env);
  });

  test('AWS: an unreadable address names the path', async () => {
    delete service.metadata.aws['local-ipv4'];
    const env = nodeEnv('aws');
    const result = await run(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cast-node-private-address: could not read meta-data/local-ipv4 from http://127.0.0.1:');
    expect(readFileSync(result.path, 'utf8')).toBe(env);
  });

  test('a cloud it does not know: fails with a message, asks nothing', async () => {
    const result = await run(nodeEnv('hetzner' as CloudName));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CAST_CLOUD=hetzner in');
    expect(service.requests).toEqual([]);
  });

  test('a node.env without its last newline still gets whole lines', async () => {
    const env = nodeEnv('gcp').trimEnd();
    const result = await run(env);
    expect(result.status).toBe(0);
    expect(readFileSync(result.path, 'utf8')).toBe(`${env}\n# Found at boot by node-private-address.sh.\nCAST_MESH_ADDRESS='10.132.0.7'\n`);
  });
});
