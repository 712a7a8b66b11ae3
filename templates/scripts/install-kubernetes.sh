#!/usr/bin/env bash
# Installs what kubeadm needs on Ubuntu: kernel modules and sysctls, containerd with the
# systemd cgroup driver, and kubelet, kubeadm, kubectl at the Kubernetes release the cluster
# runs (kubernetes-version.sh: read from its API servers; the founding control plane's own
# release while none answers), with the cri-tools and CNI plugins pinned for that minor
# (lib/core/supply.ts). The packages that must not move by themselves are held. Idempotent:
# bootstrap-node.sh runs it on first boot, again after a failure until its deadline (on AWS
# a node has no way out to the mirrors until its Elastic IP association lands; a joining
# node waits here for the cluster to answer), and after a reboot in the middle; running it
# again changes nothing, and it finishes what an interrupted run left.
set -euo pipefail

readonly NODE_ENV=/etc/cast/node.env
# shellcheck source=/dev/null
. "$NODE_ENV"

readonly BIN=/opt/cast/bin
readonly K8S_KEYRING=/etc/apt/keyrings/kubernetes-apt-keyring.gpg
# Per Kubernetes minor, the cri-tools and kubernetes-cni it installs: "<minor> <package>=<version> ...".
readonly K8S_TOOL_PINS='{{kubernetes_tool_pins}}'
# What must not move with a routine apt upgrade or unattended-upgrades: upgrades move them on purpose.
readonly HELD_PACKAGES='{{held_packages}}'

{{trust_kubernetes_key}}

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
# Ubuntu's builds, unpinned on purpose (lib/core/supply.ts, UNPINNED_PACKAGES says why for each).
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

# Now that apt reached the mirrors, the node reaches the API seeds as well as it ever will.
read -r version source < <("$BIN/kubernetes-version.sh")
minor="${version%.*}"
read -r -a tool_pins <<<"$(awk -v minor="$minor" '$1 == minor { $1 = ""; print }' <<<"$K8S_TOOL_PINS")" || true
if [ "${#tool_pins[@]}" -eq 0 ]; then
  echo "cast: Kubernetes ${version} is not a release this cdktf-cast-cluster installs (minors: $(cut -d' ' -f1 <<<"$K8S_TOOL_PINS" | xargs))" >&2
  exit 1
fi
# bootstrap-node.sh fills the kubeadm files with it (a later line of node.env wins); a control
# plane that installed its founding release and then joins installs the cluster's instead.
if [ "${CAST_KUBERNETES_VERSION:-}" != "$version" ] || [ "${CAST_KUBERNETES_VERSION_FROM:-}" != "$source" ]; then
  printf "CAST_KUBERNETES_VERSION='%s'\nCAST_KUBERNETES_VERSION_FROM='%s'\n" "$version" "$source" >>"$NODE_ENV"
fi

readonly K8S_REPO="https://pkgs.k8s.io/core:/stable:/v${minor}/deb/"
echo "cast: kubelet, kubeadm, kubectl ${version} from ${K8S_REPO}"
trust_kubernetes_key "$K8S_REPO" "$K8S_KEYRING" cast
echo "deb [signed-by=${K8S_KEYRING}] ${K8S_REPO} /" >/etc/apt/sources.list.d/kubernetes.list
apt_get update
# Package versions are <version>-<revision> (1.34.2-1.1): pin the version, take any revision.
# kubernetes-cni puts bridge, host-local, portmap and loopback in /opt/cni/bin, where
# containerd looks for them; Ubuntu's own CNI package installs elsewhere.
# (Downgrades too: a control plane that installed its founding release may join an older cluster.)
apt_get install --no-install-recommends --allow-change-held-packages --allow-downgrades \
  "kubelet=${version}-*" \
  "kubeadm=${version}-*" \
  "kubectl=${version}-*" \
  "${tool_pins[@]}"
read -r -a held <<<"$HELD_PACKAGES"
apt-mark hold "${held[@]}" >/dev/null
systemctl enable kubelet
