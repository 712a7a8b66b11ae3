/**
 * The join token on GCP (docs/decisions/0006-join-tokens-from-the-cloud.md), both halves:
 *
 * - the node's backend, castmesh/keys_gcp.py read_join_token / write_join_token, as the node runs
 *   it (the copy with full-line comments dropped), against a stateful fake Secret Manager on
 *   loopback (test/keys/gcp-lab.ts, startFakeSecretStore, which says which documented request
 *   and response shapes it follows);
 * - what a cluster synthesizes for it (lib/keys/gcp.ts, lib/nodes/gcp.ts, lib/nodes/scaling/gcp.ts):
 *   a second secret with no version, the workers' service account, the grants, and which VMs
 *   run as which account.
 */
import { spawn } from 'node:child_process';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { SECRET_ACCESSOR_ROLE, SECRET_VERSION_MANAGER_ROLE } from '../../lib/keys/gcp';
import { logicalId, synthCluster, SynthesizedCluster } from '../nodes/node-fixture';
import { synthScaling } from '../nodes/scaling/scaling-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { crc32c, FakeSecretStore, GCP_TOKEN, JOIN_TOKEN_LATEST, JOIN_TOKEN_SECRET_ID, PROJECT_NUMBER, startFakeSecretStore } from './gcp-lab';
import { ClusterPki, cleanUpKeysLab, installReader, KeysNode } from './keys-lab';

const SECRET = `projects/${PROJECT_NUMBER}/secrets/${JOIN_TOKEN_SECRET_ID}`;
const TOKEN = 'abcdef.0123456789abcdef';
const ENV = { CAST_NODE_ROLE: 'worker', CAST_JOIN_TOKEN_STORE: 'gcp-secret-manager', CAST_JOIN_TOKEN_SECRET: JOIN_TOKEN_LATEST };

/** What one call of the backend gave: its value, or the exception it raised (keys.Unavailable / keys.Refused), and its stderr. */
interface Outcome {
  readonly result?: string | null;
  readonly unavailable?: string;
  readonly refused?: string;
  readonly stderr: string;
}

const DRIVER = `
import json, os, sys
os.environ['CAST_KEYS_METADATA_URL'], os.environ['CAST_KEYS_API_URL'] = sys.argv[1], sys.argv[2]
from castmesh import keys, keys_gcp
env, op = json.loads(sys.argv[3]), sys.argv[4]
try:
    value = keys_gcp.read_join_token(env) if op == 'read' else keys_gcp.write_join_token(env, sys.argv[5])
    print(json.dumps({'result': value}))
except keys.Unavailable as error:
    print(json.dumps({'unavailable': str(error)}))
except keys.Refused as error:
    print(json.dumps({'refused': str(error)}))
`;

/** A reference as node.env holds it: quoted for the shell at apply time (render-template.ts, shellSingleQuoted). */
const shellQuoted = (reference: string): string => `\${replace(${reference.slice(2, -1)}, "'", "'\\\\''")}`;

let store: FakeSecretStore;
let node: KeysNode;

beforeAll(async () => {
  store = await startFakeSecretStore();
  // No CA is read here: the join-token functions touch no PKI file.
  node = installReader({ 'ca.crt': '' } as ClusterPki, ENV, { 'keys_gcp.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_gcp.py')) });
});
afterAll(async () => {
  await store.close();
  cleanUpKeysLab();
});
beforeEach(() => {
  store.requests.length = 0;
  store.versions.length = 0;
  store.failures.length = 0;
  store.pageSize = 1000;
});

/** Calls the node's keys_gcp.py, as join_token.py does, against the fake. */
function call(op: 'read' | 'write', token = TOKEN, env: Record<string, string> = ENV): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const args = ['-c', DRIVER, store.metadataUrl, store.apiUrl, JSON.stringify(env), op, token];
    const child = spawn('python3', args, { cwd: `${node.root}/mesh`, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONPATH: `${node.root}/mesh` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.on('close', (status) => (status === 0 ? resolve({ ...JSON.parse(out), stderr: err }) : reject(new Error(`python3 exited ${status}: ${err}`))));
  });
}

const api = () => store.requests.filter((r) => r.service === 'secret-manager');
const calls = () => api().map((r) => `${r.method} ${decodeURIComponent(r.url)}`);
const enabled = () => store.versions.filter((v) => v.state === 'ENABLED').map((v) => v.number);

describe('keys_gcp.py: the join token in Secret Manager', () => {
  test('write then read: the token round-trips through a new version, read back from `latest`', async () => {
    expect(await call('write')).toEqual({ result: null, stderr: '' });
    expect(store.versions.map((v) => [v.number, v.state, v.data?.toString()])).toEqual([[1, 'ENABLED', TOKEN]]);
    expect(await call('read')).toEqual({ result: TOKEN, stderr: '' });
    expect(calls()).toEqual([
      `POST /v1/${SECRET}:addVersion`,
      `GET /v1/${SECRET}/versions?filter=state:ENABLED&pageSize=100`,
      `GET /v1/${JOIN_TOKEN_LATEST}:access`,
    ]);
  });

  test('the write carries what addVersion requires: the bearer token, JSON, base64 data and its CRC-32C as a decimal string', async () => {
    await call('write');
    const [add] = api();
    expect(add.headers.authorization).toBe(`Bearer ${GCP_TOKEN}`);
    expect(add.headers['content-type']).toBe('application/json');
    expect(JSON.parse(add.body)).toEqual({ payload: { data: Buffer.from(TOKEN).toString('base64'), dataCrc32c: String(crc32c(Buffer.from(TOKEN))) } });
    // The token travels in the body only.
    expect(add.url).not.toContain(TOKEN);
    // The service account's token came from the metadata server, with the header it requires.
    const [token] = store.requests.filter((r) => r.service === 'metadata');
    expect(token.headers['metadata-flavor']).toBe('Google');
  });

  test('rotation keeps the two newest enabled versions and destroys every older one (each active version is billed)', async () => {
    for (let i = 0; i < 5; i++) expect((await call('write', `abcde${i}.0123456789abcdef`)).result).toBeNull();
    expect(store.versions.map((v) => `${v.number}:${v.state}`)).toEqual(['1:DESTROYED', '2:DESTROYED', '3:DESTROYED', '4:ENABLED', '5:ENABLED']);
    expect(calls().filter((c) => c.endsWith(':destroy'))).toEqual([1, 2, 3].map((n) => `POST /v1/${SECRET}/versions/${n}:destroy`));
    expect(api().filter((r) => r.url.endsWith(':destroy')).every((r) => r.body === '{}' && r.headers.authorization === `Bearer ${GCP_TOKEN}`)).toBe(true);
    expect((await call('read')).result).toBe('abcde4.0123456789abcdef');
  });

  test('versions enabled before (by hand, or left by a failed clean-up) are destroyed too, across list pages', async () => {
    for (let i = 0; i < 6; i++) store.versions.push({ number: i + 1, state: i === 1 ? 'DESTROYED' : 'ENABLED', data: Buffer.from('old') });
    store.pageSize = 2;
    await call('write');
    expect(enabled()).toEqual([6, 7]);
    const lists = calls().filter((c) => c.includes('/versions?'));
    expect(lists.length).toBeGreaterThan(1);
    expect(lists.every((c) => c.includes('filter=state:ENABLED'))).toBe(true);
    expect(store.versions[6].data?.toString()).toBe(TOKEN);
  });

  test('a version another control plane destroyed first (FAILED_PRECONDITION) is no error', async () => {
    for (let i = 0; i < 3; i++) store.versions.push({ number: i + 1, state: 'ENABLED', data: Buffer.from('old') });
    store.failures.push({ match: /:destroy$/, status: 400, code: 'FAILED_PRECONDITION' });
    expect(await call('write')).toEqual({ result: null, stderr: expect.not.stringContaining('not destroyed') });
    expect(store.versions.at(-1)?.data?.toString()).toBe(TOKEN);
  });

  test('a clean-up that fails does not fail the write (the token is published); the next write cleans up', async () => {
    for (let i = 0; i < 4; i++) store.versions.push({ number: i + 1, state: 'ENABLED', data: Buffer.from('old') });
    store.failures.push({ match: /\/versions$/, status: 403, code: 'PERMISSION_DENIED' });
    const first = await call('write');
    expect(first.result).toBeNull();
    expect(first.stderr).toContain(`published, but old versions of ${SECRET} were not destroyed (Secret Manager answered 403 PERMISSION_DENIED`);
    expect(enabled()).toEqual([1, 2, 3, 4, 5]);
    expect((await call('read')).result).toBe(TOKEN);
    await call('write');
    expect(enabled()).toEqual([5, 6]);
  });

  test('no version yet: Unavailable, "no join token published yet" (join_token.py waits for the control planes)', async () => {
    const read = await call('read');
    expect(read.unavailable).toMatch(/^no join token published yet: Secret Manager answered 404 NOT_FOUND for .*not found or has no versions/);
    expect(store.versions).toEqual([]);
  });

  test('a `latest` that is not enabled (FAILED_PRECONDITION) is Unavailable too', async () => {
    store.versions.push({ number: 1, state: 'DISABLED', data: Buffer.from(TOKEN) });
    expect((await call('read')).unavailable).toMatch(/^no join token published yet: Secret Manager answered 400 FAILED_PRECONDITION/);
  });

  test('403 PERMISSION_DENIED (the grant not in effect yet) is Unavailable, reading and writing', async () => {
    store.versions.push({ number: 1, state: 'ENABLED', data: Buffer.from(TOKEN) });
    store.failures.push({ match: /:access$/, status: 403, code: 'PERMISSION_DENIED' }, { match: /:addVersion$/, status: 403, code: 'PERMISSION_DENIED' });
    expect((await call('read')).unavailable).toContain('Secret Manager answered 403 PERMISSION_DENIED');
    expect((await call('write')).unavailable).toContain(`Secret Manager answered 403 PERMISSION_DENIED for ${SECRET}`);
    expect(store.versions).toHaveLength(1);
  });

  test.each<[string, string]>([
    ['429 RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED'],
    ['503 UNAVAILABLE', 'UNAVAILABLE'],
  ])('%s on the write is Unavailable (join_token.py tries again next hour)', async (name, code) => {
    store.failures.push({ match: /:addVersion$/, status: Number(name.slice(0, 3)), code });
    expect((await call('write')).unavailable).toContain(`Secret Manager answered ${name}`);
  });

  test('400 INVALID_ARGUMENT never passes: Refused', async () => {
    store.failures.push({ match: /:addVersion$/, status: 400, code: 'INVALID_ARGUMENT' });
    expect((await call('write')).refused).toContain('Secret Manager answered 400 INVALID_ARGUMENT');
  });

  test.each<[string, (data: Buffer) => string, string]>([
    ['a payload whose dataCrc32c does not match (damaged on the way)', (d) => JSON.stringify({ name: JOIN_TOKEN_LATEST, payload: { data: d.toString('base64'), dataCrc32c: String(crc32c(d) ^ 1) } }), 'does not match its dataCrc32c'],
    ['no payload', () => JSON.stringify({ name: JOIN_TOKEN_LATEST }), `Secret Manager's answer for ${JOIN_TOKEN_LATEST} has no payload.data`],
    ['a payload that is not base64', () => JSON.stringify({ name: JOIN_TOKEN_LATEST, payload: { data: '*** not base64 ***' } }), `the payload of ${JOIN_TOKEN_LATEST} is not base64`],
    ['a body that is not JSON', () => '<html>oops</html>', "Secret Manager's answer is not a JSON object"],
  ])('a malformed answer (%s) is Refused with the reason', async (_name, body, message) => {
    store.failures.push({ match: /:access$/, status: 200, body: body(Buffer.from(TOKEN)) });
    expect((await call('read')).refused).toContain(message);
  });

  test('an empty newest version is no token: Unavailable', async () => {
    store.versions.push({ number: 1, state: 'ENABLED', data: Buffer.from(' \n') });
    expect((await call('read')).unavailable).toMatch(/^no join token published yet/);
  });

  test('a CAST_JOIN_TOKEN_SECRET that is not a version name is Refused before any request', async () => {
    const env = { ...ENV, CAST_JOIN_TOKEN_SECRET: 'c1-join-token' };
    expect((await call('read', TOKEN, env)).refused).toBe("CAST_JOIN_TOKEN_SECRET must be projects/<project>/secrets/<id>/versions/<version> (got 'c1-join-token')");
    expect((await call('write', TOKEN, env)).refused).toContain('CAST_JOIN_TOKEN_SECRET must be');
    expect(store.requests).toEqual([]);
  });
});

const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

/** Workers, static and autoscaled, added BEFORE the GCP control-plane group. */
const gcpCluster = (name = 'c1'): SynthesizedCluster =>
  synthCluster(
    [Cloud.GCP],
    {
      workers: { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 1 },
      pool: { cloud: Cloud.GCP, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 3 } },
      cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
    },
    { name },
  );

describe('the GCP join-token store as a cluster synthesizes it', () => {
  const c = gcpCluster();
  const secret = logicalId(c.json, 'google_secret_manager_secret', 'join-token');
  const bundle = logicalId(c.json, 'google_secret_manager_secret', '_secret_');
  const controlPlanes = logicalId(c.json, 'google_service_account', 'control-planes');
  const workers = logicalId(c.json, 'google_service_account', '_workers_');
  const suffix = logicalId(c.json, 'random_id', 'control-plane-keys-gcp_suffix');
  const email = (account: string) => ref('google_service_account', account, 'email');
  const member = (account: string) => ref('google_service_account', account, 'member');

  test('a second secret: automatic replication, the cluster\'s labels, an id unique to this deployment', () => {
    expect(c.resources('google_secret_manager_secret')[secret]).toEqual({
      provider: 'google.c1_gcp',
      secret_id: `c1-join-token-${ref('random_id', suffix, 'hex')}`,
      replication: { auto: {} },
      labels: { 'cast-cluster-name': 'c1', 'cast-cluster-uuid': c.cluster.uuid },
    });
  });

  test('created empty: the one secret version Terraform makes is the bundle\'s, and no token is in the JSON', () => {
    const versions = Object.values(c.resources('google_secret_manager_secret_version'));
    expect(versions.map((v) => v.secret)).toEqual([ref('google_secret_manager_secret', bundle, 'id')]);
    expect(JSON.stringify(c.json)).not.toContain(ref('google_secret_manager_secret', secret, 'id'));
    expect(JSON.stringify(c.json)).not.toMatch(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/);
  });

  test('grants: the control planes read and manage the token\'s versions; the workers read the token, and only the token', () => {
    const grants = Object.values(c.resources('google_secret_manager_secret_iam_member')).map((g) => `${g.secret_id} ${g.role} ${g.member}`).sort();
    const on = (s: string) => ref('google_secret_manager_secret', s, 'secret_id');
    expect(grants).toEqual(
      [
        `${on(bundle)} ${SECRET_ACCESSOR_ROLE} ${member(controlPlanes)}`,
        `${on(secret)} ${SECRET_ACCESSOR_ROLE} ${member(controlPlanes)}`,
        `${on(secret)} ${SECRET_VERSION_MANAGER_ROLE} ${member(controlPlanes)}`,
        `${on(secret)} ${SECRET_ACCESSOR_ROLE} ${member(workers)}`,
      ].sort(),
    );
    expect([SECRET_ACCESSOR_ROLE, SECRET_VERSION_MANAGER_ROLE]).toEqual(['roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionManager']);
    // The workers' account is in no other IAM resource (no project grant, nothing on the bundle).
    const holding = Object.entries(c.json.resource)
      .filter(([type]) => type.includes('iam'))
      .flatMap(([type, named]) => Object.keys(named).filter((id) => JSON.stringify(named[id]).includes(member(workers))).map((id) => `${type}.${id}`));
    expect(holding).toEqual([`google_secret_manager_secret_iam_member.${logicalId(c.json, 'google_secret_manager_secret_iam_member', 'workers-join-token-read')}`]);
  });

  test('the workers\' account id: "<name>-wk-<hex>", beside the control planes\' "<name>-cp-<hex>"', () => {
    expect(c.resources('google_service_account')[workers]).toMatchObject({ account_id: `c1-wk-${ref('random_id', suffix, 'hex')}`, display_name: 'c1 workers' });
    expect(c.resources('google_service_account')[controlPlanes].account_id).toBe(`c1-cp-${ref('random_id', suffix, 'hex')}`);
  });

  test('a static worker added before the control planes runs as the workers\' account; its account never stops it', () => {
    const worker = c.resource('google_compute_instance', 'c1-workers-1_');
    expect(worker.service_account).toEqual({ email: email(workers), scopes: ['cloud-platform'] });
    // Beside the user data and the image, which every running VM keeps (test/nodes/kept-user-data.test.ts).
    expect(worker.lifecycle.ignore_changes).toContain('service_account');
    expect(worker.allow_stopping_for_update).toBeUndefined();
  });

  test('an autoscaled group added before the control planes: its template runs as the workers\' account; the group keeps running VMs', () => {
    const template = c.resource('google_compute_instance_template', 'c1-pool');
    expect(template.service_account).toEqual({ email: email(workers), scopes: ['cloud-platform'] });
    expect(template.lifecycle).toEqual({ create_before_destroy: true });
    expect(c.resource('google_compute_instance_group_manager', 'c1-pool').update_policy).toEqual({ type: 'OPPORTUNISTIC', minimal_action: 'REPLACE' });
  });

  test('the control plane runs as the control planes\' account only, after its grants on the token', () => {
    const controlPlane = c.resource('google_compute_instance', 'c1-cp-1_');
    expect(controlPlane.service_account).toEqual({ email: email(controlPlanes), scopes: ['cloud-platform'] });
    expect(JSON.stringify(controlPlane)).not.toContain(workers);
    const grant = (fragment: string) => `google_secret_manager_secret_iam_member.${logicalId(c.json, 'google_secret_manager_secret_iam_member', fragment)}`;
    expect(controlPlane.depends_on).toEqual(expect.arrayContaining([grant('control-planes-join-token-read'), grant('control-planes-join-token-write')]));
  });

  test('every node\'s node.env names the token\'s `latest`', () => {
    const latest = `CAST_JOIN_TOKEN_SECRET='${shellQuoted(ref('google_secret_manager_secret', secret, 'name'))}/versions/latest'`;
    expect(c.userData(c.resource('google_compute_instance', 'c1-workers-1_').metadata['user-data'])).toContain(latest);
    expect(c.userData(c.resource('google_compute_instance', 'c1-cp-1_').metadata['user-data'])).toContain(latest);
  });

  test('the stack conforms to the vendored provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });
});

describe('GCP workers in a cluster with no GCP control plane', () => {
  const c = synthCluster([Cloud.DIGITALOCEAN, Cloud.GCP], {
    cp: { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE },
    workers: { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 1 },
    pool: { cloud: Cloud.GCP, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 3 } },
  });

  test('no store, no workers\' account: the VMs run with none (they join with the static token)', () => {
    // The one account is the etcd backup's writer, which no VM carries (test/backup).
    expect(Object.values<any>(c.json.resource.google_service_account ?? {}).map((a) => a.account_id)).toEqual([expect.stringMatching(/^c1-bk-/)]);
    expect(c.json.resource.google_secret_manager_secret).toBeUndefined();
    expect(c.resource('google_compute_instance', 'c1-workers-1_').service_account).toBeUndefined();
    expect(c.resource('google_compute_instance_template', 'c1-pool').service_account).toBeUndefined();
    // Kept for the day a GCP control plane is added: the running worker is not stopped then.
    expect(c.resource('google_compute_instance', 'c1-workers-1_').lifecycle.ignore_changes).toContain('service_account');
  });

  test('the stack conforms to the vendored provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });
});

describe('the workers\' account id', () => {
  // hashicorp/google 6.50.0 google_service_account.account_id: 6-30 characters, [a-z]([-a-z0-9]*[a-z0-9]).
  const ACCOUNT_ID = /^[a-z]([-a-z0-9]*[a-z0-9])$/;

  test.each(['c1', 'prod', 'a-cluster-name-of-30-characte', 'fifteen-chars-x-and-more', 'abcdefghijklmn-pq'])('cluster %s: valid for every value of its random suffix, and not the control planes\'', (name) => {
    // The nodes' accounts (the etcd backup's writer, `-bk-`, is test/backup's).
    const accounts = Object.values(gcpCluster(name).resources('google_service_account')).map((a) => a.account_id as string).filter((a) => !a.includes('-bk-'));
    expect(accounts).toHaveLength(2);
    const worker = accounts.find((a) => a.includes('-wk-'))!;
    for (const hex of ['00000000', 'ffffffff', '0a1b2c3d']) {
      const id = worker.replace(/\$\{random_id\.[^}]+\.hex\}/, hex);
      expect(id).toMatch(ACCOUNT_ID);
      expect(id.length).toBeGreaterThanOrEqual(6);
      expect(id.length).toBeLessThanOrEqual(30);
    }
    expect(new Set(accounts).size).toBe(2);
  });
});

describe('the GCP scaling group with a workers\' identity (no API seeds)', () => {
  const EMAIL = 'c1-wk-0a1b2c3d@p.iam.gserviceaccount.com';
  const withAccount = synthScaling(Cloud.GCP, [{ workerIdentity: () => ({ gcpServiceAccountEmail: EMAIL }) }]);
  const withoutAccount = synthScaling(Cloud.GCP, [{ workerIdentity: () => undefined }]);

  test('the template runs as the account the identity names; no block while it names none', () => {
    expect(withAccount.resource('google_compute_instance_template').service_account).toEqual({ email: EMAIL, scopes: ['cloud-platform'] });
    expect(withoutAccount.resource('google_compute_instance_template').service_account).toBeUndefined();
  });

  test('the account may come later (a new template): the group keeps its running VMs either way', () => {
    for (const s of [withAccount, withoutAccount]) expect(s.resource('google_compute_instance_group_manager').update_policy).toEqual({ type: 'OPPORTUNISTIC', minimal_action: 'REPLACE' });
  });

  test('the stacks conform to the vendored provider schemas', () => {
    for (const s of [withAccount, withoutAccount]) expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
