/**
 * keys_azure.py, the node's Azure reader, run as the node runs it (`cast-control-plane-keys fetch`,
 * comments dropped) against a fake IMDS and a fake Key Vault on loopback that follow the
 * documented APIs (test/keys/azure-lab.ts names the documents): the token it asks for, the
 * request it reads the secret with, what it retries, what it refuses, and where its token goes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { CONTROL_PLANE_KEY_FILES } from '../../lib/core/bootstrap/control-plane-keys';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { AzureLab, AzureLabState, runReaderAsync, startAzureLab, tokenFor, VAULT_RESOURCE } from './azure-lab';
import { bundleOf, ClusterPki, cleanUpKeysLab, installReader, KeysNode, makeClusterPki } from './keys-lab';

const CLIENT_ID = '6f1d2c3b-8a4e-4f5a-9b6c-7d8e9f0a1b2c';
const AUTOSCALER_CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SECRET_URL = 'https://cast1f2e3d4c5b6a7988.vault.azure.net/secrets/control-plane-keys';

let pki: ClusterPki;
let lab: AzureLab;

beforeAll(async () => {
  pki = makeClusterPki();
  lab = await startAzureLab(freshState());
});
afterAll(async () => {
  await lab.close();
  cleanUpKeysLab();
});

function freshState(): AzureLabState {
  return { identities: [CLIENT_ID, AUTOSCALER_CLIENT_ID], identityNotFoundFor: 0, granted: [CLIENT_ID], forbiddenFor: 0, secrets: {}, secretAnswer: undefined };
}

beforeEach(() => {
  Object.assign(lab.state, freshState(), { secrets: { 'control-plane-keys': bundleOf(pki) } });
  lab.imdsRequests.length = 0;
  lab.vaultRequests.length = 0;
});

function azureNode(env: Record<string, string> = {}): KeysNode {
  return installReader(
    pki,
    { CAST_NODE_ROLE: 'control-plane', CAST_KEYS_STORE: 'azure-key-vault', CAST_KEYS_SECRET: SECRET_URL, CAST_KEYS_REGION: '', CAST_KEYS_CLIENT_ID: CLIENT_ID, ...env },
    { 'keys_azure.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_azure.py')) },
  );
}

function fetch(node: KeysNode, timeout: number) {
  return runReaderAsync(node, ['--timeout', String(timeout)], { CAST_KEYS_METADATA_URL: lab.imdsUrl, CAST_KEYS_API_URL: lab.vaultUrl });
}

const written = (node: KeysNode) => CONTROL_PLANE_KEY_FILES.filter((f) => existsSync(join(node.pkiDir, f.path))).map((f) => f.path);

describeWithTool('openssl', 'openssl', 'keys_azure.py against a fake IMDS and Key Vault', () => {
  test('reads the secret with a Key Vault token of the key identity and writes every file', async () => {
    const node = azureNode();
    const run = await fetch(node, 10);
    expect(run).toEqual({ status: 0, stderr: `cast-control-plane-keys: wrote 7 files from azure-key-vault to ${node.pkiDir}\n` });
    for (const file of CONTROL_PLANE_KEY_FILES) expect(readFileSync(join(node.pkiDir, file.path), 'utf8')).toBe(pki[file.path]);

    // IMDS: the documented query, the SSRF header, the identity named (the VM has two), no credential sent.
    expect(lab.imdsRequests).toHaveLength(1);
    const [token] = lab.imdsRequests;
    expect(token.method).toBe('GET');
    expect(Object.fromEntries(token.query)).toEqual({ 'api-version': '2018-02-01', 'resource': VAULT_RESOURCE, 'client_id': CLIENT_ID });
    expect(token.headers.metadata).toBe('true');
    expect(token.headers.authorization).toBeUndefined();

    // Key Vault: the secret's path, api-version 7.4, the bearer token IMDS gave, and nothing else secret.
    expect(lab.vaultRequests).toHaveLength(1);
    const [read] = lab.vaultRequests;
    expect(read.method).toBe('GET');
    expect(read.path).toBe('/secrets/control-plane-keys');
    expect(Object.fromEntries(read.query)).toEqual({ 'api-version': '7.4' });
    expect(read.headers.authorization).toBe(`Bearer ${tokenFor(CLIENT_ID, VAULT_RESOURCE)}`);
    expect(Object.keys(read.headers).sort()).toEqual(['accept', 'accept-encoding', 'authorization', 'connection', 'host', 'user-agent']);
    expect(read.headers.metadata).toBeUndefined();
  });

  test('403 while the access policy reaches the vault: tries again, then writes', async () => {
    lab.state.forbiddenFor = 1;
    const node = azureNode();
    const run = await fetch(node, 20);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`azure-key-vault: Key Vault gave no secret at ${SECRET_URL} yet (HTTP 403: Forbidden/AccessDenied: The user, group or application`);
    expect(run.stderr).toContain('trying again until 20 s have passed');
    expect(lab.vaultRequests).toHaveLength(2);
    expect(written(node)).toHaveLength(7);
  });

  test('IMDS "Identity not found" while the identity is being attached: tries again, then writes', async () => {
    lab.state.identityNotFoundFor = 1;
    const node = azureNode();
    const run = await fetch(node, 20);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`IMDS gave no token for identity ${CLIENT_ID} yet (HTTP 400: invalid_request: Identity not found)`);
    expect(lab.imdsRequests).toHaveLength(2);
    expect(lab.vaultRequests).toHaveLength(1);
  });

  test.each<[string, Partial<AzureLabState>, string]>([
    ['an identity without a policy (403)', { granted: [] }, 'HTTP 403: Forbidden/AccessDenied'],
    ['no such secret yet (404)', { secrets: {} }, 'HTTP 404: SecretNotFound: A secret with (name/id) control-plane-keys was not found'],
    ['throttling (429)', { secretAnswer: { status: 429, body: '{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}}' } }, 'HTTP 429: Throttled'],
    ['a server error (503)', { secretAnswer: { status: 503, body: 'Service Unavailable' } }, 'HTTP 503: Service Unavailable'],
    ['a 401 whose challenge names our resource (the token was not taken)', { secretAnswer: { status: 401, body: '{"error":{"code":"Unauthorized","message":"AKV10032: Invalid issuer."}}', headers: { 'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/t", resource="${VAULT_RESOURCE}"` } } }, 'Key Vault did not take the token'],
  ])('%s may pass with time: Unavailable, until --timeout', async (_name, change, message) => {
    Object.assign(lab.state, change);
    const node = azureNode();
    const run = await fetch(node, 1);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('azure-key-vault: gave up after 1 s');
    expect(written(node)).toEqual([]);
  });

  test.each<[string, Partial<AzureLabState>, string]>([
    ['200 without a value', { secretAnswer: { status: 200, body: '{"id":"https://castlab.vault.azure.net/secrets/control-plane-keys/1","attributes":{}}' } }, `Key Vault answered 200 for ${SECRET_URL} without a secret value`],
    ['200 that is not JSON', { secretAnswer: { status: 200, body: '<html>captive portal</html>' } }, 'without a secret value'],
    ['a value that is not the bundle', { secretAnswer: { status: 200, body: '{"value":"hunter2"}' } }, 'the secret is not JSON'],
    ['a 401 challenge for another cloud\'s vault resource', { secretAnswer: { status: 401, body: '{}', headers: { 'www-authenticate': 'Bearer authorization="https://login.chinacloudapi.cn/t", resource="https://vault.azure.cn"' } } }, `Key Vault at ${SECRET_URL} wants a token for https://vault.azure.cn, not ${VAULT_RESOURCE}`],
    ['a 400', { secretAnswer: { status: 400, body: '{"error":{"code":"BadParameter","message":"bad"}}' } }, `Key Vault refused ${SECRET_URL} (HTTP 400: BadParameter: bad)`],
  ])('%s will not pass: Refused at once, exit 1', async (_name, change, message) => {
    Object.assign(lab.state, change);
    const node = azureNode();
    const run = await fetch(node, 30);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('trying again');
    expect(lab.vaultRequests).toHaveLength(1);
    expect(written(node)).toEqual([]);
  });

  test.each([
    ['plain http', 'http://cast1f2e3d4c5b6a7988.vault.azure.net/secrets/control-plane-keys'],
    ['another host', 'https://keys.example.com/secrets/control-plane-keys'],
    ['a look-alike suffix', 'https://cast1f2e3d4c5b6a7988.vault.azure.net.example.com/secrets/control-plane-keys'],
    ['a user part', 'https://cast1f2e3d4c5b6a7988.vault.azure.net@example.com/secrets/control-plane-keys'],
    ['a port', 'https://cast1f2e3d4c5b6a7988.vault.azure.net:8443/secrets/control-plane-keys'],
    ['a query', 'https://cast1f2e3d4c5b6a7988.vault.azure.net/secrets/control-plane-keys?x=https://example.com'],
    ['another kind of object', 'https://cast1f2e3d4c5b6a7988.vault.azure.net/keys/control-plane-keys'],
    ['a managed HSM', 'https://cast1.managedhsm.azure.net/secrets/control-plane-keys'],
  ])('a secret URL with %s is refused before any token is asked for or sent', async (_name, url) => {
    const run = await fetch(azureNode({ CAST_KEYS_SECRET: url }), 30);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`CAST_KEYS_SECRET must be https://<vault>.{vault.azure.cn,vault.azure.net,vault.usgovcloudapi.net}/secrets/<name> (got '${url}')`);
    expect(lab.imdsRequests).toEqual([]);
    expect(lab.vaultRequests).toEqual([]);
  });

  test('a vault of Azure operated by 21Vianet gets a token for that cloud\'s Key Vault resource', async () => {
    const run = await fetch(azureNode({ CAST_KEYS_SECRET: 'https://cast1f2e3d4c5b6a7988.vault.azure.cn/secrets/control-plane-keys' }), 1);
    // The lab's vault is the global one: it answers 401 for the audience, with its challenge.
    expect(run.status).toBe(1);
    expect(lab.imdsRequests[0].query.get('resource')).toBe('https://vault.azure.cn');
    expect(run.stderr).toContain(`wants a token for ${VAULT_RESOURCE}, not https://vault.azure.cn`);
  });

  test('a client id that is not a UUID is refused before IMDS is asked', async () => {
    const run = await fetch(azureNode({ CAST_KEYS_CLIENT_ID: '' }), 30);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("CAST_KEYS_CLIENT_ID must be the client id (a UUID) of the identity that reads the vault (got '')");
    expect(lab.imdsRequests).toEqual([]);
  });

  test('an identity never attached looks like one being attached: retried until --timeout, then exit 1 with the reason', async () => {
    lab.state.identities = [AUTOSCALER_CLIENT_ID];
    const run = await fetch(azureNode(), 1);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`azure-key-vault: gave up after 1 s: IMDS gave no token for identity ${CLIENT_ID} yet (HTTP 400: invalid_request: Identity not found)`);
    expect(lab.vaultRequests).toEqual([]);
  });
});
