/**
 * The join token on Azure (docs/decisions/0006-join-tokens-from-the-cloud.md).
 *
 * Node side: keys_azure.py's read_join_token and write_join_token, called as join_token.py calls them, against the
 * fake IMDS and Key Vault of azure-lab.ts (which names the documents they follow): what a write sends, a write then
 * a read, what may pass (Unavailable) and what will not (Refused).
 *
 * Terraform side (lib/keys/azure.ts, lib/nodes/azure.ts, lib/nodes/scaling/azure.ts): a vault of its own holding no
 * Terraform secret, the control planes' identity may read and write there, a new workers' identity may only read
 * there and nothing else, and which VMs and scale sets carry that identity.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { CONTROL_PLANE_JOIN_TOKEN_PERMISSIONS, CONTROL_PLANE_SECRET_PERMISSIONS, JOIN_TOKEN_SECRET_NAME, JOIN_TOKEN_VAULT_NAME_PREFIX, WORKER_JOIN_TOKEN_PERMISSIONS } from '../../lib/keys/azure';
import { logicalId, synthCluster, SynthesizedCluster } from '../nodes/node-fixture';
import { synthScaling } from '../nodes/scaling/scaling-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { AzureLab, AzureLabState, startAzureLab, tokenFor, VAULT_RESOURCE } from './azure-lab';
import { cleanUpKeysLab, installReader } from './keys-lab';

const CONTROL_PLANE_CLIENT_ID = '6f1d2c3b-8a4e-4f5a-9b6c-7d8e9f0a1b2c';
const WORKER_CLIENT_ID = '3c2b1a0f-9e8d-4c7b-8a69-5f4e3d2c1b0a';
const SECRET_URL = 'https://castjoin1f2e3d4c5b6a7988.vault.azure.net/secrets/join-token';
const TOKEN = 'abcdef.0123456789abcdef';

/** What one call of the module gave: its return value, or the exception it raised. */
type Outcome = { token?: string; written?: true; unavailable?: string; refused?: string };

// Calls castmesh.keys_azure on the installed copy, as join_token.py does, and prints the outcome as JSON.
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
from castmesh import keys, keys_azure
env = json.loads(sys.argv[3])
try:
    if sys.argv[2] == 'read':
        print(json.dumps({'token': keys_azure.read_join_token(env)}))
    else:
        keys_azure.write_join_token(env, sys.argv[4])
        print(json.dumps({'written': True}))
except keys.Unavailable as error:
    print(json.dumps({'unavailable': str(error)}))
except keys.Refused as error:
    print(json.dumps({'refused': str(error)}))
`;

/** A reference as node.env holds it: quoted for the shell at apply time (render-template.ts, shellSingleQuoted). */
const shellQuoted = (reference: string): string => `\${replace(${reference.slice(2, -1)}, "'", "'\\\\''")}`;

let lab: AzureLab;
let mesh: string;

beforeAll(async () => {
  lab = await startAzureLab(freshState());
  const node = installReader({ 'ca.crt': '' }, {}, { 'keys_azure.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_azure.py')) });
  mesh = join(node.root, 'mesh');
});
afterAll(async () => {
  await lab.close();
  cleanUpKeysLab();
});

/** Both identities on the VM (the lab's IMDS serves either); the control planes may read and write, the workers read. */
function freshState(): AzureLabState {
  return {
    identities: [CONTROL_PLANE_CLIENT_ID, WORKER_CLIENT_ID], identityNotFoundFor: 0, granted: [CONTROL_PLANE_CLIENT_ID, WORKER_CLIENT_ID],
    settable: [CONTROL_PLANE_CLIENT_ID], forbiddenFor: 0, secrets: {}, secretAnswer: undefined, writeAnswer: undefined,
  };
}

beforeEach(() => {
  Object.assign(lab.state, freshState());
  lab.imdsRequests.length = 0;
  lab.vaultRequests.length = 0;
});

/** node.env of a worker (its own identity) or of a control plane (the key store's). */
function nodeEnv(role: 'worker' | 'control-plane', change: Record<string, string> = {}): Record<string, string> {
  const clientId = role === 'worker' ? WORKER_CLIENT_ID : CONTROL_PLANE_CLIENT_ID;
  return { CAST_JOIN_TOKEN_STORE: 'azure-key-vault', CAST_JOIN_TOKEN_SECRET: SECRET_URL, CAST_JOIN_TOKEN_REGION: '', CAST_JOIN_TOKEN_CLIENT_ID: clientId, ...change };
}

function call(env: Record<string, string>, action: 'read' | 'write', token = TOKEN): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, mesh, action, JSON.stringify(env), token], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CAST_KEYS_METADATA_URL: lab.imdsUrl, CAST_KEYS_API_URL: lab.vaultUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (status) => (status === 0 ? resolve(JSON.parse(stdout) as Outcome) : reject(new Error(`driver exited ${status}: ${stderr}`))));
  });
}

describe('keys_azure.py: the join token against a fake IMDS and Key Vault', () => {
  test("a control plane's write is Set Secret: PUT on the secret's name, api-version 7.4, its own bearer token, {\"value\": token} and nothing else", async () => {
    expect(await call(nodeEnv('control-plane'), 'write')).toEqual({ written: true });

    expect(lab.imdsRequests).toHaveLength(1);
    expect(Object.fromEntries(lab.imdsRequests[0].query)).toEqual({ 'api-version': '2018-02-01', 'resource': VAULT_RESOURCE, 'client_id': CONTROL_PLANE_CLIENT_ID });
    expect(lab.imdsRequests[0].headers.metadata).toBe('true');

    expect(lab.vaultRequests).toHaveLength(1);
    const [write] = lab.vaultRequests;
    expect(write.method).toBe('PUT');
    expect(write.path).toBe('/secrets/join-token');
    expect(Object.fromEntries(write.query)).toEqual({ 'api-version': '7.4' });
    expect(write.headers.authorization).toBe(`Bearer ${tokenFor(CONTROL_PLANE_CLIENT_ID, VAULT_RESOURCE)}`);
    expect(write.headers['content-type']).toBe('application/json');
    expect(JSON.parse(write.body!)).toEqual({ value: TOKEN });
    expect(lab.state.secrets).toEqual({ 'join-token': TOKEN });
  });

  test('a write then a read by a worker, with its own identity: the latest token, stripped', async () => {
    expect(await call(nodeEnv('control-plane'), 'write', 'aaaaaa.aaaaaaaaaaaaaaaa')).toEqual({ written: true });
    expect(await call(nodeEnv('control-plane'), 'write', `${TOKEN}\n`)).toEqual({ written: true });
    lab.imdsRequests.length = 0;
    lab.vaultRequests.length = 0;

    expect(await call(nodeEnv('worker'), 'read')).toEqual({ token: TOKEN });
    expect(lab.imdsRequests.map((r) => r.query.get('client_id'))).toEqual([WORKER_CLIENT_ID]);
    expect(lab.vaultRequests.map((r) => [r.method, r.path, r.query.get('api-version'), r.headers.authorization])).toEqual([
      ['GET', '/secrets/join-token', '7.4', `Bearer ${tokenFor(WORKER_CLIENT_ID, VAULT_RESOURCE)}`],
    ]);
  });

  test('before the first control plane publishes one (the secret does not exist yet, 404 SecretNotFound): Unavailable, "no join token published yet"', async () => {
    expect(await call(nodeEnv('worker'), 'read')).toEqual({
      unavailable: `no join token published yet at ${SECRET_URL} (HTTP 404: SecretNotFound: A secret with (name/id) join-token was not found in this key vault.)`,
    });
  });

  test("a worker's identity may not write (403, its policy has Get alone), and a read by an identity whose policy has not spread yet is 403 too: both Unavailable", async () => {
    const write = await call(nodeEnv('worker'), 'write');
    expect(write.unavailable).toMatch(new RegExp(`^Key Vault did not take the write to ${SECRET_URL} yet \\(HTTP 403: Forbidden/AccessDenied: .*does not have secrets set permission`));
    expect(lab.state.secrets).toEqual({});

    Object.assign(lab.state, { granted: [CONTROL_PLANE_CLIENT_ID], secrets: { 'join-token': TOKEN } });
    const read = await call(nodeEnv('worker'), 'read');
    expect(read.unavailable).toMatch(new RegExp(`^Key Vault gave no secret at ${SECRET_URL} yet \\(HTTP 403: Forbidden/AccessDenied: .*does not have secrets get permission`));
  });

  test("a control plane's write while its Set policy is not in force yet: Unavailable, and the next try writes", async () => {
    lab.state.forbiddenFor = 1;
    expect((await call(nodeEnv('control-plane'), 'write')).unavailable).toContain('HTTP 403: Forbidden/AccessDenied');
    expect(await call(nodeEnv('control-plane'), 'write')).toEqual({ written: true });
  });

  test.each<[string, Partial<AzureLabState>, 'read' | 'write', string]>([
    ['throttled write (429)', { writeAnswer: { status: 429, body: '{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}}' } }, 'write', 'HTTP 429: Throttled'],
    ['server error on write (503)', { writeAnswer: { status: 503, body: 'Service Unavailable' } }, 'write', 'HTTP 503: Service Unavailable'],
    ['server error on read (500)', { secrets: { 'join-token': TOKEN }, secretAnswer: { status: 500, body: '{"error":{"code":"InternalServerError","message":"oops"}}' } }, 'read', 'HTTP 500: InternalServerError: oops'],
    ['the identity not on the VM yet', { identityNotFoundFor: 1 }, 'read', `IMDS gave no token for identity ${WORKER_CLIENT_ID} yet (HTTP 400: invalid_request: Identity not found)`],
  ])('%s may pass with time: Unavailable', async (_name, change, action, message) => {
    Object.assign(lab.state, change);
    const outcome = await call(nodeEnv(action === 'write' ? 'control-plane' : 'worker'), action);
    expect(outcome.unavailable).toContain(message);
  });

  test.each<[string, Partial<AzureLabState>, 'read' | 'write', string]>([
    ['200 without a value', { secrets: { 'join-token': TOKEN }, secretAnswer: { status: 200, body: '{"id":"https://castlab.vault.azure.net/secrets/join-token/1","attributes":{}}' } }, 'read', `Key Vault answered 200 for ${SECRET_URL} without a secret value`],
    ['200 that is not JSON', { secrets: { 'join-token': TOKEN }, secretAnswer: { status: 200, body: '<html>captive portal</html>' } }, 'read', 'without a secret value'],
    ['a write refused as malformed (400)', { writeAnswer: { status: 400, body: '{"error":{"code":"BadParameter","message":"Property value is required."}}' } }, 'write', `Key Vault refused the write to ${SECRET_URL} (HTTP 400: BadParameter: Property value is required.)`],
    ['a soft-deleted secret of that name (409)', { writeAnswer: { status: 409, body: '{"error":{"code":"Conflict","message":"Secret join-token is currently in a deleted but recoverable state.","innererror":{"code":"ObjectIsDeletedButRecoverable"}}}' } }, 'write', 'HTTP 409: Conflict/ObjectIsDeletedButRecoverable'],
  ])('%s will not pass: Refused', async (_name, change, action, message) => {
    Object.assign(lab.state, change);
    const outcome = await call(nodeEnv(action === 'write' ? 'control-plane' : 'worker'), action);
    expect(outcome.refused).toContain(message);
  });

  test.each([
    ['a secret URL that is no Key Vault', { CAST_JOIN_TOKEN_SECRET: 'https://castjoin1f2e3d4c5b6a7988.vault.azure.net.example.com/secrets/join-token' }, "CAST_JOIN_TOKEN_SECRET must be https://<vault>.{vault.azure.cn,vault.azure.net,vault.usgovcloudapi.net}/secrets/<name> (got 'https://castjoin1f2e3d4c5b6a7988.vault.azure.net.example.com/secrets/join-token')"],
    ['no client id', { CAST_JOIN_TOKEN_CLIENT_ID: '' }, "CAST_JOIN_TOKEN_CLIENT_ID must be the client id (a UUID) of the identity that reads the vault (got '')"],
  ])('%s is refused before IMDS is asked, on read and on write', async (_name, change, message) => {
    for (const action of ['read', 'write'] as const) {
      expect(await call(nodeEnv('control-plane', change), action)).toEqual({ refused: expect.stringContaining(message) });
    }
    expect(lab.imdsRequests).toEqual([]);
    expect(lab.vaultRequests).toEqual([]);
  });
});

const ref = (c: SynthesizedCluster, type: string, fragment: string, attribute: string) => `\${${type}.${logicalId(c.json, type, fragment)}.${attribute}}`;
const KEYS_VAULT = 'control-plane-keys-azure_vault_';
const JOIN_VAULT = 'join-token-vault_';
const CP_IDENTITY = 'control-plane-keys-azure_identity_';
const WORKER_IDENTITY = 'worker-identity';

describe('the Azure join token as synthesized', () => {
  // The worker groups come first: the cloud's control planes are added after them.
  const c = synthCluster([Cloud.AZURE], {
    workers: { cloud: Cloud.AZURE, role: NodeRole.WORKER, count: 2 },
    pool: { cloud: Cloud.AZURE, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } },
    cp: { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, count: 2 },
  });
  const policiesOn = (vault: string) => Object.values(c.resources('azurerm_key_vault_access_policy')).filter((p) => p.key_vault_id === ref(c, 'azurerm_key_vault', vault, 'id'));
  const workerIdentity = ref(c, 'azurerm_user_assigned_identity', WORKER_IDENTITY, 'id');
  const cpIdentity = ref(c, 'azurerm_user_assigned_identity', CP_IDENTITY, 'id');

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });

  test('a second vault, named from its own random_id (castjoin + 16 hex, 24 characters), set up as the keys\' vault', () => {
    expect(Object.keys(c.resources('azurerm_key_vault'))).toHaveLength(2);
    const vault = c.resource('azurerm_key_vault', JOIN_VAULT);
    const name = c.resource('random_id', 'join-token-vault-name');
    expect(name).toMatchObject({ byte_length: 8, prefix: JOIN_TOKEN_VAULT_NAME_PREFIX, provider: 'random.c1_random' });
    expect(JOIN_TOKEN_VAULT_NAME_PREFIX.length + 2 * 8).toBe(24);
    expect(vault.name).toBe(ref(c, 'random_id', 'join-token-vault-name', 'hex'));
    const withoutName = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([key]) => key !== 'name'));
    const settings = withoutName(vault);
    expect(settings).toEqual(withoutName(c.resource('azurerm_key_vault', KEYS_VAULT)));
    expect(settings).toMatchObject({ rbac_authorization_enabled: false, soft_delete_retention_days: 7, purge_protection_enabled: false });
  });

  test('no Terraform-managed secret in it: the one azurerm_key_vault_secret is the bundle, in the keys\' vault', () => {
    const secrets = Object.values(c.resources('azurerm_key_vault_secret'));
    expect(secrets.map((s) => s.key_vault_id)).toEqual([ref(c, 'azurerm_key_vault', KEYS_VAULT, 'id')]);
    expect(secrets.map((s) => s.name)).not.toContain(JOIN_TOKEN_SECRET_NAME);
  });

  test("its grants: the control planes' identity Get and Set, the workers' identity Get, nobody else (not Terraform's principal)", () => {
    expect(policiesOn(JOIN_VAULT).map((p) => [p.object_id, p.tenant_id, p.secret_permissions, p.key_permissions, p.certificate_permissions, p.storage_permissions])).toEqual([
      [ref(c, 'azurerm_user_assigned_identity', CP_IDENTITY, 'principal_id'), ref(c, 'azurerm_user_assigned_identity', CP_IDENTITY, 'tenant_id'), ['Get', 'Set'], undefined, undefined, undefined],
      [ref(c, 'azurerm_user_assigned_identity', WORKER_IDENTITY, 'principal_id'), ref(c, 'azurerm_user_assigned_identity', WORKER_IDENTITY, 'tenant_id'), ['Get'], undefined, undefined, undefined],
    ]);
    expect(CONTROL_PLANE_JOIN_TOKEN_PERMISSIONS).toEqual(['Get', 'Set']);
    expect(WORKER_JOIN_TOKEN_PERMISSIONS).toEqual(['Get']);
  });

  test("the workers' identity is granted nothing else: no policy on the keys' vault, no role assignment", () => {
    const principal = ref(c, 'azurerm_user_assigned_identity', WORKER_IDENTITY, 'principal_id');
    expect(Object.values(c.resources('azurerm_key_vault_access_policy')).filter((p) => p.object_id === principal).map((p) => p.key_vault_id)).toEqual([ref(c, 'azurerm_key_vault', JOIN_VAULT, 'id')]);
    expect(policiesOn(KEYS_VAULT).map((p) => p.object_id)).not.toContain(principal);
    expect(Object.values(c.resources('azurerm_role_assignment')).filter((r) => JSON.stringify(r).includes(WORKER_IDENTITY))).toEqual([]);
    // The control planes' grant on the bundle is unchanged: Get alone.
    expect(policiesOn(KEYS_VAULT).filter((p) => p.object_id === ref(c, 'azurerm_user_assigned_identity', CP_IDENTITY, 'principal_id')).map((p) => p.secret_permissions)).toEqual([CONTROL_PLANE_SECRET_PERMISSIONS]);
  });

  test("the workers' identity: in the cluster's resource group and region", () => {
    expect(c.resource('azurerm_user_assigned_identity', WORKER_IDENTITY)).toMatchObject({ name: 'c1-workers', location: 'eastus' });
    expect(c.resource('azurerm_user_assigned_identity', WORKER_IDENTITY).resource_group_name).toMatch(/^\$\{azurerm_resource_group\.[^.]+\.name\}$/);
  });

  test('static workers made before the control planes carry the workers\' identity alone; control planes carry theirs and the autoscaler\'s, never the workers\'', () => {
    for (const name of ['c1-workers-1_', 'c1-workers-2_']) {
      expect(c.resource('azurerm_linux_virtual_machine', name).identity).toEqual([{ type: 'UserAssigned', identity_ids: [workerIdentity] }]);
    }
    for (const name of ['c1-cp-1_', 'c1-cp-2_']) {
      expect(c.resource('azurerm_linux_virtual_machine', name).identity).toEqual([{ type: 'UserAssigned', identity_ids: [cpIdentity, ref(c, 'azurerm_user_assigned_identity', 'autoscaler', 'id')] }]);
    }
  });

  test('the autoscaled group made before the control planes runs with the workers\' identity alone', () => {
    expect(c.resource('azurerm_linux_virtual_machine_scale_set', 'c1-pool').identity).toEqual([{ type: 'UserAssigned', identity_ids: [workerIdentity] }]);
  });

  test('node.env names the join-token secret as vault_uri + secrets/join-token, with the reading identity of each role', () => {
    const secretUrl = `${shellQuoted(`\${trimsuffix(${ref(c, 'azurerm_key_vault', JOIN_VAULT, 'vault_uri').slice(2, -1)}, "/")}`)}/secrets/join-token`;
    const worker = c.userData(c.resource('azurerm_linux_virtual_machine', 'c1-workers-1_').custom_data);
    expect(worker).toContain(`CAST_JOIN_TOKEN_SECRET='${secretUrl}'`);
    expect(worker).toContain(`CAST_JOIN_TOKEN_CLIENT_ID='${shellQuoted(ref(c, 'azurerm_user_assigned_identity', WORKER_IDENTITY, 'client_id'))}'`);
    const cp = c.userData(c.resource('azurerm_linux_virtual_machine', 'c1-cp-1_').custom_data);
    expect(cp).toContain(`CAST_JOIN_TOKEN_SECRET='${secretUrl}'`);
    expect(cp).toContain(`CAST_JOIN_TOKEN_CLIENT_ID='${shellQuoted(ref(c, 'azurerm_user_assigned_identity', CP_IDENTITY, 'client_id'))}'`);
  });

  test('control planes are created after their grant to write the join token (the founder publishes the first one at once)', () => {
    const grant = `azurerm_key_vault_access_policy.${logicalId(c.json, 'azurerm_key_vault_access_policy', 'join-token-control-plane-access')}`;
    for (const name of ['c1-cp-1_', 'c1-cp-2_']) expect(c.resource('azurerm_linux_virtual_machine', name).depends_on).toContain(grant);
  });
});

describe('Azure without a control plane there', () => {
  test("no join-token vault, no workers' identity, and static workers carry no identity", () => {
    const c = synthCluster([Cloud.AWS, Cloud.AZURE], {
      cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
      workers: { cloud: Cloud.AZURE, role: NodeRole.WORKER },
    });
    expect(c.json.resource.azurerm_key_vault).toBeUndefined();
    expect(c.json.resource.azurerm_user_assigned_identity).toBeUndefined();
    expect(c.resource('azurerm_linux_virtual_machine', 'c1-workers-1_')).not.toHaveProperty('identity');
  });

  test("a scale set whose workers' identity is asked for and is none gets no identity attribute", () => {
    // (A cluster refuses autoscaled Azure groups without an Azure control plane; the builder still asks lazily.)
    const s = synthScaling(Cloud.AZURE, [{ workerIdentity: () => undefined }]);
    expect(s.resource('azurerm_linux_virtual_machine_scale_set', 'c1-pool')).not.toHaveProperty('identity');
  });
});
