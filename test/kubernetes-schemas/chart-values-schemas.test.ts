/**
 * The Helm values the stacks give the charts that ship a values.schema.json pass it, as
 * Helm checks them before it renders anything (helm.sh/docs/topics/charts, "Schema
 * Files": on install and upgrade, against the chart's defaults merged with the values
 * given). A value of the wrong type or a key the chart does not know (cert-manager's
 * schema allows no others) would stop `cdktf deploy` at the release.
 *
 * Vendored in test/fixtures/chart-values/ (SOURCES.md there): each chart's schema and its
 * default values at the version the library pins; a test below fails when a pin moves
 * without them. The grafana and Envoy Gateway charts ship no schema: Helm checks nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { DEFAULT_CHART_VERSIONS } from '../../lib/core/ingress/ingress-defaults';
import { planIngress } from '../../lib/core/ingress/ingress-plan';
import { renderCertManagerValues, renderPrometheusValues } from '../../lib/core/ingress/render-in-cluster';
import { DEFAULT_MIDDLEWARE_CHART_VERSIONS } from '../../lib/core/middleware/middleware-defaults';
import { planMiddleware } from '../../lib/core/middleware/middleware-plan';
import { renderHeadlampValues } from '../../lib/core/middleware/render-middleware';
import { INGRESS_INPUT } from '../core/ingress/ingress-plan-fixture';
import { MIDDLEWARE_INPUT } from '../core/middleware/middleware-plan-fixture';

const DIR = path.join(__dirname, '../fixtures/chart-values');
const ingress = planIngress(INGRESS_INPUT);
const middleware = planMiddleware(MIDDLEWARE_INPUT);

/** Each chart with a schema: its pinned version, and the values the stacks give it. */
const CHARTS = [
  { chart: 'cert-manager', version: DEFAULT_CHART_VERSIONS.certManager, values: renderCertManagerValues(ingress) },
  { chart: 'prometheus', version: DEFAULT_CHART_VERSIONS.prometheus, values: renderPrometheusValues(ingress) },
  { chart: 'headlamp', version: DEFAULT_MIDDLEWARE_CHART_VERSIONS.headlamp, values: renderHeadlampValues(middleware) },
];

/**
 * Helm's coalescing of the values given over the chart's defaults: maps merge key by key,
 * anything else given replaces the default, and a null given removes the key
 * (helm.sh/helm/v3 pkg/chartutil/coalesce.go).
 */
function coalesce(defaults: unknown, given: unknown): unknown {
  if (!isMap(defaults) || !isMap(given)) return given === undefined ? defaults : given;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (value === null) delete merged[key];
    else merged[key] = coalesce(defaults[key], value);
  }
  return merged;
}
const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The schema's problems with `values` (the chart's defaults coalesced with them), as `<path> <message>`. */
function problems(chart: string, version: string, values: unknown): string[] {
  const base = path.join(DIR, `${chart}-${version}`);
  // Without its `$schema`: prometheus's names the draft-less "http://json-schema.org/schema#", which ajv does not know.
  const schema = JSON.parse(fs.readFileSync(`${base}.values.schema.json`, 'utf8'));
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, unknownFormats: 'ignore', validateSchema: false });
  const validate = ajv.compile(schema);
  const merged = coalesce(parse(fs.readFileSync(`${base}.values.yaml`, 'utf8')), values);
  if (validate(merged)) return [];
  return (validate.errors ?? []).map((e) => `${e.dataPath || '.'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`);
}

test.each(CHARTS)('$chart $version: the values the stack gives pass the chart\'s values.schema.json', ({ chart, version, values }) => {
  expect(problems(chart, version, parse(unescapeTerraformTemplate(values)))).toEqual([]);
});

test('each pinned chart version has its schema and defaults vendored', () => {
  for (const { chart, version } of CHARTS) {
    expect([`${chart}-${version}.values.schema.json`, `${chart}-${version}.values.yaml`].filter((file) => !fs.existsSync(path.join(DIR, file)))).toEqual([]);
  }
});

test('the check has teeth: a wrong type and a key the chart does not know are refused, as Helm refuses them', () => {
  const certManager = parse(unescapeTerraformTemplate(CHARTS[0].values));
  expect(problems('cert-manager', CHARTS[0].version, { ...certManager, crds: { enabled: 'yes' } })).toEqual(expect.arrayContaining([expect.stringMatching(/^\.crds\.enabled should be boolean/)]));
  expect(problems('cert-manager', CHARTS[0].version, { ...certManager, enableGatewayAPI: true })).toEqual(expect.arrayContaining([expect.stringMatching(/should NOT have additional properties \(enableGatewayAPI\)/)]));
  const headlamp = parse(unescapeTerraformTemplate(CHARTS[2].values));
  expect(problems('headlamp', CHARTS[2].version, { ...headlamp, config: { ...headlamp.config, extraArgs: '-listen-addr=127.0.0.1' } })).toEqual(expect.arrayContaining([expect.stringMatching(/^\.config\.extraArgs should be array/)]));
});
