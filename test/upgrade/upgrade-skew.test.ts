/**
 * upgradeSkewProblem, the synth-time check, and `skew_problem` in the rendered
 * cast-upgrade.sh, the check the cluster applies to the version it runs: one table, and the
 * two must say the same thing word for word.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upgradeSkewCondition, upgradeSkewProblem } from '../../lib/core/upgrade';
import { describeWithTerraform, quietEnvironment } from '../terraform/terraform-cli';
import { parsedManifests } from './fake-cluster';

const TABLE: [from: string, to: string, allowed: boolean][] = [
  ['1.34.2', '1.34.2', true],
  ['1.34.2', '1.34.3', true],
  ['1.34.2', '1.34.10', true],
  ['v1.34.2', '1.35.0', true],
  ['1.34.9', '1.35.0', true],
  ['1.34.2', '1.36.0', false],
  ['1.33.4', '1.35.1', false],
  ['1.34.2', '1.34.1', false],
  ['1.34.2', '1.33.9', false],
  ['1.34.2', '2.0.0', false],
  ['1.34.2', '1.35', false],
  ['1.34.2', 'v1.35.0', true],
  ['banana', '1.35.0', false],
];

test.each(TABLE)('%s to %s: allowed %s', (from, to, allowed) => {
  expect(upgradeSkewProblem(from, to) === undefined).toBe(allowed);
});

test('the messages name the rule, the values and the fix', () => {
  expect(upgradeSkewProblem('1.34.2', '1.36.0')).toBe(
    'kubernetesVersion must not skip a minor version (got 1.36.0, running 1.34.2): kubeadm upgrades one minor at a time. Set kubernetesVersion to a 1.35.x release, deploy and wait for phase Done, then go on.',
  );
  expect(upgradeSkewProblem('1.34.2', '1.34.1')).toBe(
    'kubernetesVersion must not be lower than the running 1.34.2 (got 1.34.1): kubeadm upgrades only go up. Set kubernetesVersion to 1.34.2 or a later release.',
  );
});

test('the rendered cast-upgrade.sh refuses exactly what upgradeSkewProblem refuses, in the same words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cast-upgrade-skew-'));
  try {
    const script = join(dir, 'cast-upgrade.sh');
    writeFileSync(script, (parsedManifests('1.35.0')[1] as { data: Record<string, string> }).data['cast-upgrade.sh']);
    // One bash for the whole table: the script's `skew` mode, once per line.
    const loop = TABLE.map(([from, to]) => `bash ${JSON.stringify(script)} skew ${JSON.stringify(from)} ${JSON.stringify(to)}; echo "<end>"`).join('\n');
    const result = spawnSync('bash', ['-c', loop], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(result.status).toBe(0);
    const answers = result.stdout.split('<end>\n').slice(0, TABLE.length).map((a) => a.trim());
    expect(answers).toEqual(TABLE.map(([from, to]) => upgradeSkewProblem(from, to) ?? ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describeWithTerraform('upgradeSkewCondition, for a Terraform precondition on the running version', () => {
  const runningVersions = TABLE.filter(([, to]) => to === '1.35.0').map(([from]) => from).concat(['1.35.0', '1.35.1', 'v1.34.0', '1.33.9', '', '1.350.0']);

  test('reads the same as upgradeSkewProblem', () => {
    const condition = upgradeSkewCondition('var.running', '1.35.0');
    expect(condition).toContain('var.running');
    // Evaluated by terraform console: one list (console reads its whole input as one expression).
    const dir = mkdtempSync(join(tmpdir(), 'cast-upgrade-tf-'));
    try {
      const input = `jsonencode([${runningVersions.map((r) => upgradeSkewCondition(JSON.stringify(r), '1.35.0')).join(', ')}])\n`;
      const result = spawnSync('terraform', ['console'], { cwd: dir, input, encoding: 'utf8', env: quietEnvironment({}) });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      // An empty running version (a ClusterConfiguration not readable yet) passes: the cluster checks again.
      expect(JSON.parse(JSON.parse(result.stdout.trim()))).toEqual(runningVersions.map((r) => r === '' || upgradeSkewProblem(r, '1.35.0') === undefined));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});

test('upgradeSkewCondition refuses a target that is no release', () => {
  expect(() => upgradeSkewCondition('var.running', '1.35')).toThrow('kubernetesVersion must be a Kubernetes release x.y.z (got "1.35")');
});
