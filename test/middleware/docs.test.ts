/** docs/middleware.md says what the code does: the pinned charts, the paths, the redirect URL, the variable. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CALLBACK_PATH, DEFAULT_MIDDLEWARE_CHART_VERSIONS, GRAFANA_PATH, HEADLAMP_PATH, MIDDLEWARE_CHARTS, MIDDLEWARE_NAMESPACE } from '../../lib/core/middleware/middleware-defaults';
import { DEFAULT_CLIENT_SECRET_VARIABLE } from '../../lib/middleware/middleware-releases';

const doc = fs.readFileSync(path.join(__dirname, '../../docs/middleware.md'), 'utf8');

test('the table of installed charts has each chart, its repository and its pinned version', () => {
  const rows = doc.split('\n').filter((line) => line.startsWith('| `') && line.includes('` from http'));
  const found = rows.map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim()));
  expect(found.map(([release, chart, version]) => [release, chart, version])).toEqual([
    [`\`${MIDDLEWARE_CHARTS.oauth2Proxy.release}\``, `\`${MIDDLEWARE_CHARTS.oauth2Proxy.chart}\` from ${MIDDLEWARE_CHARTS.oauth2Proxy.repository}`, DEFAULT_MIDDLEWARE_CHART_VERSIONS.oauth2Proxy],
    [`\`${MIDDLEWARE_CHARTS.grafana.release}\``, `\`${MIDDLEWARE_CHARTS.grafana.chart}\` from ${MIDDLEWARE_CHARTS.grafana.repository}`, DEFAULT_MIDDLEWARE_CHART_VERSIONS.grafana],
    [`\`${MIDDLEWARE_CHARTS.headlamp.release}\``, `\`${MIDDLEWARE_CHARTS.headlamp.chart}\` from ${MIDDLEWARE_CHARTS.headlamp.repository}`, DEFAULT_MIDDLEWARE_CHART_VERSIONS.headlamp],
  ]);
  const versions = Object.values(DEFAULT_MIDDLEWARE_CHART_VERSIONS).map((v) => `\`${v}\``).join(', ');
  expect(doc).toContain(`| \`versions\` | chart versions: \`oauth2Proxy\`, \`grafana\`, \`headlamp\` | ${versions} |`);
});

test('the URLs, namespace and variable it names are the code\'s', () => {
  expect(doc).toContain(`\`https://<host>${CALLBACK_PATH}\``);
  expect(doc).toContain(`\`https://<host>${GRAFANA_PATH}\``);
  expect(doc).toContain(`\`https://<host>${HEADLAMP_PATH}\``);
  expect(doc).toContain(`namespace \`${MIDDLEWARE_NAMESPACE}\``);
  expect(doc).toContain(`TF_VAR_${DEFAULT_CLIENT_SECRET_VARIABLE}=`);
});
