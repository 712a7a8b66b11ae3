/**
 * castmesh/keys_gcp.py, the node's Secret Manager reader, as the node runs it (the copy
 * with full-line comments dropped) behind `cast-control-plane-keys fetch`, against a fake
 * metadata server and a fake Secret Manager on loopback (test/keys/gcp-lab.ts, which says
 * which documented request and response shapes they follow).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_PLANE_KEY_FILES } from '../../lib/core/bootstrap/control-plane-keys';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { crc32c, FakeGcp, GCP_TOKEN, LATEST, pythonOnNode, runReaderAsync, startFakeGcp } from './gcp-lab';
import { bundleOf, ClusterPki, cleanUpKeysLab, installReader, KeysNode, makeClusterPki } from './keys-lab';

const GCP_ENV = { CAST_NODE_ROLE: 'control-plane', CAST_KEYS_STORE: 'gcp-secret-manager', CAST_KEYS_SECRET: LATEST, CAST_KEYS_REGION: '', CAST_KEYS_CLIENT_ID: '' };

let pki: ClusterPki;
let gcp: FakeGcp;

beforeAll(async () => {
  pki = makeClusterPki();
  gcp = await startFakeGcp();
});
afterAll(async () => {
  await gcp.close();
  cleanUpKeysLab();
});
beforeEach(() => {
  gcp.requests.length = 0;
  gcp.hasServiceAccount = true;
});

/** A control plane whose reader is the node's copy of keys.py and keys_gcp.py. */
function gcpNode(env: Record<string, string> = GCP_ENV): KeysNode {
  return installReader(pki, env, { 'keys_gcp.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_gcp.py')) });
}

const written = (node: KeysNode) => CONTROL_PLANE_KEY_FILES.filter((f) => existsSync(join(node.pkiDir, f.path))).map((f) => f.path);
const accesses = () => gcp.requests.filter((r) => r.service === 'secret-manager');

describe('CRC-32C, as keys_gcp.py checks dataCrc32c with', () => {
  // The check value of CRC-32C (CRC-32/ISCSI) over the ASCII "123456789" is 0xE3069283 (Greg Cook,
  // "Catalogue of parametrised CRC algorithms", reveng.sourceforge.io/crc-catalogue/all.htm,
  // CRC-32/ISCSI); RFC 3720 Appendix B.4 gives the CRC of 32 zero bytes, 32 0xFF bytes and the
  // bytes 0..31 (aa 36 91 8a, 43 ab a8 62, 4e 79 dd 46, least significant byte first).
  const vectors: [string, Buffer, number][] = [
    ['"123456789"', Buffer.from('123456789'), 0xe3069283],
    ['32 zero bytes', Buffer.alloc(32, 0), 0x8a9136aa],
    ['32 0xFF bytes', Buffer.alloc(32, 0xff), 0x62a8ab43],
    ['the bytes 0..31', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
  ];

  test.each(vectors)('the lab\'s own of %s is the published value', (_name, data, value) => {
    expect(crc32c(data)).toBe(value);
  });

  test('the node\'s gives every published value', async () => {
    const node = gcpNode();
    const program = `from castmesh.keys_gcp import crc32c\nfor h in ${JSON.stringify(vectors.map(([, data]) => data.toString('hex')))}: print(crc32c(bytes.fromhex(h)))`;
    expect((await pythonOnNode(node, program)).split('\n').map(Number)).toEqual(vectors.map(([, , value]) => value));
  });
});

describeWithTool('openssl', 'openssl', 'cast-control-plane-keys fetch from GCP Secret Manager', () => {
  test('reads the secret with the VM\'s service-account token and writes every file', async () => {
    gcp.answers = [{ kind: 'payload', data: Buffer.from(bundleOf(pki)) }];
    const node = gcpNode();
    const run = await runReaderAsync(node, gcp);
    expect(run).toEqual({ status: 0, stderr: `cast-control-plane-keys: wrote 7 files from gcp-secret-manager to ${node.pkiDir}\n` });
    for (const file of CONTROL_PLANE_KEY_FILES) expect(readFileSync(join(node.pkiDir, file.path), 'utf8')).toBe(pki[file.path]);
    expect(gcp.requests.map((r) => `${r.service} ${r.method} ${r.url}`)).toEqual([
      'metadata GET /computeMetadata/v1/instance/service-accounts/default/token',
      `secret-manager GET /v1/${LATEST}:access`,
    ]);
  });

  test('each request carries what its service requires and no other credential', async () => {
    gcp.answers = [{ kind: 'payload', data: Buffer.from(bundleOf(pki)) }];
    expect((await runReaderAsync(gcpNode(), gcp)).status).toBe(0);
    const [token, access] = gcp.requests;
    expect(token.headers['metadata-flavor']).toBe('Google');
    expect(token.headers.authorization).toBeUndefined();
    // The metadata server refuses requests that went through a proxy (X-Forwarded-For).
    expect(token.headers['x-forwarded-for']).toBeUndefined();
    expect(access.headers.authorization).toBe(`Bearer ${GCP_TOKEN}`);
    expect(access.headers['metadata-flavor']).toBeUndefined();
    expect(access.url).not.toContain(GCP_TOKEN);
    const sent = (r: typeof token) => Object.keys(r.headers).filter((h) => !['host', 'user-agent', 'accept-encoding', 'connection'].includes(h)).sort();
    expect(sent(token)).toEqual(['metadata-flavor']);
    expect(sent(access)).toEqual(['authorization']);
  });

  test('not authorized yet (403 PERMISSION_DENIED while the grant propagates): tries again, then writes', async () => {
    gcp.answers = [{ kind: 'denied' }, { kind: 'payload', data: Buffer.from(bundleOf(pki)) }];
    const node = gcpNode();
    const run = await runReaderAsync(node, gcp, ['--timeout', '10']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`gcp-secret-manager: Secret Manager answered 403 PERMISSION_DENIED for ${LATEST}: Permission 'secretmanager.versions.access' denied`);
    expect(run.stderr).toContain('trying again until 10 s have passed');
    expect(accesses()).toHaveLength(2);
    expect(written(node)).toHaveLength(7);
  });

  test('a VM without a service account (metadata 404) is not ready: gives up after --timeout, reads no secret', async () => {
    gcp.hasServiceAccount = false;
    const node = gcpNode();
    const run = await runReaderAsync(node, gcp, ['--timeout', '1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('gcp-secret-manager: gave up after 1 s: this VM has no service account');
    expect(accesses()).toEqual([]);
    expect(written(node)).toEqual([]);
  });

  test.each<[string, number, string]>([
    ['429 RESOURCE_EXHAUSTED', 429, 'RESOURCE_EXHAUSTED'],
    ['503 UNAVAILABLE', 503, 'UNAVAILABLE'],
    ['404 NOT_FOUND (the secret not there yet)', 404, 'NOT_FOUND'],
  ])('%s may pass: tried again until --timeout', async (_name, status, code) => {
    gcp.answers = [{ kind: 'raw', status, body: JSON.stringify({ error: { code: status, message: 'lab', status: code } }) }];
    const run = await runReaderAsync(gcpNode(), gcp, ['--timeout', '1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`gave up after 1 s: Secret Manager answered ${status} ${code}`);
  });

  test('a payload that does not match its dataCrc32c is refused at once, nothing written', async () => {
    const data = Buffer.from(bundleOf(pki));
    gcp.answers = [{ kind: 'payload', data, crc32c: String(crc32c(data) ^ 1) }];
    const node = gcpNode();
    const run = await runReaderAsync(node, gcp, ['--timeout', '30']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the payload of ${LATEST} does not match its dataCrc32c (got ${crc32c(data)}, expected ${crc32c(data) ^ 1})`);
    expect(accesses()).toHaveLength(1);
    expect(written(node)).toEqual([]);
  });

  test('a payload without dataCrc32c is read (the field is optional)', async () => {
    gcp.answers = [{ kind: 'payload', data: Buffer.from(bundleOf(pki)), crc32c: null }];
    const node = gcpNode();
    expect((await runReaderAsync(node, gcp)).status).toBe(0);
    expect(written(node)).toHaveLength(7);
  });

  test.each<[string, string, string]>([
    ['no payload', JSON.stringify({ name: LATEST }), `Secret Manager's answer for ${LATEST} has no payload.data`],
    ['a payload that is not base64', JSON.stringify({ name: LATEST, payload: { data: '*** not base64 ***' } }), `the payload of ${LATEST} is not base64`],
    ['a body that is not JSON', '<html>oops</html>', "Secret Manager's answer is not a JSON object"],
  ])('a malformed answer (%s) is refused at once with the reason', async (_name, body, message) => {
    gcp.answers = [{ kind: 'raw', status: 200, body }];
    const run = await runReaderAsync(gcpNode(), gcp, ['--timeout', '30']);
    expect(run).toEqual({ status: 1, stderr: `cast-control-plane-keys: gcp-secret-manager: ${message}\n` });
    expect(accesses()).toHaveLength(1);
  });

  test('400 INVALID_ARGUMENT never passes: refused at once', async () => {
    gcp.answers = [{ kind: 'raw', status: 400, body: JSON.stringify({ error: { code: 400, message: 'bad name', status: 'INVALID_ARGUMENT' } }) }];
    const run = await runReaderAsync(gcpNode(), gcp, ['--timeout', '30']);
    expect(run).toEqual({ status: 1, stderr: `cast-control-plane-keys: gcp-secret-manager: Secret Manager answered 400 INVALID_ARGUMENT for ${LATEST}: bad name\n` });
  });

  test('a CAST_KEYS_SECRET that is not a version name is refused before any request', async () => {
    const run = await runReaderAsync(gcpNode({ ...GCP_ENV, CAST_KEYS_SECRET: 'c1-control-plane-keys' }), gcp, ['--timeout', '30']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("CAST_KEYS_SECRET must be projects/<project>/secrets/<id>/versions/<version> (got 'c1-control-plane-keys')");
    expect(gcp.requests).toEqual([]);
  });
});
