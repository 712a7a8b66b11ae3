/**
 * api-seeds.sh against the stub metadata service (stub-metadata-service.ts), which, like
 * the real services, refuses a request without the cloud's header: the seeds of each
 * cloud's channel, in the cluster's order, nothing for an empty channel, an error when
 * the service fails. Also: the script as a node receives it (compacted, beside its
 * compacted cloud-metadata.sh), shellcheck, and that the metadata access lives in
 * cloud-metadata.sh only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactScript } from '../../../lib/core/bootstrap/compact-script';
import { templatesDirectory } from '../../../lib/core/bootstrap/template-files';
import { describeWithTool, runTool } from './node-tools';
import { CloudName, metadataSandbox, runWithMetadata, SEEDS } from './stub-metadata-service';

const SCRIPTS = join(templatesDirectory(), 'scripts');
const SCRIPT = join(SCRIPTS, 'api-seeds.sh');
const CLOUDS: CloudName[] = ['aws', 'gcp', 'azure', 'digitalocean'];

/** node.env as the renderer writes it, reduced to what api-seeds.sh reads. */
function nodeEnv(cloud: string): string {
  return ['# shellcheck shell=bash disable=SC2034', "CAST_NODE_NAME='w-1'", `CAST_CLOUD='${cloud}'`, "CAST_CLUSTER_NAME='prod'", ''].join('\n');
}

type AzureCompute = { compute: { tagsList: unknown } };

describe('api-seeds.sh', () => {
  const sandbox = metadataSandbox(SCRIPT, 'cast-api-seeds-');
  const { service, run } = sandbox;

  const requests: Record<CloudName, string[]> = {
    aws: ['PUT /latest/api/token 200', 'GET /latest/meta-data/tags/instance 200', 'GET /latest/meta-data/tags/instance/cast-api-servers 200'],
    gcp: ['GET /computeMetadata/v1/instance/attributes/ 200', 'GET /computeMetadata/v1/instance/attributes/cast-api-servers 200'],
    azure: ['GET /metadata/instance/compute/tagsList?api-version=2021-02-01 200'],
    digitalocean: ['GET /metadata/v1/tags/ 200'],
  };

  test.each(CLOUDS)('%s: prints the seeds on one line, in the cluster\'s order, asking with the cloud\'s header', async (cloud) => {
    const result = await run(nodeEnv(cloud));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${SEEDS.join(' ')}\n`);
    // Only the channel is asked, and no request was refused.
    expect(service.requests).toEqual(requests[cloud]);
  });

  test('DigitalOcean: the index orders the seeds, as numbers (10 after 9), whatever order the tags come in; other tags are left alone', async () => {
    const seeds = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`);
    const tags = seeds.map((seed, i) => `cast-api:${i}:${seed.replace(/\./g, '-')}`);
    const shuffled = [tags[10], 'cast-api-servers:1-2-3-4', tags[2], 'cast-api:x:1-2-3-4', tags[0], tags[11], 'c1-worker', tags[1], ...tags.slice(3, 10).reverse(), 'cast-node-role:worker'];
    service.metadata.digitalocean['tags/'] = `${shuffled.join('\n')}\n`;
    const result = await run(nodeEnv('digitalocean'));
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${seeds.join(' ')}\n`);
  });

  test('DigitalOcean: the tags index without its slash answers 301, as the real service does (so the script asks tags/)', async () => {
    const response = await fetch(`${sandbox.url()}/metadata/v1/tags`, { redirect: 'manual' });
    expect(response.status).toBe(301);
  });

  test('GCP and AWS: spaces and line breaks in the value become single spaces', async () => {
    service.metadata.gcp['instance/attributes/cast-api-servers'] = `  ${SEEDS[0]}   ${SEEDS[1]}\n${SEEDS[2]}\n`;
    expect((await run(nodeEnv('gcp'))).stdout).toBe(`${SEEDS.join(' ')}\n`);
    service.metadata.aws['tags/instance/cast-api-servers'] = `${SEEDS[0]}\n`;
    expect((await run(nodeEnv('aws'))).stdout).toBe(`${SEEDS[0]}\n`);
  });

  test('Azure: the tag name matches whatever its case (Azure tag names are case-insensitive)', async () => {
    (service.metadata.azure as AzureCompute).compute.tagsList = [{ name: 'Cast-API-Servers', value: SEEDS[1] }];
    expect((await run(nodeEnv('azure'))).stdout).toBe(`${SEEDS[1]}\n`);
  });

  const emptyChannels: [string, CloudName, () => void][] = [
    ['AWS: no cast-api-servers tag', 'aws', () => {
      service.metadata.aws['tags/instance'] = 'Name\ncast-node-role';
      delete service.metadata.aws['tags/instance/cast-api-servers'];
    }],
    ['AWS: the tag, empty', 'aws', () => {
      service.metadata.aws['tags/instance/cast-api-servers'] = '';
    }],
    ['GCP: no cast-api-servers key', 'gcp', () => {
      service.metadata.gcp['instance/attributes/'] = 'block-project-ssh-keys\nuser-data\n';
      delete service.metadata.gcp['instance/attributes/cast-api-servers'];
    }],
    ['Azure: no cast-api-servers tag', 'azure', () => {
      (service.metadata.azure as AzureCompute).compute.tagsList = [{ name: 'cast-node-role', value: 'worker' }];
    }],
    ['Azure: no tags at all', 'azure', () => {
      (service.metadata.azure as AzureCompute).compute.tagsList = [];
    }],
    ['DigitalOcean: no cast-api tags', 'digitalocean', () => {
      service.metadata.digitalocean['tags/'] = 'c1-worker\ncast-node-role:worker\n';
    }],
  ];
  test.each(emptyChannels)('%s: prints nothing and exits 0', async (_what, cloud, empty) => {
    empty();
    const result = await run(nodeEnv(cloud));
    expect(result).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  const failures: [string, CloudName, () => void, string][] = [
    ['AWS: tags not allowed in the metadata (the index answers 404)', 'aws', () => {
      delete service.metadata.aws['tags/instance'];
    }, 'could not read meta-data/tags/instance from http://127.0.0.1:'],
    ['AWS: the tag listed but not readable', 'aws', () => {
      delete service.metadata.aws['tags/instance/cast-api-servers'];
    }, 'could not read meta-data/tags/instance/cast-api-servers from'],
    ['GCP: no attributes index', 'gcp', () => {
      delete service.metadata.gcp['instance/attributes/'];
    }, 'could not read computeMetadata/v1/instance/attributes/ from'],
    ['Azure: no tagsList', 'azure', () => {
      delete (service.metadata.azure as { compute: Record<string, unknown> }).compute.tagsList;
    }, 'could not read metadata/instance/compute/tagsList?api-version=2021-02-01 from'],
    ['Azure: a tagsList that is not a list of tags', 'azure', () => {
      (service.metadata.azure as AzureCompute).compute.tagsList = { value: 'cast-api-servers' };
    }, 'metadata/instance/compute/tagsList from http://127.0.0.1:'],
    ['DigitalOcean: no tags index', 'digitalocean', () => {
      delete service.metadata.digitalocean['tags/'];
    }, 'could not read metadata/v1/tags/ from'],
    ['a seed that is not an IPv4 address', 'gcp', () => {
      service.metadata.gcp['instance/attributes/cast-api-servers'] = `${SEEDS[0]} 192.0.2.300`;
    }, 'the gcp metadata service gave the seed "192.0.2.300", which is not an IPv4 address'],
  ];
  test.each(failures)('%s: fails with a message and prints no seed', async (_what, cloud, breakIt, message) => {
    breakIt();
    const result = await run(nodeEnv(cloud));
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`cast-api-seeds: ${message}`);
  });

  test('AWS: a refused token (no IMDSv2) fails before any read', async () => {
    const result = await runWithMetadata(SCRIPT, await writeEnv(nodeEnv('aws')), `${sandbox.url()}/refused`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`cast-api-seeds: no IMDSv2 token from ${sandbox.url()}/refused/latest/api/token`);
  });

  test('a cloud it does not know: fails with a message, asks nothing', async () => {
    const result = await run(nodeEnv('hetzner'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("CAST_CLOUD=hetzner in");
    expect(result.stderr).toContain('expected aws, gcp, azure or digitalocean');
    expect(service.requests).toEqual([]);
  });

  describe('as a node receives it: the compacted script beside the compacted cloud-metadata.sh', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cast-api-seeds-node-'));
      for (const name of ['api-seeds.sh', 'cloud-metadata.sh']) writeFileSync(join(dir, name), compactScript(readFileSync(join(SCRIPTS, name), 'utf8')), { mode: 0o755 });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test.each(CLOUDS)('%s', async (cloud) => {
      const result = await runWithMetadata(join(dir, 'api-seeds.sh'), await writeEnv(nodeEnv(cloud)), sandbox.url());
      expect(result).toMatchObject({ status: 0, stdout: `${SEEDS.join(' ')}\n`, stderr: '' });
    });
  });

  /** A node.env of its own, outside the sandbox's counter. */
  const envDirs: string[] = [];
  afterAll(() => envDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  async function writeEnv(env: string): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'cast-api-seeds-env-'));
    envDirs.push(dir);
    const path = join(dir, 'node.env');
    writeFileSync(path, env, { mode: 0o600 });
    return path;
  }
});

describe('cloud-metadata.sh is the one home of metadata access', () => {
  test.each(['api-seeds.sh', 'node-identity.sh', 'node-private-address.sh'])('%s sources it and holds no URL, header or curl of its own', (name) => {
    const text = readFileSync(join(SCRIPTS, name), 'utf8');
    expect(text).toContain('. "$(dirname "${BASH_SOURCE[0]}")/cloud-metadata.sh"');
    const code = text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');
    for (const duplicated of ['curl', '169.254.169.254', 'Metadata-Flavor', 'Metadata: true', 'X-aws-ec2-metadata-token', 'computeMetadata/v1']) expect(code).not.toContain(duplicated);
  });
});

describeWithTool('shellcheck', 'shellcheck', 'shellcheck -S style', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cast-api-seeds-shellcheck-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(['api-seeds.sh', 'cloud-metadata.sh'])('templates/scripts/%s, as written and as a node receives it', (name) => {
    const text = readFileSync(join(SCRIPTS, name), 'utf8');
    for (const [file, content] of [[name, text], [`compact-${name}`, compactScript(text)]]) {
      writeFileSync(join(dir, file), content);
      expect(runTool('shellcheck', ['-S', 'style', join(dir, file)])).toEqual({ status: 0, output: '' });
    }
  });
});
