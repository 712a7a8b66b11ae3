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
# `kubeadm upgrade apply vX.Y.Z` (-y: no prompt) or `kubeadm upgrade node`, then kubelet and
# kubectl, then `systemctl daemon-reload` and `systemctl restart kubelet`. Packages are
# pinned to the exact version (any package revision) and held again, as
# install-kubernetes.sh leaves them. Idempotent: `kubeadm upgrade` may be run again after a
# failure ("Recovering from a failure state", ibid.), and so may everything else here.
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
readonly K8S_REPO="https://pkgs.k8s.io/core:/stable:/v${MINOR}/deb/"
readonly SOURCE_LINE="deb [signed-by=${KEYRING}] ${K8S_REPO} /"

apt_get() {
  # unattended-upgrades may hold the dpkg lock: wait for it, do not fail.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"
}

echo "cast-upgrade-node: $(hostname) to v${VERSION} (kubeadm upgrade ${MODE})"

# A dpkg run stopped half-way must be finished before apt installs anything (dpkg(1), --configure).
[ -z "$(ls -A "$DPKG_UPDATES" 2>/dev/null)" ] || DEBIAN_FRONTEND=noninteractive dpkg --configure -a

# A new minor: its repository, signed with the key it publishes (as install-kubernetes.sh does).
if [ "$(cat "$APT_LIST" 2>/dev/null)" != "$SOURCE_LINE" ]; then
  echo "cast-upgrade-node: package repository ${K8S_REPO}"
  install -d -m 0755 "$(dirname "$KEYRING")"
  curl -fsSL --retry 5 --max-time 60 "${K8S_REPO}Release.key" | gpg --dearmor --yes -o "$KEYRING"
  echo "$SOURCE_LINE" >"$APT_LIST"
fi
apt_get update

# kubeadm first: the new kubeadm does the upgrade.
apt_get install --no-install-recommends --allow-change-held-packages "kubeadm=${VERSION}-*"
apt-mark hold kubeadm >/dev/null

if [ "$MODE" = apply ]; then
  kubeadm upgrade apply -y "v${VERSION}"
else
  kubeadm upgrade node
fi

apt_get install --no-install-recommends --allow-change-held-packages "kubelet=${VERSION}-*" "kubectl=${VERSION}-*"
apt-mark hold kubelet kubectl >/dev/null
systemctl daemon-reload
# Last: the kubelet reports the new version once restarted, which is what cast-upgrade.sh waits for.
systemctl restart kubelet
echo "cast-upgrade-node: done"
