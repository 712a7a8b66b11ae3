/**
 * A loopback GCP for the node's Secret Manager reader (castmesh/keys_gcp.py): a fake
 * Compute Engine metadata server and a fake Secret Manager, both Node HTTP servers in the
 * test process on ephemeral ports, that answer as the documented services do:
 *
 * - Metadata server ("Access VM metadata", cloud.google.com/compute/docs/metadata/querying-metadata;
 *   "Authenticate workloads ... using service accounts", cloud.google.com/compute/docs/access/authenticate-workloads):
 *   GET /computeMetadata/v1/instance/service-accounts/default/token needs the header
 *   `Metadata-Flavor: Google` (403 without it) and answers
 *   `{"access_token", "expires_in", "token_type": "Bearer"}`; a VM with no service account
 *   has no `default` account there (404).
 * - Secret Manager (REST projects.secrets.versions.access,
 *   cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access):
 *   GET /v1/projects/<p>/secrets/<s>/versions/<v>:access with `Authorization: Bearer <token>`
 *   answers `{"name", "payload": {"data": <base64>, "dataCrc32c": "<int64 as a decimal string>"}}`;
 *   `latest` names the newest version. Errors use Google's error model
 *   (`{"error": {"code", "message", "status"}}`, cloud.google.com/apis/design/errors): 401
 *   UNAUTHENTICATED without a valid token, 403 PERMISSION_DENIED while the account holds no
 *   grant on the secret, 404 NOT_FOUND for a secret that does not exist.
 *
 * startFakeSecretStore below is a stateful Secret Manager for the join token (add, list, destroy, access).
 *
 * The reader runs asynchronously (spawn, never spawnSync: the servers live in this process).
 */
import { spawn } from 'node:child_process';
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { KeysNode, ReaderRun, runReaderAsync as runKeysReader } from './keys-lab';
import { listenOnLoopback, readBody } from '../support/loopback-http';

/** The access token the fake metadata server hands out. */
export const GCP_TOKEN = 'ya29.lab-token-for-the-control-planes';
/** The project number Secret Manager names resources with. */
export const PROJECT_NUMBER = '123456789012';
export const SECRET_ID = 'c1-control-plane-keys-0a1b2c3d';
/** What node.env names (lib/keys/gcp.ts): the secret's `latest` alias. */
export const LATEST = `projects/${PROJECT_NUMBER}/secrets/${SECRET_ID}/versions/latest`;

/** One request a fake service received. */
export interface LabRequest {
  readonly service: 'metadata' | 'secret-manager';
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** How Secret Manager answers one access: the stored payload, or a scripted failure. */
export type AccessAnswer =
  | { readonly kind: 'payload'; readonly data: Buffer; readonly crc32c?: string | null }
  | { readonly kind: 'denied' }
  | { readonly kind: 'raw'; readonly status: number; readonly body: string };

export interface FakeGcp {
  readonly metadataUrl: string;
  readonly apiUrl: string;
  /** Every request both services received, in order. */
  readonly requests: LabRequest[];
  /** Whether the VM has a service account (the metadata server has a token). */
  hasServiceAccount: boolean;
  /** Secret Manager's answers to successive accesses; the last repeats. */
  answers: AccessAnswer[];
  close(): Promise<void>;
}

/** CRC-32C (Castagnoli, reflected 0x82F63B78), written independently of the node's Python one. */
export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function googleError(response: ServerResponse, code: number, status: string, message: string): void {
  response.writeHead(code, { 'Content-Type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify({ error: { code, message, status } }));
}

/** Starts both services. */
/**
 * The metadata server's token endpoint as Compute Engine documents it ("Authenticate
 * workloads using service accounts"): the Metadata-Flavor header required, a token for the
 * VM's default service account, 404 where the VM has none; `values` answers other GETs by path
 * (e.g. `/computeMetadata/v1/project/project-id`) as text.
 */
export function fakeMetadataServer(record: (request: IncomingMessage) => void, hasServiceAccount: () => boolean, values: Readonly<Record<string, string>> = {}, token = GCP_TOKEN) {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    record(request);
    const value = request.method === 'GET' ? values[request.url ?? ''] : undefined;
    if (request.headers['metadata-flavor'] !== 'Google') {
      response.writeHead(403, { 'Content-Type': 'text/html' }).end('Missing Metadata-Flavor:Google header.');
    } else if (value !== undefined) {
      response.writeHead(200, { 'Content-Type': 'application/text', 'Metadata-Flavor': 'Google' }).end(value);
    } else if (request.method !== 'GET' || request.url !== '/computeMetadata/v1/instance/service-accounts/default/token' || !hasServiceAccount()) {
      response.writeHead(404, { 'Content-Type': 'text/html' }).end('Not Found');
    } else {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Metadata-Flavor': 'Google' });
      response.end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }));
    }
  });
}

export async function startFakeGcp(): Promise<FakeGcp> {
  const requests: LabRequest[] = [];
  let accesses = 0;
  const state = { hasServiceAccount: true, answers: [] as AccessAnswer[] };

  const metadata = fakeMetadataServer((request) => requests.push({ service: 'metadata', method: request.method ?? '', url: request.url ?? '', headers: request.headers }), () => state.hasServiceAccount);

  const secretManager = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push({ service: 'secret-manager', method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const match = /^\/v1\/projects\/([^/]+)\/secrets\/([^/]+)\/versions\/([^/:]+):access$/.exec(request.url ?? '');
    if (request.headers.authorization !== `Bearer ${GCP_TOKEN}`) {
      return googleError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
    }
    if (request.method !== 'GET' || !match) return googleError(response, 404, 'NOT_FOUND', `no such method: ${request.method} ${request.url}`);
    const [, project, secret, version] = match;
    if (project !== PROJECT_NUMBER || secret !== SECRET_ID) return googleError(response, 404, 'NOT_FOUND', `Secret [projects/${PROJECT_NUMBER}/secrets/${secret}] not found or has no versions.`);
    const answer = state.answers[Math.min(accesses++, state.answers.length - 1)];
    if (answer === undefined || answer.kind === 'denied') {
      return googleError(response, 403, 'PERMISSION_DENIED', `Permission 'secretmanager.versions.access' denied for resource 'projects/${project}/secrets/${secret}/versions/${version}' (or it may not exist).`);
    }
    if (answer.kind === 'raw') {
      response.writeHead(answer.status, { 'Content-Type': 'application/json; charset=UTF-8' }).end(answer.body);
      return;
    }
    const payload: Record<string, string> = { data: answer.data.toString('base64') };
    const checksum = answer.crc32c === undefined ? String(crc32c(answer.data)) : answer.crc32c;
    if (checksum !== null) payload.dataCrc32c = checksum;
    response.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' });
    response.end(JSON.stringify({ name: `projects/${PROJECT_NUMBER}/secrets/${SECRET_ID}/versions/${version === 'latest' ? '2' : version}`, payload }));
  });

  const [metadataUrl, apiUrl] = await Promise.all([listenOnLoopback(metadata), listenOnLoopback(secretManager)]);
  return {
    metadataUrl,
    apiUrl,
    requests,
    get hasServiceAccount() {
      return state.hasServiceAccount;
    },
    set hasServiceAccount(value: boolean) {
      state.hasServiceAccount = value;
    },
    get answers() {
      return state.answers;
    },
    set answers(value: AccessAnswer[]) {
      state.answers = value;
      accesses = 0;
    },
    close: () => Promise.all([metadata, secretManager].map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined),
  };
}

/** `cast-control-plane-keys fetch` on the lab node against `gcp`, asynchronously. */
export function runReaderAsync(node: KeysNode, gcp: FakeGcp, args: readonly string[] = []): Promise<ReaderRun> {
  return runKeysReader(node, args, { CAST_KEYS_METADATA_URL: gcp.metadataUrl, CAST_KEYS_API_URL: gcp.apiUrl });
}

/** Runs a Python expression with the node's castmesh modules importable; its printed result. */
export function pythonOnNode(node: KeysNode, program: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', program], { cwd: `${node.root}/mesh`, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONPATH: `${node.root}/mesh` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.on('close', (status) => (status === 0 ? resolve(out.trim()) : reject(new Error(`python3 exited ${status}: ${err}`))));
  });
}

/** The join-token secret's id in the stateful lab (test/keys/gcp-join-token.test.ts). */
export const JOIN_TOKEN_SECRET_ID = 'c1-join-token-0a1b2c3d';
/** What node.env names for it (lib/keys/gcp.ts): the secret's `latest` alias. */
export const JOIN_TOKEN_LATEST = `projects/${PROJECT_NUMBER}/secrets/${JOIN_TOKEN_SECRET_ID}/versions/latest`;

/** One version of the stateful fake's secret. */
export interface LabVersion {
  readonly number: number;
  state: 'ENABLED' | 'DISABLED' | 'DESTROYED';
  data?: Buffer;
}

/** One request to the stateful fake, with its body. */
export interface StoreRequest {
  readonly service: 'metadata' | 'secret-manager';
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A scripted answer: the next request whose `METHOD path` matches answers `status` with Google's
 * error body for `code`, or with `body` as it is.
 */
export interface ScriptedFailure {
  readonly match: RegExp;
  readonly status: number;
  readonly code?: string;
  readonly body?: string;
}

export interface FakeSecretStore {
  readonly metadataUrl: string;
  readonly apiUrl: string;
  readonly requests: StoreRequest[];
  /** The join-token secret's versions, oldest first. */
  readonly versions: LabVersion[];
  /** The most versions one list page holds, whatever pageSize asks (to make the client page). */
  pageSize: number;
  /** Scripted failures, each used once, in order. */
  readonly failures: ScriptedFailure[];
  close(): Promise<void>;
}

/**
 * A stateful Secret Manager holding one secret, `JOIN_TOKEN_SECRET_ID`, as the REST reference
 * documents the four methods the join token uses (cloud.google.com/secret-manager/docs/reference/rest/v1):
 * - `POST /v1/projects/<p>/secrets/<s>:addVersion` `{"payload": {"data", "dataCrc32c"}}`: a new
 *   ENABLED version numbered one above the last ("SecretVersion IDs in a Secret start at 1 and are
 *   incremented"); a dataCrc32c that does not match the data is refused (SecretPayload: the service
 *   "will verify the integrity of the received data"; the lab answers 400 INVALID_ARGUMENT);
 * - `GET /v1/projects/<p>/secrets/<s>/versions?filter=&pageSize=&pageToken=`: `{"versions", "nextPageToken"}`,
 *   newest first (ListSecretVersionsResponse: "sorted in reverse by create_time (newest first)"); the
 *   lab knows the filters `state:ENABLED` and none, and refuses others (400 INVALID_ARGUMENT);
 * - `POST /v1/projects/<p>/secrets/<s>/versions/<n>:destroy`: the version becomes DESTROYED and its
 *   data is dropped; a version destroyed already answers 400 FAILED_PRECONDITION;
 * - `GET .../versions/<n|latest>:access`: the payload; `latest` is "the most recently created
 *   SecretVersion"; no version at all answers 404 NOT_FOUND ("not found or has no versions"), a
 *   version that is not enabled 400 FAILED_PRECONDITION.
 * Every request needs `Authorization: Bearer GCP_TOKEN` (401 UNAUTHENTICATED otherwise).
 */
export async function startFakeSecretStore(): Promise<FakeSecretStore> {
  const requests: StoreRequest[] = [];
  const versions: LabVersion[] = [];
  const failures: ScriptedFailure[] = [];
  const settings = { pageSize: 1000 };
  const secretName = `projects/${PROJECT_NUMBER}/secrets/${JOIN_TOKEN_SECRET_ID}`;
  const versionJson = (v: LabVersion) => ({ name: `${secretName}/versions/${v.number}`, createTime: new Date(Date.UTC(2026, 0, 1, 0, v.number)).toISOString(), state: v.state });

  const metadata = fakeMetadataServer((request) => requests.push({ service: 'metadata', method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: '' }), () => true);

  const answer = (response: ServerResponse, body: unknown) => {
    response.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' });
    response.end(JSON.stringify(body));
  };

  const secretManager = createServer((request: IncomingMessage, response: ServerResponse) => {
    readBody(request).then((body) => {
      const method = request.method ?? '';
      const url = new URL(request.url ?? '', 'http://lab');
      requests.push({ service: 'secret-manager', method, url: request.url ?? '', headers: request.headers, body });
      if (request.headers.authorization !== `Bearer ${GCP_TOKEN}`) {
        return googleError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
      }
      const failure = failures.findIndex((f) => f.match.test(`${method} ${url.pathname}`));
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        if (f.body !== undefined) return void response.writeHead(f.status, { 'Content-Type': 'application/json; charset=UTF-8' }).end(f.body);
        return googleError(response, f.status, f.code ?? 'UNKNOWN', `lab: scripted ${f.code}`);
      }
      const path = decodeURIComponent(url.pathname);
      const inSecret = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)(.*)$/.exec(path);
      if (!inSecret || inSecret[1] !== PROJECT_NUMBER || inSecret[2] !== JOIN_TOKEN_SECRET_ID) {
        return googleError(response, 404, 'NOT_FOUND', `Secret [${path}] not found or has no versions.`);
      }
      const rest = inSecret[3];
      const find = (id: string) => (id === 'latest' ? versions[versions.length - 1] : versions.find((v) => String(v.number) === id));
      if (method === 'POST' && rest === ':addVersion') {
        const payload = (JSON.parse(body || '{}') as { payload?: { data?: string; dataCrc32c?: string } }).payload;
        if (typeof payload?.data !== 'string') return googleError(response, 400, 'INVALID_ARGUMENT', 'payload.data is required');
        const data = Buffer.from(payload.data, 'base64');
        if (payload.dataCrc32c !== undefined && payload.dataCrc32c !== String(crc32c(data))) {
          return googleError(response, 400, 'INVALID_ARGUMENT', 'Checksum mismatch: the payload data does not match the provided checksum.');
        }
        const version: LabVersion = { number: (versions[versions.length - 1]?.number ?? 0) + 1, state: 'ENABLED', data };
        versions.push(version);
        return answer(response, { ...versionJson(version), clientSpecifiedPayloadChecksum: payload.dataCrc32c !== undefined });
      }
      if (method === 'GET' && rest === '/versions') {
        const filter = url.searchParams.get('filter') ?? '';
        if (filter !== '' && filter !== 'state:ENABLED') return googleError(response, 400, 'INVALID_ARGUMENT', `lab: unknown filter ${filter}`);
        const all = [...versions].reverse().filter((v) => filter === '' || v.state === 'ENABLED');
        const size = Math.min(Number(url.searchParams.get('pageSize') || settings.pageSize), settings.pageSize);
        const start = Number(url.searchParams.get('pageToken') || 0);
        const page = all.slice(start, start + size);
        return answer(response, {
          ...(page.length > 0 ? { versions: page.map(versionJson) } : {}),
          ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}),
          totalSize: all.length,
        });
      }
      const onVersion = /^\/versions\/([^/:]+):(destroy|access)$/.exec(rest);
      const version = onVersion && find(onVersion[1]);
      if (!onVersion || !version) return googleError(response, 404, 'NOT_FOUND', `Secret [${secretName}] not found or has no versions.`);
      if (method === 'POST' && onVersion[2] === 'destroy') {
        if (version.state === 'DESTROYED') return googleError(response, 400, 'FAILED_PRECONDITION', `SecretVersion [${secretName}/versions/${version.number}] is in DESTROYED state.`);
        version.state = 'DESTROYED';
        version.data = undefined;
        return answer(response, versionJson(version));
      }
      if (method === 'GET' && onVersion[2] === 'access') {
        if (version.state !== 'ENABLED') return googleError(response, 400, 'FAILED_PRECONDITION', `SecretVersion [${secretName}/versions/${version.number}] is in ${version.state} state.`);
        return answer(response, { name: `${secretName}/versions/${version.number}`, payload: { data: version.data!.toString('base64'), dataCrc32c: String(crc32c(version.data!)) } });
      }
      return googleError(response, 404, 'NOT_FOUND', `no such method: ${method} ${path}`);
    }, () => response.destroy());
  });

  const [metadataUrl, apiUrl] = await Promise.all([listenOnLoopback(metadata), listenOnLoopback(secretManager)]);
  return {
    metadataUrl,
    apiUrl,
    requests,
    versions,
    failures,
    get pageSize() {
      return settings.pageSize;
    },
    set pageSize(value: number) {
      settings.pageSize = value;
    },
    close: () => Promise.all([metadata, secretManager].map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined),
  };
}
