/**
 * The AWS join token (docs/decisions/0006-join-tokens-from-the-cloud.md), both sides:
 * - Terraform (lib/keys/aws.ts, lib/nodes/aws.ts, lib/nodes/scaling/aws.ts): a second secret,
 *   created empty; the control planes' role may read and write it; the workers' role may read it
 *   and nothing else (never the bundle); static workers and autoscaled templates carry the
 *   workers' profile, whatever the order of addNodeGroup calls; control planes never do; a cloud
 *   with no control plane gets no workers' identity.
 * - The node (templates/mesh/agent/castmesh/keys_aws.py read_join_token / write_join_token),
 *   against the fake IMDSv2 and Secrets Manager of aws-fakes.ts, which check SigV4 and each
 *   action's body as the API Reference describes them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MeshMode } from '../../lib';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { READ_SECRET_ACTION, WRITE_SECRET_ACTION } from '../../lib/keys/aws';
import { NodeGroupOptions } from '../../lib/nodes/node-group';
import { logicalId, SynthesizedCluster, synthCluster } from '../nodes/node-fixture';
import { literalSecrets } from '../nodes/scaling/scaling-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { FAKE_CREDENTIALS, FakeAws, FakeAwsOptions, startFakeAws, UUID4 } from './aws-fakes';
import { synthAwsKeyStore } from './aws-key-store-stack';
import { ClusterPki, cleanUpKeysLab, installReader, KeysNode, makeClusterPki } from './keys-lab';

const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

/** Every statement of every inline policy on a role (by the role's `name` reference): [action, resource] pairs, sorted. */
function grantsOf(policies: Record<string, any>[], roleRef: string): [string, string][] {
  return policies
    .filter((p) => p.role === roleRef)
    .flatMap((p) => JSON.parse(p.policy).Statement.flatMap((st: any) => (st.Effect === 'Allow' ? [st.Action].flat().flatMap((a: string) => [st.Resource].flat().map((r: string) => [a, r] as [string, string])) : [])))
    .sort();
}

describe('AWS join-token store (the key store alone)', () => {
  const { json, text } = synthAwsKeyStore();
  const secrets = json.resource.aws_secretsmanager_secret;
  const joinId = logicalId(json, 'aws_secretsmanager_secret', '_join-token_');
  const bundleId = logicalId(json, 'aws_secretsmanager_secret', '_secret_');
  const joinArn = ref('aws_secretsmanager_secret', joinId, 'arn');
  const bundleArn = ref('aws_secretsmanager_secret', bundleId, 'arn');
  const cpRole = ref('aws_iam_role', logicalId(json, 'aws_iam_role', '_role_'), 'name');
  const workerRoleId = logicalId(json, 'aws_iam_role', '_worker-role_');
  const workerRole = ref('aws_iam_role', workerRoleId, 'name');
  const workerProfileId = logicalId(json, 'aws_iam_instance_profile', '_worker-profile_');
  const policies = Object.values<Record<string, any>>(json.resource.aws_iam_role_policy);
  const joinToken = json.output['join-token'].value;

  test('a second secret: a unique name from a prefix, deleted at once, created empty (no version, no value in Terraform)', () => {
    expect(Object.keys(secrets).length).toBe(2);
    expect(secrets[joinId]).toMatchObject({ name_prefix: 'c1-join-token-', recovery_window_in_days: 0 });
    expect(secrets[joinId].name).toBeUndefined();
    expect(secrets[joinId].kms_key_id).toBeUndefined();
    // The one version is the bundle's: nothing writes the join token but the control planes.
    const versions = Object.values<Record<string, any>>(json.resource.aws_secretsmanager_secret_version);
    expect(versions.map((v) => v.secret_id)).toEqual([ref('aws_secretsmanager_secret', bundleId, 'id')]);
    expect(text).not.toContain(`aws_secretsmanager_secret.${joinId}.id`);
    expect(literalSecrets(text)).toEqual([]);
  });

  test("the control planes' role may read and write the join token, on its ARN only", () => {
    const grant = policies.find((p) => p.name === 'read-write-join-token')!;
    expect(grant.role).toBe(cpRole);
    expect(JSON.parse(grant.policy)).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'JoinToken', Effect: 'Allow', Action: [READ_SECRET_ACTION, WRITE_SECRET_ACTION], Resource: joinArn }] });
    expect(WRITE_SECRET_ACTION).toBe('secretsmanager:PutSecretValue');
    // And still the bundle, read only.
    expect(grantsOf(policies, cpRole).filter(([, resource]) => resource.includes('aws_secretsmanager_secret'))).toEqual(
      [[READ_SECRET_ACTION, bundleArn], [READ_SECRET_ACTION, joinArn], [WRITE_SECRET_ACTION, joinArn]].sort() as [string, string][],
    );
  });

  test("the workers' role: only EC2 may assume it; it may read the join token and nothing else, never the bundle", () => {
    const role = json.resource.aws_iam_role[workerRoleId];
    expect(role.name_prefix).toBe('c1-node-');
    // IAM's limit on a role's name_prefix (64 minus the provider's 26-character suffix), for the longest cluster name.
    expect(`${'x'.repeat(30)}-node-`.length).toBeLessThanOrEqual(38);
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(grantsOf(policies, workerRole)).toEqual([[READ_SECRET_ACTION, joinArn]]);
    expect(policies.filter((p) => p.role === workerRole).map((p) => p.name)).toEqual(['read-join-token']);
    expect(policies.filter((p) => p.policy.includes(bundleArn)).map((p) => p.role)).toEqual([cpRole]);
    // No managed policy on any role either.
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  test("the workers' profile is of the workers' role; the store names the secret, the region and the profile", () => {
    expect(json.resource.aws_iam_instance_profile[workerProfileId]).toMatchObject({ name_prefix: 'c1-node-', role: workerRole });
    const source = { store: 'aws-secrets-manager', secretId: joinArn, region: 'eu-west-1' };
    expect(joinToken).toEqual({
      controlPlane: source,
      worker: source,
      workerIdentity: { awsInstanceProfile: ref('aws_iam_instance_profile', workerProfileId, 'name'), awsRoleName: workerRole },
    });
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(json, loadVendoredSchemas()))).toBe('');
  });
});

const CP: NodeGroupOptions = { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE };
const WORKERS: NodeGroupOptions = { cloud: Cloud.AWS, role: NodeRole.WORKER, count: 2 };
const POOL: NodeGroupOptions = { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } };
const FULL_MESH = { mesh: { mode: MeshMode.FULL_MESH } };

/** The profiles AWS VMs and templates of a cluster carry, by role. */
function profilesOf(c: SynthesizedCluster) {
  const profile = (fragment: string) => ref('aws_iam_instance_profile', logicalId(c.json, 'aws_iam_instance_profile', fragment), 'name');
  return { controlPlane: profile('_profile_'), worker: profile('_worker-profile_') };
}

describe.each([
  ['the workers first', { workers: WORKERS, pool: POOL, cp: CP }],
  ['the control plane first', { cp: CP, workers: WORKERS, pool: POOL }],
])("AWS workers carry the workers' profile (%s)", (_, groups) => {
  const c = synthCluster([Cloud.AWS], groups, FULL_MESH);
  const profiles = profilesOf(c);

  test("static workers: the workers' profile", () => {
    for (const name of ['c1-workers-1', 'c1-workers-2']) expect(c.resource('aws_instance', name).iam_instance_profile).toBe(profiles.worker);
  });

  test("the autoscaled group's launch template: an iam_instance_profile block naming the workers' profile", () => {
    expect(c.resource('aws_launch_template', 'pool').iam_instance_profile).toEqual({ name: profiles.worker });
  });

  test("a control plane: its own profile, never the workers'", () => {
    expect(c.resource('aws_instance', 'c1-cp-1').iam_instance_profile).toBe(profiles.controlPlane);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });
});

test('the order of addNodeGroup calls changes nothing of the join token', () => {
  const synth = (groups: Record<string, NodeGroupOptions>) => {
    const c = synthCluster([Cloud.AWS], groups, FULL_MESH);
    return ['aws_iam_role', 'aws_iam_role_policy', 'aws_iam_instance_profile', 'aws_secretsmanager_secret', 'aws_instance', 'aws_launch_template'].map((type) => c.resources(type));
  };
  expect(synth({ workers: WORKERS, pool: POOL, cp: CP })).toEqual(synth({ cp: CP, workers: WORKERS, pool: POOL }));
});

test('AWS workers in a cluster whose control planes are elsewhere: no workers\' identity, no join-token secret on AWS', () => {
  const c = synthCluster([Cloud.GCP, Cloud.AWS], { cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE }, workers: WORKERS });
  for (const name of ['c1-workers-1', 'c1-workers-2']) {
    const worker = c.resource('aws_instance', name);
    expect(worker).toBeDefined();
    expect('iam_instance_profile' in worker).toBe(false);
  }
  for (const type of ['aws_iam_role', 'aws_iam_instance_profile', 'aws_secretsmanager_secret']) expect(c.resources(type)).toEqual({});
  expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
});

// ---- The node side: keys_aws.py read_join_token / write_join_token ----

const MODULE = { 'keys_aws.py': compactScript(readTemplateFile('mesh/agent/castmesh/keys_aws.py')) };
const REGION = 'eu-west-1';
const ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:c1-join-token-20261205000000000000000002-AbCdEf`;
const NODE_ENV = { CAST_JOIN_TOKEN_STORE: 'aws-secrets-manager', CAST_JOIN_TOKEN_SECRET: ARN, CAST_JOIN_TOKEN_REGION: REGION, CAST_JOIN_TOKEN_CLIENT_ID: '' };
// Made-up tokens of kubeadm's form (not secrets of anything).
const TOKEN_A = 'abcdef.0123456789abcdef';
const TOKEN_B = 'k3x9qz.p0o9i8u7y6t5r4e3';

type Step = ['read'] | ['write', string];
type Outcome = { ok: string | null } | { Unavailable: string } | { Refused: string };

/** Runs `steps` in one python3 beside the lab node's castmesh package: each step's outcome. */
function runSteps(node: KeysNode, steps: Step[], env: Record<string, string>, fake: FakeAws): Promise<Outcome[]> {
  const code = [
    'import json, sys',
    'from castmesh import keys, keys_aws',
    'env = json.loads(sys.argv[1])',
    'out = []',
    'for step in json.loads(sys.argv[2]):',
    '    try:',
    "        value = keys_aws.read_join_token(env) if step[0] == 'read' else keys_aws.write_join_token(env, step[1])",
    "        out.append({'ok': value})",
    '    except keys.Unavailable as error:',
    "        out.append({'Unavailable': str(error)})",
    '    except keys.Refused as error:',
    "        out.append({'Refused': str(error)})",
    'print(json.dumps(out))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, JSON.stringify(env), JSON.stringify(steps)], {
      cwd: join(node.root, 'mesh'),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CAST_KEYS_METADATA_URL: fake.metadataUrl, CAST_KEYS_API_URL: fake.apiUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => (status === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`python3 exited ${status}: ${stderr}`))));
  });
}

describe('keys_aws.py: the join token in Secrets Manager', () => {
  let pki: ClusterPki;
  let fake: FakeAws | undefined;
  beforeAll(() => {
    pki = makeClusterPki();
  });
  afterAll(() => cleanUpKeysLab());
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  const start = async (options: Partial<FakeAwsOptions> = {}) => {
    fake = await startFakeAws({ secretArn: ARN, region: REGION, secretString: undefined, ...options });
    return fake;
  };
  const steps = async (list: Step[], options: Partial<FakeAwsOptions> = {}, env: Record<string, string> = NODE_ENV) => {
    const f = await start(options);
    return { f, outcomes: await runSteps(installReader(pki, env, MODULE), list, env, f) };
  };

  test('before any control plane wrote one: Unavailable, "no join token published yet"', async () => {
    const { f, outcomes } = await steps([['read']]);
    expect(outcomes).toEqual([{ Unavailable: expect.stringMatching(/^no join token published yet \(GetSecretValue: HTTP 400 ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT\)$/) }]);
    expect(f.storeRequests.map((r) => r.problems)).toEqual([[]]);
  });

  test('write, then read: the token written is the one read; a second write becomes the current one', async () => {
    const { f, outcomes } = await steps([['write', TOKEN_A], ['read'], ['write', TOKEN_B], ['read']]);
    expect(outcomes).toEqual([{ ok: null }, { ok: TOKEN_A }, { ok: null }, { ok: TOKEN_B }]);
    expect(f.versions.map((v) => v.secretString)).toEqual([TOKEN_A, TOKEN_B]);
    // Every request signed right, with the role's session credentials, for the right action.
    expect(f.storeRequests.map((r) => [r.headers['x-amz-target'], r.problems])).toEqual([
      ['secretsmanager.PutSecretValue', []],
      ['secretsmanager.GetSecretValue', []],
      ['secretsmanager.PutSecretValue', []],
      ['secretsmanager.GetSecretValue', []],
    ]);
  });

  test('the write carries what PutSecretValue requires: the secret, the token, a fresh UUID ClientRequestToken; SigV4 for secretsmanager in the region', async () => {
    const { f, outcomes } = await steps([['write', TOKEN_A], ['write', TOKEN_A]]);
    expect(outcomes).toEqual([{ ok: null }, { ok: null }]);
    const bodies = f.storeRequests.map((r) => JSON.parse(r.body));
    for (const body of bodies) {
      expect(Object.keys(body).sort()).toEqual(['ClientRequestToken', 'SecretId', 'SecretString']);
      expect(body).toMatchObject({ SecretId: ARN, SecretString: TOKEN_A });
      expect(body.ClientRequestToken).toMatch(UUID4);
    }
    // A new version per write (the same token written twice is still a rotation), never the idempotent replay.
    expect(bodies[0].ClientRequestToken).not.toBe(bodies[1].ClientRequestToken);
    expect(f.versions.map((v) => v.versionId)).toEqual(bodies.map((b) => b.ClientRequestToken));
    for (const request of f.storeRequests) {
      expect(request.problems).toEqual([]);
      expect(request.headers['x-amz-target']).toBe('secretsmanager.PutSecretValue');
      expect(request.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.AccessKeyId}/\\d{8}/${REGION}/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, `));
      expect(JSON.stringify(request)).not.toContain(FAKE_CREDENTIALS.SecretAccessKey);
    }
  });

  test('the value read is stripped', async () => {
    const { outcomes } = await steps([['read']], { secretString: `${TOKEN_A}\n` });
    expect(outcomes).toEqual([{ ok: TOKEN_A }]);
  });

  test('what may pass with time is Unavailable (IAM not propagated yet, throttling, the service failing); what never will is Refused', async () => {
    const error = (status: number, type: string, message = 'm') => ({ status, body: JSON.stringify({ __type: type, message }) });
    const denied = 'User: arn:aws:sts::123456789012:assumed-role/c1-node-x/i-0 is not authorized to perform: secretsmanager:GetSecretValue';
    const cases: [Step, { status: number; body: string }, keyof Outcome | string][] = [
      [['read'], error(400, 'AccessDeniedException', denied), 'Unavailable'],
      [['read'], error(403, 'AccessDeniedException', denied), 'Unavailable'],
      [['write', TOKEN_A], error(400, 'AccessDeniedException', denied), 'Unavailable'],
      [['read'], error(400, 'ThrottlingException'), 'Unavailable'],
      [['write', TOKEN_A], error(400, 'LimitExceededException'), 'Unavailable'],
      [['write', TOKEN_A], error(500, 'InternalServiceError'), 'Unavailable'],
      [['read'], { status: 503, body: 'Service Unavailable' }, 'Unavailable'],
      [['read'], error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret."), 'Unavailable'],
      [['read'], { status: 200, body: JSON.stringify({ ARN, SecretString: 'not a token' }) }, 'Refused'],
      [['read'], { status: 200, body: JSON.stringify({ ARN, SecretString: 'ABCDEF.0123456789ABCDEF' }) }, 'Refused'],
      [['read'], { status: 200, body: JSON.stringify({ ARN, SecretBinary: 'AAAA' }) }, 'Refused'],
      [['read'], { status: 200, body: '<html>captive portal</html>' }, 'Refused'],
      [['write', TOKEN_A], error(400, 'InvalidRequestException', 'marked for deletion'), 'Refused'],
      [['write', TOKEN_A], error(400, 'ResourceExistsException'), 'Refused'],
      [['read'], error(400, 'DecryptionFailure'), 'Refused'],
    ];
    const { outcomes } = await steps(
      cases.map(([step]) => step),
      { answers: [...cases.map(([, answer]) => answer), { status: 599, body: 'past the cases' }] },
    );
    expect(cases.map(([step, answer, expected], i) => [step[0], answer.body, expected, Object.keys(outcomes[i])[0]])).toEqual(cases.map(([step, answer, expected]) => [step[0], answer.body, expected, expected]));
    // No "no join token published yet" unless the secret exists without a value.
    expect(outcomes.some((o) => Object.values(o)[0]?.includes('no join token published yet'))).toBe(false);
  });

  test('a malformed token in the store is refused without showing it', async () => {
    const secret = 'hunter2-not-a-bootstrap-token-but-secret';
    const { outcomes } = await steps([['read']], { secretString: secret });
    expect(outcomes).toEqual([{ Refused: expect.stringContaining('the join-token secret is not a bootstrap token') }]);
    expect(JSON.stringify(outcomes)).not.toContain(secret);
  });

  test('a malformed token is not written: Refused, nothing asked', async () => {
    const { f, outcomes } = await steps([['write', 'abcdef.short'], ['write', `${TOKEN_A}\n`], ['write', 'ABCDEF.0123456789ABCDEF']]);
    expect(outcomes.map((o) => Object.keys(o)[0])).toEqual(['Refused', 'Refused', 'Refused']);
    expect(f.storeRequests).toEqual([]);
    expect(f.metadataRequests).toEqual([]);
  });

  test.each([
    ['a secret name, not an ARN', { CAST_JOIN_TOKEN_SECRET: 'c1-join-token' }, "CAST_JOIN_TOKEN_SECRET must be a Secrets Manager secret ARN (got 'c1-join-token')"],
    ['no region', { CAST_JOIN_TOKEN_REGION: '' }, "CAST_JOIN_TOKEN_REGION must be an AWS region such as us-east-1 (got '')"],
    ['the secret in another region', { CAST_JOIN_TOKEN_REGION: 'us-east-1' }, 'is in eu-west-1, not in CAST_JOIN_TOKEN_REGION us-east-1'],
    ['only the key store named (a control plane of an older node.env)', { CAST_JOIN_TOKEN_SECRET: '', CAST_KEYS_SECRET: ARN }, "CAST_JOIN_TOKEN_SECRET must be a Secrets Manager secret ARN (got '')"],
  ])('node.env with %s: Refused, nothing asked', async (_, change, message) => {
    const env = { ...NODE_ENV, ...change };
    const { f, outcomes } = await steps([['read'], ['write', TOKEN_A]], {}, env);
    expect(outcomes).toEqual([{ Refused: expect.stringContaining(message) }, { Refused: expect.stringContaining(message) }]);
    expect(f.metadataRequests).toEqual([]);
  });

  test('an instance without a role yet (the profile not associated yet): Unavailable', async () => {
    const { outcomes } = await steps([['read'], ['write', TOKEN_A]], { roleMissing: Infinity });
    expect(outcomes).toEqual([
      { Unavailable: 'this instance has no instance profile role yet (meta-data/iam/security-credentials/ is 404)' },
      { Unavailable: 'this instance has no instance profile role yet (meta-data/iam/security-credentials/ is 404)' },
    ]);
  });
});
