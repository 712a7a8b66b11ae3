/**
 * A loopback Azure for keys_azure.py: a fake IMDS token endpoint and a fake Key Vault, Node
 * HTTP servers in the test process that behave as the documented services do, and the node's
 * reader (keys-lab.ts installs it) run asynchronously, so the servers keep answering.
 *
 * IMDS, as "How to use managed identities for Azure resources on an Azure VM to acquire an
 * access token" (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token)
 * describes it: GET /metadata/identity/oauth2/token with api-version, resource and client_id;
 * without the header `Metadata: true`, 400 bad_request_102; a client_id of no identity on the
 * VM, 400 invalid_request "Identity not found"; else 200 with access_token, expires_in,
 * expires_on, not_before, resource, token_type "Bearer".
 *
 * Key Vault, as the REST API 7.4 "Get Secret" (learn.microsoft.com/rest/api/keyvault/secrets/get-secret)
 * and "Azure Key Vault REST API Error Codes" (learn.microsoft.com/azure/key-vault/general/rest-error-codes)
 * describe it: GET /secrets/{name}[/{version}]?api-version=7.4 with `Authorization: Bearer`;
 * no token, 401 with a challenge `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
 * resource="https://vault.azure.net"`; a token for another audience, 401; an identity without a
 * policy granting Get, 403 Forbidden/AccessDenied; no such secret, 404 SecretNotFound; else 200
 * with the SecretBundle (value, contentType, id, attributes, tags). Errors are KeyVaultError:
 * {"error": {"code", "message", "innererror"?}}.
 *
 * And "Set Secret" (learn.microsoft.com/rest/api/keyvault/secrets/set-secret): PUT /secrets/{name}?api-version=7.4
 * with a JSON body whose `value` is required; "This operation requires the secrets/set permission" (403 without
 * it); the first write creates the secret, each later one "creates a new version"; 200 with the new SecretBundle.
 */
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from '../support/loopback-http';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const VAULT_RESOURCE = 'https://vault.azure.net';

/** One request a fake server received. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The request's body, for the vault's writes. */
  body?: string;
}

/** The token the fake IMDS issues to an identity for a resource: the fake vault reads both back. */
export function tokenFor(clientId: string, resource: string): string {
  return `eyJ0eXAiOiJKV1Qi.${Buffer.from(JSON.stringify({ appid: clientId, aud: resource })).toString('base64url')}.sig`;
}

function claimsOf(token: string): { appid?: string; aud?: string } {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return { server, url: await listenOnLoopback(server) };
}

function seen(request: IncomingMessage): SeenRequest {
  const url = new URL(request.url ?? '/', 'http://lab');
  return { method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers };
}

/** What the fake Azure holds and how it behaves; tests change it between runs. */
export interface AzureLabState {
  /** Client ids of the identities on the VM (IMDS issues tokens for these alone). */
  identities: string[];
  /** How many more token requests IMDS answers "Identity not found" (the identity is being attached). */
  identityNotFoundFor: number;
  /** Client ids whose access policy grants Get on secrets. */
  granted: string[];
  /** Client ids whose access policy grants Set on secrets. @default none */
  settable?: string[];
  /** How many more secret reads answer 403 although granted (the policy has not reached the data plane yet). */
  forbiddenFor: number;
  /** Secret name -> value. */
  secrets: Record<string, string>;
  /** Replaces the 200 answer of a secret read, when set: a status and a raw body. */
  secretAnswer?: { status: number; body: string; headers?: Record<string, string> };
  /** Replaces the answer of a secret write that passed authorization, when set. */
  writeAnswer?: { status: number; body: string };
}

export interface AzureLab {
  readonly imdsUrl: string;
  readonly vaultUrl: string;
  readonly state: AzureLabState;
  readonly imdsRequests: SeenRequest[];
  readonly vaultRequests: SeenRequest[];
  close(): Promise<void>;
}

export async function startAzureLab(state: AzureLabState): Promise<AzureLab> {
  const imdsRequests: SeenRequest[] = [];
  const vaultRequests: SeenRequest[] = [];
  const imds = await listen((request, response) => {
    const r = seen(request);
    imdsRequests.push(r);
    if (r.path !== '/metadata/identity/oauth2/token') return send(response, 404, { error: 'not_found', error_description: 'Not found' });
    if (r.headers.metadata !== 'true') return send(response, 400, { error: 'bad_request_102', error_description: 'Required metadata header not specified' });
    const clientId = r.query.get('client_id') ?? '';
    const resource = r.query.get('resource') ?? '';
    if (state.identityNotFoundFor > 0 || !state.identities.includes(clientId)) {
      state.identityNotFoundFor = Math.max(0, state.identityNotFoundFor - 1);
      return send(response, 400, { error: 'invalid_request', error_description: 'Identity not found' });
    }
    send(response, 200, {
      access_token: tokenFor(clientId, resource),
      refresh_token: '',
      expires_in: '86399',
      expires_on: '1893456000',
      not_before: '1893369300',
      resource,
      token_type: 'Bearer',
    });
  });
  let versions = 0;
  const vault = await listen(async (request, response) => {
    const r = seen(request);
    vaultRequests.push(r);
    if (r.method === 'PUT') r.body = await readBody(request);
    const challenge = { 'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${TENANT_ID}", resource="${VAULT_RESOURCE}"` };
    const bearer = /^Bearer (\S+)$/.exec(r.headers.authorization ?? '')?.[1];
    if (!bearer) return send(response, 401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, challenge);
    const claims = claimsOf(bearer);
    if (claims.aud !== VAULT_RESOURCE) return send(response, 401, { error: { code: 'Unauthorized', message: `AKV10022: Invalid audience. Expected ${VAULT_RESOURCE}, found: ${claims.aud}.` } }, challenge);
    const match = /^\/secrets\/([A-Za-z0-9-]+)(?:\/[0-9a-f]{32})?$/.exec(r.path);
    if (!match || r.query.get('api-version') !== '7.4') return send(response, 400, { error: { code: 'BadParameter', message: 'The request URI is not valid.' } });
    if (r.method === 'PUT') {
      // Set Secret: on the secret's name alone, never on a version.
      if (r.path !== `/secrets/${match[1]}`) return send(response, 405, { error: { code: 'MethodNotAllowed', message: 'The requested resource does not support http method PUT.' } });
      if (!(state.settable ?? []).includes(claims.appid ?? '') || state.forbiddenFor > 0) {
        state.forbiddenFor = Math.max(0, state.forbiddenFor - 1);
        return send(response, 403, {
          error: { code: 'Forbidden', message: `The user, group or application 'appid=${claims.appid}' does not have secrets set permission on key vault 'castlab;location=eastus'.`, innererror: { code: 'AccessDenied' } },
        });
      }
      if (state.writeAnswer) return send(response, state.writeAnswer.status, state.writeAnswer.body);
      let value: unknown;
      try {
        value = (JSON.parse(r.body ?? '') as { value?: unknown }).value;
      } catch {
        value = undefined;
      }
      if (!/^application\/json\b/.test(r.headers['content-type'] ?? '') || typeof value !== 'string') {
        return send(response, 400, { error: { code: 'BadParameter', message: 'Property value is required.' } });
      }
      state.secrets[match[1]] = value;
      versions += 1;
      return send(response, 200, {
        value,
        id: `https://castlab.vault.azure.net/secrets/${match[1]}/${versions.toString(16).padStart(32, '0')}`,
        attributes: { enabled: true, created: 1893369300, updated: 1893369300, recoveryLevel: 'CustomizedRecoverable+Purgeable', recoverableDays: 7 },
      });
    }
    if (!state.granted.includes(claims.appid ?? '') || state.forbiddenFor > 0) {
      state.forbiddenFor = Math.max(0, state.forbiddenFor - 1);
      return send(response, 403, {
        error: { code: 'Forbidden', message: `The user, group or application 'appid=${claims.appid}' does not have secrets get permission on key vault 'castlab;location=eastus'.`, innererror: { code: 'AccessDenied' } },
      });
    }
    if (state.secretAnswer) return send(response, state.secretAnswer.status, state.secretAnswer.body, state.secretAnswer.headers);
    const value = state.secrets[match[1]];
    if (value === undefined) return send(response, 404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${match[1]} was not found in this key vault.` } });
    send(response, 200, {
      value,
      contentType: 'application/json',
      id: `https://castlab.vault.azure.net/secrets/${match[1]}/4387e9f3d6e14c459867679a90fd0f79`,
      attributes: { enabled: true, created: 1893369300, updated: 1893369300, recoveryLevel: 'CustomizedRecoverable+Purgeable', recoverableDays: 7 },
      tags: {},
    });
  });
  const close = async () => {
    await Promise.all([imds.server, vault.server].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
  return { imdsUrl: imds.url, vaultUrl: vault.url, state, imdsRequests, vaultRequests, close };
}

export { runReaderAsync } from './keys-lab';
