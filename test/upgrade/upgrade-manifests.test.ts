/**
 * The upgrade's manifests as the in-cluster stack installs them: what a version bump changes,
 * where the pods run and with what, the node Job the reconcile step creates (captured from a
 * run against the fake cluster), and the scripts in the ConfigMap under shellcheck.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PlanError } from '../../lib/core/plan-error';
import { renderUpgradeManifests, UPGRADE_IMAGE, UPGRADE_STATUS_CONFIG_MAP } from '../../lib/core/upgrade';
import { describeWithTool, runTool } from '../core/bootstrap/node-tools';
import { FakeCluster, parsedManifests } from './fake-cluster';

const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' };

test('a version bump changes the target ConfigMap and nothing else', () => {
  const before = renderUpgradeManifests({ kubernetesVersion: '1.34.2' });
  const after = renderUpgradeManifests({ kubernetesVersion: '1.35.0' });
  expect(after.length).toBe(before.length);
  const changed = after.map((doc, i) => doc !== before[i]);
  expect(changed).toEqual([true, ...before.slice(1).map(() => false)]);
  expect(parsedManifests('1.35.0')[0]).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'cast-upgrade', namespace: 'kube-system' }, data: { version: '1.35.0' } });
});

test('the status ConfigMap is not a manifest, so a deploy never resets it', () => {
  const names = parsedManifests('1.35.0').map((m) => (m as { metadata: { name: string } }).metadata.name);
  expect(names).not.toContain(UPGRADE_STATUS_CONFIG_MAP);
});

test('the CronJob runs one step at a time on a control-plane host, with the image pinned by digest', () => {
  const cronJob = parsedManifests('1.35.0')[2] as any;
  expect(cronJob.kind).toBe('CronJob');
  expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
  expect(pod.tolerations).toContainEqual(CONTROL_PLANE_TAINT);
  expect(pod.tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
  expect(pod.hostPID).toBe(true);
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.containers).toHaveLength(1);
  expect(pod.containers[0].securityContext).toEqual({ privileged: true });
  expect(pod.containers[0].image).toBe(UPGRADE_IMAGE);
  expect(UPGRADE_IMAGE).toMatch(/@sha256:[0-9a-f]{64}$/);
  expect(pod.containers[0].command.join(' ')).toContain('nsenter -t 1 -m -u -i -n -p -- /bin/bash -c "$(cat /cast/cast-upgrade.sh)"');
  expect(pod.volumes).toEqual([{ name: 'scripts', configMap: { name: 'cast-upgrade-scripts' } }]);
});

test('the node Job a step creates is pinned to its node, tolerates every taint and runs the node script on the host', () => {
  const cluster = new FakeCluster({
    nodes: [{ name: 'cp-1', role: 'control-plane', version: '1.34.2' }],
    clusterVersion: '1.34.2',
    etcdLeader: 'cp-1',
    target: '1.34.3',
  });
  try {
    expect(cluster.step().status).toBe(0);
    const job = parse(cluster.read('job/manifest.yaml'));
    expect(job).toMatchObject({ kind: 'Job', metadata: { name: 'cast-upgrade-node', namespace: 'kube-system', annotations: { 'cast.dev/node': 'cp-1', 'cast.dev/version': '1.34.3' } } });
    expect(job.spec.backoffLimit).toBe(0);
    const pod = job.spec.template.spec;
    expect(pod).toMatchObject({ nodeName: 'cp-1', hostPID: true, restartPolicy: 'Never', automountServiceAccountToken: false, tolerations: [{ operator: 'Exists' }] });
    expect(pod.containers[0]).toMatchObject({ image: UPGRADE_IMAGE, securityContext: { privileged: true }, args: ['apply', '1.34.3'] });
    expect(pod.containers[0].command.join(' ')).toContain('nsenter -t 1 -m -u -i -n -p -- /bin/bash -c "$(cat /cast/cast-upgrade-node.sh)"');
    // Drain leaves the upgrader's own pods, which carry this label, on the node.
    expect(pod).not.toHaveProperty('nodeSelector');
    expect(job.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'cast-upgrade' });
  } finally {
    cluster.cleanup();
  }
});

test('a kubernetesVersion the bootstrap does not support is refused', () => {
  expect(() => renderUpgradeManifests({ kubernetesVersion: '1.36.0' })).toThrow(PlanError);
  expect(() => renderUpgradeManifests({ kubernetesVersion: 'v1.35.0' })).toThrow(/kubernetesVersion must be an exact release/);
});

describeWithTool('shellcheck', 'shellcheck', 'the scripts in the ConfigMap', () => {
  test('pass shellcheck', () => {
    const scripts = (parsedManifests('1.35.0')[1] as { data: Record<string, string> }).data;
    expect(Object.keys(scripts).sort()).toEqual(['cast-upgrade-node.sh', 'cast-upgrade.sh']);
    const dir = mkdtempSync(join(tmpdir(), 'cast-upgrade-sc-'));
    try {
      const files = Object.entries(scripts).map(([name, text]) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      });
      const result = runTool('shellcheck', files);
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
