#!/usr/bin/env bash
# Installs what kubeadm needs on Ubuntu: kernel modules and sysctls, containerd with the
# systemd cgroup driver, and kubelet, kubeadm, kubectl pinned to the cluster's exact
# Kubernetes version (plus the reference CNI plugins). Idempotent: bootstrap-node.sh runs
# it on first boot, again after a failure until its deadline (on AWS a node has no way out to
# the mirrors until its Elastic IP association lands), and after a reboot in the middle;
# running it again changes nothing, and it finishes what an interrupted run left.
set -euo pipefail

# shellcheck source=/dev/null
. /etc/cast/node.env
: "${CAST_KUBERNETES_VERSION:?missing in /etc/cast/node.env}"
: "${CAST_KUBERNETES_MINOR:?missing in /etc/cast/node.env}"

readonly K8S_REPO="https://pkgs.k8s.io/core:/stable:/v${CAST_KUBERNETES_MINOR}/deb/"
readonly K8S_KEYRING=/etc/apt/keyrings/kubernetes-apt-keyring.gpg

apt_get() {
  # On first boot unattended-upgrades often holds the dpkg lock: wait for it, do not fail.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"
}

# A run stopped half-way (a reboot, a kill) leaves packages unpacked and not configured, and
# apt refuses to install until `dpkg --configure -a` has run: dpkg keeps them in its updates
# directory until then (dpkg(1), --configure; apt's "dpkg was interrupted" check).
[ -z "$(ls -A /var/lib/dpkg/updates)" ] || DEBIAN_FRONTEND=noninteractive dpkg --configure -a

echo "cast: kernel modules and sysctls for Kubernetes"
# br_netfilter makes bridged pod traffic visible to iptables (kube-proxy, the bridge CNI);
# overlay is containerd's snapshotter. Persisted so a reboot loads them again.
cat >/etc/modules-load.d/cast-kubernetes.conf <<'EOF'
overlay
br_netfilter
EOF
modprobe overlay
modprobe br_netfilter
cat >/etc/sysctl.d/99-cast-kubernetes.conf <<'EOF'
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward = 1
EOF
sysctl --system >/dev/null

echo "cast: containerd from Ubuntu"
apt_get update
apt_get install --no-install-recommends ca-certificates curl gpg containerd conntrack socat
install -d -m 0755 /etc/containerd
containerd config default >/etc/containerd/config.toml
# The kubelet uses the systemd cgroup driver (KubeletConfiguration cgroupDriver): the
# runtime must use the same one, or pods are killed under memory pressure.
sed -i 's/SystemdCgroup = false/SystemdCgroup = true/' /etc/containerd/config.toml
if ! grep -q 'SystemdCgroup = true' /etc/containerd/config.toml; then
  echo "cast: could not set SystemdCgroup = true in /etc/containerd/config.toml" >&2
  exit 1
fi
systemctl enable containerd
systemctl restart containerd

echo "cast: kubelet, kubeadm, kubectl ${CAST_KUBERNETES_VERSION} from ${K8S_REPO}"
# pkgs.k8s.io has one repository per minor version, each signed with its own key.
install -d -m 0755 /etc/apt/keyrings
curl -fsSL --retry 5 --max-time 60 "${K8S_REPO}Release.key" | gpg --dearmor --yes -o "$K8S_KEYRING"
echo "deb [signed-by=${K8S_KEYRING}] ${K8S_REPO} /" >/etc/apt/sources.list.d/kubernetes.list
apt_get update
# Package versions are <version>-<revision> (1.34.2-1.1): pin the version, take any revision.
# kubernetes-cni puts bridge, host-local, portmap and loopback in /opt/cni/bin, where
# containerd looks for them; Ubuntu's own CNI package installs elsewhere.
apt_get install --no-install-recommends --allow-change-held-packages \
  "kubelet=${CAST_KUBERNETES_VERSION}-*" \
  "kubeadm=${CAST_KUBERNETES_VERSION}-*" \
  "kubectl=${CAST_KUBERNETES_VERSION}-*" \
  kubernetes-cni cri-tools
# A routine apt upgrade must not move the cluster to another version: upgrades go through kubeadm.
apt-mark hold kubelet kubeadm kubectl >/dev/null
systemctl enable kubelet
