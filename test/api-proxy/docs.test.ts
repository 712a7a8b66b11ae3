/** docs/bootstrap.md, "Reaching the API", is checked against the proxy's defaults and its unit, so it cannot rot. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTemplateFile, templatesDirectory } from '../../lib/core/bootstrap/template-files';
import { describeWithTool } from '../core/bootstrap/node-tools';

const DOCS = readFileSync(join(__dirname, '../../docs/bootstrap.md'), 'utf8');
const SECTION = /^## Reaching the API\n([\s\S]*?)^## /m.exec(DOCS)?.[1] ?? '';

/** `cast-api-proxy run`'s options as argparse resolves them with nothing given. */
function runDefaults(): Record<string, string | number> {
  const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(join(templatesDirectory(), 'mesh/agent'))})\nfrom castmesh import api_proxy\nprint(json.dumps(vars(api_proxy.command_line().parse_args(['run']))))`;
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describeWithTool('python3', 'python3', 'docs/bootstrap.md, "Reaching the API"', () => {
  test('its addresses, paths, check interval and timeout are the defaults of cast-api-proxy run', () => {
    const defaults = runDefaults();
    expect(SECTION).toContain(`\`${defaults.listen}\``);
    expect(SECTION).toContain(`\`${defaults.learned}\``);
    expect(SECTION).toContain(`\`${defaults.seeds_command}\``);
    expect(SECTION).toContain(`\`${defaults.ca_file}\``);
    expect(SECTION).toContain(`Every ${defaults.interval} s it asks every`);
    expect(SECTION).toContain(`within ${defaults.connect_timeout} s`);
    expect(SECTION).toContain('`GET /readyz`');
    // The local API server's address is computed (control planes only), not an option default.
    expect(readTemplateFile('mesh/agent/castmesh/api_proxy.py')).toContain("return f'127.0.0.1:{DEFAULT_PORT}' if roles[-1:] == ['control-plane']");
    expect(SECTION).toContain('`127.0.0.1:6443`');
  });

  test('the unit is as the table says: before the kubelet, ready once it listens, always restarted', () => {
    const unit = readTemplateFile('mesh/cast-api-proxy.service');
    expect(unit).toMatch(/^Before=kubelet\.service$/m);
    expect(unit).toMatch(/^Type=notify$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/python3 \/opt\/cast\/mesh\/cast-api-proxy run$/m);
    expect(SECTION).toContain('`/opt/cast/mesh/cast-api-proxy`');
    expect(SECTION).toContain('runs it before the kubelet; ready once it listens, always restarted');
  });
});
