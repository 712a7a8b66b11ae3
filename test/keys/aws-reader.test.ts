/**
 * The node's AWS reader (templates/mesh/agent/castmesh/keys_aws.py), as the node runs it
 * (compactScript copy, python3, stdlib only): Signature Version 4 against AWS's published
 * test suite, then `cast-control-plane-keys fetch` against a fake IMDSv2 and a fake Secrets
 * Manager on loopback (test/keys/aws-fakes.ts says which documentation each fake follows).
 *
 * The SigV4 vectors are AWS's "Signature Version 4 test suite"
 * (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html: credentials AKIDEXAMPLE /
 * wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, us-east-1, service `service`, 20150830T123600Z), with
 * the expected signatures as the AWS SDK for JavaScript keeps the suite:
 * smithy-lang/smithy-typescript packages/signature-v4/src/suite.fixture.ts (and
 * aws/aws-sdk-js-v3 packages/signature-v4/src/suite.fixture.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { FAKE_CREDENTIALS, FakeAws, FakeAwsOptions, runReaderAsync, sigV4, startFakeAws } from './aws-fakes';
import { bundleOf, ClusterPki, cleanUpKeysLab, installReader, KeysNode, makeClusterPki } from './keys-lab';

const MODULE = { 'keys_aws.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_aws.py')) };
const REGION = 'eu-west-1';
const ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:c1-control-plane-keys-20261205000000000000000001-AbCdEf`;
const NODE_ENV = { CAST_KEYS_STORE: 'aws-secrets-manager', CAST_KEYS_SECRET: ARN, CAST_KEYS_REGION: REGION, CAST_KEYS_CLIENT_ID: '' };

// The suite's credentials and session token (post-sts-token); public test values, not secrets.
const SUITE = { accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', amzDate: '20150830T123600Z' };
const SUITE_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
const HOST = { 'Host': 'example.amazonaws.com', 'X-Amz-Date': SUITE.amzDate };
const VECTORS: { name: string; method: string; query?: string; headers: Record<string, string>; body?: string; signedHeaders: string; signature: string }[] = [
  { name: 'get-vanilla', method: 'GET', headers: HOST, signedHeaders: 'host;x-amz-date', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'post-vanilla', method: 'POST', headers: HOST, signedHeaders: 'host;x-amz-date', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  {
    name: 'post-x-www-form-urlencoded',
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...HOST },
    body: 'Param1=value1',
    signedHeaders: 'content-type;host;x-amz-date',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
  { name: 'post-header-key-sort', method: 'POST', headers: { ...HOST, 'My-Header1': 'value1' }, signedHeaders: 'host;my-header1;x-amz-date', signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c' },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    headers: { ...HOST, 'My-Header1': ' value1', 'My-Header2': '"a   b   c"' },
    signedHeaders: 'host;my-header1;my-header2;x-amz-date',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  { name: 'get-vanilla-query-order-key-case', method: 'GET', query: 'Param2=value2&Param1=value1', headers: HOST, signedHeaders: 'host;x-amz-date', signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
  {
    name: 'post-sts-header-before',
    method: 'POST',
    headers: { ...HOST, 'X-Amz-Security-Token': SUITE_TOKEN },
    signedHeaders: 'host;x-amz-date;x-amz-security-token',
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
  },
];

/** Python run beside the lab node's castmesh package, without blocking the fakes: stdout parsed as JSON. */
function python(node: KeysNode, code: string, env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', code], { cwd: join(node.root, 'mesh'), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

let pki: ClusterPki;
beforeAll(() => {
  pki = makeClusterPki();
});
afterAll(() => cleanUpKeysLab());

describe('Signature Version 4: the AWS test suite', () => {
  // One python3 for every vector: sign_v4 of each, in order.
  let signed: Promise<{ signature: string; authorization: string }[]>;
  beforeAll(() => {
    const node = installReader(pki, NODE_ENV, MODULE);
    const calls = VECTORS.map((v) => [v.method, '/', v.query ?? '', v.headers, v.body ?? '', SUITE.accessKey, SUITE.secretKey, 'us-east-1', 'service']);
    signed = python(node, `import json\nfrom castmesh.keys_aws import sign_v4\nprint(json.dumps([sign_v4(*a[:4], a[4].encode(), *a[5:]) for a in json.loads(${JSON.stringify(JSON.stringify(calls))})]))`).then((run) => {
      if (run.status !== 0) throw new Error(run.stderr);
      return JSON.parse(run.stdout);
    });
  });

  test.each(VECTORS.map((vector, index) => ({ ...vector, index })))('$name', async (vector) => {
    const result = (await signed)[vector.index];
    expect(result.signature).toBe(vector.signature);
    expect(result.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${vector.signedHeaders}, Signature=${vector.signature}`);
  });

  test.each(VECTORS.filter((v) => !v.query))("the fake's own check agrees: $name", (vector) => {
    const headers = Object.fromEntries(Object.entries(vector.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(sigV4({ method: vector.method, path: '/', headers, body: vector.body ?? '' }, vector.signedHeaders.split(';'), SUITE.secretKey, { date: '20150830', region: 'us-east-1', service: 'service' }, SUITE.amzDate)).toBe(vector.signature);
  });
});

describe('cast-control-plane-keys fetch from Secrets Manager', () => {
  let fake: FakeAws | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  const start = async (options: Partial<FakeAwsOptions> = {}) => {
    fake = await startFakeAws({ secretArn: ARN, region: REGION, secretString: bundleOf(pki), ...options });
    return fake;
  };
  const endpoints = (f: FakeAws) => ({ CAST_KEYS_METADATA_URL: f.metadataUrl, CAST_KEYS_API_URL: f.apiUrl });

  test('reads the secret with the role credentials from IMDSv2 and writes the keys', async () => {
    const f = await start();
    const node = installReader(pki, NODE_ENV, MODULE);
    const run = await runReaderAsync(node, ['--timeout', '5'], endpoints(f));
    expect(run.stderr).toContain('wrote 7 files from aws-secrets-manager');
    expect(run.status).toBe(0);
    for (const path of ['ca.key', 'etcd/ca.key', 'front-proxy-ca.key', 'sa.key', 'sa.pub']) expect(readFileSync(join(node.pkiDir, path), 'utf8')).toBe(pki[path]);
    expect(f.metadataRequests).toEqual(['PUT /latest/api/token', 'GET /latest/meta-data/iam/security-credentials/', 'GET /latest/meta-data/iam/security-credentials/c1-cp-20261205000000000000000001']);
    expect(f.storeRequests.map((r) => r.problems)).toEqual([[]]);
  });

  test('the request carries the signed session credentials and nothing else secret', async () => {
    const f = await start();
    const node = installReader(pki, NODE_ENV, MODULE);
    expect((await runReaderAsync(node, ['--timeout', '5'], endpoints(f))).status).toBe(0);
    const [request] = f.storeRequests;
    // The fake recomputed the signature with the secret key it handed out: it matched (no problems).
    expect(request.problems).toEqual([]);
    expect(request.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.AccessKeyId}/\\d{8}/${REGION}/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, `));
    expect(request.headers['x-amz-security-token']).toBe(FAKE_CREDENTIALS.Token);
    expect(request.headers.host).toBe(new URL(f.apiUrl).host);
    expect(JSON.parse(request.body)).toEqual({ SecretId: ARN });
    // The secret key signs; it is never sent.
    expect(JSON.stringify(request)).not.toContain(FAKE_CREDENTIALS.SecretAccessKey);
    expect(Object.keys(request.headers).sort()).toEqual(['accept-encoding', 'authorization', 'connection', 'content-length', 'content-type', 'host', 'user-agent', 'x-amz-date', 'x-amz-security-token', 'x-amz-target']);
  });

  test('AccessDenied while the grant propagates, then the secret: retried, and it succeeds', async () => {
    const denied = { status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'User: arn:aws:sts::123456789012:assumed-role/c1-cp/i-0 is not authorized to perform: secretsmanager:GetSecretValue' }) };
    const f = await start({ answers: [denied, 'secret'] });
    const node = installReader(pki, NODE_ENV, MODULE);
    const run = await runReaderAsync(node, ['--timeout', '20'], endpoints(f));
    expect(run.stderr).toContain('GetSecretValue: HTTP 400 AccessDeniedException: User: arn:aws:sts');
    expect(run.stderr).toContain('trying again');
    expect(run.status).toBe(0);
    expect(f.storeRequests.length).toBe(2);
  }, 30_000);

  test('an instance without a role yet: retried, then a clear failure', async () => {
    const f = await start({ roleMissing: Infinity });
    const node = installReader(pki, NODE_ENV, MODULE);
    const run = await runReaderAsync(node, ['--timeout', '1'], endpoints(f));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('this instance has no instance profile role yet (meta-data/iam/security-credentials/ is 404)');
    expect(run.stderr).toContain('gave up after 1 s');
    // Asked again after a pause (how often depends on the pauses: at least twice).
    expect(f.metadataRequests.filter((r) => r === 'GET /latest/meta-data/iam/security-credentials/').length).toBeGreaterThanOrEqual(2);
    expect(f.storeRequests).toEqual([]);
  }, 30_000);

  test.each([
    ['not JSON', { status: 200, body: '<html>captive portal</html>' }, 'the answer of GetSecretValue is not a JSON object'],
    ['no SecretString', { status: 200, body: JSON.stringify({ ARN, SecretBinary: 'AAAA' }) }, 'GetSecretValue answered without a SecretString'],
    ['a secret that is not a bundle', { status: 200, body: JSON.stringify({ ARN, SecretString: '{"hello": 1}' }) }, 'the secret is not a cast-control-plane-keys/v1 bundle'],
    ['a secret scheduled for deletion', { status: 400, body: JSON.stringify({ __type: 'InvalidRequestException', message: 'You can\'t perform this operation on the secret because it was marked for deletion.' }) }, 'HTTP 400 InvalidRequestException: You can'],
  ])('%s: exit 1 at once, with what was wrong', async (_, answer, message) => {
    const f = await start({ answers: [answer] });
    const node = installReader(pki, NODE_ENV, MODULE);
    const run = await runReaderAsync(node, ['--timeout', '20'], endpoints(f));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(f.storeRequests.length).toBe(1);
  });

  test('what may pass with time is Unavailable; what never will is Refused', async () => {
    const cases: [number, string, string][] = [
      [400, JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }), 'Unavailable'],
      [400, JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }), 'Unavailable'],
      [400, JSON.stringify({ __type: 'com.amazonaws.secretsmanager#UnrecognizedClientException:http://internal', message: 'The security token included in the request is invalid.' }), 'Unavailable'],
      [500, JSON.stringify({ __type: 'InternalServiceError', message: 'oops' }), 'Unavailable'],
      [503, 'Service Unavailable', 'Unavailable'],
      [400, JSON.stringify({ __type: 'InvalidParameterException', message: 'bad' }), 'Refused'],
      [400, JSON.stringify({ __type: 'DecryptionFailure', message: 'kms' }), 'Refused'],
    ];
    // One fake answering each case in turn, one python3 reading once per case.
    const f = await start({ answers: [...cases.map(([status, body]) => ({ status, body })), { status: 599, body: 'past the cases' }] });
    const node = installReader(pki, NODE_ENV, MODULE);
    const run = await python(
      node,
      'import json\nfrom castmesh import keys\nfrom castmesh.keys_aws import read_bundle\nout = []\n' +
        `for _ in range(${cases.length}):\n    try:\n        read_bundle(${JSON.stringify(NODE_ENV)})\n        out.append('none')\n` +
        "    except keys.Unavailable:\n        out.append('Unavailable')\n    except keys.Refused:\n        out.append('Refused')\nprint(json.dumps(out))",
      endpoints(f),
    );
    expect(run.stderr).toBe('');
    const outcomes: string[] = JSON.parse(run.stdout);
    expect(cases.map(([status, body], i) => [status, body, outcomes[i]])).toEqual(cases.map(([status, body, expected]) => [status, body, expected]));
  });

  test.each([
    ['a secret name, not an ARN', { CAST_KEYS_SECRET: 'c1-control-plane-keys' }, "CAST_KEYS_SECRET must be a Secrets Manager secret ARN (got 'c1-control-plane-keys')"],
    ['no region', { CAST_KEYS_REGION: '' }, "CAST_KEYS_REGION must be an AWS region such as us-east-1 (got '')"],
    ['the secret in another region', { CAST_KEYS_REGION: 'us-east-1' }, 'is in eu-west-1, not in CAST_KEYS_REGION us-east-1'],
  ])('node.env with %s: exit 1, nothing asked', async (_, change, message) => {
    const f = await start();
    const node = installReader(pki, { ...NODE_ENV, ...change }, MODULE);
    const run = await runReaderAsync(node, ['--timeout', '20'], endpoints(f));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(f.metadataRequests).toEqual([]);
  });
});
