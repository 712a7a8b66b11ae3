/**
 * kubeadm certificate renewal on control planes: the manifests (renderCertRenewalManifests) and
 * the host script they run (templates/certificates/cast-cert-renewal.sh) in the node sandbox
 * (test/core/bootstrap/node-sandbox.ts), with kubeadm, kubectl and crictl as recording stubs:
 * no kubeadm or kubelet can be installed here. The stubs keep state in a folder outside the
 * sandbox: the certificates' expiry (kubeadm renews it), the Lease and the status ConfigMap
 * (kubectl), which static Pods run (crictl: those whose manifest is in /etc/kubernetes/manifests).
 * The clock is a stub moved by `sleep`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CERT_RENEWAL_IMAGE, renderCertRenewalManifests } from '../../lib/core/certificates';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { describeInSandbox, NodeSandbox, SandboxRun, Stubs } from '../core/bootstrap/node-sandbox';
import { describeWithTool, runTool } from '../core/bootstrap/node-tools';

const CLOCK_START = 1_780_000_000; // 2026-05-28
const DAY = 86_400;
const micro = (epoch: number) => new Date(epoch * 1000).toISOString().replace('.000Z', '.000000Z');

describe('renderCertRenewalManifests', () => {
  const [scripts, daemonSet] = renderCertRenewalManifests().map((doc) => parse(unescapeTerraformTemplate(doc)));

  test('a ConfigMap with the host script as the template has it, and a DaemonSet on every control plane, on the host, with the image by digest', () => {
    expect(scripts).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'cast-cert-renewal-scripts', namespace: 'kube-system' } });
    expect(scripts.data['cast-cert-renewal.sh']).toBe(readTemplateFile('certificates/cast-cert-renewal.sh'));
    expect(daemonSet.kind).toBe('DaemonSet');
    const pod = daemonSet.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
    expect(pod.tolerations).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' });
    expect(pod.hostPID).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    const [container] = pod.containers;
    expect(container.image).toBe(CERT_RENEWAL_IMAGE);
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container.securityContext).toEqual({ privileged: true });
    expect(container.env).toEqual([
      { name: 'CAST_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'CAST_RENEW_BEFORE_DAYS', value: '30' },
    ]);
    expect(container.command[2]).toContain('nsenter -t 1 -m -u -i -n -p -- /bin/bash -c "$(cat /cast/cast-cert-renewal.sh)" cast-cert-renewal');
    expect(container.command[2]).toContain('sleep 43200;');
  });

  test('the options reach the DaemonSet', () => {
    const pod = parse(unescapeTerraformTemplate(renderCertRenewalManifests({ renewBeforeDays: 60, checkIntervalSeconds: 3600 })[1])).spec.template.spec;
    expect(pod.containers[0].env[1]).toEqual({ name: 'CAST_RENEW_BEFORE_DAYS', value: '60' });
    expect(pod.containers[0].command[2]).toContain('sleep 3600;');
  });

  test('bad options: every problem at once, each with the value and the fix', () => {
    expect(() => renderCertRenewalManifests({ renewBeforeDays: 400, checkIntervalSeconds: 30 })).toThrow(
      [
        "renewBeforeDays must be a whole number of days from 1 to 300 (got 400). kubeadm's certificates last 365 days; the default is 30.",
        'checkIntervalSeconds must be a whole number of seconds, at least 600 (got 30). Leave it out for 43200.',
      ].join('\n'),
    );
  });
});

describeWithTool('shellcheck', 'shellcheck', 'cast-cert-renewal.sh under shellcheck', () => {
  test('templates/certificates/cast-cert-renewal.sh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cast-cert-sc-'));
    try {
      writeFileSync(join(dir, 'cast-cert-renewal.sh'), readTemplateFile('certificates/cast-cert-renewal.sh'));
      expect(runTool('shellcheck', ['-S', 'style', join(dir, 'cast-cert-renewal.sh')])).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** kubeadm: check-expiration prints the jsonpath lines from $FAKE_DIR/expiry; renew all moves every expiry a year on. */
const KUBEADM = [
  'case "$1 $2" in',
  '  "certs check-expiration")',
  '    e="$(cat "$FAKE_DIR/expiry")"',
  '    for name in admin.conf apiserver apiserver-etcd-client apiserver-kubelet-client controller-manager.conf etcd-server front-proxy-client scheduler.conf; do',
  '      echo "$name $(/usr/bin/date -u -d "@$e" +%Y-%m-%dT%H:%M:%SZ) false false"',
  '    done',
  // An externally managed certificate expiring soon never counts, nor a missing one (a joined
  // control plane has no super-admin.conf: its date is the zero time).
  '    echo "external-client $(/usr/bin/date -u -d "@$(cat "$FAKE_DIR/clock")" +%Y-%m-%dT%H:%M:%SZ) true false"',
  '    echo "super-admin.conf 0001-01-01T00:00:00Z false true" ;;',
  '  "certs renew") echo $(($(cat "$FAKE_DIR/clock") + 365 * 86400)) >"$FAKE_DIR/expiry" ;;',
  '  *) exit 2 ;;',
  'esac',
].join('\n');

/** kubectl -n kube-system: the Lease in $FAKE_DIR/lease ("holder renewTime resourceVersion"), the status patches in $FAKE_DIR/status. */
const KUBECTL = [
  'shift 4', // --kubeconfig <file> -n kube-system
  'lease="$FAKE_DIR/lease"',
  'case "$1 $2" in',
  '  "create configmap") [ ! -e "$FAKE_DIR/status" ] || { echo "AlreadyExists" >&2; exit 1; }; : >"$FAKE_DIR/status" ;;',
  '  "patch configmap") echo "$7" >>"$FAKE_DIR/status" ;;',
  '  "create -f")',
  '    body="$(cat)"',
  '    [ ! -e "$lease" ] || { echo "Error from server (AlreadyExists)" >&2; exit 1; }',
  '    echo "$(sed -n "s/^  holderIdentity: //p" <<<"$body") $(sed -n "s/^  renewTime: //p" <<<"$body") 1" >"$lease" ;;',
  '  "get lease")',
  '    [ -e "$lease" ] || { echo "Error from server (NotFound)" >&2; exit 1; }',
  '    read -r holder renewed version <"$lease"',
  '    case "$*" in *renewTime*) echo "$holder $renewed $version" ;; *) printf %s "$holder" ;; esac ;;',
  '  "replace -f")',
  '    body="$(cat)"',
  '    read -r _h _r version <"$lease"',
  '    [ "$(sed -n "s/^  resourceVersion: \\"\\(.*\\)\\"$/\\1/p" <<<"$body")" = "$version" ] || { echo "Error from server (Conflict)" >&2; exit 1; }',
  '    echo "$(sed -n "s/^  holderIdentity: //p" <<<"$body") $(sed -n "s/^  renewTime: //p" <<<"$body") $((version + 1))" >"$lease" ;;',
  '  "delete lease") rm -f "$lease" ;;',
  '  *) exit 2 ;;',
  'esac',
].join('\n');

const STUBS: Stubs = {
  date: 'if [ "$*" = "-u +%s" ]; then cat "$FAKE_DIR/clock"; else exec /usr/bin/date "$@"; fi',
  // The clock moves; another control plane lets the lock go at $FAKE_DIR/release-at.
  sleep: [
    'echo $(($(cat "$FAKE_DIR/clock") + $1)) >"$FAKE_DIR/clock"',
    'if [ -e "$FAKE_DIR/release-at" ] && [ "$(cat "$FAKE_DIR/clock")" -ge "$(cat "$FAKE_DIR/release-at")" ]; then rm -f "$FAKE_DIR/lease"; fi',
  ].join('\n'),
  kubeadm: KUBEADM,
  kubectl: KUBECTL,
  // The kubelet runs a static Pod while its manifest is in the folder.
  crictl: 'name="${*: -1}"; name="${name#^}"; name="${name%$}"; if [ -e "/etc/kubernetes/manifests/${name}.yaml" ]; then echo "c0ffee-${name}"; fi',
};

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

describeInSandbox('cast-cert-renewal.sh on a control plane', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((f) => f()));

  function controlPlane(expiresIn: number, lease?: string, parked: string[] = []) {
    const fake = mkdtempSync(join(tmpdir(), 'cast-cert-'));
    writeFileSync(join(fake, 'clock'), `${CLOCK_START}\n`);
    writeFileSync(join(fake, 'expiry'), `${CLOCK_START + expiresIn}\n`);
    if (lease) writeFileSync(join(fake, 'lease'), `${lease}\n`);
    const sandbox = new NodeSandbox().writeFile('/etc/kubernetes/admin.conf', 'apiVersion: v1\nkind: Config\n', 0o600);
    for (const c of COMPONENTS) sandbox.writeFile(`/etc/kubernetes/${parked.includes(c) ? 'cast-renewal-parked' : 'manifests'}/${c}.yaml`, `kind: Pod\nmetadata: {name: ${c}}\n`);
    sandbox.writeFile('/opt/cast/cast-cert-renewal.sh', readTemplateFile('certificates/cast-cert-renewal.sh'), 0o755);
    cleanups.push(() => sandbox.dispose(), () => rmSync(fake, { recursive: true, force: true }));
    const run = (env: Record<string, string> = {}) => sandbox.run(['/opt/cast/cast-cert-renewal.sh'], STUBS, { FAKE_DIR: fake, CAST_NODE_NAME: 'cp-1', ...env });
    const read = (name: string) => readFileSync(join(fake, name), 'utf8');
    return { run, fake, read };
  }
  const named = (run: SandboxRun, name: string) => run.calls.filter((c) => c.startsWith(`${name} `));
  const kubeadm = (run: SandboxRun) => named(run, 'kubeadm');

  test('the soonest expiry a year away: checks, records the status, renews nothing, takes no lock, restarts nothing', () => {
    const { run, read } = controlPlane(300 * DAY);
    const result = run();
    expect(result.output).toContain('cast-cert-renewal: the soonest certificate expires in 300 days: nothing to do');
    expect(result.status).toBe(0);
    expect(kubeadm(result)).toEqual([`kubeadm certs check-expiration -o jsonpath={range .certificates[*]}{.name} {.expirationDate} {.externallyManaged} {.missing}{"\\n"}{end}`]);
    expect(named(result, 'kubectl').filter((c) => c.includes('lease') || c.includes(' -f -'))).toEqual([]);
    expect(read('status').trim()).toBe(`{"data":{"cp-1":"checked=${micro(CLOCK_START)} soonest=${micro(CLOCK_START + 300 * DAY)}"}}`);
    expect(result.output).not.toContain('restarting');
    expect(named(result, 'crictl')).toEqual([]);
  });

  test('20 days left (under 30): takes the lock, renews once, restarts each static Pod the kubeadm way (manifest out, stopped, back, running), releases the lock', () => {
    const { run, read, fake } = controlPlane(20 * DAY);
    const result = run();
    expect(result.output).not.toContain('failed');
    expect(result.status).toBe(0);
    expect(kubeadm(result).map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['kubeadm certs check-expiration', 'kubeadm certs renew', 'kubeadm certs check-expiration']);
    expect(kubeadm(result)[1]).toBe('kubeadm certs renew all');
    // Each component: the kubelet's 20 s check (and a margin) after the move out, then after the move back.
    const restarts = result.output.split('\n').filter((l) => l.startsWith('cast-cert-renewal: restarting '));
    expect(restarts).toEqual(COMPONENTS.map((c) => `cast-cert-renewal: restarting ${c}`));
    expect(named(result, 'sleep')).toEqual(COMPONENTS.flatMap(() => ['sleep 25', 'sleep 25']));
    // Running? asked of crictl: down after the move out, up after the move back.
    expect(named(result, 'crictl')).toEqual(COMPONENTS.flatMap((c) => [`crictl ps --quiet --state running --name ^${c}$`, `crictl ps --quiet --state running --name ^${c}$`]));
    for (const c of COMPONENTS) expect(result.fileAfter(`/etc/kubernetes/manifests/${c}.yaml`)).toBe(`kind: Pod\nmetadata: {name: ${c}}\n`);
    expect(result.fileAfter('/etc/kubernetes/cast-renewal-parked')).toBeUndefined();
    // The lock: taken (created), released (deleted).
    expect(named(result, 'kubectl').filter((c) => / (create -f -|delete lease)/.test(c)).map((c) => c.split(' ').slice(5).join(' '))).toEqual(['create -f -', 'delete lease cast-cert-renewal']);
    expect(() => readFileSync(join(fake, 'lease'))).toThrow();
    // Renewed at the start (a year from then), recorded after the eight waits of 25 s.
    const doneAt = CLOCK_START + 8 * 25;
    expect(read('status').trim().split('\n').at(-1)).toBe(`{"data":{"cp-1":"checked=${micro(doneAt)} soonest=${micro(CLOCK_START + 365 * DAY)} renewed=${micro(doneAt)}"}}`);
  });

  test('another control plane holds the lock: waits (status says for whom), renews once it is released', () => {
    const { run, read, fake } = controlPlane(10 * DAY, `cp-2 ${micro(CLOCK_START)} 7`);
    writeFileSync(join(fake, 'release-at'), String(CLOCK_START + 90));
    const result = run();
    expect(result.status).toBe(0);
    expect(result.output).toContain('cast-cert-renewal: cp-2 renews its certificates: waiting');
    // Three waits of 30 s, then the lock is free: renewed after them.
    expect(named(result, 'sleep').slice(0, 3)).toEqual(['sleep 30', 'sleep 30', 'sleep 30']);
    expect(kubeadm(result).filter((c) => c === 'kubeadm certs renew all')).toHaveLength(1);
    expect(read('status')).toContain('waiting=cp-2');
  });

  test('a lock held by another past CAST_LOCK_WAIT: gives up for this time, renews nothing, says so', () => {
    const { run, read } = controlPlane(10 * DAY, `cp-2 ${micro(CLOCK_START)} 7`);
    const result = run({ CAST_LOCK_WAIT: '60' });
    expect(result.status).toBe(0);
    expect(result.output).toContain('cast-cert-renewal: cp-2 still renews its certificates: trying again next time');
    expect(kubeadm(result).filter((c) => c.includes('renew'))).toEqual([]);
    expect(read('status').trim().split('\n').at(-1)).toContain('waiting=cp-2');
  });

  test('a lock whose holder stopped renewing it (older than CAST_LOCK_SECONDS) is taken over with its resourceVersion, and the renewal goes on', () => {
    const { run, fake } = controlPlane(10 * DAY, `cp-2 ${micro(CLOCK_START - 3600)} 7`);
    const result = run();
    expect(result.status).toBe(0);
    expect(named(result, 'kubectl').some((c) => c.endsWith('replace -f -'))).toBe(true);
    expect(kubeadm(result).filter((c) => c === 'kubeadm certs renew all')).toHaveLength(1);
    expect(() => readFileSync(join(fake, 'lease'))).toThrow();
  });

  test('a manifest an interrupted run left out is put back before anything else', () => {
    // A run stopped between the moves: kube-apiserver's manifest sits in the parked folder.
    const { run } = controlPlane(300 * DAY, undefined, ['kube-apiserver']);
    const result = run();
    expect(result.status).toBe(0);
    expect(result.output.split('\n')[0]).toBe('cast-cert-renewal: putting back kube-apiserver.yaml, which an earlier run left out');
    expect(result.fileAfter('/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe('kind: Pod\nmetadata: {name: kube-apiserver}\n');
  });
});
