#!/usr/bin/env bash
# The steps of a Kubernetes upgrade that run on the node itself, as root on the host (the Job
# cast-upgrade-node, which cast-upgrade.sh pins to the node after draining it):
#
#   cast-upgrade-node.sh apply <version>   the first control plane: kubeadm upgrade apply
#   cast-upgrade-node.sh node <version>    every other node: kubeadm upgrade node
#
# In the order of "Upgrading kubeadm clusters" (kubernetes.io/docs/tasks/administer-cluster/
# kubeadm/kubeadm-upgrade): the package repository of the new minor ("Changing The Kubernetes
# Package Repository": pkgs.k8s.io has one repository per minor), kubeadm first, then
# `kubeadm upgrade apply vX.Y.Z` (-y, --yes: "do not prompt for confirmation", the kubeadm
# upgrade apply reference) or `kubeadm upgrade node`, then kubelet and
# kubectl, then `systemctl daemon-reload` and `systemctl restart kubelet`. As
# install-kubernetes.sh does (lib/core/supply.ts): the repository's key is trusted only with
# the pinned fingerprint, kubelet/kubeadm/kubectl are pinned to the exact release (any
# package revision), cri-tools (with kubeadm, which runs crictl) and kubernetes-cni (with the
# kubelet) to the new minor's pins, and all of them are held again. Idempotent: `kubeadm
# upgrade` may be run again after a failure ("Recovering from a failure state", ibid.), and
# so may everything else here.
#
# Overridable for tests: CAST_K8S_APT_LIST, CAST_K8S_KEYRING, CAST_DPKG_UPDATES_DIR.
set -euo pipefail
export LC_ALL=C

readonly MODE="${1:-}" VERSION="${2:-}"
if ! [[ $MODE =~ ^(apply|node)$ ]] || ! [[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: cast-upgrade-node.sh apply|node <x.y.z>" >&2
  exit 2
fi
readonly MINOR="${VERSION%.*}"
readonly APT_LIST="${CAST_K8S_APT_LIST:-/etc/apt/sources.list.d/kubernetes.list}"
readonly KEYRING="${CAST_K8S_KEYRING:-/etc/apt/keyrings/kubernetes-apt-keyring.gpg}"
readonly DPKG_UPDATES="${CAST_DPKG_UPDATES_DIR:-/var/lib/dpkg/updates}"
# Per Kubernetes minor, the cri-tools and kubernetes-cni it installs: "<minor> <package>=<version> ...".
readonly K8S_TOOL_PINS='{{kubernetes_tool_pins}}'
readonly K8S_REPO="https://pkgs.k8s.io/core:/stable:/v${MINOR}/deb/"
readonly SOURCE_LINE="deb [signed-by=${KEYRING}] ${K8S_REPO} /"

{{trust_kubernetes_key}}

apt_get() {
  # unattended-upgrades may hold the dpkg lock: wait for it, do not fail.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"
}

echo "cast-upgrade-node: $(hostname) to v${VERSION} (kubeadm upgrade ${MODE})"

# A dpkg run stopped half-way must be finished before apt installs anything (dpkg(1), --configure).
[ -z "$(ls -A "$DPKG_UPDATES" 2>/dev/null)" ] || DEBIAN_FRONTEND=noninteractive dpkg --configure -a

cri_tools='' kubernetes_cni=''
read -r -a tool_pins <<<"$(awk -v minor="$MINOR" '$1 == minor { $1 = ""; print }' <<<"$K8S_TOOL_PINS")" || true
for pin in "${tool_pins[@]}"; do
  case "$pin" in cri-tools=*) cri_tools="$pin" ;; kubernetes-cni=*) kubernetes_cni="$pin" ;; esac
done
if [ -z "$cri_tools" ] || [ -z "$kubernetes_cni" ]; then
  echo "cast-upgrade-node: Kubernetes ${VERSION} is not a release this cdktf-cast-cluster installs (minors: $(cut -d' ' -f1 <<<"$K8S_TOOL_PINS" | xargs))" >&2
  exit 1
fi

# A new minor: its repository, whose Release.key is trusted as install-kubernetes.sh trusts it.
if [ "$(cat "$APT_LIST" 2>/dev/null)" != "$SOURCE_LINE" ]; then
  echo "cast-upgrade-node: package repository ${K8S_REPO}"
  trust_kubernetes_key "$K8S_REPO" "$KEYRING" cast-upgrade-node
  echo "$SOURCE_LINE" >"$APT_LIST"
fi
apt_get update

# kubeadm first: the new kubeadm does the upgrade.
apt_get install --no-install-recommends --allow-change-held-packages "kubeadm=${VERSION}-*" "$cri_tools"
apt-mark hold kubeadm cri-tools >/dev/null

if [ "$MODE" = apply ]; then
  kubeadm upgrade apply -y "v${VERSION}"
else
  kubeadm upgrade node
fi

apt_get install --no-install-recommends --allow-change-held-packages "kubelet=${VERSION}-*" "kubectl=${VERSION}-*" "$kubernetes_cni"
apt-mark hold kubelet kubectl kubernetes-cni >/dev/null
systemctl daemon-reload
# Last: the kubelet reports the new version once restarted, which is what cast-upgrade.sh waits for.
systemctl restart kubelet
echo "cast-upgrade-node: done"
