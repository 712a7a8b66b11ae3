/** docs/ingress.md is checked against the code, so it cannot rot. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import {
  CHARTS, DEFAULT_CHART_VERSIONS, DEFAULT_HTTP_NODE_PORT, DEFAULT_HTTPS_NODE_PORT, DEFAULT_RECORD_TTL, GATEWAY_API_VERSION, GATEWAY_CLASS_NAME, GATEWAY_NAME,
  GATEWAY_NAMESPACE, HTTP_LISTENER, HTTPS_LISTENER,
} from '../../lib/core/ingress/ingress-defaults';
import { checkCustomResource } from './crd-schema';

const ROOT = path.join(__dirname, '../..');
const DOCS = fs.readFileSync(path.join(ROOT, 'docs/ingress.md'), 'utf8');

/** The version setting of each chart: Envoy Gateway's two charts share one. */
const VERSION_OF: Record<keyof typeof CHARTS, keyof typeof DEFAULT_CHART_VERSIONS> = {
  envoyGatewayCrds: 'envoyGateway', envoyGateway: 'envoyGateway', certManager: 'certManager', prometheus: 'prometheus',
};

test.each(Object.keys(CHARTS) as (keyof typeof CHARTS)[])('the components table has the %s chart, repository, default version and namespace', (key) => {
  const { chart, repository, namespace } = CHARTS[key];
  expect(DOCS).toContain(`| \`${chart}\` from ${repository} | \`${DEFAULT_CHART_VERSIONS[VERSION_OF[key]]}\` | \`${namespace}\` |`);
});

test('the Gateway contract and the Gateway API version the docs name are the code\'s', () => {
  expect(DOCS).toContain(`GatewayClass \`${GATEWAY_CLASS_NAME}\`, Gateway \`${GATEWAY_NAME}\` in namespace \`${GATEWAY_NAMESPACE}\`, listeners \`${HTTP_LISTENER}\` (80) and \`${HTTPS_LISTENER}\` (443)`);
  expect(DOCS).toContain(`Gateway API ${GATEWAY_API_VERSION}`);
  expect(DOCS).not.toMatch(/ingressClassName:/);
});

test('the HTTPRoute the docs show is valid against the Gateway API schema and attaches to the Gateway', () => {
  const route = parse(/```yaml\n([\s\S]*?)```/.exec(DOCS)![1]);
  expect(checkCustomResource(route).problems).toEqual([]);
  expect(route.spec.parentRefs[0]).toMatchObject({ name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName: HTTPS_LISTENER });
});

test('the defaults the docs name are the code\'s', () => {
  expect(DOCS).toContain(`\`httpNodePort\` ${DEFAULT_HTTP_NODE_PORT}`);
  expect(DOCS).toContain(`\`httpsNodePort\` ${DEFAULT_HTTPS_NODE_PORT}`);
  expect(DOCS).toContain(`TTL: ${DEFAULT_RECORD_TTL} s`);
});

test('the example runs and gives the two stacks the deploy command names', () => {
  const example = /```ts\n([\s\S]*?)```/.exec(DOCS)![1];
  const code = ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  // The package as it will export the ingress (lib/index.ts), with the modules it has today.
  const library = { ...require('../../lib'), ...require('../../lib/ingress/ingress-stack'), ...require('../../lib/core/ingress/dns-service') };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-ingress-docs-'));
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    new Function('require', 'exports', code)((name: string) => (name === 'cdktf-cast-cluster' ? library : require(name)), {});
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  fs.rmSync(outdir, { recursive: true, force: true });
  expect(Object.keys(manifest.stacks)).toEqual(['platform', 'platform-in-cluster']);
  expect(DOCS).toContain('cdktf deploy platform platform-in-cluster');
});
