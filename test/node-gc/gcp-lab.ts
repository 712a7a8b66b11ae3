/**
 * A loopback GCP for cast-node-gc's Compute Engine backend (castmesh/inventory_gcp.py): a fake
 * metadata server and a fake Compute Engine API, Node HTTP servers in the test process on
 * ephemeral ports, answering as the documented services do:
 *
 * - Metadata server ("Access VM metadata", cloud.google.com/compute/docs/metadata/querying-metadata;
 *   "Predefined metadata keys", cloud.google.com/compute/docs/metadata/predefined-metadata-keys):
 *   every request needs `Metadata-Flavor: Google` (403 without it).
 *   GET /computeMetadata/v1/project/project-id answers the project id as text;
 *   GET /computeMetadata/v1/instance/service-accounts/default/token answers
 *   `{"access_token", "expires_in", "token_type": "Bearer"}`, 404 on a VM without a service account.
 * - Compute Engine (REST instances.get, cloud.google.com/compute/docs/reference/rest/v1/instances/get):
 *   GET /compute/v1/projects/<project>/zones/<zone>/instances/<name> with `Authorization: Bearer
 *   <token>` answers the Instance resource; `fields` (cloud.google.com/apis/docs/system-parameters)
 *   keeps only the named top-level fields. Errors in Compute Engine's shape,
 *   `{"error": {"code", "message", "errors": [{"message", "domain": "global", "reason"}]}}`: 401
 *   without a valid token; 403 "Required 'compute.instances.get' permission for '<resource>'"
 *   (reason forbidden) while the account holds no grant; 400 "Invalid value for field 'zone':
 *   '<zone>'. Unknown zone." (reason invalid, as inspec/inspec-gcp#301 quotes the API); 404 "The
 *   resource '<resource>' was not found" (reason notFound).
 *
 * The backend runs in python3, spawned asynchronously (never spawnSync: the servers live in this
 * process), from a temporary copy of templates/mesh/agent/castmesh as the node gets it
 * (compactScript: full-line comments dropped).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile, templatesDirectory } from '../../lib/core/bootstrap/template-files';

/** The control planes' service-account token the fake metadata server hands out. */
export const GCP_TOKEN = 'ya29.lab-token-for-the-control-planes';
/** The control plane's own project, as its metadata server says. */
export const OWN_PROJECT = 'cast-lab-project';
/** The zones the fake Compute Engine knows; any other is "Unknown zone" (400). */
export const ZONES = ['us-central1-a', 'us-central1-b', 'europe-west4-c'];
/** What every instance's metadata holds: instances.get returns it unless `fields` leaves it out. */
export const USER_DATA = '#cloud-config\n# bootstrap token: abcdef.0123456789abcdef\n';

/** One request a fake service received. */
export interface LabRequest {
  readonly service: 'metadata' | 'compute';
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A scripted Compute Engine answer, in place of the instance or its absence. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

export interface FakeGcp {
  readonly metadataUrl: string;
  readonly apiUrl: string;
  /** Every request both services received, in order. */
  readonly requests: LabRequest[];
  /** The instances that exist: `<project>/<zone>/<name>` -> Instance.status. */
  readonly instances: Map<string, string>;
  /** Whether the VM has a service account (the metadata server has a token for it). */
  hasServiceAccount: boolean;
  /** Whether the account holds compute.instances.get (403 PERMISSION_DENIED-like answers when not). */
  granted: boolean;
  /** Scripted answers by instance name, given to an authorized instances.get of that name in any project and zone. */
  readonly raw: Map<string, RawAnswer>;
  reset(): void;
  close(): Promise<void>;
}

/** Compute Engine's error body (v1 errors carry `errors[]` with a reason). */
export function computeError(code: number, reason: string, message: string): string {
  return JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }] } });
}

function send(response: ServerResponse, status: number, body: string, contentType = 'application/json; charset=UTF-8'): void {
  response.writeHead(status, { 'Content-Type': contentType }).end(body);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** The Instance resource as instances.get returns it, trimmed to `fields` when given. */
function instanceResource(project: string, zone: string, name: string, status: string, fields: string | null): Record<string, unknown> {
  const zoneUrl = `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}`;
  const full: Record<string, unknown> = {
    kind: 'compute#instance',
    id: '4567890123456789012',
    name,
    zone: zoneUrl,
    status,
    machineType: `${zoneUrl}/machineTypes/e2-medium`,
    metadata: { kind: 'compute#metadata', fingerprint: 'abc=', items: [{ key: 'user-data', value: USER_DATA }] },
    selfLink: `${zoneUrl}/instances/${name}`,
  };
  if (fields === null) return full;
  const keep = fields.split(',').map((f) => f.trim());
  return Object.fromEntries(Object.entries(full).filter(([key]) => keep.includes(key)));
}

/** Starts both services. */
export async function startFakeGcp(): Promise<FakeGcp> {
  const requests: LabRequest[] = [];
  const instances = new Map<string, string>();
  const raw = new Map<string, RawAnswer>();
  const state = { hasServiceAccount: true, granted: true };

  const metadata = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push({ service: 'metadata', method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    if (request.headers['metadata-flavor'] !== 'Google') return send(response, 403, 'Missing Metadata-Flavor:Google header.', 'text/html');
    if (request.method === 'GET' && request.url === '/computeMetadata/v1/project/project-id') return send(response, 200, OWN_PROJECT, 'application/text');
    if (request.method === 'GET' && request.url === '/computeMetadata/v1/instance/service-accounts/default/token' && state.hasServiceAccount) {
      return send(response, 200, JSON.stringify({ access_token: GCP_TOKEN, expires_in: 3599, token_type: 'Bearer' }), 'application/json');
    }
    send(response, 404, 'Not Found', 'text/html');
  });

  const compute = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push({ service: 'compute', method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const url = new URL(request.url ?? '/', 'http://compute.invalid');
    const match = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+)$/.exec(url.pathname);
    if (request.headers.authorization !== `Bearer ${GCP_TOKEN}`) {
      return send(response, 401, computeError(401, 'required', 'Request is missing required authentication credential. Expected OAuth 2 access token.'));
    }
    if (request.method !== 'GET' || !match) return send(response, 404, '<!DOCTYPE html><title>Error 404 (Not Found)!!1</title>', 'text/html; charset=UTF-8');
    const [, project, zone, name] = match;
    const resource = `projects/${project}/zones/${zone}/instances/${name}`;
    if (!state.granted) return send(response, 403, computeError(403, 'forbidden', `Required 'compute.instances.get' permission for '${resource}'`));
    const scripted = raw.get(name);
    if (scripted) return send(response, scripted.status, scripted.body, scripted.contentType);
    if (!ZONES.includes(zone)) return send(response, 400, computeError(400, 'invalid', `Invalid value for field 'zone': '${zone}'. Unknown zone.`));
    const status = instances.get(`${project}/${zone}/${name}`);
    if (status === undefined) return send(response, 404, computeError(404, 'notFound', `The resource '${resource}' was not found`));
    send(response, 200, JSON.stringify(instanceResource(project, zone, name, status, url.searchParams.get('fields'))));
  });

  const [metadataUrl, apiUrl] = await Promise.all([listen(metadata), listen(compute)]);
  return {
    metadataUrl,
    apiUrl,
    requests,
    instances,
    get hasServiceAccount() {
      return state.hasServiceAccount;
    },
    set hasServiceAccount(value: boolean) {
      state.hasServiceAccount = value;
    },
    get granted() {
      return state.granted;
    },
    set granted(value: boolean) {
      state.granted = value;
    },
    raw,
    reset() {
      requests.length = 0;
      instances.clear();
      raw.clear();
      Object.assign(state, { hasServiceAccount: true, granted: true });
    },
    close: () => Promise.all([metadata, compute].map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined),
  };
}

/** The node's castmesh package (every module, compacted as the node gets it) in a new temporary directory; returns the directory above it. */
export function installCastmesh(): string {
  const root = mkdtempSync(join(tmpdir(), 'cast-node-gc-'));
  mkdirSync(join(root, 'castmesh'));
  for (const file of readdirSync(join(templatesDirectory(), 'mesh/agent/castmesh')).filter((f) => f.endsWith('.py'))) {
    writeFileSync(join(root, 'castmesh', file), compactScript(readTemplateFile(`mesh/agent/castmesh/${file}`)));
  }
  return root;
}

export function removeCastmesh(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** The Node a ref describes, as node_gc.ref_of builds it. */
export interface NodeRef {
  readonly name: string;
  readonly providerID: string;
  readonly region: string;
  readonly zone: string;
  readonly clusterName: string;
}

export interface VmStateRun {
  /** What vm_state returned for each ref, in order. */
  readonly states: string[];
  /** Its stderr: one `cast-node-gc: <name>: ...` line per 'unknown'. */
  readonly stderr: string;
  readonly status: number;
}

// One python3 per call, for any number of refs: starting python3 and importing urllib costs
// ~150 ms, which would make a table of cases slow one process at a time.
const DRIVER = [
  'import json, sys',
  'sys.path.insert(0, sys.argv[1])',
  'from castmesh import inventory_gcp as i',
  'for ref in json.loads(sys.argv[2]): print(i.vm_state(ref, json.loads(sys.argv[3])))',
].join('\n');

/** `inventory_gcp.vm_state(ref, env)` for each of `refs` on the installed copy, against the services at `urls`. */
export function vmStates(root: string, refs: readonly NodeRef[], urls: { metadataUrl: string; apiUrl: string }, env: Record<string, string> = { CAST_CLOUD: 'gcp', CAST_CLUSTER_NAME: 'c1' }): Promise<VmStateRun> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', DRIVER, root, JSON.stringify(refs), JSON.stringify(env)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CAST_KEYS_METADATA_URL: urls.metadataUrl, CAST_INVENTORY_API_URL: urls.apiUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.on('error', (error) => (err += String(error)));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ states: out.split('\n').filter((line) => line !== ''), stderr: err, status: status ?? -1 });
    });
  });
}
