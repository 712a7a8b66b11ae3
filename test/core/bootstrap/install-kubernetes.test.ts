/**
 * The real install-kubernetes.sh and kubernetes-version.sh, as renderNodeUserData writes them,
 * in the node sandbox (node-sandbox.ts), with apt, gpg and the network as stubs
 * (install-stubs.ts: API servers answering /version per seed, pkgs.k8s.io's key): which
 * Kubernetes release a node installs, from where, and that it trusts only the pinned key.
 * The clock is a stub moved by `sleep`, so the waits are read exactly.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud } from '../../../lib/core/cloud';
import { installKubernetesValues, NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { renderTemplateFile, unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { KUBERNETES_APT_KEY_FINGERPRINT, renderTrustKubernetesKey } from '../../../lib/core/supply';
import { fakeInput } from './bootstrap-fixtures';
import { CURL_STUB, GPG_STUB, SEEDS } from './install-stubs';
import { describeInSandbox, NodeSandbox, SandboxRun, Stubs } from './node-sandbox';
import { describeWithTool } from './node-tools';
import { parseUserData } from './user-data-files';


const INSTALL = '/opt/cast/bin/install-kubernetes.sh';
const CLOCK_START = 1_700_000_000;

const INSTALL_STUBS: Stubs = {
  date: `if [ "$*" = +%s ]; then cat "$FAKE_DIR/clock"; else exec /usr/bin/date "$@"; fi`,
  sleep: 'echo $(($(cat "$FAKE_DIR/clock") + $1)) >"$FAKE_DIR/clock"',
  'apt-get': '',
  'apt-mark': '',
  dpkg: '',
  modprobe: '',
  sysctl: '',
  containerd: 'echo "            SystemdCgroup = false"',
  systemctl: '',
  curl: CURL_STUB,
  gpg: GPG_STUB,
};

const named = (run: SandboxRun, name: string) => run.calls.filter((c) => c.startsWith(`${name} `));
/** The packages of each `apt-get install`, options left out. */
const installs = (run: SandboxRun) => named(run, 'apt-get').filter((c) => c.includes(' install ')).map((c) => c.slice(c.indexOf(' install ') + ' install '.length).split(' ').filter((w) => !w.startsWith('-')));

describeInSandbox('install-kubernetes.sh: the release the cluster runs, from the pinned key', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((f) => f()));

  /** A node as cloud-init leaves it, its seeds, and API servers running `releases` (by seed; absent: not answering). */
  function node(input: NodeBootstrapInput, releases: Record<string, string>) {
    const fake = mkdtempSync(join(tmpdir(), 'cast-install-'));
    writeFileSync(join(fake, 'clock'), `${CLOCK_START}\n`);
    for (const [seed, release] of Object.entries(releases)) writeFileSync(join(fake, `release-${seed}`), release);
    const sandbox = new NodeSandbox().writeCloudConfig(parseUserData(renderNodeUserData(input))).stubFile('/opt/cast/bin/api-seeds.sh', `echo ${SEEDS.join(' ')}`);
    cleanups.push(() => sandbox.dispose(), () => rmSync(fake, { recursive: true, force: true }));
    const run = (env: Record<string, string> = {}, stubs: Stubs = INSTALL_STUBS) => sandbox.run([INSTALL], stubs, { FAKE_DIR: fake, FAKE_KEY_FPR: KUBERNETES_APT_KEY_FINGERPRINT, ...env });
    return { run, elapsed: (r: SandboxRun) => named(r, 'sleep').reduce((sum, c) => sum + Number(c.split(' ')[1]), 0) };
  }

  test('a joining worker installs the lowest release its API servers run (mid-upgrade: 1.34.1 and 1.33.6), with that minor\'s repository and pins, and records it', () => {
    const { run } = node(fakeInput('worker'), { [SEEDS[0]]: '1.34.1', [SEEDS[1]]: '1.33.6', [SEEDS[2]]: '1.34.1' });
    const result = run();
    expect(result.output).not.toContain('cast: Kubernetes');
    expect(result.status).toBe(0);
    // Each seed asked for /version, trusting the cluster CA of the node's discovery file, by the name kubeadm certifies.
    const asked = named(result, 'curl').filter((c) => c.endsWith('/version')).map((c) => c.replace(/--cacert \S+/, '--cacert CA'));
    expect(asked).toEqual(SEEDS.map((seed) => `curl -fsS --max-time 5 --cacert CA --connect-to kubernetes:6443:${seed}:6443 https://kubernetes:6443/version`));
    expect(installs(result)).toEqual([
      ['ca-certificates', 'curl', 'gpg', 'containerd', 'conntrack', 'socat'],
      ['kubelet=1.33.6-*', 'kubeadm=1.33.6-*', 'kubectl=1.33.6-*', 'cri-tools=1.33.0-1.1', 'kubernetes-cni=1.6.0-1.1'],
    ]);
    expect(result.fileAfter('/etc/apt/sources.list.d/kubernetes.list')).toBe('deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.33/deb/ /\n');
    expect(named(result, 'curl').filter((c) => c.includes('Release.key'))[0]).toMatch(/ https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.33\/deb\/Release\.key$/);
    expect(result.fileAfter('/etc/cast/node.env')).toMatch(/\nCAST_KUBERNETES_VERSION='1\.33\.6'\nCAST_KUBERNETES_VERSION_FROM='cluster'\n$/);
    expect(named(result, 'apt-mark')).toEqual(['apt-mark hold kubelet kubeadm kubectl cri-tools kubernetes-cni containerd']);
  });

  test('the control plane that may found the cluster, while no API server answers: waits CAST_VERSION_WAIT, then installs the release of its user-data', () => {
    const { run, elapsed } = node(fakeInput('control-plane'), {});
    const result = run({ CAST_VERSION_WAIT: '20' });
    expect(result.status).toBe(0);
    expect(elapsed(result)).toBe(20);
    expect(installs(result)[1]).toEqual(['kubelet=1.34.2-*', 'kubeadm=1.34.2-*', 'kubectl=1.34.2-*', 'cri-tools=1.34.0-1.1', 'kubernetes-cni=1.7.1-1.1']);
    expect(result.output).toContain('cast-kubernetes-version: no API server answers: Kubernetes 1.34.2, the release this node founds the cluster with');
    expect(result.fileAfter('/etc/cast/node.env')).toMatch(/\nCAST_KUBERNETES_VERSION='1\.34\.2'\nCAST_KUBERNETES_VERSION_FROM='founding'\n$/);
  });

  test('that control plane, replaced while the cluster runs 1.33.6: installs the cluster\'s release, not its own, and asks with its own CA copy', () => {
    const { run, elapsed } = node(fakeInput('control-plane'), { [SEEDS[1]]: '1.33.6' });
    const result = run();
    expect(result.status).toBe(0);
    expect(elapsed(result)).toBe(0);
    expect(installs(result)[1][0]).toBe('kubelet=1.33.6-*');
  });

  test('a joining node while no API server answers: asks every 5 s for CAST_VERSION_WAIT, then fails before any Kubernetes package, saying why', () => {
    const { run, elapsed } = node(fakeInput('control-plane', Cloud.AWS, { mayFound: false }), {});
    const result = run({ CAST_VERSION_WAIT: '12' });
    expect(result.status).toBe(1);
    // Asked at 0, 5, 10 and 15 s (each round asks the three seeds).
    expect(named(result, 'curl').filter((c) => c.endsWith('/version'))).toHaveLength(12);
    expect(elapsed(result)).toBe(15);
    expect(installs(result)).toHaveLength(1);
    expect(result.output).toContain('cast-kubernetes-version: no API server answers in 12 s: this node installs the release the cluster runs, and asks again');
    expect(result.fileAfter('/etc/apt/sources.list.d/kubernetes.list')).toBeUndefined();
  });

  test('API servers whose certificate does not chain to the CA the node has do not count: no release, nothing installed', () => {
    const { run } = node(fakeInput('worker'), { [SEEDS[0]]: '1.35.0', [SEEDS[2]]: '1.34.4' });
    // The CA the node takes from its discovery file is another one: curl's check refuses every answer.
    const result = run({ CAST_VERSION_WAIT: '0' }, { ...INSTALL_STUBS, base64: 'cat >/dev/null; echo OTHER-CA' });
    expect(result.status).toBe(1);
    expect(result.output).toContain('no API server answers in 0 s');
  });

  test('a cluster release this library has no pins for: refused, with the minors it knows', () => {
    const { run } = node(fakeInput('worker'), { [SEEDS[0]]: '1.36.0' });
    const result = run();
    expect(result.status).toBe(1);
    expect(result.output).toContain('cast: Kubernetes 1.36.0 is not a release this cdktf-cast-cluster installs (minors: 1.31 1.32 1.33 1.34 1.35)');
    expect(installs(result)).toHaveLength(1);
  });

  test('a Release.key whose fingerprint is not the pinned one is not trusted: no keyring, no repository, no kubelet', () => {
    const { run } = node(fakeInput('worker'), { [SEEDS[0]]: '1.34.2' });
    const result = run({ FAKE_KEY_FPR: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(result.status).toBe(1);
    expect(result.output).toContain(`cast: https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key holds the key(s) "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", not ${KUBERNETES_APT_KEY_FINGERPRINT}: not trusting it`);
    expect(named(result, 'gpg').filter((c) => c.includes('--dearmor'))).toEqual([]);
    expect(result.fileAfter('/etc/apt/keyrings/kubernetes-apt-keyring.gpg')).toBeUndefined();
    expect(result.fileAfter('/etc/apt/sources.list.d/kubernetes.list')).toBeUndefined();
    expect(installs(result)).toHaveLength(1);
  });
});

/**
 * The fingerprint check with the real gpg: keys made here (ed25519, in a throwaway GNUPGHOME),
 * their fingerprints computed from the exported packets (RFC 4880 12.2: SHA-1 of 0x99, the
 * two-octet length and the public-key packet's body), and install-kubernetes.sh rendered with
 * one of them as the pinned fingerprint.
 */
describeWithTool('gpg', 'gpg', 'install-kubernetes.sh with the real gpg', () => {
  const work = mkdtempSync(join(tmpdir(), 'cast-gpg-'));
  const sandboxes: NodeSandbox[] = [];
  afterAll(() => {
    sandboxes.forEach((s) => s.dispose());
    rmSync(work, { recursive: true, force: true });
  });
  const gpg = (...args: string[]) => execFileSync('gpg', ['--batch', '--homedir', join(work, 'home'), ...args]);
  let keys: { armored: string; fingerprint: string }[] = [];
  beforeAll(() => {
    mkdirSync(join(work, 'home'), { mode: 0o700 });
    keys = ['pinned', 'other'].map((name) => {
      gpg('--passphrase', '', '--quick-gen-key', `cast ${name} <${name}@example.com>`, 'ed25519', 'sign', 'never');
      return { armored: gpg('--armor', '--export', `${name}@example.com`).toString(), fingerprint: v4Fingerprint(gpg('--export', `${name}@example.com`)) };
    });
  });

  function install(keyFile: string) {
    const fake = mkdtempSync(join(work, 'fake-'));
    writeFileSync(join(fake, 'clock'), `${CLOCK_START}\n`);
    writeFileSync(join(fake, `release-${SEEDS[0]}`), '1.34.2');
    writeFileSync(join(fake, 'Release.key'), keyFile);
    const config = parseUserData(renderNodeUserData(fakeInput('worker')));
    const script = unescapeTerraformTemplate(renderTemplateFile('scripts/install-kubernetes.sh', { ...installKubernetesValues(), trust_kubernetes_key: renderTrustKubernetesKey(keys[0].fingerprint) }));
    const sandbox = new NodeSandbox().writeCloudConfig(config).writeFile(INSTALL, script, 0o755).stubFile('/opt/cast/bin/api-seeds.sh', `echo ${SEEDS[0]}`);
    sandboxes.push(sandbox);
    // Every stub but gpg's: the real one reads the key.
    const stubs = Object.fromEntries(Object.entries(INSTALL_STUBS).filter(([name]) => name !== 'gpg'));
    return sandbox.run([INSTALL], stubs, { FAKE_DIR: fake });
  }

  test('the key whose fingerprint is pinned is trusted: dearmored into the keyring apt uses', () => {
    const result = install(keys[0].armored);
    expect(result.output).not.toContain('not trusting it');
    expect(result.status).toBe(0);
    expect(result.fileAfter('/etc/apt/keyrings/kubernetes-apt-keyring.gpg')).toBeDefined();
  });

  test('another key is refused, and so is the pinned key with another beside it', () => {
    const other = install(keys[1].armored);
    expect(other.status).toBe(1);
    expect(other.output).toContain(`holds the key(s) "${keys[1].fingerprint}", not ${keys[0].fingerprint}: not trusting it`);
    const both = install(keys[0].armored + keys[1].armored);
    expect(both.status).toBe(1);
    expect(both.output).toContain(`holds the key(s) "${keys[0].fingerprint} ${keys[1].fingerprint}"`);
    expect(both.fileAfter('/etc/apt/keyrings/kubernetes-apt-keyring.gpg')).toBeUndefined();
  });
});

/** The v4 fingerprint of the first (primary) public-key packet of a binary OpenPGP export. */
function v4Fingerprint(packets: Buffer): string {
  const tag = packets[0];
  let offset: number;
  let length: number;
  if ((tag & 0x40) === 0) {
    // Old format: tag in bits 5-2, length type in bits 1-0 (0: one octet, 1: two octets).
    const lengthType = tag & 0x03;
    length = lengthType === 0 ? packets[1] : packets.readUInt16BE(1);
    offset = lengthType === 0 ? 2 : 3;
  } else {
    // New format: one-octet length below 192, two-octet up to 8383.
    const first = packets[1];
    length = first < 192 ? first : ((first - 192) << 8) + packets[2] + 192;
    offset = first < 192 ? 2 : 3;
  }
  const body = packets.subarray(offset, offset + length);
  const header = Buffer.from([0x99, (length >> 8) & 0xff, length & 0xff]);
  return createHash('sha1').update(Buffer.concat([header, body])).digest('hex').toUpperCase();
}
