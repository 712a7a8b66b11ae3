/**
 * bootstrap-node.sh's retries, deadline, failure report and re-runs, with the real script (and
 * the real install-kubernetes.sh) as renderNodeUserData writes them, in the node sandbox
 * (node-sandbox.ts: root, a private mount namespace, overlays on /etc, /opt and /var/lib, so
 * the scripts' absolute paths land in the sandbox and a second run finds what the first left).
 *
 * kubeadm, apt-get and the rest cannot be installed here, and a test must not change the host:
 * they are stubs that record their command lines, as test/mesh/stub-commands.ts does, and fail
 * a given number of times (a counter file per command, outside the sandbox). The clock is a stub
 * too: `date +%s` reads a file that the `sleep` stub moves forward by its argument, so a
 * deadline of minutes passes in milliseconds and the pauses can be read exactly; one test keeps
 * the real clock and a deadline of one second.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud } from '../../../lib/core/cloud';
import { NodeBootstrapKind, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { KUBERNETES_APT_KEY_FINGERPRINT } from '../../../lib/core/supply';
import { fakeInput } from './bootstrap-fixtures';
import { CURL_STUB, GPG_STUB } from './install-stubs';
import { describeInSandbox, NodeSandbox, SandboxRun, Stubs } from './node-sandbox';
import { parseUserData } from './user-data-files';


/** Where the fake clock starts (any value: only differences count). */
const CLOCK_START = 1_700_000_000;

/** `n` = how many times this command has run before (counted in $FAKE_DIR); true while it should still fail. */
const FAILS_WHILE = (name: string, limit: string) => `n=$(cat "$FAKE_DIR/${name}.count" 2>/dev/null || echo 0); echo $((n + 1)) >"$FAKE_DIR/${name}.count"; [ "$n" -lt "\${${limit}:-0}" ]`;

/**
 * kubeadm as far as the bootstrap can tell: join fails half-way JOIN_FAILS times (its kubelet
 * started with the bootstrap kubeconfig, then a timeout) and its preflight refuses what a
 * half-done join leaves; init fails in its preflight INIT_PULL_FAILS times (an image pull,
 * nothing written), or stops after writing etcd's manifest when INIT_STOPS_AFTER_ETCD is set,
 * and its preflight refuses a node with etcd's manifest (cmd/kubeadm/app/preflight/checks.go:
 * FileAvailable--etc-kubernetes-manifests-etcd.yaml); reset cleans --cert-dir (default
 * /etc/kubernetes/pki) and what join and init wrote.
 */
const KUBEADM = [
  'case "$1 $2" in',
  '  "reset -f")',
  '    dir=/etc/kubernetes/pki',
  '    if [ "${3:-}" = --cert-dir ]; then dir="$4"; fi',
  '    rm -rf "${dir:?}"/* /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/manifests/*',
  '    ;;',
  '  "join --config")',
  '    if [ -e /etc/kubernetes/bootstrap-kubelet.conf ]; then echo "[ERROR FileAvailable--etc-kubernetes-bootstrap-kubelet.conf]: /etc/kubernetes/bootstrap-kubelet.conf already exists" >&2; exit 1; fi',
  '    mkdir -p /etc/kubernetes && : >/etc/kubernetes/bootstrap-kubelet.conf',
  `    if ${FAILS_WHILE('join', 'JOIN_FAILS')}; then echo "error execution phase kubelet-start: timed out waiting for the condition" >&2; exit 1; fi`,
  '    rm /etc/kubernetes/bootstrap-kubelet.conf && : >/etc/kubernetes/kubelet.conf',
  '    ;;',
  '  "init --config")',
  '    if [ -e /etc/kubernetes/manifests/etcd.yaml ]; then echo "[ERROR FileAvailable--etc-kubernetes-manifests-etcd.yaml]: /etc/kubernetes/manifests/etcd.yaml already exists" >&2; exit 1; fi',
  `    if ${FAILS_WHILE('init', 'INIT_PULL_FAILS')}; then echo "[ERROR ImagePull]: failed to pull image registry.k8s.io/etcd:3.6.4-0" >&2; exit 1; fi`,
  '    mkdir -p /etc/kubernetes/manifests && : >/etc/kubernetes/manifests/etcd.yaml && : >/etc/kubernetes/kubelet.conf',
  '    if [ -n "${INIT_STOPS_AFTER_ETCD:-}" ]; then echo "error execution phase wait-control-plane: timed out" >&2; exit 1; fi',
  '    : >/etc/kubernetes/admin.conf && touch "$FAKE_DIR/api-up"',
  '    ;;',
  'esac',
].join('\n');

/** Every command the scripts run that would change the machine or reach the network. */
const STUBS: Stubs = {
  // The fake clock, moved by sleep.
  date: `if [ "$*" = +%s ]; then cat "$FAKE_DIR/clock"; else exec /usr/bin/date "$@"; fi`,
  sleep: 'echo $(($(cat "$FAKE_DIR/clock") + $1)) >"$FAKE_DIR/clock"',
  // On AWS, until the Elastic IP association lands: no way out to the mirrors.
  'apt-get': `if ${FAILS_WHILE('apt-get', 'APT_FAILS')}; then echo "E: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/noble/InRelease  Temporary failure resolving 'archive.ubuntu.com'" >&2; exit 100; fi`,
  'apt-mark': '',
  dpkg: '',
  modprobe: '',
  sysctl: '',
  containerd: 'echo "            SystemdCgroup = false"',
  gpg: GPG_STUB,
  systemctl: '',
  // The API servers' /version (install-stubs.ts), the Release.key, the phone-home POST.
  curl: CURL_STUB,
  logger: '',
  kubectl: '',
  kubeadm: KUBEADM,
  ip: 'echo "2: wg0    inet 10.4.17.3/32 scope global wg0"',
};
/** As STUBS, with the real clock and real pauses. */
const REAL_CLOCK: Stubs = { ...STUBS, date: 'exec /usr/bin/date "$@"', sleep: 'exec /usr/bin/sleep "$@"' };

const BOOTSTRAP = '/opt/cast/bin/bootstrap-node.sh';
const PER_BOOT = '/var/lib/cloud/scripts/per-boot/cast-bootstrap-node';
const PHONE_HOME = 'https://hooks.example.com/cast?cluster=prod';

/** The per-boot entry's target, read inside the sandbox; empty when there is none. */
const perBootTarget = (sandbox: NodeSandbox) => sandbox.run(['readlink', PER_BOOT], {}).output.trim();
/** The calls, but the fake clock's reads. */
const calls = (run: SandboxRun) => run.calls.filter((c) => c !== 'date +%s');
const sleeps = (run: SandboxRun) => run.calls.filter((c) => c.startsWith('sleep ')).map((c) => Number(c.slice('sleep '.length)));
const named = (run: SandboxRun, name: string) => run.calls.filter((c) => c.startsWith(`${name} `));
const phoneHomes = (run: SandboxRun) =>
  named(run, 'curl')
    .filter((c) => c.endsWith(PHONE_HOME))
    .map((c) => [...c.matchAll(/--data-urlencode (status|step)=(\S+)/g)].map((m) => `${m[1]}=${m[2]}`).join(' '));

describeInSandbox('bootstrap-node.sh: retries, the deadline, the failure report, re-runs', () => {
  const dirs: string[] = [];
  const sandboxes: NodeSandbox[] = [];
  afterAll(() => {
    sandboxes.forEach((s) => s.dispose());
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  /**
   * A node as cloud-init leaves it (every user-data file in place, install-kubernetes.sh and
   * bootstrap-node.sh included), an instance id, and a folder outside the sandbox for the
   * clock, the counters and the cluster's API (a control plane's seeds and probe are stubs:
   * the API answers once some kubeadm init has succeeded).
   */
  function node(kind: NodeBootstrapKind) {
    const fake = mkdtempSync(join(tmpdir(), 'cast-retry-'));
    dirs.push(fake);
    writeFileSync(join(fake, 'clock'), `${CLOCK_START}\n`);
    // A worker joins a cluster that runs: its API servers answer /version. A control plane's
    // tests decide (release-<seed> files); with none, the founder installs its own release.
    if (kind === 'worker') writeFileSync(join(fake, 'release-203.0.113.10'), '1.34.2');
    const sandbox = new NodeSandbox()
      .writeCloudConfig(parseUserData(renderNodeUserData(fakeInput(kind, Cloud.AWS))))
      .writeFile('/var/lib/cloud/data/instance-id', 'i-0123456789abcdef0\n')
      .stubFile('/opt/cast/bin/api-seeds.sh', 'echo 203.0.113.10 203.0.113.11 203.0.113.12')
      .stubFile('/opt/cast/mesh/cast-api-proxy', '[ -e "$FAKE_DIR/api-up" ]');
    sandboxes.push(sandbox);
    // CAST_VERSION_WAIT=0: a founder that no API server answers takes its own release at once.
    const run = (env: Record<string, string> = {}, stubs: Stubs = STUBS, command: string[] = [BOOTSTRAP, kind]) =>
      sandbox.run(command, stubs, { FAKE_DIR: fake, FAKE_KEY_FPR: KUBERNETES_APT_KEY_FINGERPRINT, CAST_VERSION_WAIT: '0', ...env });
    return { sandbox, fake, run, clock: () => Number(readFileSync(join(fake, 'clock'), 'utf8')) - CLOCK_START };
  }

  test('AWS before the Elastic IP lands: apt-get fails twice, the packages step is tried again after 5 s and 10 s, and the worker joins', () => {
    const { run } = node('worker');
    const result = run({ APT_FAILS: '2' });
    expect(result.output).not.toContain('bootstrap failed');
    expect(result.status).toBe(0);
    // Attempt 1 and 2 stop at the first apt-get update; attempt 3 runs the whole script.
    expect(named(result, 'apt-get').map((c) => c.split(' ').find((w) => w === 'update' || w === 'install'))).toEqual(['update', 'update', 'update', 'install', 'update', 'install']);
    expect(sleeps(result)).toEqual([5, 10]);
    expect(named(result, 'logger')).toEqual(['logger -t cast-bootstrap packages failed (exit 100), again in 5 s', 'logger -t cast-bootstrap packages failed (exit 100), again in 10 s']);
    expect(named(result, 'kubeadm')).toEqual(['kubeadm join --config /etc/cast/kubeadm.yaml']);
    expect(phoneHomes(result)).toEqual(['status=joined']);
  });

  test.each([
    // 5 + 10 + 20 + 40 = 75, then the 25 s left: six attempts in 100 s.
    [100, [5, 10, 20, 40, 25]],
    // The pause doubles up to 60 s and stays there: 5 + 10 + 20 + 40 + 60 + 60 + 60 = 255, then 45.
    [300, [5, 10, 20, 40, 60, 60, 60, 45]],
  ])('a step that always fails stops at the deadline (CAST_BOOTSTRAP_TIMEOUT=%i): pauses %j, then a report that names it', (timeout, pauses) => {
    const { sandbox, run, clock } = node('worker');
    const result = run({ APT_FAILS: '1000', CAST_BOOTSTRAP_TIMEOUT: String(timeout) });
    // The exit status is the failed step's (apt-get's 100).
    expect(result.status).toBe(100);
    expect(sleeps(result)).toEqual(pauses);
    expect(clock()).toBe(timeout);
    expect(named(result, 'apt-get').filter((c) => c.includes(' update'))).toHaveLength(pauses.length + 1);
    // Nothing after the failed step ran.
    expect(named(result, 'kubeadm')).toEqual([]);
    expect(named(result, 'systemctl').filter((c) => c.includes('enable --now'))).toEqual([]);
    // The report: a line on stderr (cloud-final.service sends it to the serial console), the
    // journal, the phone-home URL with the step.
    expect(result.output).toContain('cast: bootstrap failed at step packages (exit 100)');
    expect(named(result, 'logger').at(-1)).toBe('logger -t cast-bootstrap bootstrap failed at step packages (exit 100)');
    expect(result.calls.at(-1)).toMatch(/--data-urlencode status=failed --data-urlencode step=packages https:\/\/hooks\.example\.com\/cast\?cluster=prod$/);
    // Not done: the next boot runs it again.
    expect(result.fileAfter('/var/lib/cast/bootstrap/done')).toBeUndefined();
    expect(result.fileAfter('/var/lib/cast/bootstrap/packages')).toBeUndefined();
    expect(perBootTarget(sandbox)).toBe(BOOTSTRAP);
  });

  test('the real clock: CAST_BOOTSTRAP_TIMEOUT=1 with real pauses gives up within a couple of seconds', () => {
    const { run } = node('worker');
    const started = Date.now();
    const result = run({ APT_FAILS: '1000', CAST_BOOTSTRAP_TIMEOUT: '1' }, REAL_CLOCK);
    const seconds = (Date.now() - started) / 1000;
    expect(result.status).toBe(100);
    expect(phoneHomes(result)).toEqual(['status=failed step=packages']);
    // One or two attempts (the second if the first failed before the second boundary), pauses of at most the second left.
    expect(sleeps(result).every((s) => s <= 1)).toBe(true);
    expect(seconds).toBeLessThan(5);
  });

  test('a re-run after success does nothing: no kubeadm, no apt, no report; the per-boot entry is gone', () => {
    const { sandbox, run } = node('worker');
    const first = run();
    expect(first.status).toBe(0);
    expect(named(first, 'kubeadm')).toEqual(['kubeadm join --config /etc/cast/kubeadm.yaml']);
    expect(first.fileAfter('/var/lib/cast/bootstrap/done')).toBe('');
    expect(perBootTarget(sandbox)).toBe('');
    const again = run();
    expect(again.status).toBe(0);
    expect(calls(again)).toEqual([]);
    expect(again.output).toContain('cast: joined already: nothing to do');
  });

  test('a reboot half-way: the per-boot entry (the script itself, no argument) goes on from the markers, resets the half-done join, joins', () => {
    const { sandbox, run } = node('worker');
    // The first boot: packages installed, then kubeadm join stops half-way and the time is up.
    const first = run({ JOIN_FAILS: '1', CAST_BOOTSTRAP_TIMEOUT: '0' });
    expect(first.status).toBe(1);
    expect(phoneHomes(first)).toEqual(['status=failed step=kubeadm-join']);
    expect(first.fileAfter('/var/lib/cast/bootstrap/packages')).toBe('');
    expect(first.fileAfter('/etc/kubernetes/bootstrap-kubelet.conf')).toBe('');
    // cloud-init runs runcmd once per instance, and every executable of its per-boot folder at each boot.
    expect(perBootTarget(sandbox)).toBe(BOOTSTRAP);
    const second = run({}, STUBS, [PER_BOOT]);
    expect(second.output).not.toContain('bootstrap failed');
    expect(second.status).toBe(0);
    expect(named(second, 'apt-get')).toEqual([]);
    expect(named(second, 'kubeadm')).toEqual(['kubeadm reset -f', 'kubeadm join --config /etc/cast/kubeadm.yaml']);
    expect(phoneHomes(second)).toEqual(['status=joined']);
    expect(perBootTarget(sandbox)).toBe('');
  });

  test('without the reset, the stub kubeadm refuses a second join over a half-done one (the reset is what makes the retry work)', () => {
    const { sandbox, run } = node('worker');
    sandbox.writeFile('/etc/kubernetes/bootstrap-kubelet.conf', '');
    const result = run({ CAST_BOOTSTRAP_TIMEOUT: '0' });
    expect(result.status).toBe(1);
    expect(result.output).toContain('[ERROR FileAvailable--etc-kubernetes-bootstrap-kubelet.conf]');
  });

  test('a control plane whose join as a node stops half-way: reset with another --cert-dir, so its CA keys stay, then it joins and becomes a control plane', () => {
    const { run, fake } = node('control-plane');
    writeFileSync(join(fake, 'api-up'), '');
    writeFileSync(join(fake, 'release-203.0.113.11'), '1.34.2');
    const result = run({ JOIN_FAILS: '1', CAST_FOUNDER_WAIT: '1' });
    expect(result.output).not.toContain('bootstrap failed');
    expect(result.status).toBe(0);
    expect(named(result, 'kubeadm')).toEqual([
      'kubeadm init phase certs apiserver --config /etc/cast/apiserver-cert.yaml',
      'kubeadm join --config /etc/cast/kubeadm.yaml --ignore-preflight-errors=FileAvailable--etc-kubernetes-pki-ca.crt',
      'kubeadm reset -f --cert-dir /var/lib/cast/bootstrap/reset-pki',
      'kubeadm init phase certs apiserver --config /etc/cast/apiserver-cert.yaml',
      'kubeadm join --config /etc/cast/kubeadm.yaml --ignore-preflight-errors=FileAvailable--etc-kubernetes-pki-ca.crt',
      'kubeadm join phase control-plane-prepare all --config /etc/cast/kubeadm-control-plane.yaml',
      'kubeadm join phase control-plane-join all --config /etc/cast/kubeadm-control-plane.yaml',
    ]);
    expect(sleeps(result)).toEqual([5]);
    // The stub's reset cleans the directory it is given: the keys cloud-init wrote are still there.
    expect(result.fileAfter('/etc/kubernetes/pki/ca.key')).toContain('SECRET-CA-KEY');
    expect(phoneHomes(result)).toEqual(['status=joined']);
  });

  test('the founder: an init that failed in its preflight (an image pull) is run again, without a reset, and founds the cluster', () => {
    const { run } = node('control-plane');
    const result = run({ INIT_PULL_FAILS: '1', CAST_FOUNDER_WAIT: '1' });
    expect(result.output).not.toContain('bootstrap failed');
    expect(result.status).toBe(0);
    const certs = 'kubeadm init phase certs apiserver --config /etc/cast/apiserver-cert.yaml';
    const init = 'kubeadm init --config /etc/cast/kubeadm-init.yaml';
    // The second attempt asks no seed: this node began founding, and only it can go on.
    expect(named(result, 'kubeadm')).toEqual([certs, init, certs, init]);
    // (Once for the release to install, kubernetes-version.sh; once to decide to found.)
    expect(result.calls.filter((c) => c === 'api-seeds.sh')).toHaveLength(2);
    expect(sleeps(result)).toEqual([5]);
    expect(phoneHomes(result)).toEqual(['status=joined']);
  });

  test('the founder: an init that stopped after starting etcd is never reset nor run over (kubeadm\'s preflight refuses), on this boot or the next; it reports failed', () => {
    const { run } = node('control-plane');
    const first = run({ INIT_STOPS_AFTER_ETCD: '1', CAST_FOUNDER_WAIT: '1', CAST_BOOTSTRAP_TIMEOUT: '40' });
    expect(first.status).toBe(1);
    const inits = named(first, 'kubeadm').filter((c) => c.startsWith('kubeadm init --config'));
    expect(inits.length).toBeGreaterThan(1);
    expect(named(first, 'kubeadm').filter((c) => !c.startsWith('kubeadm init'))).toEqual([]);
    expect(first.output).toContain('[ERROR FileAvailable--etc-kubernetes-manifests-etcd.yaml]');
    expect(first.fileAfter('/etc/kubernetes/manifests/etcd.yaml')).toBe('');
    expect(phoneHomes(first)).toEqual(['status=failed step=found-or-join']);
    // A reboot: the per-boot entry runs it again; it goes straight back to founding and is refused again.
    const next = run({ CAST_FOUNDER_WAIT: '1', CAST_BOOTSTRAP_TIMEOUT: '0' }, STUBS, [PER_BOOT]);
    expect(next.status).toBe(1);
    expect(named(next, 'kubeadm')).toEqual(['kubeadm init phase certs apiserver --config /etc/cast/apiserver-cert.yaml', 'kubeadm init --config /etc/cast/kubeadm-init.yaml']);
    expect(named(next, 'cast-api-proxy')).toEqual([]);
    expect(next.fileAfter('/etc/kubernetes/manifests/etcd.yaml')).toBe('');
  });

  test('a dpkg run that a reboot interrupted is finished before apt runs again', () => {
    const { sandbox, run } = node('worker');
    sandbox.writeFile('/var/lib/dpkg/updates/0001', 'Package: kubelet\n');
    const result = run();
    expect(result.status).toBe(0);
    const calls = result.calls.filter((c) => c.startsWith('dpkg ') || c.startsWith('apt-get '));
    expect(calls[0]).toBe('dpkg --configure -a');
    expect(calls.slice(1).every((c) => c.startsWith('apt-get '))).toBe(true);
  });
});
