/**
 * The rolling upgrade's reconcile step (templates/upgrade/cast-upgrade.sh, as rendered into
 * the scripts ConfigMap) run again and again, as its CronJob would, against a fake cluster
 * (fake-cluster.ts) whose kubectl, kubeadm, etcdctl, apt-get, systemctl and nsenter are
 * recording stubs: kubeadm, kubectl and the kubelet are not installable here. What the steps
 * did is read back from the recorded calls and the fake cluster's state.
 */
import { upgradeSkewProblem } from '../../lib/core/upgrade';
import { Call, FakeCluster, FakeClusterSpec, FakeNode, sourceLine, StepRun, toolPins, touches } from './fake-cluster';

const RETRY = ['-n', 'kube-system', 'patch', 'configmap', 'cast-upgrade-status', '--type', 'merge', '-p', '{"data":{"phase":"Retry"}}'];

function nodes(version: string, controlPlanes: string[], workers: string[]): FakeNode[] {
  return [
    ...controlPlanes.map((name) => ({ name, role: 'control-plane' as const, version })),
    ...workers.map((name) => ({ name, role: 'worker' as const, version })),
  ];
}

let cluster: FakeCluster | undefined;
afterEach(() => {
  cluster?.cleanup();
  cluster = undefined;
});

function fake(spec: FakeClusterSpec): FakeCluster {
  cluster = new FakeCluster(spec);
  return cluster;
}

const all = (runs: readonly StepRun[]): Call[] => runs.flatMap((r) => r.calls);
const cluterSide = (calls: readonly Call[], pattern: RegExp) => calls.filter((c) => c.where === 'cluster' && pattern.test(c.line));
/** The nodes in the order the steps cordoned them. */
const cordonOrder = (calls: readonly Call[]) => cluterSide(calls, /^kubectl cordon /).map((c) => c.line.split(' ')[2]);
const kubeadmCalls = (calls: readonly Call[]) => calls.filter((c) => c.line.startsWith('kubeadm ')).map((c) => `${c.where}: ${c.line}`);

/** The most nodes cordoned at one time, replaying cordon, drain and uncordon from the calls. */
function mostCordonedAtOnce(calls: readonly Call[], cordonedBefore: readonly string[] = []): number {
  const cordoned = new Set(cordonedBefore);
  let most = 0;
  for (const c of calls) {
    const m = /^kubectl (cordon|drain|uncordon) (\S+)/.exec(c.line);
    if (!m) continue;
    if (m[1] === 'uncordon') cordoned.delete(m[2]);
    else cordoned.add(m[2]);
    most = Math.max(most, cordoned.size);
  }
  return most;
}

/** Index of the first call matching, or -1. */
const at = (calls: readonly Call[], where: string, pattern: RegExp) => calls.findIndex((c) => c.where === where && pattern.test(c.line));

describe('a minor upgrade of three control planes and two workers', () => {
  test('control planes first with the etcd leader last, then workers, one node per step, each through every step in order', () => {
    // cp-a leads etcd and is first by name: only the leader rule puts it last.
    const c = fake({ nodes: nodes('1.34.2', ['cp-a', 'cp-b', 'cp-c'], ['w-1', 'w-2']), clusterVersion: '1.34.2', etcdLeader: 'cp-a', target: '1.35.0', kuredLock: '' });
    const runs = c.stepUntilSettled();
    const calls = all(runs);

    expect(c.status()).toMatchObject({ phase: 'Done', target: '1.35.0', node: '' });
    expect(calls.filter((x) => x.line.startsWith('UNKNOWN'))).toEqual([]);
    expect(cordonOrder(calls)).toEqual(['cp-b', 'cp-c', 'cp-a', 'w-1', 'w-2']);
    for (const run of runs) {
      expect(new Set(cordonOrder(run.calls)).size).toBeLessThanOrEqual(1);
      expect(new Set(run.calls.filter((x) => x.where !== 'cluster').map((x) => x.where)).size).toBeLessThanOrEqual(1);
    }
    expect(mostCordonedAtOnce(calls)).toBe(1);
    expect(kubeadmCalls(calls)).toEqual([
      'cp-b: kubeadm upgrade apply -y v1.35.0',
      'cp-c: kubeadm upgrade node',
      'cp-a: kubeadm upgrade node',
      'w-1: kubeadm upgrade node',
      'w-2: kubeadm upgrade node',
    ]);

    for (const name of c.nodeNames()) {
      const order = [
        at(calls, 'cluster', /^kubectl -n kube-system annotate daemonset kured --overwrite --resource-version \d+ weave\.works\/kured-node-lock=\{"nodeID":"cast-upgrade"/),
        at(calls, 'cluster', new RegExp(`^kubectl cordon ${name}$`)),
        at(calls, 'cluster', new RegExp(`^kubectl drain ${name} `)),
        at(calls, name, /^curl .* https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.35\/deb\/Release\.key$/),
        at(calls, name, /^gpg --batch --show-keys --with-colons /),
        at(calls, name, /^gpg --batch --dearmor /),
        at(calls, name, /^apt-get .* install .* kubeadm=1\.35\.0-\* cri-tools=/),
        at(calls, name, /^apt-mark hold kubeadm cri-tools$/),
        at(calls, name, /^kubeadm upgrade /),
        at(calls, name, /^apt-get .* install .* kubelet=1\.35\.0-\* kubectl=1\.35\.0-\* kubernetes-cni=/),
        at(calls, name, /^apt-mark hold kubelet kubectl kubernetes-cni$/),
        at(calls, name, /^systemctl daemon-reload$/),
        at(calls, name, /^systemctl restart kubelet$/),
        at(calls, 'cluster', new RegExp(`^kubectl uncordon ${name}$`)),
      ];
      expect(order.every((i) => i >= 0)).toBe(true);
      expect(order.slice(1)).toEqual([...order.slice(1)].sort((a, b) => a - b));
      expect(c.node(name)).toEqual({ version: 'v1.35.0', unschedulable: false, aptSource: sourceLine(`${c.state}/nodes/${name}/keyring.gpg`, '1.35') });
      // The new minor's pinned tools, from lib/core/supply.ts.
      expect(c.packages(name)).toEqual({ kubeadm: '1.35.0', kubelet: '1.35.0', kubectl: '1.35.0', ...toolPins('1.35') });
    }
    // The reboot lock: taken before each node and given back after it.
    expect(cluterSide(calls, /annotate daemonset kured --overwrite --resource-version/).length).toBe(5);
    expect(cluterSide(calls, /annotate daemonset kured weave\.works\/kured-node-lock-$/).length).toBe(5);
    expect(c.read('kured/lock')).toBe('');

    // Done is done: a later step touches nothing.
    const after = c.step();
    expect(after.status).toBe(0);
    expect(touches(after.calls)).toEqual([]);
    expect(c.status().phase).toBe('Done');
  });
});

test('a patch upgrade keeps each node on its minor repository', () => {
  const c = fake({ nodes: nodes('1.34.2', ['cp-1', 'cp-2'], ['w-1']), clusterVersion: '1.34.2', etcdLeader: 'cp-2', target: '1.34.3' });
  const calls = all(c.stepUntilSettled());
  expect(c.status().phase).toBe('Done');
  expect(kubeadmCalls(calls)).toEqual(['cp-1: kubeadm upgrade apply -y v1.34.3', 'cp-2: kubeadm upgrade node', 'w-1: kubeadm upgrade node']);
  expect(calls.filter((x) => /^(curl|gpg) /.test(x.line))).toEqual([]);
  for (const name of c.nodeNames()) {
    expect(c.node(name)).toEqual({ version: 'v1.34.3', unschedulable: false, aptSource: sourceLine(`${c.state}/nodes/${name}/keyring.gpg`, '1.34') });
  }
});

describe('refused targets touch no node', () => {
  test.each([
    ['skips a minor', '1.33.4', '1.35.0', '1.34.0'],
    ['goes down a minor', '1.34.2', '1.33.9', '1.34.3'],
    ['goes down a patch', '1.34.2', '1.34.1', '1.35.0'],
  ])('a target that %s (%s to %s) stops with phase Failed until the target is fixed', (_what, running, target, fixed) => {
    const c = fake({ nodes: nodes(running, ['cp-1'], ['w-1']), clusterVersion: running, etcdLeader: 'cp-1', target });
    const first = c.step();
    expect(first.status).toBe(1);
    expect(c.status()).toMatchObject({ phase: 'Failed', step: 'skew', node: '', target, message: `${upgradeSkewProblem(running, target)} No node was touched.` });
    const written = c.status().time;
    const again = c.step();
    expect(again.status).toBe(1);
    expect(touches([...first.calls, ...again.calls])).toEqual([]);
    expect(c.status().time).toBe(written);

    // Fixed: the next step upgrades the first control plane.
    c.write('configmaps/cast-upgrade/version', fixed);
    expect(c.step().status).toBe(0);
    expect(c.status()).toMatchObject({ phase: 'Upgrading', node: '', target: fixed });
    expect(c.node('cp-1').version).toBe(`v${fixed}`);
    expect(c.node('w-1').version).toBe(`v${running}`);
  });

  test('a node a minor behind the running version cannot reach the target in one step', () => {
    const c = fake({
      nodes: [...nodes('1.34.2', ['cp-1'], ['w-1']), { name: 'w-old', role: 'worker', version: '1.33.5' }],
      clusterVersion: '1.34.2',
      etcdLeader: 'cp-1',
      target: '1.35.0',
    });
    const run = c.step();
    expect(run.status).toBe(1);
    expect(c.status()).toMatchObject({ phase: 'Failed', step: 'skew', message: `node w-old runs v1.33.5: ${upgradeSkewProblem('v1.33.5', '1.35.0')} No node was touched.` });
    expect(touches(run.calls)).toEqual([]);
  });
});

describe('failures', () => {
  test('a failing node stops the upgrade there, no other node is touched, and Retry resumes after the fix', () => {
    const c = fake({ nodes: nodes('1.34.2', ['cp-a', 'cp-b'], ['w-1']), clusterVersion: '1.34.2', etcdLeader: 'cp-a', target: '1.35.0', kuredLock: '' });
    c.write('fail/cp-a', 'the static Pod kube-apiserver did not come up');
    const before = c.stepUntilSettled();
    expect(c.status()).toMatchObject({ phase: 'Failed', step: 'upgrade', node: 'cp-a' });
    expect(c.status().message).toContain("kubectl -n kube-system patch configmap cast-upgrade-status --type merge -p '{\"data\":{\"phase\":\"Retry\"}}'");
    expect(cordonOrder(all(before))).toEqual(['cp-b', 'cp-a']);
    expect(c.node('cp-a')).toMatchObject({ version: 'v1.34.2', unschedulable: true });
    expect(c.read('kured/lock')).toContain('"nodeID":"cast-upgrade"');

    const stopped = [c.step(), c.step()];
    expect(stopped.map((r) => r.status)).toEqual([1, 1]);
    expect(touches(all(stopped))).toEqual([]);
    expect(c.node('w-1')).toMatchObject({ version: 'v1.34.2', unschedulable: false });

    c.remove('fail/cp-a');
    expect(c.kubectl(RETRY)).toBe(0);
    const after = c.stepUntilSettled();
    const calls = all(after);
    expect(c.status().phase).toBe('Done');
    expect(cordonOrder(calls)).toEqual(['cp-a', 'w-1']);
    // The failed Job is replaced, not reused.
    expect(cluterSide(calls, /delete job cast-upgrade-node/).length).toBeGreaterThanOrEqual(1);
    expect(kubeadmCalls([...all(before), ...calls]).filter((line) => line.includes('apply'))).toEqual(['cp-b: kubeadm upgrade apply -y v1.35.0']);
    expect(mostCordonedAtOnce([...all(before), ...calls])).toBe(1);
    for (const name of c.nodeNames()) expect(c.node(name)).toMatchObject({ version: 'v1.35.0', unschedulable: false });
  });

  test('a Retry that has to wait stays a Retry of the same node', () => {
    const c = fake({ nodes: nodes('1.34.2', ['cp-1'], ['w-1']), clusterVersion: '1.34.2', etcdLeader: 'cp-1', target: '1.35.0' });
    c.write('fail/cp-1', 'an image could not be pulled');
    expect(c.step().status).toBe(1);
    expect(c.status()).toMatchObject({ phase: 'Failed', node: 'cp-1', step: 'upgrade' });

    c.remove('fail/cp-1');
    c.write('nodes/w-1/ready', 'False');
    expect(c.kubectl(RETRY)).toBe(0);
    const waiting = c.step();
    expect(waiting.status).toBe(0);
    expect(c.status()).toMatchObject({ phase: 'Retry', node: 'cp-1', step: 'waiting' });
    expect(touches(waiting.calls)).toEqual([]);

    c.write('nodes/w-1/ready', 'True');
    const resumed = c.step();
    expect(cluterSide(resumed.calls, /delete job cast-upgrade-node/)).toHaveLength(1);
    expect(c.node('cp-1')).toMatchObject({ version: 'v1.35.0', unschedulable: false });
  });

  test('a Release.key that is not the pinned key stops the upgrade before any package moves', () => {
    const c = fake({ nodes: nodes('1.34.2', ['cp-1'], ['w-1']), clusterVersion: '1.34.2', etcdLeader: 'cp-1', target: '1.35.0' });
    c.write('release-key-fingerprint', '0000000000000000000000000000000000000000');
    expect(c.step().status).toBe(1);
    expect(c.status()).toMatchObject({ phase: 'Failed', step: 'upgrade', node: 'cp-1' });
    expect(c.read('nodes/cp-1/job.log')).toContain('not trusting it');
    expect(c.packages('cp-1')).toEqual({ kubeadm: '1.34.2', kubelet: '1.34.2', kubectl: '1.34.2', ...toolPins('1.34') });
    expect(c.node('cp-1').aptSource).toContain('/v1.34/deb/');
  });

  test('a drain that cannot finish stops with the node cordoned', () => {
    const c = fake({ nodes: nodes('1.34.2', ['cp-1'], ['w-1', 'w-2']), clusterVersion: '1.34.2', etcdLeader: 'cp-1', target: '1.34.3' });
    c.write('drain-fails/w-1', '');
    c.stepUntilSettled();
    expect(c.status()).toMatchObject({ phase: 'Failed', step: 'drain', node: 'w-1' });
    expect(c.node('w-1')).toMatchObject({ version: 'v1.34.2', unschedulable: true });
    expect(c.node('w-2')).toMatchObject({ version: 'v1.34.2', unschedulable: false });
  });

  test('a node that is not Ready after its kubelet restart stops the upgrade', () => {
    const c = fake({ nodes: nodes('1.34.2', ['cp-1'], ['w-1', 'w-2']), clusterVersion: '1.34.2', etcdLeader: 'cp-1', target: '1.34.3' });
    c.write('not-ready/w-1', '');
    c.stepUntilSettled();
    expect(c.status()).toMatchObject({ phase: 'Failed', step: 'ready', node: 'w-1' });
    expect(c.node('w-2').version).toBe('v1.34.2');
  });
});

describe('a step that dies half-way', () => {
  test.each(['drain', 'job'])('is continued by the next step on the same node (killed at %s)', (crashAt) => {
    const c = fake({ nodes: nodes('1.34.2', ['cp-b'], ['w-1']), clusterVersion: '1.34.2', etcdLeader: 'cp-b', target: '1.35.0', kuredLock: '' });
    c.write('crash-at', crashAt);
    const killed = c.step();
    expect(killed.status).not.toBe(0);
    expect(killed.calls.some((x) => x.line === `CRASH ${crashAt}`)).toBe(true);
    expect(c.status()).toMatchObject({ phase: 'Upgrading', node: 'cp-b' });

    const rest = c.stepUntilSettled();
    const calls = [...killed.calls, ...all(rest)];
    expect(c.status().phase).toBe('Done');
    // The next step works on cp-b only: from the drain on (killed at drain), or only its
    // uncordon (killed after the Job, whose kubelet restart already brought cp-b to the target).
    const nodesTouched = cluterSide(rest[0].calls, /^kubectl (cordon|drain|uncordon) /).map((x) => x.line.split(' ')[2]);
    expect(new Set(nodesTouched)).toEqual(new Set(['cp-b']));
    expect(nodesTouched).toContain('cp-b');
    expect(mostCordonedAtOnce(calls)).toBe(1);
    expect(kubeadmCalls(calls).filter((line) => line.includes('apply'))).toEqual(['cp-b: kubeadm upgrade apply -y v1.35.0']);
    // A Job that finished before the kill is not run again.
    // One node Job per node: one that finished before the kill is not run again.
    expect(cluterSide(calls, /apply -f -/).length).toBe(2);
  });
});

test('waits while kured holds the reboot lock, then takes it', () => {
  const held = '{"nodeID":"w-1","metadata":{"unschedulable":false},"created":"2026-01-01T00:00:00Z","TTL":0}';
  const c = fake({ nodes: nodes('1.34.2', ['cp-1'], ['w-1']), clusterVersion: '1.34.2', etcdLeader: 'cp-1', target: '1.34.3', kuredLock: held });
  const waiting = [c.step(), c.step()];
  expect(waiting.map((r) => r.status)).toEqual([0, 0]);
  expect(touches(all(waiting))).toEqual([]);
  expect(c.status()).toMatchObject({ phase: 'Upgrading', step: 'lock', node: '' });
  expect(c.status().message).toContain('"nodeID":"w-1"');
  expect(c.read('kured/lock')).toBe(held);

  c.write('kured/lock', '');
  const run = c.step();
  expect(c.node('cp-1').version).toBe('v1.34.3');
  // Held with a TTL of 3 hours while the node is upgraded, given back after.
  const taken = cluterSide(run.calls, /annotate daemonset kured --overwrite/)[0].line;
  expect(JSON.parse(taken.slice(taken.indexOf('=') + 1))).toMatchObject({ nodeID: 'cast-upgrade', TTL: 3 * 3600 * 1e9 });
  expect(c.read('kured/lock')).toBe('');
});

test('a lock whose TTL has run out is taken over, as kured takes it over', () => {
  const expired = '{"nodeID":"w-1","metadata":{"unschedulable":false},"created":"2026-01-01T00:00:00Z","TTL":3600000000000}';
  const c = fake({ nodes: nodes('1.34.2', ['cp-1'], []), clusterVersion: '1.34.2', etcdLeader: 'cp-1', target: '1.34.3', kuredLock: expired });
  expect(c.step().status).toBe(0);
  expect(c.node('cp-1').version).toBe('v1.34.3');
});

test('a node cordoned before the upgrade is upgraded and left cordoned', () => {
  const c = fake({
    nodes: [...nodes('1.34.2', ['cp-1'], ['w-1']), { name: 'w-kept', role: 'worker', version: '1.34.2', unschedulable: true }],
    clusterVersion: '1.34.2',
    etcdLeader: 'cp-1',
    target: '1.34.3',
  });
  const calls = all(c.stepUntilSettled());
  expect(c.status().phase).toBe('Done');
  expect(c.node('w-kept')).toMatchObject({ version: 'v1.34.3', unschedulable: true });
  expect(c.node('w-1')).toMatchObject({ version: 'v1.34.3', unschedulable: false });
  expect(mostCordonedAtOnce(calls, ['w-kept'])).toBe(2);
  expect(cluterSide(calls, /^kubectl uncordon w-kept$/)).toEqual([]);
});
