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
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { fakeMetadataServer } from '../keys/gcp-lab';
import { listenOnLoopback } from '../support/loopback-http';
import { installCastmesh, NodeRef, removeCastmesh, vmStates as inventoryStates, VmStateRun } from './inventory-lab';
export { installCastmesh, removeCastmesh };
export type { NodeRef, VmStateRun };

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

  const metadata = fakeMetadataServer(
    (request) => requests.push({ service: 'metadata', method: request.method ?? '', url: request.url ?? '', headers: request.headers }),
    () => state.hasServiceAccount,
    { '/computeMetadata/v1/project/project-id': OWN_PROJECT },
    GCP_TOKEN,
  );

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

  const [metadataUrl, apiUrl] = await Promise.all([listenOnLoopback(metadata), listenOnLoopback(compute)]);
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

/** `inventory_gcp.vm_state(ref, env)` for each of `refs` on the installed copy, against the services at `urls`. */
export function vmStates(root: string, refs: readonly NodeRef[], urls: { metadataUrl: string; apiUrl: string }, env: Record<string, string> = { CAST_CLOUD: 'gcp', CAST_CLUSTER_NAME: 'c1' }): Promise<VmStateRun> {
  return inventoryStates('gcp', root, refs, env, { CAST_KEYS_METADATA_URL: urls.metadataUrl, CAST_INVENTORY_API_URL: urls.apiUrl });
}
