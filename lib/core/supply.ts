/**
 * What a node installs from outside the cluster, pinned and checked: the one table of
 * versions, key fingerprints and exceptions, each row with its source. The node scripts
 * get these values rendered in (install-kubernetes.sh, mesh-up.sh), and
 * test/supply/supply.test.ts checks every `apt-get install` of every rendered user-data
 * against this table. No cdktf import: the renderers and the tests read it alike.
 *
 * How a pin stays installable:
 * - pkgs.k8s.io has one repository per Kubernetes minor and keeps every version it
 *   published there (its packages are listed with `apt-cache madison`, and the kubeadm
 *   upgrade guide picks an older patch from that list: "Upgrading kubeadm clusters",
 *   kubernetes.io). So a pin of kubelet, cri-tools or kubernetes-cni for a minor stays
 *   installable for that minor's life.
 * - Ubuntu's release pocket (`noble`) never changes after the release; `noble-updates`
 *   and `noble-security` list only their newest build of a package, so a pin of one of
 *   their builds stops installing at the next update (Ubuntu wiki, "StableReleaseUpdates";
 *   `apt-cache policy` shows one version per pocket). A package is pinned here only where
 *   its release-pocket build is the one to run.
 */
import { renderTemplateFile } from './bootstrap/render-template';
import { SUPPORTED_MINORS } from './kubernetes-version';

/**
 * The key that signs every pkgs.k8s.io repository (the `isv:kubernetes OBS Project` key,
 * RSA 2048, made 2022-08-25): install-kubernetes.sh trusts a downloaded Release.key only
 * when it holds exactly this primary key (`gpg --show-keys --with-colons`).
 * Source: the fingerprint as `gpg` prints it for https://pkgs.k8s.io/core:/stable:/v1.27/deb/Release.key
 * and v1.26 in kubernetes/kubernetes#128609, and kubernetes/release#3818, where SIG Release
 * extended the same key's expiry for every repository ("it resigns the all same key").
 */
export const KUBERNETES_APT_KEY_FINGERPRINT = 'DE15B14486CD377B9E876E1A234654DA9A296436';

/** A package version a node installs, where it comes from, and why that version. */
export interface AptPin {
  readonly package: string;
  /** The Debian version (`<upstream>-<revision>`). */
  readonly version: string;
  /** Where apt finds it. */
  readonly origin: string;
  /** Where the version was read. */
  readonly source: string;
}

/** cri-tools and kubernetes-cni of one Kubernetes minor, from that minor's pkgs.k8s.io repository. */
export interface KubernetesToolPins {
  readonly criTools: AptPin;
  readonly kubernetesCni: AptPin;
}

const k8sRepo = (minor: string) => `pkgs.k8s.io/core:/stable:/v${minor}/deb`;
const pin = (pkg: string, version: string, minor: string, source: string): AptPin => ({ package: pkg, version, origin: k8sRepo(minor), source });

/**
 * By Kubernetes minor (`1.34`): the cri-tools and kubernetes-cni a node of that minor
 * installs, the versions apt installed from that minor's repository in public install
 * logs and guides (the minor's own cri-tools release; kubernetes-cni as that repository
 * ships it). kubelet, kubeadm and kubectl are pinned to the cluster's exact release.
 */
export const KUBERNETES_TOOL_PINS: Readonly<Record<string, KubernetesToolPins>> = {
  '1.31': {
    criTools: pin('cri-tools', '1.31.1-1.1', '1.31', 'install guides pinning kubelet=1.31.6-1.1 with cri-tools=1.31.1-1.1 from pkgs.k8s.io v1.31'),
    kubernetesCni: pin('kubernetes-cni', '1.5.1-1.1', '1.31', 'apt logs: "Get: .../core:/stable:/v1.31/deb kubernetes-cni 1.5.1-1.1" (with kubelet 1.31.2 and 1.31.14)'),
  },
  '1.32': {
    criTools: pin('cri-tools', '1.32.0-1.1', '1.32', 'install guides pinning kubelet=1.32.0-1.1 with cri-tools=1.32.0-1.1 from pkgs.k8s.io v1.32'),
    kubernetesCni: pin('kubernetes-cni', '1.6.0-1.1', '1.32', 'apt logs: "Get: .../core:/stable:/v1.32/deb kubernetes-cni 1.6.0-1.1" (with kubelet 1.32.0, 1.32.4, 1.32.8)'),
  },
  '1.33': {
    criTools: pin('cri-tools', '1.33.0-1.1', '1.33', 'apt log: "Get: .../core:/stable:/v1.33/deb cri-tools 1.33.0-1.1"'),
    kubernetesCni: pin('kubernetes-cni', '1.6.0-1.1', '1.33', 'apt log: "Get: .../core:/stable:/v1.33/deb kubernetes-cni 1.6.0-1.1" (with kubelet 1.33.2)'),
  },
  '1.34': {
    criTools: pin('cri-tools', '1.34.0-1.1', '1.34', 'an upgrade runbook installing cri-tools=1.34.0-1.1 kubernetes-cni=1.7.1-1.1 from pkgs.k8s.io v1.34; an install guide pinning kubelet=1.34.11-1.1 with cri-tools=1.34.0-1.1'),
    kubernetesCni: pin('kubernetes-cni', '1.7.1-1.1', '1.34', 'apt log: "Get: .../core:/stable:/v1.34/deb kubernetes-cni 1.7.1-1.1" (with kubelet 1.34.9)'),
  },
  '1.35': {
    criTools: pin('cri-tools', '1.35.0-1.1', '1.35', 'apt log: "Get: .../core:/stable:/v1.35/deb cri-tools 1.35.0-1.1" (with kubeadm 1.35.3)'),
    kubernetesCni: pin('kubernetes-cni', '1.8.0-1.1', '1.35', 'apt logs: "Get: .../core:/stable:/v1.35/deb kubernetes-cni 1.8.0-1.1" (with kubelet 1.35.1 and 1.35.3)'),
  },
};

/**
 * WireGuard's tools, from Ubuntu 24.04's release pocket, which keeps this build for the
 * release's life. noble has published no other build of it: `apt-get install
 * wireguard-tools` on 24.04 hosts in 2026 still installs 1.0.20210914-1ubuntu4 (public
 * host inventories and install logs), and the .deb is in the archive's pool
 * (pool/main/w/wireguard/wireguard-tools_1.0.20210914-1ubuntu4_amd64.deb).
 */
export const WIREGUARD_TOOLS_PIN: AptPin = {
  package: 'wireguard-tools',
  version: '1.0.20210914-1ubuntu4',
  origin: 'Ubuntu 24.04 (noble) main',
  source: 'archive.ubuntu.com pool/main/w/wireguard/wireguard-tools_1.0.20210914-1ubuntu4_amd64.deb; apt-get install logs on 24.04',
};

/** A package installed without a pinned version, and why. */
export interface UnpinnedPackage {
  readonly package: string;
  readonly reason: string;
}

/**
 * Packages installed at the version Ubuntu's archive has, on purpose: each reason says why
 * a pin would be worse. Held ones (HELD_PACKAGES) still never move on a running node.
 */
export const UNPINNED_PACKAGES: readonly UnpinnedPackage[] = [
  {
    package: 'containerd',
    // The only build a pin keeps installable is noble's release one, 1.7.12-0ubuntu4 (January
    // 2024); noble-updates carries 2.2.1-0ubuntu1~24.04.x (`apt-cache policy containerd` on
    // 24.04), which today's nodes run. Pinning the release build would move new nodes back two
    // years and a major version, past the security fixes since.
    reason: "Ubuntu's security-supported build: the one pinnable build (noble's 1.7.12-0ubuntu4) is a major version older, without two years of fixes. Held once installed, so it moves only when a node is replaced.",
  },
  { package: 'ca-certificates', reason: 'Already in every Ubuntu cloud image; kept current by security updates (a pin would freeze the trusted CAs).' },
  { package: 'curl', reason: 'Already in every Ubuntu cloud image; kept current by security updates.' },
  { package: 'gpg', reason: 'Already in every Ubuntu cloud image; kept current by security updates. It checks the Kubernetes key by fingerprint.' },
  { package: 'conntrack', reason: "kube-proxy's dependency from Ubuntu; security updates must reach it (unattended-upgrades), which a pin to the release build would stop." },
  { package: 'socat', reason: "The kubelet's port-forward dependency from Ubuntu; security updates must reach it, which a pin to the release build would stop." },
];

/**
 * What `apt-mark hold` keeps where install-kubernetes.sh put it: a routine `apt-get upgrade`
 * or unattended-upgrades must not move the cluster's components; an upgrade moves them on
 * purpose (kubeadm's upgrade guide holds and unholds the same way). containerd too: a new
 * containerd restarts every container on the node.
 */
export const HELD_PACKAGES = ['kubelet', 'kubeadm', 'kubectl', 'cri-tools', 'kubernetes-cni', 'containerd'] as const;

/** Every supported minor (`1.31` ... `1.35`). */
export function supportedMinors(): string[] {
  const minors: string[] = [];
  for (let m = SUPPORTED_MINORS.oldest; m <= SUPPORTED_MINORS.newest; m++) minors.push(`1.${m}`);
  return minors;
}

/**
 * install-kubernetes.sh's table of tool pins: one line per minor, `<minor> cri-tools=<v> kubernetes-cni=<v>`.
 * Throws when a supported minor has no row (a new minor in SUPPORTED_MINORS needs its pins here).
 */
export function renderKubernetesToolPins(): string {
  return supportedMinors()
    .map((minor) => {
      const row = KUBERNETES_TOOL_PINS[minor];
      if (!row) throw new Error(`KUBERNETES_TOOL_PINS has no row for Kubernetes ${minor}, a supported minor. Add its cri-tools and kubernetes-cni versions with their source.`);
      return `${minor} ${row.criTools.package}=${row.criTools.version} ${row.kubernetesCni.package}=${row.kubernetesCni.version}`;
    })
    .join('\n');
}

/**
 * The shell function that trusts the Kubernetes apt key only by its fingerprint
 * (templates/supply/trust-kubernetes-key.sh), for the scripts that add a pkgs.k8s.io
 * repository: install-kubernetes.sh on a new node, the upgrade's node script on a running one.
 * Escaped for a Terraform template, as a value of another template is.
 */
export function renderTrustKubernetesKey(fingerprint = KUBERNETES_APT_KEY_FINGERPRINT): string {
  return renderTemplateFile('supply/trust-kubernetes-key.sh', { kubernetes_apt_key_fingerprint: fingerprint }).replace(/\n+$/, '');
}
