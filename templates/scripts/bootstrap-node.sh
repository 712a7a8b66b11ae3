#!/usr/bin/env bash
# Boots this node into the cluster, once, from cloud-init's runcmd:
#
#   bootstrap-node.sh init                 first control-plane node: kubeadm init
#   bootstrap-node.sh join-control-plane   further control-plane nodes (stacked etcd)
#   bootstrap-node.sh worker               workers
#
# Order: find in the metadata service what the user-data cannot hold (node-identity.sh: an
# autoscaled node's identity; node-private-address.sh: a cloud-network node's private
# address), install Kubernetes, run the mesh hook when it is installed, check that the mesh
# address is up, fill the kubeadm placeholders, run kubeadm, start the spot handler when it
# is installed, report to the phone-home URL when one is set.
set -euo pipefail

readonly kind="${1:-}"
case "$kind" in
  init | join-control-plane | worker) ;;
  *)
    echo "usage: $0 init|join-control-plane|worker (got \"$kind\")" >&2
    exit 2
    ;;
esac

# Read again after node-identity.sh and mesh-up.sh, which append to it (a later line wins).
# shellcheck source=/dev/null
load_env() { . /etc/cast/node.env; }
load_env

readonly BIN=/opt/cast/bin
readonly KUBEADM_CONFIG=/etc/cast/kubeadm.yaml
readonly APISERVER_CERT_CONFIG=/etc/cast/apiserver-cert.yaml
readonly MANIFESTS=/etc/cast/manifests
readonly ADMIN_KUBECONFIG=/etc/kubernetes/admin.conf
readonly SPOT_UNIT=/etc/systemd/system/cast-spot-handler.service

log() { echo "cast: $*"; }

# Reports "joined" or "failed" in the form cloud-init's phone_home uses (a form POST of
# instance_id and hostname), plus node_name and status. Never fails the boot.
phone_home() {
  [ -n "${CAST_PHONE_HOME_URL:-}" ] || return 0
  local instance_id
  instance_id="$(cat /var/lib/cloud/data/instance-id 2>/dev/null || true)"
  curl -fsS --retry 10 --retry-connrefused --max-time 30 -o /dev/null \
    --data-urlencode "instance_id=${instance_id}" \
    --data-urlencode "hostname=$(hostname)" \
    --data-urlencode "node_name=${CAST_NODE_NAME:-}" \
    --data-urlencode "status=$1" \
    "$CAST_PHONE_HOME_URL" || log "phone home to ${CAST_PHONE_HOME_URL} failed (ignored)"
}

on_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    log "bootstrap failed (exit ${status}); see /var/log/cloud-init-output.log"
    phone_home failed
  fi
}
trap on_exit EXIT

if [ "${CAST_NODE_IDENTITY:-}" = from-metadata ]; then
  "$BIN/node-identity.sh"
fi
# Installed on the nodes that need it; it does nothing when node.env has the mesh address.
if [ -x "$BIN/node-private-address.sh" ]; then
  "$BIN/node-private-address.sh"
fi
load_env
: "${CAST_NODE_NAME:?missing in /etc/cast/node.env}"

if [ -f /etc/kubernetes/kubelet.conf ]; then
  log "${CAST_NODE_NAME} is already part of the cluster (/etc/kubernetes/kubelet.conf exists); nothing to do"
  exit 0
fi

"$BIN/install-kubernetes.sh"

# Before any pod can run: pods must not read this node's user-data from the metadata service.
log "guarding the instance metadata service from pods"
systemctl daemon-reload
systemctl enable --now cast-metadata-guard.service

# The WireGuard mesh (its own component) installs this hook; without it the mesh address
# must already be on an interface (e.g. it is the node's private address).
if [ -x "$BIN/mesh-up.sh" ]; then
  log "bringing up the mesh"
  "$BIN/mesh-up.sh" "$kind"
else
  log "no $BIN/mesh-up.sh: not starting a mesh"
fi
load_env
: "${CAST_MESH_ADDRESS:?missing in /etc/cast/node.env}"

# etcd and the API server bind the mesh address and the kubelet registers with it; fail
# here with a clear message rather than in etcd's logs.
# (Captured first: under pipefail, grep -q closing the pipe early could fail the pipeline.)
addresses="$(ip -o -4 address show)"
if ! grep -qF " inet ${CAST_MESH_ADDRESS}/" <<<"$addresses"; then
  log "mesh address ${CAST_MESH_ADDRESS} is on no interface: the mesh did not come up" >&2
  exit 1
fi

# The kubeadm files hold @CAST_...@ placeholders for what the node found at boot (a scaled
# node's name and provider id, a cloud-network node's mesh address). Only values without
# | & \ are filled (names, addresses, ids); any other is reported.
readonly PLACEHOLDER='@CAST_[A-Z_]+@'
for config in "$KUBEADM_CONFIG" "$APISERVER_CERT_CONFIG"; do
  if [ -f "$config" ] && grep -qE "$PLACEHOLDER" "$config"; then
    for key in CAST_NODE_NAME CAST_MESH_ADDRESS CAST_PROVIDER_ID; do
      if [[ "${!key:-}" =~ ^[A-Za-z0-9._:/()_-]+$ ]]; then sed -i "s|@${key}@|${!key}|g" "$config"; fi
    done
    if grep -qE "$PLACEHOLDER" "$config"; then
      log "unfilled in $config: $(grep -oE "$PLACEHOLDER" "$config" | sort -u | xargs)" >&2
      exit 1
    fi
  fi
done

case "$kind" in
  init)
    # The CAs and the service-account key are already in /etc/kubernetes/pki: kubeadm
    # signs with them instead of creating its own.
    kubeadm init --config "$KUBEADM_CONFIG"
    log "applying the cast-mesh namespace and RBAC"
    kubectl --kubeconfig "$ADMIN_KUBECONFIG" apply -f "$MANIFESTS/cast-rbac.yaml"
    if [ -f "$MANIFESTS/cluster-autoscaler.yaml" ]; then
      log "applying the cluster autoscaler"
      kubectl --kubeconfig "$ADMIN_KUBECONFIG" apply -f "$MANIFESTS/cluster-autoscaler.yaml"
    fi
    ;;
  join-control-plane)
    # This node's API serving certificate, with its own public address as a SAN. kubeadm
    # join finds it, checks it against the CA and the SANs it expects, and keeps it.
    kubeadm init phase certs apiserver --config "$APISERVER_CERT_CONFIG"
    kubeadm join --config "$KUBEADM_CONFIG"
    ;;
  worker)
    kubeadm join --config "$KUBEADM_CONFIG"
    ;;
esac

if [ -f "$SPOT_UNIT" ]; then
  log "starting the spot handler"
  systemctl daemon-reload
  systemctl enable --now cast-spot-handler.service
fi

log "${CAST_NODE_NAME} joined the cluster as ${kind}"
phone_home joined
