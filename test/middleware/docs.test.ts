/** docs/middleware.md says what the code does: the pinned charts and proxy, the paths, the redirect URLs, the variable. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSOLE_PORTS, DEFAULT_MIDDLEWARE_CHART_VERSIONS, GRAFANA_PATH, HEADLAMP_PATH, MIDDLEWARE_CHARTS, MIDDLEWARE_NAMESPACE } from '../../lib/core/middleware/middleware-defaults';
import { planMiddleware } from '../../lib/core/middleware/middleware-plan';
import { MIDDLEWARE_INPUT } from '../core/middleware/middleware-plan-fixture';
import { DEFAULT_CLIENT_SECRET_VARIABLE } from '../../lib/middleware/middleware-releases';

const doc = fs.readFileSync(path.join(__dirname, '../../docs/middleware.md'), 'utf8');

test('the table of installed charts has each chart, its repository and its pinned version', () => {
  const rows = doc.split('\n').filter((line) => line.startsWith('| `') && line.includes('` from http'));
  const found = rows.map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim()));
  expect(found.map(([release, chart, version]) => [release, chart, version])).toEqual([
    [`\`${MIDDLEWARE_CHARTS.grafana.release}\``, `\`${MIDDLEWARE_CHARTS.grafana.chart}\` from ${MIDDLEWARE_CHARTS.grafana.repository}`, DEFAULT_MIDDLEWARE_CHART_VERSIONS.grafana],
    [`\`${MIDDLEWARE_CHARTS.headlamp.release}\``, `\`${MIDDLEWARE_CHARTS.headlamp.chart}\` from ${MIDDLEWARE_CHARTS.headlamp.repository}`, DEFAULT_MIDDLEWARE_CHART_VERSIONS.headlamp],
  ]);
  const versions = Object.values(DEFAULT_MIDDLEWARE_CHART_VERSIONS).map((v) => `\`${v}\``).join(', ');
  expect(doc).toContain(`| \`versions\` | the oauth2-proxy release (\`oauth2Proxy\`, an image tag) and the chart versions \`grafana\`, \`headlamp\` | ${versions} |`);
  for (const row of found) expect(row[3]).toContain(`oauth2-proxy ${DEFAULT_MIDDLEWARE_CHART_VERSIONS.oauth2Proxy} beside it`);
});

test('the URLs, namespace and variable it names are the code\'s', () => {
  const [grafanaCallback, headlampCallback] = planMiddleware(MIDDLEWARE_INPUT).redirectUrls.map((url) => url.replace('ops.example.com', '<host>'));
  expect(doc).toContain(`| redirect (callback) URLs | \`${grafanaCallback}\` and \`${headlampCallback}\` |`);
  expect(doc).toContain(`Grafana listens on \`127.0.0.1:${CONSOLE_PORTS.grafana.loopback}\``);
  expect(doc).toContain(`Headlamp on \`127.0.0.1:${CONSOLE_PORTS.headlamp.loopback}\``);
  expect(doc).toContain(`the charts' ports, ${CONSOLE_PORTS.grafana.pod} and\n${CONSOLE_PORTS.headlamp.pod}`);
  expect(doc).toContain(`\`https://<host>${GRAFANA_PATH}\``);
  expect(doc).toContain(`\`https://<host>${HEADLAMP_PATH}\``);
  expect(doc).toContain(`namespace \`${MIDDLEWARE_NAMESPACE}\``);
  expect(doc).toContain(`TF_VAR_${DEFAULT_CLIENT_SECRET_VARIABLE}=`);
});
