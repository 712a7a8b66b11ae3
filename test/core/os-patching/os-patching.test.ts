/**
 * OS patching: kured's objects and flags from the options, the options' checks,
 * and what a change of window does to each stack (the in-cluster stack only).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { CastCluster, Cloud, InClusterStack, NodeRole } from '../../../lib';
import type { OsPatchingOptions } from '../../../lib';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { kuredCommand, OS_PATCHING_DEFAULTS, OS_PATCHING_RELEASE, planOsPatching, renderOsPatchingManifests } from '../../../lib/core/os-patching/os-patching';

const documents = (options: OsPatchingOptions = {}) => renderOsPatchingManifests(planOsPatching(options).plan!).map((m) => parse(unescapeTerraformTemplate(m)));

describe('kured from the options', () => {
  test('by default: every node, every day 01:00-05:00 UTC, one node at a time, a stuck lock taken over after 2 h', () => {
    const daemonSet = documents().find((d) => d.kind === 'DaemonSet');
    const container = daemonSet.spec.template.spec.containers[0];
    expect(container.command).toEqual(expect.arrayContaining([
      '--reboot-sentinel=/sentinel/reboot-required', '--reboot-days=su,mo,tu,we,th,fr,sa', '--start-time=01:00', '--end-time=05:00', '--time-zone=UTC', '--concurrency=1', '--lock-ttl=2h',
    ]));
    expect(daemonSet.spec.template.spec.tolerations).toEqual(expect.arrayContaining([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]));
    expect(daemonSet.spec.template.spec.hostPID).toBe(true);
    expect(container.volumeMounts).toEqual([{ mountPath: '/sentinel', name: 'sentinel', readOnly: true }]);
  });

  test('a window of the user\'s: its days in kured\'s order, its times and zone', () => {
    const plan = planOsPatching({ rebootDays: ['sa', 'su'], windowStart: '22:30', windowEnd: '04:00', timeZone: 'Europe/Berlin' }).plan!;
    expect(kuredCommand(plan)).toEqual(expect.arrayContaining(['--reboot-days=su,sa', '--start-time=22:30', '--end-time=04:00', '--time-zone=Europe/Berlin']));
  });

  test('the lock is kured\'s own DaemonSet, and it may update no other', () => {
    const role = documents().find((d) => d.kind === 'Role');
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['daemonsets'], resourceNames: ['kured'], verbs: ['update'] }]);
    expect(documents().map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ServiceAccount/kured', 'ClusterRole/kured', 'ClusterRoleBinding/kured', 'Role/kured', 'RoleBinding/kured', 'DaemonSet/kured']);
  });

  test('rebootNodes: false installs nothing (security updates still install; reboots are yours)', () => {
    expect(renderOsPatchingManifests({ ...OS_PATCHING_DEFAULTS, rebootNodes: false })).toEqual([]);
  });
});

describe('bad options: every problem at once, with the fix', () => {
  test.each<[string, OsPatchingOptions, string[]]>([
    ['unknown days, a bad time, a bad zone', { rebootDays: ['monday', 'xx'], windowStart: '25:00', timeZone: 'Mars/Olympus' }, [
      'osPatching.rebootDays must name days as su, mo, tu, we, th, fr, sa (got ["monday","xx"]). Use those two-letter names, or leave it out for every day.',
      'osPatching.windowStart must be a time of day as HH:MM, 24 hours (got "25:00"). Use e.g. "02:30".',
      'osPatching.timeZone must be an IANA time zone (got "Mars/Olympus"). Use e.g. "UTC" or "Europe/Berlin".',
    ]],
    ['no day', { rebootDays: [] }, ['osPatching.rebootDays must name days as su, mo, tu, we, th, fr, sa (got []). Use those two-letter names, or leave it out for every day.']],
    ['an empty window', { windowStart: '03:00', windowEnd: '03:00' }, ['osPatching.windowEnd must differ from windowStart (got both "03:00"): the window would be empty. Widen it, or set rebootNodes: false.']],
  ])('%s', (_what, options, problems) => {
    expect(planOsPatching(options).problems).toEqual(problems);
  });

  test('on the cluster: the construct path and the message, no stack trace', () => {
    const stack = new TerraformStack(Testing.app(), 'prod');
    new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS], osPatching: { windowEnd: '5am' } });
    // Reported at synth, with every other problem of the app.
    expect(() => Testing.synth(stack)).toThrow('prod/prod: osPatching.windowEnd must be a time of day as HH:MM, 24 hours (got "5am"). Use e.g. "02:30".');
  });
});

describe('a new window changes the in-cluster stack only', () => {
  const synth = (options?: OsPatchingOptions) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'prod');
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP], osPatching: options });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    cluster.addNodeGroup('workers', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 });
    new InClusterStack(app, 'in-cluster', { cluster });
    app.synth();
    const read = (id: string) => fs.readFileSync(path.join(app.outdir, 'stacks', id, 'cdk.tf.json'), 'utf8');
    return { cluster: read('prod'), inCluster: JSON.parse(read('in-cluster')) as { resource: { helm_release: Record<string, { values: string[] }> } } };
  };
  const releaseOf = (s: ReturnType<typeof synth>) => s.inCluster.resource.helm_release[`release-${OS_PATCHING_RELEASE}`];

  test('the cluster stack is byte for byte the same; kured\'s flags change', () => {
    const [before, after] = [synth(), synth({ windowStart: '02:00', windowEnd: '03:00' })];
    expect(after.cluster).toBe(before.cluster);
    expect(releaseOf(after).values[0]).toContain('--start-time=02:00');
    expect(releaseOf(before).values[0]).toContain('--start-time=01:00');
  });

  test('rebootNodes: false, no kured release', () => {
    expect(releaseOf(synth({ rebootNodes: false }))).toBeUndefined();
  });
});

