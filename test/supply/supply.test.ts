/**
 * Pinned, verified supply (lib/core/supply.ts): the table itself, what install-kubernetes.sh
 * installs for every supported minor (run in the node sandbox), and every user-data document of
 * a four-cloud cluster with static and autoscaled groups: every `apt-get install` names its
 * packages pinned (`name=version`) or on the commented allowlist, every container image is by
 * digest; and a Kubernetes version bump changes no joining node's document and no template.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { renderNodeUserData } from '../../lib/core/bootstrap/node-bootstrap';
import { HELD_PACKAGES, KUBERNETES_APT_KEY_FINGERPRINT, KUBERNETES_TOOL_PINS, supportedMinors, UNPINNED_PACKAGES, WIREGUARD_TOOLS_PIN } from '../../lib/core/supply';
import { fakeInput } from '../core/bootstrap/bootstrap-fixtures';
import { CURL_STUB, GPG_STUB, SEEDS } from '../core/bootstrap/install-stubs';
import { describeInSandbox, NodeSandbox, Stubs } from '../core/bootstrap/node-sandbox';
import { parseUserData, unpackNodeFiles } from '../core/bootstrap/user-data-files';
import { synthCluster } from '../nodes/node-fixture';
import { interpolate } from '../nodes/terraform-interpolation';
import { aptInstalls, byDigest, imageReferences, pinnedOrAllowed, UNPINNED } from './supply-checks';

/** A Debian version: [epoch:]upstream[-revision] (deb-version(7)). */
const DEBIAN_VERSION = /^(\d+:)?[0-9][A-Za-z0-9.+~]*(-[A-Za-z0-9.+~]+)?$/;

describe('the supply table', () => {
  test('every supported minor has its cri-tools and kubernetes-cni, each a Debian version with a source', () => {
    expect(Object.keys(KUBERNETES_TOOL_PINS).sort()).toEqual(supportedMinors());
    for (const [minor, row] of Object.entries(KUBERNETES_TOOL_PINS)) {
      expect([row.criTools.package, row.kubernetesCni.package]).toEqual(['cri-tools', 'kubernetes-cni']);
      for (const pin of [row.criTools, row.kubernetesCni]) {
        expect({ minor, pin: pin.version, valid: DEBIAN_VERSION.test(pin.version) }).toEqual({ minor, pin: pin.version, valid: true });
        expect(pin.origin).toBe(`pkgs.k8s.io/core:/stable:/v${minor}/deb`);
        expect(pin.source.length).toBeGreaterThan(20);
      }
      // cri-tools follows Kubernetes' minor (its own release policy: one cri-tools minor per Kubernetes minor).
      expect(row.criTools.version.startsWith(`${minor}.`)).toBe(true);
    }
    expect(DEBIAN_VERSION.test(WIREGUARD_TOOLS_PIN.version)).toBe(true);
  });

  test('the key fingerprint is a full v4 fingerprint (40 hex digits), not a short key id', () => {
    expect(KUBERNETES_APT_KEY_FINGERPRINT).toMatch(/^[0-9A-F]{40}$/);
  });

  test('every unpinned package says why; the held packages are the cluster\'s components and containerd', () => {
    for (const p of UNPINNED_PACKAGES) expect(p.reason.length).toBeGreaterThan(30);
    expect([...HELD_PACKAGES].sort()).toEqual(['containerd', 'cri-tools', 'kubeadm', 'kubectl', 'kubelet', 'kubernetes-cni']);
  });

  test('the checks have teeth: an unpinned package and an image by tag are found', () => {
    const script = 'apt-get -y install --no-install-recommends \\\n  nginx "kubelet=${v}-*"\napt_get install jq=1.7.1-3build1\n';
    expect(aptInstalls(script)).toEqual([['nginx', '"kubelet=${v}-*"'], ['jq=1.7.1-3build1']]);
    expect(aptInstalls(script).flat().filter((w) => !pinnedOrAllowed(w))).toEqual(['nginx']);
    const images = imageReferences(`containers:\n  - image: busybox:1.36\n  - image: registry.k8s.io/pause:3.10@sha256:${'a'.repeat(64)}\n`);
    expect(images.filter((i) => !byDigest(i))).toEqual(['busybox:1.36']);
  });
});

describeInSandbox('install-kubernetes.sh, for every supported minor', () => {
  const STUBS: Stubs = {
    date: 'exec /usr/bin/date "$@"',
    sleep: '',
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

  test.each(supportedMinors())('Kubernetes %s.7: every package apt-get installs is pinned or on the allowlist; the cluster\'s components are held', (minor) => {
    const fake = mkdtempSync(join(tmpdir(), 'cast-supply-'));
    writeFileSync(join(fake, `release-${SEEDS[0]}`), `${minor}.7`);
    const sandbox = new NodeSandbox().writeCloudConfig(parseUserData(renderNodeUserData(fakeInput('worker', Cloud.GCP)))).stubFile('/opt/cast/bin/api-seeds.sh', `echo ${SEEDS[0]}`);
    try {
      const run = sandbox.run(['/opt/cast/bin/install-kubernetes.sh'], STUBS, { FAKE_DIR: fake, FAKE_KEY_FPR: KUBERNETES_APT_KEY_FINGERPRINT });
      expect(run.status).toBe(0);
      const packages = run.calls.filter((c) => c.startsWith('apt-get ') && c.includes(' install ')).flatMap((c) => c.slice(c.indexOf(' install ') + 9).split(' ').filter((w) => !w.startsWith('-')));
      expect(packages.filter((p) => !/=/.test(p) && !UNPINNED.has(p))).toEqual([]);
      const row = KUBERNETES_TOOL_PINS[minor];
      expect(packages.filter((p) => p.includes('='))).toEqual([`kubelet=${minor}.7-*`, `kubeadm=${minor}.7-*`, `kubectl=${minor}.7-*`, `cri-tools=${row.criTools.version}`, `kubernetes-cni=${row.kubernetesCni.version}`]);
      expect(run.calls.filter((c) => c.startsWith('apt-mark '))).toEqual([`apt-mark hold ${HELD_PACKAGES.join(' ')}`]);
    } finally {
      sandbox.dispose();
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

/** Every node and autoscaled group on the four clouds; `kubernetesVersion` is the one difference between the two synths. */
const GROUPS = {
  'cp-aws': { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
  'cp-gcp': { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
  'cp-azure': { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE },
  'w-azure': { cloud: Cloud.AZURE, role: NodeRole.WORKER, count: 2 },
  'w-do': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER },
  'scaled-aws': { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } },
  'scaled-gcp': { cloud: Cloud.GCP, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } },
  'scaled-azure': { cloud: Cloud.AZURE, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } },
  'scaled-do': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } },
};
const CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];
const userDataOf = (kubernetesVersion: string) =>
  Object.entries(synthCluster(CLOUDS, GROUPS, { kubernetesVersion }).json.locals ?? {}).filter(([name]) => name.includes('user-data'));

describe('every user-data document of a four-cloud cluster with static and autoscaled groups', () => {
  const before = userDataOf('1.34.2');
  const after = userDataOf('1.35.0');
  const documents = before.map(([name, template]) => ({ name, files: unpackNodeFiles(parse(interpolate(template))).write_files as { path: string; content: string }[] }));

  test('documents for the nine groups\' nodes and templates', () => {
    // 3 control planes (AWS, GCP, Azure), 3 static workers (Azure, DigitalOcean), 4 templates.
    expect(documents).toHaveLength(10);
  });

  test('every apt-get install names pinned packages (name=version) or allowlisted ones', () => {
    const found = documents.flatMap((d) => d.files.filter((f) => f.path.endsWith('.sh')).flatMap((f) => aptInstalls(f.content).flat().map((word) => ({ document: d.name, file: f.path, word }))));
    // install-kubernetes.sh (its two) and mesh-up.sh's WireGuard on every node with the mesh.
    expect(new Set(found.map((f) => f.file))).toEqual(new Set(['/opt/cast/bin/install-kubernetes.sh', '/opt/cast/bin/mesh-up.sh']));
    expect(found.filter((f) => !pinnedOrAllowed(f.word))).toEqual([]);
    expect(found.filter((f) => f.file.endsWith('/mesh-up.sh')).map((f) => f.word)).toContain(`wireguard-tools=${WIREGUARD_TOOLS_PIN.version}`);
  });

  test('every container image any file names is by digest', () => {
    const images = documents.flatMap((d) => d.files.flatMap((f) => imageReferences(f.content).map((image) => ({ document: d.name, file: f.path, image }))));
    expect(images.filter((i) => !byDigest(i.image))).toEqual([]);
  });

  test('a Kubernetes version bump changes no joining node\'s document (workers, control planes but the first) and no autoscaled group\'s template', () => {
    expect(after.map(([name]) => name)).toEqual(before.map(([name]) => name));
    const joining = before.filter(([name]) => !name.includes('c1-cp-aws-1-user-data'));
    expect(joining).toHaveLength(9);
    for (const [name, template] of joining) expect({ name, same: template === after.find(([n]) => n === name)![1] }).toEqual({ name, same: true });
  });

  test('the first control plane, which runs kubeadm init: its document changes in the founding release alone', () => {
    const [name, template] = before.find(([n]) => n.includes('c1-cp-aws-1-user-data'))!;
    expect(template).toContain("CAST_FOUNDING_KUBERNETES_VERSION='1.34.2'");
    expect(after.find(([n]) => n === name)![1]).toBe(template.replace("CAST_FOUNDING_KUBERNETES_VERSION='1.34.2'", "CAST_FOUNDING_KUBERNETES_VERSION='1.35.0'"));
  });
});

describe('renderNodeUserData: the version reaches the node that may found the cluster only', () => {
  const kinds = [
    ['a worker', (v: string) => fakeInput('worker', Cloud.AZURE, { kubernetesVersion: v })],
    ['an autoscaled worker', (v: string) => fakeInput('worker', Cloud.DIGITALOCEAN, { kubernetesVersion: v, nodeName: undefined, publicAddress: undefined, meshAddress: undefined, scaledIdentity: { namePrefix: 'prod-do-pool' } })],
    ['a control plane that may not found', (v: string) => fakeInput('control-plane', Cloud.GCP, { kubernetesVersion: v, mayFound: false })],
  ] as const;

  test.each(kinds)('%s: byte-identical documents for 1.34.2 and 1.35.0', (_what, input) => {
    expect(renderNodeUserData(input('1.35.0'))).toBe(renderNodeUserData(input('1.34.2')));
  });

  test('the control plane that may found it: the two documents differ in its founding release alone', () => {
    const env = (v: string) => parseUserData(renderNodeUserData(fakeInput('control-plane', Cloud.AWS, { kubernetesVersion: v }))).write_files;
    const [a, b] = [env('1.34.2'), env('1.35.0')];
    const changed = a.filter((f, i) => f.content !== b[i].content).map((f) => f.path);
    expect(changed).toEqual(['/etc/cast/node.env']);
    expect(b[0].content).toBe(a[0].content.replace("CAST_FOUNDING_KUBERNETES_VERSION='1.34.2'", "CAST_FOUNDING_KUBERNETES_VERSION='1.35.0'"));
  });
});
