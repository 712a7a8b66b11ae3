/**
 * The CRD schema check catches what it claims to (each mistake below is one the API
 * server or Envoy Gateway would refuse or, for an unknown field, silently drop), and
 * every vendored schema is the stored version named in SOURCES.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkCustomResource } from './crd-schema';

const GATEWAY = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'cast', namespace: 'cast-ingress' },
  spec: { gatewayClassName: 'cast', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
};
const withSpec = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...GATEWAY, ...extra, spec: { ...GATEWAY.spec, ...spec } });

test('a valid Gateway passes, and its CEL rules are listed, not evaluated', () => {
  const check = checkCustomResource(GATEWAY);
  expect(check.problems).toEqual([]);
  expect(check.celRules.length).toBeGreaterThan(0);
});

test.each([
  ['a misspelt field', withSpec({ listener: [] }), '.spec.listener: not a field of the schema'],
  ['a missing required field', { ...GATEWAY, spec: { listeners: GATEWAY.spec.listeners } }, '.spec.gatewayClassName: required'],
  ['a port out of range', withSpec({ listeners: [{ name: 'http', protocol: 'HTTP', port: 70000 }] }), '.spec.listeners[0].port: 70000 is over the maximum 65535'],
  ['a listener name that is no section name', withSpec({ listeners: [{ name: 'HTTP', protocol: 'HTTP', port: 80 }] }), '.spec.listeners[0].name: "HTTP" does not match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'],
  ['a string where a number goes', withSpec({ listeners: [{ name: 'http', protocol: 'HTTP', port: '80' }] }), '.spec.listeners[0].port: "80" is not an integer'],
  ['an address that is no IP', withSpec({ addresses: [{ type: 'IPAddress', value: '${lookup(x)}' }] }), '.spec.addresses[0]: does not match exactly one of oneOf'],
  ['no namespace on a namespaced kind', { ...GATEWAY, metadata: { name: 'cast' } }, 'metadata.namespace: missing on a namespaced kind'],
  ['a version that is not stored', { ...GATEWAY, apiVersion: 'gateway.networking.k8s.io/v1beta1' }, 'apiVersion: gateway.networking.k8s.io/v1beta1 is not the stored version gateway.networking.k8s.io/v1'],
])('%s fails', (_name, manifest, problem) => {
  expect(checkCustomResource(manifest).problems).toEqual([problem]);
});

test('an enum is enforced, and a kind without a vendored schema is a problem, not a pass', () => {
  const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'a', namespace: 'b' }, spec: { secretName: 'a', issuerRef: { name: 'x' }, privateKey: { algorithm: 'DSA' } } };
  expect(checkCustomResource(issuer).problems).toEqual(['.spec.privateKey.algorithm: "DSA" is not one of ["RSA","ECDSA","Ed25519"]']);
  expect(checkCustomResource({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).problems).toEqual(['example.com/v1 Widget: no vendored CRD schema (test/fixtures/crds/)']);
});

test('SOURCES.md names every vendored schema with its repository, tag and path', () => {
  const dir = path.join(__dirname, '../fixtures/crds');
  const sources = fs.readFileSync(path.join(dir, 'SOURCES.md'), 'utf8');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  expect(files.length).toBe(8);
  for (const file of files) {
    const crd = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    expect({ file, listed: sources.includes(`| \`${file}\` | ${crd.group}/${crd.version} ${crd.kind} | ${crd.source.replace(/@([^:]+):/, ' | $1 | ')} |`) }).toEqual({ file, listed: true });
  }
});
