/**
 * cast-node-gc's AWS inventory (templates/mesh/agent/castmesh/inventory_aws.py), as the node runs
 * it (compactScript copies of castmesh/*.py, python3, stdlib only), against a fake IMDSv2 and a
 * fake EC2 DescribeInstances on loopback (test/node-gc/aws-ec2-fake.ts says which documentation
 * each follows). Each case asks vm_state(ref, env) once and checks the answer, what the fake EC2
 * received (credential, signature, the exact parameters) and the one line logged for 'unknown'.
 */
import { describeInstancesXml as xmlOf, Ec2Answer, errorXml, FakeEc2, FakeInstance, startFakeEc2 } from './aws-ec2-fake';
import { installCastmesh, removeCastmesh, vmStates } from './inventory-lab';

const REGION = 'eu-west-1';
const ENV = { CAST_CLUSTER_NAME: 'c1', CAST_CLOUD: 'aws', CAST_KEYS_REGION: REGION };
const SCALED_ID = 'i-0abc123def4567890';
const STATIC = { name: 'c1-workers-1', providerID: '', region: REGION, zone: 'eu-west-1a', clusterName: 'c1' };
const SCALED = { name: `c1-pool-${SCALED_ID}`, providerID: `aws:///eu-west-1a/${SCALED_ID}`, region: REGION, zone: 'eu-west-1a', clusterName: 'c1' };
const STATIC_FILTERS = { 'Action': 'DescribeInstances', 'Version': '2016-11-15', 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'c1-workers-1', 'Filter.2.Name': 'tag-key', 'Filter.2.Value.1': 'cast-node-role' };
const SCALED_PARAMS = { 'Action': 'DescribeInstances', 'Version': '2016-11-15', 'InstanceId.1': SCALED_ID };

function staticInstance(state: string, id = 'i-0000000000000aaaa'): FakeInstance {
  return { id, state, tags: { 'Name': 'c1-workers-1', 'cast-node-role': 'worker', 'cast-cluster-name': 'c1' } };
}
const scaledInstance = (state: string): FakeInstance => ({ id: SCALED_ID, state, tags: { 'Name': 'c1-pool', 'cast-node-role': 'worker' } });

// Installed when the file loads, not in beforeAll: the order of hooks and concurrent tests has changed across Jest versions (jestjs/jest#7997).
const castmesh = installCastmesh();
afterAll(() => removeCastmesh(castmesh));

interface Answers {
  /** vm_state of each ref, in order. */
  readonly states: string[];
  readonly stderr: string;
  readonly fake: FakeEc2;
}

/** vm_state(ref, env) of each ref, in one python3, against a fake EC2 holding `instances` (or giving `answers`). */
async function askEach(refs: readonly object[], instances: readonly FakeInstance[], answers?: readonly Ec2Answer[], processEnv: Record<string, string> = {}, env: object = ENV): Promise<Answers> {
  const fake = await startFakeEc2({ region: REGION, instances, answers });
  try {
    const { states, stderr } = await vmStates('aws', castmesh, refs, env, { CAST_KEYS_METADATA_URL: fake.metadataUrl, CAST_INVENTORY_API_URL: fake.apiUrl, ...processEnv });
    return { states, stderr, fake };
  } finally {
    await fake.close();
  }
}

/** vm_state(ref, env) for one ref. */
async function ask(ref: object, instances: readonly FakeInstance[], answers?: readonly Ec2Answer[], processEnv: Record<string, string> = {}, env: object = ENV): Promise<Answers & { state: string }> {
  const answer = await askEach([ref], instances, answers, processEnv, env);
  return { ...answer, state: answer.states.join(' ') };
}

/** Every request was one EC2 accepts (credential, signature, scope) and asked exactly `params`. */
function expectRequests(answer: Answers, params: Record<string, string>, count = 1): void {
  expect(answer.fake.requests.map((r) => r.problems)).toEqual(Array(count).fill([]));
  for (const request of answer.fake.requests) expect(request.params).toEqual(params);
}

describe('a static node: DescribeInstances filtered by its Name tag and the cast-node-role tag key', () => {
  test.concurrent('a running instance: present; the request carries the role credentials, signed for ec2 in the region', async () => {
    const a = await ask(STATIC, [staticInstance('running'), { id: 'i-0000000000000bbbb', state: 'running', tags: { 'Name': 'c1-workers-2', 'cast-node-role': 'worker' } }]);
    expect(a.state).toBe('present');
    expectRequests(a, STATIC_FILTERS);
    expect(a.fake.requests[0].headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=ASIAFAKEACCESSKEY123/\\d{8}/${REGION}/ec2/aws4_request, `));
    expect(a.stderr).toBe('');
  });

  test.concurrent.each(['stopped', 'stopping', 'pending'])('a %s instance: present (it comes back)', async (state) => {
    expect((await ask(STATIC, [staticInstance(state)])).state).toBe('present');
  });

  test.concurrent('no instance of that name: gone', async () => {
    const a = await ask(STATIC, [{ id: 'i-0000000000000bbbb', state: 'running', tags: { 'Name': 'c1-workers-2', 'cast-node-role': 'worker' } }]);
    expect(a.state).toBe('gone');
    expectRequests(a, STATIC_FILTERS);
    expect(a.stderr).toBe('');
  });

  test.concurrent('only terminated or shutting-down instances of that name: gone; a replacement beside them: present', async () => {
    expect((await ask(STATIC, [staticInstance('terminated'), staticInstance('shutting-down', 'i-0000000000000cccc')])).state).toBe('gone');
    expect((await ask(STATIC, [staticInstance('terminated'), staticInstance('running', 'i-0000000000000cccc')])).state).toBe('present');
  });

  test.concurrent('an instance of that name without the cast-node-role tag is not ours: gone', async () => {
    expect((await ask(STATIC, [{ id: 'i-0000000000000dddd', state: 'running', tags: { Name: 'c1-workers-1' } }])).state).toBe('gone');
  });

  test.concurrent('an answer with an instance the filters exclude: unknown', async () => {
    const a = await ask(STATIC, [], [{ status: 200, body: xmlOf([{ id: 'i-0000000000000eeee', state: 'running', tags: { Name: 'other' } }]) }]);
    expect(a.state).toBe('unknown');
    expect(a.stderr).toMatch(/^cast-node-gc: aws: c1-workers-1: unknown: .*which the filters exclude\n$/);
  });

  test.concurrent('a page with a nextToken and nothing present: the next page is asked for', async () => {
    const a = await ask(STATIC, [], [
      { status: 200, body: xmlOf([staticInstance('terminated')], 'token-2') },
      { status: 200, body: xmlOf([staticInstance('stopped', 'i-0000000000000ffff')]) },
    ]);
    expect(a.state).toBe('present');
    expect(a.fake.requests.map((r) => r.params.NextToken)).toEqual([undefined, 'token-2']);
  });
});

describe('a scaled node: DescribeInstances of the instance id in its providerID', () => {
  test.concurrent('running: present; exactly InstanceId.1, no filter', async () => {
    const a = await ask(SCALED, [scaledInstance('running')]);
    expect(a.state).toBe('present');
    expectRequests(a, SCALED_PARAMS);
  });

  test.concurrent('stopped: present', async () => {
    expect((await ask(SCALED, [scaledInstance('stopped')])).state).toBe('present');
  });

  test.concurrent.each(['terminated', 'shutting-down'])('%s: gone', async (state) => {
    expect((await ask(SCALED, [scaledInstance(state)])).state).toBe('gone');
  });

  test.concurrent('InvalidInstanceID.NotFound: gone', async () => {
    const a = await ask(SCALED, []);
    expect(a.state).toBe('gone');
    expectRequests(a, SCALED_PARAMS);
    expect(a.stderr).toBe('');
  });

  test.concurrent('a 200 without the instance (EC2 leaves out one of another account): unknown', async () => {
    const a = await ask(SCALED, [], [{ status: 200, body: xmlOf([]) }]);
    expect(a.state).toBe('unknown');
    expect(a.stderr).toMatch(/answered no instance/);
  });

  test.concurrent('an instance state EC2 does not document: unknown', async () => {
    expect((await ask(SCALED, [scaledInstance('hibernating')])).state).toBe('unknown');
  });
});

describe('no definitive answer: unknown, one line on stderr, never an exception', () => {
  test.concurrent.each<[string, Ec2Answer, RegExp]>([
    ['403 UnauthorizedOperation (the grant not in effect yet)', { status: 403, body: errorXml('UnauthorizedOperation', 'You are not authorized to perform this operation.') }, /HTTP 403 UnauthorizedOperation/],
    ['401 AuthFailure', { status: 401, body: errorXml('AuthFailure', 'AWS was not able to validate the provided access credentials') }, /HTTP 401 AuthFailure/],
    ['503 RequestLimitExceeded (throttled)', { status: 503, body: errorXml('RequestLimitExceeded', 'Request limit exceeded.') }, /HTTP 503 RequestLimitExceeded/],
    ['500 InternalError', { status: 500, body: errorXml('InternalError', 'An internal error has occurred.') }, /HTTP 500 InternalError/],
    ['502 without a body', { status: 502, body: '' }, /HTTP 502 \(no error code\)/],
    ['200 that is not XML', { status: 200, body: '{"Reservations": []}' }, /not a DescribeInstancesResponse/],
    ['200 of another API version', { status: 200, body: '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2012-04-01/"><reservationSet/></DescribeInstancesResponse>' }, /not a DescribeInstancesResponse/],
    ['200 without a reservationSet', { status: 200, body: '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"/>' }, /no reservationSet/],
  ])('%s', async (_, answer, reason) => {
    const a = await askEach([STATIC, SCALED], [], [answer]);
    expect(a.states).toEqual(['unknown', 'unknown']);
    const lines = a.stderr.split('\n');
    expect(lines).toEqual([expect.stringMatching(/^cast-node-gc: aws: c1-workers-1: unknown: /), expect.stringMatching(new RegExp(`^cast-node-gc: aws: ${SCALED.name}: unknown: `)), '']);
    for (const line of lines.slice(0, 2)) expect(line).toMatch(reason);
  });

  test.concurrent('NotFound with a 5xx status is no answer either', async () => {
    expect((await ask(SCALED, [], [{ status: 500, body: errorXml('InvalidInstanceID.NotFound', 'odd') }])).state).toBe('unknown');
  });

  test.concurrent('the API out of reach: unknown', async () => {
    const a = await ask(STATIC, [staticInstance('running')], undefined, { CAST_INVENTORY_API_URL: 'http://127.0.0.1:9' });
    expect(a.state).toBe('unknown');
    expect(a.stderr).toMatch(/^cast-node-gc: aws: c1-workers-1: unknown: POST http:\/\/127\.0\.0\.1:9\//);
  });

  test.concurrent('no instance profile credentials: unknown, and EC2 is not asked', async () => {
    const a = await ask(STATIC, [staticInstance('running')], undefined, { CAST_KEYS_METADATA_URL: 'http://127.0.0.1:9' });
    expect(a.state).toBe('unknown');
    expect(a.fake.requests).toEqual([]);
  });

  test.concurrent.each<[string, object, RegExp]>([
    ['a providerID of another cloud', { ...SCALED, providerID: 'gce://p/europe-west1-b/c1-pool-abcd' }, /is not aws:\/\/\/<zone>\/<instance id>/],
    ['a malformed instance id', { ...SCALED, providerID: 'aws:///eu-west-1a/i-xyz' }, /is not aws:\/\/\/<zone>\/<instance id>/],
    ['no region on the Node nor in node.env', { ...STATIC, region: '' }, /no AWS region/],
    ['a name a tag filter would read as a wildcard', { ...STATIC, name: 'c1-*' }, /cannot be an instance's Name tag/],
    ["a scaled node's name without a providerID", { ...SCALED, providerID: '' }, /has no providerID/],
  ])('a ref it cannot resolve (%s): unknown, and EC2 is not asked', async (_, ref, reason) => {
    const a = await ask(ref, [], undefined, {}, (ref as { region: string }).region === '' ? { ...ENV, CAST_KEYS_REGION: '' } : ENV);
    expect(a.state).toBe('unknown');
    expect(a.stderr).toMatch(reason);
    expect(a.fake.requests).toEqual([]);
  });

  test.concurrent("the Node's region missing: node.env's CAST_KEYS_REGION (the cluster's AWS region) is used", async () => {
    const a = await ask({ ...STATIC, region: '' }, [staticInstance('running')]);
    expect(a.state).toBe('present');
    expectRequests(a, STATIC_FILTERS);
  });
});
