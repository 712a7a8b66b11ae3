/**
 * The node's Python tools read node.env and mesh.env (castmesh/node_env.py) as bash's `.`
 * does: the renderer quotes every value (a quote inside as '\''), so a value with quotes,
 * `$(…)` or backticks must come back exactly, as bash reads it, and run nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AGENT_DIR = join(__dirname, '../../templates/mesh/agent');

describe('castmesh.node_env.read_env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cast-node-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads every value as bash does, later lines winning, and runs nothing', () => {
    const marker = join(dir, 'ran');
    const env = join(dir, 'node.env');
    writeFileSync(
      env,
      [
        '# written by cloud-init',
        "CAST_PLAIN='10.4.0.7'",
        `CAST_HOSTILE='it'\\''s $(touch ${marker}) \`touch ${marker}\` ; x'`,
        "CAST_EMPTY=''",
        'CAST_BARE=',
        "CAST_NOTE='v' # a note",
        "CAST_PLAIN='10.4.0.8'",
        '',
      ].join('\n'),
    );
    const keys = ['CAST_PLAIN', 'CAST_HOSTILE', 'CAST_EMPTY', 'CAST_BARE', 'CAST_NOTE'];
    const python = spawnSync('python3', ['-c', 'import json, sys; from castmesh.node_env import read_env; print(json.dumps(read_env(sys.argv[1])))', env], { cwd: AGENT_DIR, encoding: 'utf8' });
    expect(python.stderr).toBe('');
    const bash = spawnSync('bash', ['-c', `. "$1"; for k in ${keys.join(' ')}; do printf '%s\\0' "\${!k}"; done`, 'bash', env], { encoding: 'utf8' });
    const byBash = Object.fromEntries(keys.map((key, i) => [key, bash.stdout.split('\0')[i]]));
    expect(JSON.parse(python.stdout)).toEqual(byBash);
    expect(byBash.CAST_HOSTILE).toBe(`it's $(touch ${marker}) \`touch ${marker}\` ; x`);
    expect(byBash.CAST_PLAIN).toBe('10.4.0.8');
    expect(existsSync(marker)).toBe(false);
  });
});
