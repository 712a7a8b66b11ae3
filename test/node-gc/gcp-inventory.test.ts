/**
 * castmesh/inventory_gcp.py, cast-node-gc's Compute Engine backend, as the node runs it (the
 * compacted copy), against a fake metadata server and a fake Compute Engine on loopback
 * (test/node-gc/gcp-lab.ts, which says which documented request and response shapes they follow).
 * The caller deletes a Node only on 'gone', so most of this file is about what must NOT be 'gone'.
 */
import { computeError, FakeGcp, GCP_TOKEN, installCastmesh, NodeRef, OWN_PROJECT, RawAnswer, removeCastmesh, startFakeGcp, USER_DATA, vmStates } from './gcp-lab';

let gcp: FakeGcp;
let root: string;

beforeAll(async () => {
  gcp = await startFakeGcp();
  root = installCastmesh();
});
afterAll(async () => {
  await gcp.close();
  removeCastmesh(root);
});
beforeEach(() => gcp.reset());

/** A static worker: no providerID; its VM is named after it in its zone of the control plane's project. */
const STATIC: NodeRef = { name: 'c1-workers-1', providerID: '', region: 'us-central1', zone: 'us-central1-a', clusterName: 'c1' };
/** An autoscaled worker: its providerID names the project, zone and instance (node-identity.sh). */
const SCALED: NodeRef = { name: 'c1-pool-x7k2', providerID: 'gce://scaled-project/us-central1-b/c1-pool-x7k2', region: 'us-central1', zone: 'us-central1-b', clusterName: 'c1' };
const STATIC_PATH = `/compute/v1/projects/${OWN_PROJECT}/zones/us-central1-a/instances/c1-workers-1?fields=name,status`;
const SCALED_PATH = '/compute/v1/projects/scaled-project/zones/us-central1-b/instances/c1-pool-x7k2?fields=name,status';

/** An autoscaled worker of that group named `name`. */
const scaled = (name: string): NodeRef => ({ ...SCALED, name, providerID: `gce://scaled-project/us-central1-b/${name}` });
/** A static worker named `name`. */
const staticNode = (name: string): NodeRef => ({ ...STATIC, name });

const run = (...refs: NodeRef[]) => vmStates(root, refs, gcp);
const computeRequests = () => gcp.requests.filter((r) => r.service === 'compute');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The stderr line an 'unknown' logs for the Node `name`, its reason matching `why`. */
const unknownLine = (name: string, why: RegExp | string) => new RegExp(`^cast-node-gc: ${escape(name)}: unknown whether its VM exists: ${typeof why === 'string' ? `${escape(why)}$` : `.*${why.source}`}`);
const lines = (stderr: string) => stderr.split('\n').filter((line) => line !== '');

describe('a static node (its name in its zone of the control plane\'s project)', () => {
  test('present: the instance exists; Compute Engine gets the service account\'s token and nothing else, the metadata server Metadata-Flavor and no token', async () => {
    gcp.instances.set(`${OWN_PROJECT}/us-central1-a/c1-workers-1`, 'RUNNING');
    expect(await run(STATIC)).toEqual({ states: ['present'], stderr: '', status: 0 });
    expect(gcp.requests.map((r) => `${r.service} ${r.method} ${r.url}`)).toEqual([
      'metadata GET /computeMetadata/v1/project/project-id',
      'metadata GET /computeMetadata/v1/instance/service-accounts/default/token',
      `compute GET ${STATIC_PATH}`,
    ]);
    for (const request of gcp.requests) {
      if (request.service === 'compute') {
        expect(request.headers.authorization).toBe(`Bearer ${GCP_TOKEN}`);
        expect(request.headers['metadata-flavor']).toBeUndefined();
      } else {
        expect(request.headers['metadata-flavor']).toBe('Google');
        expect(request.headers.authorization).toBeUndefined();
      }
    }
  });

  test('gone: Compute Engine\'s 404 for that instance (the same name in another zone or project does not count)', async () => {
    gcp.instances.set(`${OWN_PROJECT}/us-central1-b/c1-workers-1`, 'RUNNING');
    gcp.instances.set('other-project/us-central1-a/c1-workers-1', 'RUNNING');
    expect(await run(STATIC)).toEqual({ states: ['gone'], stderr: '', status: 0 });
    expect(computeRequests().map((r) => r.url)).toEqual([STATIC_PATH]);
  });

  test('a zone Compute Engine does not know (400 invalid) is unknown, not gone', async () => {
    const result = await run({ ...STATIC, zone: 'us-central1-f' });
    expect(result).toMatchObject({ states: ['unknown'], status: 0 });
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(unknownLine('c1-workers-1', "Compute Engine answered 400 for projects/cast-lab-project/zones/us-central1-f/instances/c1-workers-1: Invalid value for field 'zone': 'us-central1-f'. Unknown zone.")),
    ]);
  });
});

describe('an autoscaled node (its providerID gce://<project>/<zone>/<name>)', () => {
  test('present: asks the providerID\'s project and zone, not the control plane\'s', async () => {
    gcp.instances.set('scaled-project/us-central1-b/c1-pool-x7k2', 'RUNNING');
    expect(await run(SCALED)).toEqual({ states: ['present'], stderr: '', status: 0 });
    expect(gcp.requests.map((r) => `${r.service} ${r.url}`)).toEqual([
      'metadata /computeMetadata/v1/instance/service-accounts/default/token',
      `compute ${SCALED_PATH}`,
    ]);
  });

  test('gone', async () => {
    gcp.instances.set(`${OWN_PROJECT}/us-central1-b/c1-pool-x7k2`, 'RUNNING');
    expect(await run(SCALED)).toEqual({ states: ['gone'], stderr: '', status: 0 });
    expect(computeRequests().map((r) => r.url)).toEqual([SCALED_PATH]);
  });
});

test('every state an existing instance can be in is present, a stopped one (TERMINATED) included', async () => {
  // Instance.status (REST v1 instances): TERMINATED is a stopped instance, which starts again.
  const statuses = ['PROVISIONING', 'STAGING', 'RUNNING', 'STOPPING', 'SUSPENDING', 'SUSPENDED', 'REPAIRING', 'TERMINATED'];
  const refs = statuses.flatMap((status) => {
    const name = status.toLowerCase();
    gcp.instances.set(`${OWN_PROJECT}/us-central1-a/static-${name}`, status);
    gcp.instances.set(`scaled-project/us-central1-b/scaled-${name}`, status);
    return [staticNode(`static-${name}`), scaled(`scaled-${name}`)];
  });
  const result = await run(...refs);
  expect(Object.fromEntries(refs.map((ref, i) => [ref.name, result.states[i]]))).toEqual(Object.fromEntries(refs.map((ref) => [ref.name, 'present'])));
  expect(result.stderr).toBe('');
});

describe('the answer Compute Engine gives', () => {
  test('the backend asks for name and status only: another VM\'s user-data never reaches the node', async () => {
    gcp.instances.set(`${OWN_PROJECT}/us-central1-a/c1-workers-1`, 'RUNNING');
    const body = async (path: string) => (await fetch(`${gcp.apiUrl}${path}`, { headers: { Authorization: `Bearer ${GCP_TOKEN}` } })).text();
    // The lab honours `fields` as Compute Engine does; without it the metadata comes along.
    expect(JSON.parse(await body(STATIC_PATH))).toEqual({ name: 'c1-workers-1', status: 'RUNNING' });
    expect(await body(STATIC_PATH.replace(/\?.*$/, ''))).toContain(JSON.stringify(USER_DATA));
  });
});

describe('anything short of "this instance does not exist" is unknown, with one line on stderr', () => {
  test('403 while the grant is missing or propagating', async () => {
    gcp.granted = false;
    const result = await run(STATIC);
    expect(result).toMatchObject({ states: ['unknown'], status: 0 });
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(unknownLine('c1-workers-1', "Compute Engine answered 403 for projects/cast-lab-project/zones/us-central1-a/instances/c1-workers-1: Required 'compute.instances.get' permission for 'projects/cast-lab-project/zones/us-central1-a/instances/c1-workers-1'")),
    ]);
  });

  /** Runs one autoscaled node per case, each answered with its case's scripted answer; expects all unknown, one line each. */
  async function expectUnknown(cases: Record<string, RawAnswer>, why: (name: string) => RegExp | string): Promise<void> {
    const names = Object.keys(cases).map((_, i) => `c1-pool-case${i}`);
    Object.values(cases).forEach((answer, i) => gcp.raw.set(names[i], answer));
    const result = await run(...names.map(scaled));
    expect(Object.fromEntries(Object.keys(cases).map((label, i) => [label, result.states[i]]))).toEqual(Object.fromEntries(Object.keys(cases).map((label) => [label, 'unknown'])));
    expect(lines(result.stderr)).toEqual(names.map((name) => expect.stringMatching(unknownLine(name, why(name)))));
  }

  test('5xx, 429 and malformed answers', async () => {
    const path = (name: string) => `projects/scaled-project/zones/us-central1-b/instances/${name}`;
    await expectUnknown(
      {
        500: { status: 500, body: computeError(500, 'backendError', 'Internal error. Please try again or contact Google Support.') },
        503: { status: 503, body: computeError(503, 'backendError', 'The service is currently unavailable.') },
        429: { status: 429, body: computeError(429, 'rateLimitExceeded', "Quota exceeded for quota metric 'Read requests'.") },
        'a 502 page': { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' },
        'a 200 that is not JSON': { status: 200, body: '<html>captive portal</html>', contentType: 'text/html' },
        'a 200 without a status': { status: 200, body: JSON.stringify({ name: 'c1-pool-case5' }) },
        'a 200 for another instance': { status: 200, body: JSON.stringify({ name: 'c1-pool-other', status: 'RUNNING' }) },
        'a 200 that is a JSON array': { status: 200, body: '[]' },
        'a 404 page that is not Compute Engine\'s error': { status: 404, body: '<!DOCTYPE html><title>Error 404 (Not Found)!!1</title>', contentType: 'text/html' },
        'a 404 naming the project, not the instance': { status: 404, body: computeError(404, 'notFound', "The resource 'projects/scaled-project' was not found") },
        'a 404 without the notFound reason': { status: 404, body: JSON.stringify({ error: { code: 404, message: `The resource '${path('c1-pool-case10')}' was not found` } }) },
        'a 404 whose body says another code': { status: 404, body: computeError(400, 'notFound', `The resource '${path('c1-pool-case11')}' was not found`) },
        'a redirect': { status: 302, body: '' },
      },
      (name) => new RegExp(`Compute Engine answered (5\\d\\d|429|200|404|302) for ${path(name)}(: | without its name and status$)`),
    );
  });

  test('a VM without a service account (no token on the metadata server)', async () => {
    gcp.hasServiceAccount = false;
    const result = await run(SCALED);
    expect(result).toMatchObject({ states: ['unknown'], status: 0 });
    expect(lines(result.stderr)).toEqual([expect.stringMatching(unknownLine('c1-pool-x7k2', /this VM has no service account/))]);
    expect(computeRequests()).toEqual([]);
  });

  test('Compute Engine unreachable (a network error)', async () => {
    const result = await vmStates(root, [SCALED], { metadataUrl: gcp.metadataUrl, apiUrl: 'http://127.0.0.1:9' });
    expect(result).toMatchObject({ states: ['unknown'], status: 0 });
    expect(lines(result.stderr)).toEqual([expect.stringMatching(unknownLine('c1-pool-x7k2', /GET http:\/\/127\.0\.0\.1:9\/compute\/v1\/.*Connection refused/))]);
  });

  test('a ref naming no Compute Engine instance, and nothing is asked', async () => {
    const cases: [string, NodeRef, RegExp][] = [
      ['another cloud\'s providerID', { ...SCALED, name: 'a1', providerID: 'aws:///us-east-1a/i-0123456789abcdef0' }, /is not gce:\/\/<project>\/<zone>\/<name>/],
      ['a providerID with a fourth part', { ...SCALED, name: 'a2', providerID: 'gce://scaled-project/us-central1-b/a2/x' }, /is not gce:\/\//],
      ['a providerID with a path in its project', { ...SCALED, name: 'a3', providerID: 'gce://..%2f/us-central1-b/a3' }, /does not name a project id/],
      ['a providerID naming another instance than the Node', { ...SCALED, name: 'a4' }, /names instance 'c1-pool-x7k2', not the Node's name/],
      ['a static node with an AWS zone', { ...STATIC, name: 'a5', region: 'us-east-1', zone: 'us-east-1a' }, /is not a Compute Engine zone/],
      ['a static node with an Azure zone', { ...STATIC, name: 'a6', region: 'eastus', zone: '1' }, /is not a Compute Engine zone/],
      ['a static node without a zone', { ...STATIC, name: 'a7', zone: '' }, /is not a Compute Engine zone/],
      ['a static node whose zone is not in its region', { ...STATIC, name: 'a8', zone: 'europe-west4-c' }, /is not a Compute Engine zone/],
      ['a static node whose name is no instance name', { ...STATIC, name: 'A9_workers' }, /is not an instance name/],
    ];
    const result = await run(...cases.map(([, ref]) => ref));
    expect(Object.fromEntries(cases.map(([label], i) => [label, result.states[i]]))).toEqual(Object.fromEntries(cases.map(([label]) => [label, 'unknown'])));
    expect(lines(result.stderr)).toEqual(cases.map(([, ref, why]) => expect.stringMatching(unknownLine(ref.name, why))));
    expect(computeRequests()).toEqual([]);
  });
});
