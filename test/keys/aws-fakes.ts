/**
 * A fake EC2 instance metadata service (IMDSv2) and a fake Secrets Manager on loopback, for
 * templates/mesh/agent/castmesh/keys_aws.py. They behave as the documentation says the real
 * ones do:
 * - IMDSv2 (Amazon EC2 User Guide, "Use the Instance Metadata Service to access instance
 *   metadata", "Retrieve security credentials from instance metadata"): PUT /latest/api/token
 *   needs X-aws-ec2-metadata-token-ttl-seconds (1-21600) and answers the token; with
 *   `http_tokens = required` every GET without a valid X-aws-ec2-metadata-token is 401;
 *   /latest/meta-data/iam/security-credentials/ is 404 while the instance has no profile, else
 *   the role name; /<role> is the JSON credentials document (Code, AccessKeyId, SecretAccessKey,
 *   Token, Expiration).
 * - Secrets Manager GetSecretValue and PutSecretValue over the AWS JSON 1.1 protocol (Secrets
 *   Manager API Reference, GetSecretValue, PutSecretValue; smithy.io aws-json-1_1 protocol):
 *   POST / with X-Amz-Target: secretsmanager.<Action> and Content-Type:
 *   application/x-amz-json-1.1; GetSecretValue's body {"SecretId"}, PutSecretValue's
 *   {"SecretId", "SecretString", "ClientRequestToken"} (a raw HTTP caller "must generate a
 *   ClientRequestToken", 32-64 characters, a UUID recommended; it becomes the VersionId, and a
 *   token reused with other data fails with ResourceExistsException). A secret with no version
 *   answers GetSecretValue with ResourceNotFoundException "Secrets Manager can't find the
 *   specified secret value for staging label: AWSCURRENT" (boto/boto3#2794); PutSecretValue
 *   without VersionStages makes the new version AWSCURRENT. Requests are authenticated with
 *   Signature Version 4 (IAM User Guide, "Create a signed AWS API request"), temporary
 *   credentials need X-Amz-Security-Token; errors are HTTP 4xx/5xx with {"__type", "message"}.
 * The fake verifies the signature itself (its own SigV4, in Node's crypto, checked against the
 * AWS test suite in aws-reader.test.ts) with the secret key it handed out.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { readBody } from '../support/loopback-http';

export const FAKE_CREDENTIALS = { AccessKeyId: 'ASIAFAKEACCESSKEY123', SecretAccessKey: 'fake/secret+key/for+tests0123456789abcdef', Token: 'FAKE//SESSION+TOKEN==' };
export const ROLE = 'c1-cp-20261205000000000000000001';

/** SigV4 signature of a received request (lowercased header names), for the fake's check and the vectors. */
export function sigV4(request: { method: string; path: string; query?: string; headers: Record<string, string>; body: string }, signedHeaders: string[], secretKey: string, scope: { date: string; region: string; service: string }, amzDate: string): string {
  const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  const names = [...signedHeaders].sort();
  const canonical = [
    request.method,
    request.path,
    request.query ?? '',
    names.map((name) => `${name}:${String(request.headers[name]).trim().replace(/\s+/g, ' ')}\n`).join(''),
    names.join(';'),
    sha256(request.body),
  ].join('\n');
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scopeText, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${secretKey}`, scope.date);
  for (const part of [scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** What the fake Secrets Manager answers, in order; the last one repeats. 'secret': what the service would (read or write the secret). */
export type StoreAnswer = { readonly status: number; readonly body: string } | 'secret';

/** The UUID form the fake expects of a ClientRequestToken (RFC 4122 version 4, as Python's uuid.uuid4()). */
export const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** One request the fake Secrets Manager received, and what it found wrong with it. */
export interface StoreRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly problems: string[];
}

export interface FakeAws {
  readonly metadataUrl: string;
  readonly apiUrl: string;
  readonly storeRequests: StoreRequest[];
  /** The secret's versions, oldest first (VersionId and text); the last is AWSCURRENT. */
  readonly versions: { readonly versionId: string; readonly secretString: string }[];
  /** Metadata requests as `METHOD path`. */
  readonly metadataRequests: string[];
  close(): Promise<void>;
}

export interface FakeAwsOptions {
  /** The secret's ARN the fake holds. */
  readonly secretArn: string;
  readonly region: string;
  /** The secret's text (its one version, AWSCURRENT). undefined: no version yet, as a secret created empty. */
  readonly secretString: string | undefined;
  /** Secrets Manager's answers, in order (the last repeats). @default ['secret'] */
  readonly answers?: StoreAnswer[];
  /** How many times the role list is 404 before the role shows. @default 0; Infinity: never */
  readonly roleMissing?: number;
}

export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const token = 'imds-token-' + createHash('sha256').update(options.secretArn).digest('hex').slice(0, 12);
  const metadataRequests: string[] = [];
  const storeRequests: StoreRequest[] = [];
  let roleMissing = options.roleMissing ?? 0;
  const answers = [...(options.answers ?? ['secret'])];
  const versions = options.secretString === undefined ? [] : [{ versionId: 'v1', secretString: options.secretString }];

  const imds = createServer(async (request, response) => {
    metadataRequests.push(`${request.method} ${request.url}`);
    await readBody(request);
    if (request.method === 'PUT' && request.url === '/latest/api/token') {
      const ttl = Number(request.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!(ttl >= 1 && ttl <= 21600)) return send(response, 400, 'text/plain', 'Bad Request');
      return send(response, 200, 'text/plain', token);
    }
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'Method Not Allowed');
    if (request.headers['x-aws-ec2-metadata-token'] !== token) return send(response, 401, 'text/plain', 'Unauthorized');
    if (request.url === '/latest/meta-data/iam/security-credentials/') {
      if (roleMissing > 0) {
        roleMissing -= 1;
        return send(response, 404, 'text/plain', 'Not Found');
      }
      return send(response, 200, 'text/plain', ROLE);
    }
    if (request.url === `/latest/meta-data/iam/security-credentials/${ROLE}` && roleMissing === 0) {
      return send(response, 200, 'text/plain', JSON.stringify({ Code: 'Success', LastUpdated: '2026-12-05T00:00:00Z', Type: 'AWS-HMAC', ...FAKE_CREDENTIALS, Expiration: '2026-12-05T06:00:00Z' }, null, 2));
    }
    return send(response, 404, 'text/plain', 'Not Found');
  });

  const api = createServer(async (request, response) => {
    const body = await readBody(request);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
    const problems = checkStoreRequest(request, headers, body, options);
    storeRequests.push({ headers, body, problems });
    const json = 'application/x-amz-json-1.1';
    if (problems.length > 0) return send(response, 403, json, JSON.stringify({ __type: 'InvalidSignatureException', message: problems.join('; ') }));
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (answer !== 'secret') return send(response, answer.status, json, answer.body);
    if (headers['x-amz-target'] === 'secretsmanager.PutSecretValue') {
      const { SecretString, ClientRequestToken } = JSON.parse(body);
      const same = versions.find((v) => v.versionId === ClientRequestToken);
      if (same && same.secretString !== SecretString) return send(response, 400, json, JSON.stringify({ __type: 'ResourceExistsException', message: 'You can\'t modify an existing version, you can only create a new version.' }));
      if (!same) versions.push({ versionId: ClientRequestToken, secretString: SecretString });
      return send(response, 200, json, JSON.stringify({ ARN: options.secretArn, Name: 'c1-x', VersionId: ClientRequestToken, VersionStages: ['AWSCURRENT'] }));
    }
    const current = versions[versions.length - 1];
    if (!current) return send(response, 400, json, JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT" }));
    return send(response, 200, json, JSON.stringify({ ARN: options.secretArn, Name: 'c1-control-plane-keys-x', VersionId: current.versionId, SecretString: current.secretString, VersionStages: ['AWSCURRENT'], CreatedDate: 1.764e9 }));
  });

  const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  const [metadataUrl, apiUrl] = await Promise.all([listen(imds), listen(api)]);
  return {
    metadataUrl,
    apiUrl,
    storeRequests,
    versions,
    metadataRequests,
    close: async () => {
      await Promise.all([imds, api].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/** Everything GetSecretValue or PutSecretValue needs, checked as the service would: what is missing or wrong, or nothing. */
function checkStoreRequest(request: IncomingMessage, headers: Record<string, string>, body: string, options: FakeAwsOptions): string[] {
  const problems: string[] = [];
  if (request.method !== 'POST' || request.url !== '/') problems.push(`expected POST / (got ${request.method} ${request.url})`);
  const put = headers['x-amz-target'] === 'secretsmanager.PutSecretValue';
  if (!put && headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') problems.push(`X-Amz-Target is ${headers['x-amz-target']}`);
  if (headers['content-type'] !== 'application/x-amz-json-1.1') problems.push(`Content-Type is ${headers['content-type']}`);
  if (headers['x-amz-security-token'] !== FAKE_CREDENTIALS.Token) problems.push('X-Amz-Security-Token is not the session token');
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    problems.push('the body is not JSON');
  }
  const fields = document && typeof document === 'object' ? (document as Record<string, unknown>) : {};
  const expectedKeys = put ? ['ClientRequestToken', 'SecretId', 'SecretString'] : ['SecretId'];
  if (JSON.stringify(Object.keys(fields).sort()) !== JSON.stringify(expectedKeys) || fields.SecretId !== options.secretArn) problems.push(`the body is ${body}`);
  if (put && !(typeof fields.SecretString === 'string' && typeof fields.ClientRequestToken === 'string' && UUID4.test(fields.ClientRequestToken))) problems.push(`PutSecretValue needs a SecretString and a UUID ClientRequestToken (got ${body})`);
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '');
  if (!match) return [...problems, `Authorization is malformed: ${headers.authorization}`];
  const [, accessKey, date, region, service, signedList, signature] = match;
  const signed = signedList.split(';');
  if (accessKey !== FAKE_CREDENTIALS.AccessKeyId) problems.push(`the access key is ${accessKey}`);
  if (region !== options.region || service !== 'secretsmanager') problems.push(`the scope is ${region}/${service}`);
  const amzDate = headers['x-amz-date'] ?? '';
  if (!amzDate.startsWith(date)) problems.push(`X-Amz-Date ${amzDate} is not of the scope's day ${date}`);
  if (Math.abs(Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')) - Date.now()) > 5 * 60_000) problems.push(`X-Amz-Date ${amzDate} is more than 5 minutes off`);
  for (const name of ['host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target', 'content-type']) {
    if (!signed.includes(name)) problems.push(`${name} is not signed`);
  }
  const expected = sigV4({ method: 'POST', path: '/', headers, body }, signed, FAKE_CREDENTIALS.SecretAccessKey, { date, region, service }, amzDate);
  if (expected !== signature) problems.push('the signature does not match');
  return problems;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

export { runReaderAsync } from './keys-lab';
