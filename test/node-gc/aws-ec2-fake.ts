/**
 * A fake EC2 DescribeInstances on loopback, for templates/mesh/agent/castmesh/inventory_aws.py,
 * beside the key lab's fake IMDSv2 (test/keys/aws-fakes.ts; its Secrets Manager goes unused). It
 * behaves as the documentation says EC2 does:
 * - The Query protocol (Amazon EC2 API Reference, "Making requests to the Amazon EC2 API",
 *   API_DescribeInstances.html): POST / with Content-Type application/x-www-form-urlencoded and
 *   Action=DescribeInstances&Version=2016-11-15, InstanceId.N and Filter.N.Name / Filter.N.Value.M
 *   (values of one filter OR'ed, filters AND'ed; `tag:<key>` matches the tag's value, `tag-key` its
 *   key), signed with Signature Version 4 for the service `ec2` and the temporary credentials'
 *   X-Amz-Security-Token (IAM User Guide, "Create a signed AWS API request").
 * - The answer: <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"> with
 *   reservationSet/item/instancesSet/item: instanceId, instanceState (code, name), tagSet/item (key,
 *   value); terminated instances stay listed for a while ("Recently terminated instances might appear").
 * - Errors ("Error codes for the Amazon EC2 API"): <Response><Errors><Error><Code>, <Message></Error>
 *   </Errors><RequestID>; an unknown instance id is 400 InvalidInstanceID.NotFound ("The instance ID
 *   '<id>' does not exist"); a bad signature 401 AuthFailure.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FAKE_CREDENTIALS, sigV4, startFakeAws } from '../keys/aws-fakes';
import { readBody } from '../support/loopback-http';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** instance-state-name -> instanceState/code (Amazon EC2 API Reference, InstanceState). */
const STATE_CODES: Record<string, number> = { 'pending': 0, 'running': 16, 'shutting-down': 32, 'terminated': 48, 'stopping': 64, 'stopped': 80 };

export interface FakeInstance {
  readonly id: string;
  readonly state: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An answer that replaces the fake's own, in order (the last one repeats): status and body as they are. */
export interface Ec2Answer {
  readonly status: number;
  readonly body: string;
}

/** One DescribeInstances request the fake received: its form parameters, and what it found wrong with it. */
export interface Ec2Request {
  readonly headers: Record<string, string>;
  readonly params: Record<string, string>;
  readonly problems: string[];
}

export interface FakeEc2 {
  readonly metadataUrl: string;
  readonly apiUrl: string;
  readonly requests: Ec2Request[];
  close(): Promise<void>;
}

export interface FakeEc2Options {
  readonly region: string;
  readonly instances: readonly FakeInstance[];
  /** Answers given instead of the fake's own, in order (the last one repeats). @default none */
  readonly answers?: readonly Ec2Answer[];
}

export async function startFakeEc2(options: FakeEc2Options): Promise<FakeEc2> {
  const metadata = await startFakeAws({ secretArn: `arn:aws:secretsmanager:${options.region}:123456789012:secret:unused-AbCdEf`, region: options.region, secretString: '' });
  const requests: Ec2Request[] = [];
  const answers = [...(options.answers ?? [])];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
    const params = Object.fromEntries(new URLSearchParams(body));
    const problems = checkRequest(request, headers, body, params, options.region);
    requests.push({ headers, params, problems });
    if (problems.length > 0) return send(response, 401, errorXml('AuthFailure', problems.join('; ')));
    if (answers.length > 0) {
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      return send(response, answer.status, answer.body);
    }
    const ids = indexed(params, /^InstanceId\.(\d+)$/);
    for (const id of ids) {
      if (!options.instances.some((i) => i.id === id)) return send(response, 400, errorXml('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`));
    }
    const filters = filtersOf(params);
    const found = options.instances.filter((i) => (ids.length === 0 || ids.includes(i.id)) && filters.every((f) => matches(i, f.name, f.values)));
    return send(response, 200, describeInstancesXml(found));
  });
  const apiUrl = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  return {
    metadataUrl: metadata.metadataUrl,
    apiUrl,
    requests,
    close: async () => {
      await Promise.all([metadata.close(), new Promise<void>((resolve) => server.close(() => resolve()))]);
    },
  };
}

/** The DescribeInstancesResponse of `instances`, one reservation each, as EC2 writes it. */
export function describeInstancesXml(instances: readonly FakeInstance[], nextToken?: string): string {
  const items = instances.map((i) =>
    [
      '<item><reservationId>r-0123456789abcdef0</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item>',
      `<instanceId>${i.id}</instanceId><imageId>ami-0123456789abcdef0</imageId>`,
      `<instanceState><code>${STATE_CODES[i.state] ?? 99}</code><name>${i.state}</name></instanceState>`,
      '<instanceType>t3.medium</instanceType><placement><availabilityZone>eu-west-1a</availabilityZone><tenancy>default</tenancy></placement>',
      `<tagSet>${Object.entries(i.tags).map(([key, value]) => `<item><key>${key}</key><value>${value}</value></item>`).join('')}</tagSet>`,
      '</item></instancesSet></item>',
    ].join(''),
  );
  const token = nextToken ? `<nextToken>${nextToken}</nextToken>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="${EC2_NAMESPACE}"><requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet>${items.join('')}</reservationSet>${token}</DescribeInstancesResponse>`;
}

/** An EC2 error answer's body. */
export function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`;
}

function indexed(params: Record<string, string>, pattern: RegExp): string[] {
  return Object.keys(params)
    .map((key) => [pattern.exec(key), key] as const)
    .filter(([match]) => match)
    .sort(([a], [b]) => Number(a![1]) - Number(b![1]))
    .map(([, key]) => params[key]);
}

function filtersOf(params: Record<string, string>): { name: string; values: string[] }[] {
  const numbers = [...new Set(Object.keys(params).flatMap((key) => /^Filter\.(\d+)\.Name$/.exec(key)?.[1] ?? []))];
  return numbers.map((n) => ({ name: params[`Filter.${n}.Name`], values: indexed(params, new RegExp(`^Filter\\.${n}\\.Value\\.(\\d+)$`)) }));
}

function matches(instance: FakeInstance, name: string, values: string[]): boolean {
  if (name.startsWith('tag:')) return values.includes(instance.tags[name.slice(4)]);
  if (name === 'tag-key') return values.some((value) => value in instance.tags);
  if (name === 'instance-state-name') return values.includes(instance.state);
  if (name === 'instance-id') return values.includes(instance.id);
  return false;
}

/** What DescribeInstances needs, checked as EC2 would: what is missing or wrong, or nothing. */
function checkRequest(request: IncomingMessage, headers: Record<string, string>, body: string, params: Record<string, string>, region: string): string[] {
  const problems: string[] = [];
  if (request.method !== 'POST' || request.url !== '/') problems.push(`expected POST / (got ${request.method} ${request.url})`);
  if (!(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) problems.push(`Content-Type is ${headers['content-type']}`);
  if (params.Action !== 'DescribeInstances' || params.Version !== '2016-11-15') problems.push(`Action ${params.Action}, Version ${params.Version}`);
  if (headers['x-amz-security-token'] !== FAKE_CREDENTIALS.Token) problems.push('X-Amz-Security-Token is not the session token');
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '');
  if (!match) return [...problems, `Authorization is malformed: ${headers.authorization}`];
  const [, accessKey, date, scopeRegion, service, signedList, signature] = match;
  const signed = signedList.split(';');
  if (accessKey !== FAKE_CREDENTIALS.AccessKeyId) problems.push(`the access key is ${accessKey}`);
  if (scopeRegion !== region || service !== 'ec2') problems.push(`the scope is ${scopeRegion}/${service}`);
  const amzDate = headers['x-amz-date'] ?? '';
  if (!amzDate.startsWith(date)) problems.push(`X-Amz-Date ${amzDate} is not of the scope's day ${date}`);
  for (const name of ['host', 'x-amz-date', 'x-amz-security-token', 'content-type']) {
    if (!signed.includes(name)) problems.push(`${name} is not signed`);
  }
  const expected = sigV4({ method: 'POST', path: '/', headers, body }, signed, FAKE_CREDENTIALS.SecretAccessKey, { date, region: scopeRegion, service }, amzDate);
  if (expected !== signature) problems.push('the signature does not match');
  return problems;
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
