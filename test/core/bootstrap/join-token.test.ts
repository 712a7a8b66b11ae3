/**
 * A node that reads its join token from its cloud's secret store (docs/decisions/0006):
 * what its user-data holds (no token), what it names (the store), what it runs (the
 * reader; control planes the hourly rotation), and the checks on such input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cloud } from '../../../lib/core/cloud';
import { BOOT_JOIN_TOKEN, JOIN_TOKEN_GROUPS, JOIN_TOKEN_TTL } from '../../../lib/core/bootstrap/kubeadm-config';
import { JoinTokenSource, NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { templatesDirectory } from '../../../lib/core/bootstrap/template-files';
import { FAKE_CREDENTIALS, fakeMeshInput, problemsOf } from './bootstrap-fixtures';
import { contentOf, fileAt, parseDocuments, parseUserData } from './user-data-files';

const STORES: Record<'aws' | 'gcp' | 'azure', JoinTokenSource> = {
  aws: { store: 'aws-secrets-manager', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod-join-token-AbC123', region: 'eu-west-1' },
  gcp: { store: 'gcp-secret-manager', secretVersion: 'projects/acme/secrets/prod-join-token-1a2b/versions/latest' },
  azure: { store: 'azure-key-vault', secretUrl: 'https://cast0a1b2c3d.vault.azure.net/secrets/join-token', identityClientId: '11111111-2222-3333-4444-555555555555' },
};
const CLOUD_OF = { aws: Cloud.AWS, gcp: Cloud.GCP, azure: Cloud.AZURE } as const;
const STATIC = `${FAKE_CREDENTIALS.bootstrapTokenId}.${FAKE_CREDENTIALS.bootstrapTokenSecret}`;
/** Every credential but the static token: a control plane's keys, which a store-reading control plane must not get. */
const WITHOUT_TOKEN = Object.fromEntries(Object.entries(FAKE_CREDENTIALS).filter(([field]) => !field.startsWith('bootstrapToken'))) as typeof FAKE_CREDENTIALS;

/** A node of `cloud` that reads its token from the store; a control plane reads its keys from the store too. */
function storeInput(kind: 'worker' | 'control-plane', cloud: keyof typeof STORES, overrides: Partial<NodeBootstrapInput> = {}): NodeBootstrapInput {
  const keys = kind === 'control-plane' ? { controlPlaneKeys: STORES[cloud], credentials: { caCertB64: FAKE_CREDENTIALS.caCertB64 } } : { credentials: { caCertB64: FAKE_CREDENTIALS.caCertB64 } };
  return fakeMeshInput(kind, CLOUD_OF[cloud], {}, { ...keys, joinToken: STORES[cloud], ...overrides });
}

const files = (input: NodeBootstrapInput) => parseUserData(renderNodeUserData(input));
const text = (input: NodeBootstrapInput, path: string) => contentOf(fileAt(files(input), path));
const envOf = (body: string) => Object.fromEntries([...body.matchAll(/^([A-Z0-9_]+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));

describe('a node that reads its join token from its cloud', () => {
  test.each(['aws', 'gcp', 'azure'] as const)('%s worker: no token anywhere in its user-data; the kubeadm file waits for the one read at boot', (cloud) => {
    const input = storeInput('worker', cloud);
    const rendered = renderNodeUserData(input);
    expect(rendered).not.toContain(FAKE_CREDENTIALS.bootstrapTokenSecret);
    expect(parseDocuments(text(input, '/etc/cast/kubeadm.yaml'))[0].discovery.tlsBootstrapToken).toBe(BOOT_JOIN_TOKEN);
    expect(envOf(text(input, '/etc/cast/mesh.env')).CAST_MESH_TOKEN).toBe('');
  });

  test('node.env names the store as each cloud reads it', () => {
    const env = (cloud: keyof typeof STORES) => {
      const all = envOf(text(storeInput('worker', cloud), '/etc/cast/node.env'));
      return Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith('CAST_JOIN_TOKEN_')));
    };
    expect(env('aws')).toEqual({ CAST_JOIN_TOKEN_STORE: 'aws-secrets-manager', CAST_JOIN_TOKEN_SECRET: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod-join-token-AbC123', CAST_JOIN_TOKEN_REGION: 'eu-west-1', CAST_JOIN_TOKEN_CLIENT_ID: '' });
    expect(env('gcp')).toEqual({ CAST_JOIN_TOKEN_STORE: 'gcp-secret-manager', CAST_JOIN_TOKEN_SECRET: 'projects/acme/secrets/prod-join-token-1a2b/versions/latest', CAST_JOIN_TOKEN_REGION: '', CAST_JOIN_TOKEN_CLIENT_ID: '' });
    expect(env('azure')).toEqual({
      CAST_JOIN_TOKEN_STORE: 'azure-key-vault',
      CAST_JOIN_TOKEN_SECRET: 'https://cast0a1b2c3d.vault.azure.net/secrets/join-token',
      CAST_JOIN_TOKEN_REGION: '',
      CAST_JOIN_TOKEN_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
    });
  });

  test('a worker carries the token reader and its own store\'s client, not the key reader nor other clouds\' clients', () => {
    const paths = files(storeInput('worker', 'gcp')).write_files.map((f) => f.path).filter((p) => p.startsWith('/opt/cast/mesh/') || p.startsWith('/etc/systemd/'));
    expect(paths).toEqual(expect.arrayContaining(['/opt/cast/mesh/cast-join-token', '/opt/cast/mesh/castmesh/join_token.py', '/opt/cast/mesh/castmesh/keys.py', '/opt/cast/mesh/castmesh/keys_gcp.py']));
    expect(paths.filter((p) => /keys_(aws|azure)|cast-control-plane-keys|cast-join-token\.(service|timer)|node_gc/.test(p))).toEqual([]);
  });

  test('a worker without a store carries none of it, and joins with the static token', () => {
    const input = fakeMeshInput('worker', Cloud.DIGITALOCEAN);
    const paths = files(input).write_files.map((f) => f.path);
    expect(paths.filter((p) => /join.token|keys/.test(p))).toEqual([]);
    expect(parseDocuments(text(input, '/etc/cast/kubeadm.yaml'))[0].discovery.tlsBootstrapToken).toBe(STATIC);
  });

  test('a control plane founds the cluster with the token it makes (24 h, kubeadm\'s groups), and rotates it hourly', () => {
    const input = storeInput('control-plane', 'aws');
    expect(renderNodeUserData(input)).not.toContain(FAKE_CREDENTIALS.bootstrapTokenSecret);
    const init = parseDocuments(text(input, '/etc/cast/kubeadm-init.yaml')).find((d) => d.kind === 'InitConfiguration')!;
    expect(init.bootstrapTokens).toEqual([
      { token: BOOT_JOIN_TOKEN, description: 'cdktf-cast-cluster join token (rotated)', ttl: JOIN_TOKEN_TTL, usages: ['signing', 'authentication'], groups: [...JOIN_TOKEN_GROUPS] },
    ]);
    for (const path of ['/etc/cast/kubeadm.yaml', '/etc/cast/kubeadm-control-plane.yaml']) {
      expect(parseDocuments(text(input, path))[0].discovery.tlsBootstrapToken).toBe(BOOT_JOIN_TOKEN);
    }
    const timer = text(input, '/etc/systemd/system/cast-join-token.timer');
    expect(timer).toMatch(/^OnUnitActiveSec=1h$/m);
    expect(text(input, '/etc/systemd/system/cast-join-token.service')).toMatch(/^ExecStart=\/usr\/bin\/python3 \/opt\/cast\/mesh\/cast-join-token rotate$/m);
  });

  test('a control plane without a store founds with the static token, with no expiry, and runs no rotation', () => {
    const input = fakeMeshInput('control-plane', Cloud.DIGITALOCEAN);
    const init = parseDocuments(text(input, '/etc/cast/kubeadm-init.yaml')).find((d) => d.kind === 'InitConfiguration')!;
    expect(init.bootstrapTokens.map((t: { token: string; ttl: string }) => [t.token, t.ttl])).toEqual([[STATIC, '0s']]);
    expect(files(input).write_files.map((f) => f.path).filter((p) => p.includes('join-token'))).toEqual([]);
  });

  test('the rotation makes tokens as the founder does: the same TTL and groups in Python and TypeScript', () => {
    const python = readFileSync(join(templatesDirectory(), 'mesh/agent/castmesh/join_token.py'), 'utf8');
    expect(python).toContain(`TTL = '${JOIN_TOKEN_TTL}'`);
    expect(python).toContain(`GROUPS = [${JOIN_TOKEN_GROUPS.map((g) => `'${g}'`).join(', ')}]`);
  });
});

describe('join-token input checks', () => {
  test('a node with a store must not get the static token; one without must; every problem at once', () => {
    const problems = problemsOf(storeInput('worker', 'aws', { credentials: { caCertB64: FAKE_CREDENTIALS.caCertB64, bootstrapTokenId: 'abcdef', bootstrapTokenSecret: '0123456789abcdef' } }));
    expect(problems).toEqual([
      expect.stringContaining('credentials.bootstrapTokenId must not be given to a node that reads its join token from aws-secrets-manager'),
      expect.stringContaining('credentials.bootstrapTokenSecret must not be given to a node that reads its join token from aws-secrets-manager'),
    ]);
    const without = problemsOf(fakeMeshInput('worker', Cloud.DIGITALOCEAN, {}, { credentials: { caCertB64: FAKE_CREDENTIALS.caCertB64 } }));
    expect(without).toEqual([expect.stringContaining('credentials.bootstrapTokenId must be 6 lowercase letters or digits'), expect.stringContaining('credentials.bootstrapTokenSecret must be 16 lowercase letters or digits')]);
  });

  test('an unknown store, or a value that could break node.env, is refused with the fix', () => {
    const problems = problemsOf(storeInput('worker', 'aws', { joinToken: { store: 'vault' as 'aws-secrets-manager', secretId: "x'; rm -rf /", region: 'eu-west-1' } }));
    expect(problems).toEqual([
      expect.stringMatching(/^joinToken\.store must be one of aws-secrets-manager, gcp-secret-manager, azure-key-vault \(got "vault"\)/),
      expect.stringMatching(/^joinToken\.secretId must be an identifier or URL .*Pass the secret store's own attributes\.$/),
    ]);
  });

  test('a control plane with both stores gets neither keys nor token in its user-data', () => {
    const rendered = renderNodeUserData(storeInput('control-plane', 'azure'));
    for (const secret of [FAKE_CREDENTIALS.bootstrapTokenSecret, FAKE_CREDENTIALS.caKeyB64, FAKE_CREDENTIALS.serviceAccountKeyB64]) expect(rendered).not.toContain(secret);
    const withKeys = problemsOf(storeInput('control-plane', 'azure', { credentials: WITHOUT_TOKEN }));
    expect(withKeys.every((p) => p.includes('must not be given to a control plane that reads its keys'))).toBe(true);
    expect(withKeys).toHaveLength(7);
  });
});
