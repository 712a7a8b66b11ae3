/**
 * A stub of the four clouds' metadata services in the test process: one HTTP server on
 * 127.0.0.1 that answers the paths of all four and, like the real services, refuses a
 * request without the cloud's header (AWS: the IMDSv2 token from the PUT, GCP:
 * Metadata-Flavor: Google, Azure: Metadata: true), for the scripts that read them
 * (node-identity.sh, node-private-address.sh, api-seeds.sh, all through cloud-metadata.sh),
 * run with real curl on a node.env in a temporary file. Like the real ones, an index path
 * ends in a slash (GCP's instance/attributes/, DigitalOcean's tags/; DigitalOcean answers
 * 301 without it) and an Azure path to an object or array answers its JSON.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const AWS_TOKEN = 'AQAEAFake-imdsv2-token==';

/** What each cloud's service says, by path (AWS paths after /latest/meta-data/, GCP after /computeMetadata/v1/, DO after /metadata/v1/). */
export interface Metadata {
  aws: Record<string, string>;
  gcp: Record<string, string>;
  azure: unknown;
  /** Azure's metadata/loadbalancer document: where a Standard-SKU public IP shows. */
  azureLoadBalancer?: unknown;
  digitalocean: Record<string, string>;
}

/** The control planes' static public addresses the default metadata carries, in the cluster's order. */
export const SEEDS = ['203.0.113.10', '198.51.100.20', '192.0.2.30'] as const;

export const defaultMetadata = (): Metadata => ({
  aws: {
    'instance-id': 'i-0abc123def4567890',
    'placement/availability-zone': 'eu-west-1b',
    'public-ipv4': '54.170.1.20',
    'local-ipv4': '172.31.5.6',
    // The tag keys, one a line, then each tag's value (metadata_options.instance_metadata_tags = enabled).
    'tags/instance': 'Name\ncast-api-servers\ncast-cluster-name\ncast-node-role',
    'tags/instance/Name': 'prod-aws-w-1',
    'tags/instance/cast-api-servers': SEEDS.join(' '),
  },
  gcp: {
    'instance/name': 'prod-gcp-pool-x7k2',
    'instance/zone': 'projects/123456789012/zones/europe-west1-c',
    'project/project-id': 'cast-prod-4711',
    'instance/network-interfaces/0/access-configs/0/external-ip': '34.77.8.9',
    'instance/network-interfaces/0/ip': '10.132.0.7',
    'instance/attributes/': 'block-project-ssh-keys\ncast-api-servers\nuser-data\n',
    'instance/attributes/cast-api-servers': SEEDS.join(' '),
  },
  azure: {
    compute: {
      name: 'prod-azure-pool_3',
      osProfile: { computerName: 'PROD-AZURE-POOL000003' },
      subscriptionId: '0a1b2c3d-1111-2222-3333-444455556666',
      resourceGroupName: 'cast-prod-rg',
      vmScaleSetName: 'prod-azure-pool',
      tags: `cast-api-servers:${SEEDS.join(' ')};cast-cluster-name:prod;cast-node-role:worker`,
      tagsList: [
        { name: 'cast-api-servers', value: SEEDS.join(' ') },
        { name: 'cast-cluster-name', value: 'prod' },
        { name: 'cast-node-role', value: 'worker' },
      ],
    },
    network: { interface: [{ ipv4: { ipAddress: [{ privateIpAddress: '10.1.0.4', publicIpAddress: '20.50.60.70' }], subnet: [] } }] },
  },
  digitalocean: {
    hostname: 'prod-do-pool-a1b2c',
    id: '412345678',
    'interfaces/public/0/ipv4/address': '164.90.1.2',
    'interfaces/private/0/ipv4/address': '10.114.0.9',
    // A set: DigitalOcean keeps no order, the index in each seed tag does.
    'tags/': ['c1-worker', 'cast-api:2:192-0-2-30', 'cast-api:0:203-0-113-10', 'cast-cluster-name:prod', 'cast-api:1:198-51-100-20', 'cast-node-role:worker', ''].join('\n'),
  },
});

/** The stub service; `metadata` can be changed by a test, `requests` lists what it was asked ("METHOD path status"). */
export class StubMetadataService {
  metadata: Metadata = defaultMetadata();
  readonly requests: string[] = [];
  private readonly server: Server = createServer((req, res) => this.answer(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stub');
    const [status, body] = this.route(req, url);
    this.requests.push(`${req.method} ${url.pathname}${url.search} ${status}`);
    const json = status === 200 && url.pathname.startsWith('/metadata/instance') && (body.startsWith('{') || body.startsWith('['));
    res.writeHead(status, { 'content-type': json ? 'application/json' : 'text/plain', ...(status === 301 ? { location: `${url.pathname}/` } : {}) });
    res.end(body);
  }

  private route(req: IncomingMessage, url: URL): [number, string] {
    const found = (value: string | undefined): [number, string] => (value === undefined ? [404, 'not found'] : [200, value]);
    const path = url.pathname;
    if (path === '/latest/api/token') {
      if (req.method !== 'PUT') return [405, 'PUT only'];
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return [400, 'missing X-aws-ec2-metadata-token-ttl-seconds'];
      return [200, AWS_TOKEN];
    }
    if (path.startsWith('/latest/meta-data/')) {
      if (req.headers['x-aws-ec2-metadata-token'] !== AWS_TOKEN) return [401, 'Unauthorized'];
      return found(this.metadata.aws[path.slice('/latest/meta-data/'.length)]);
    }
    if (path.startsWith('/computeMetadata/v1/')) {
      if (req.headers['metadata-flavor'] !== 'Google') return [403, 'Missing Metadata-Flavor:Google header.'];
      return found(this.metadata.gcp[path.slice('/computeMetadata/v1/'.length)]);
    }
    if (path === '/metadata/instance' || path.startsWith('/metadata/instance/')) {
      if (req.headers.metadata !== 'true') return [400, '{"error": "Bad request. Required metadata header not specified"}'];
      if (url.searchParams.get('api-version') !== '2021-02-01') return [400, '{"error": "Bad request. api-version is invalid"}'];
      if (path === '/metadata/instance') return [200, JSON.stringify(this.metadata.azure)];
      // A part of the document by path: an object or array as JSON, a leaf as text (Azure answers format=text only for leaves).
      const node = path.split('/').slice(3).reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], this.metadata.azure);
      if (node !== null && typeof node === 'object' && url.searchParams.get('format') !== 'text') return [200, JSON.stringify(node)];
      if (url.searchParams.get('format') !== 'text' || (typeof node !== 'string' && typeof node !== 'number')) return [404, 'not found'];
      return [200, String(node)];
    }
    if (path === '/metadata/loadbalancer') {
      if (req.headers.metadata !== 'true') return [400, '{"error": "Bad request. Required metadata header not specified"}'];
      return [200, JSON.stringify(this.metadata.azureLoadBalancer ?? { loadbalancer: { publicIpAddresses: [] } })];
    }
    if (path.startsWith('/metadata/v1/')) {
      const key = path.slice('/metadata/v1/'.length);
      if (this.metadata.digitalocean[key] === undefined && this.metadata.digitalocean[`${key}/`] !== undefined) return [301, '301 Moved Permanently'];
      return found(this.metadata.digitalocean[key]);
    }
    return [404, 'not found'];
  }
}

export type CloudName = Exclude<keyof Metadata, 'azureLoadBalancer'>;

export interface ScriptRun {
  readonly status: number;
  /** stdout and stderr together. */
  readonly output: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` on the node.env at `nodeEnv` against the service at `metadataUrl`, asynchronously (the stub answers from this process). */
export function runWithMetadata(script: string, nodeEnv: string, metadataUrl: string): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile('bash', [script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CAST_NODE_ENV: nodeEnv, CAST_METADATA_URL: metadataUrl }, timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ status, output: `${stdout}${stderr}`, stdout, stderr });
    });
  });
}

/** A script under test with its own stub service (default metadata before each test) and a folder of node.env files. */
export interface MetadataSandbox {
  readonly service: StubMetadataService;
  /** The stub's base URL (known once the describe block's beforeAll has run). */
  url(): string;
  /** Writes `env` to a fresh node.env and runs the script on it. */
  run(env: string): Promise<ScriptRun & { path: string }>;
}

/** Registers the describe block's hooks for `script` against a stub metadata service. */
export function metadataSandbox(script: string, prefix: string): MetadataSandbox {
  const service = new StubMetadataService();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let metadataUrl = '';
  let counter = 0;
  beforeAll(async () => {
    metadataUrl = await service.start();
  });
  afterAll(async () => {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    service.metadata = defaultMetadata();
    service.requests.length = 0;
  });
  return {
    service,
    url: () => metadataUrl,
    run: async (env) => {
      const path = join(dir, `node-${++counter}.env`);
      writeFileSync(path, env, { mode: 0o600 });
      return { ...(await runWithMetadata(script, path, metadataUrl)), path };
    },
  };
}

/** The values of `keys` bash sees after sourcing the file (a later line wins). */
export function sourcedValues(path: string, keys: readonly string[]): Promise<Record<string, string>> {
  return new Promise<Record<string, string>>((resolve, reject) => {
    execFile('bash', ['-c', `. "$1"; printf '%s\\n' ${keys.map((k) => `"$${k}"`).join(' ')}`, 'sourced', path], (error, stdout) => {
      if (error) reject(error);
      else resolve(Object.fromEntries(stdout.split('\n').slice(0, keys.length).map((value, i) => [keys[i], value])));
    });
  });
}
