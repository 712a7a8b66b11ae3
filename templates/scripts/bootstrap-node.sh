#!/usr/bin/env bash
# Boots this node into the cluster, once, from cloud-init's runcmd:
#
#   bootstrap-node.sh control-plane   a control plane: joins the cluster it finds, or founds it
#   bootstrap-node.sh worker          a worker: joins
#
# Order: find in the metadata service what the user-data cannot hold (node-identity.sh: an
# autoscaled node's identity; node-private-address.sh: a cloud-network node's private
# address), install Kubernetes, bring up the mesh (mesh-up.sh, when installed) and the local
# API proxy, check that the mesh address is up, fill the kubeadm placeholders, then:
#
#   - a control plane asks every seed (the control planes' public addresses, api-seeds.sh)
#     for the API. One answers: there is a cluster, and it joins it. None answers: only the
#     control plane whose own public address is the first seed founds the cluster
#     (kubeadm init); the others keep asking. So `kubeadm init` runs once in a cluster's
#     life, whichever node is replaced later.
#   - a joining control plane first joins as a node (kubelet registered, control-plane
#     taint), waits until the mesh agent, now able to publish its record, reaches a control
#     plane over the mesh, and only then joins etcd and the control plane (kubeadm's
#     control-plane-prepare and control-plane-join phases): etcd members talk over the mesh.
#   - either reads the CA keys from its cloud's secret store first (cast-control-plane-keys),
#     where the cloud has one; never from user-data there. A control plane without a store,
#     in a cluster whose other control planes have one, never founds: it fetches the keys over
#     the mesh with its one-time ticket once it has joined as a node (mesh-handoff).
#
# Then start the spot handler when it is installed, report to the phone-home URL when set.
set -euo pipefail

readonly kind="${1:-}"
case "$kind" in
  control-plane | worker) ;;
  *)
    echo "usage: $0 control-plane|worker (got \"$kind\")" >&2
    exit 2
    ;;
esac

# Read again after node-identity.sh and mesh-up.sh, which append to it (a later line wins).
# shellcheck source=/dev/null
load_env() { . /etc/cast/node.env; }
load_env

readonly BIN=/opt/cast/bin
readonly AGENT_DIR=/opt/cast/mesh
readonly INIT_CONFIG=/etc/cast/kubeadm-init.yaml
readonly JOIN_CONFIG=/etc/cast/kubeadm.yaml
readonly CONTROL_PLANE_CONFIG=/etc/cast/kubeadm-control-plane.yaml
readonly APISERVER_CERT_CONFIG=/etc/cast/apiserver-cert.yaml
readonly MANIFESTS=/etc/cast/manifests
readonly ADMIN_KUBECONFIG=/etc/kubernetes/admin.conf
readonly SPOT_UNIT=/etc/systemd/system/cast-spot-handler.service
readonly NODE_GC_UNIT=/etc/systemd/system/cast-node-gc.service
readonly KEY_HANDOFF_UNIT=/etc/systemd/system/cast-key-handoff.service
readonly JOIN_TOKEN_TIMER=/etc/systemd/system/cast-join-token.timer
readonly JOIN_TOKEN_FILE=/etc/cast/join-token
# How long the first seed asks the others before it founds the cluster: long enough for a
# slow network to come up, short next to a first boot. The others wait as long as kubeadm's
# discovery does. Tests shorten both.
readonly FOUNDER_WAIT="${CAST_FOUNDER_WAIT:-120}"
readonly JOIN_WAIT="${CAST_JOIN_WAIT:-1800}"

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

# Done: a worker once its kubelet is registered; a control plane once it runs etcd too
# (kubeadm writes etcd's manifest last). A control plane registered as a node whose
# bootstrap stopped before etcd (a failed join, a reboot) goes on from there.
readonly ETCD_MANIFEST=/etc/kubernetes/manifests/etcd.yaml
if [ -f /etc/kubernetes/kubelet.conf ] && { [ "$kind" = worker ] || [ -f "$ETCD_MANIFEST" ]; }; then
  log "${CAST_NODE_NAME} is already part of the cluster (/etc/kubernetes/kubelet.conf exists); nothing to do"
  exit 0
fi

"$BIN/install-kubernetes.sh"

# Before any pod can run: pods must not read this node's user-data from the metadata service.
log "guarding the instance metadata service from pods"
systemctl daemon-reload
systemctl enable --now cast-metadata-guard.service

# The join token, where the node's cloud keeps it (node.env names the store; none named: the
# static token is in the kubeadm files already): read with this VM's own identity
# (docs/decisions/0006). It waits for a new cluster's founder to publish the first one.
# @CAST_JOIN_TOKEN@ in the kubeadm files becomes the token.
use_join_token() {
  local token config
  token="$(cat "$JOIN_TOKEN_FILE")"
  if ! [[ "$token" =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]]; then
    log "$JOIN_TOKEN_FILE holds no join token" >&2
    exit 1
  fi
  for config in "$INIT_CONFIG" "$JOIN_CONFIG" "$CONTROL_PLANE_CONFIG"; do
    if [ -f "$config" ]; then sed -i "s|@CAST_JOIN_TOKEN@|${token}|g" "$config"; fi
  done
}
# With --if-missing, a token read moments ago is used as it is: mesh-up.sh reads it before a
# node of an autoscaled group claims its mesh address with it.
fetch_join_token() {
  if [ -n "${CAST_JOIN_TOKEN_STORE:-}" ]; then
    if [ "${1:-}" != --if-missing ] || [ ! -s "$JOIN_TOKEN_FILE" ]; then
      log "reading the join token from ${CAST_JOIN_TOKEN_STORE}"
      "$AGENT_DIR/cast-join-token" fetch --out "$JOIN_TOKEN_FILE" --timeout "${CAST_JOIN_TOKEN_WAIT:-3600}"
    fi
    use_join_token
  fi
}

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

# A worker reads its join token now: the mesh hook has installed the reader (on AWS it downloads
# the node tools). A control plane reads it only once it knows it joins: the founder makes the first.
if [ "$kind" = worker ]; then fetch_join_token --if-missing; fi

# etcd and the API server bind the mesh address and the kubelet registers with it; fail
# here with a clear message rather than in etcd's logs.
# (Captured first: under pipefail, grep -q closing the pipe early could fail the pipeline.)
addresses="$(ip -o -4 address show)"
if ! grep -qF " inet ${CAST_MESH_ADDRESS}/" <<<"$addresses"; then
  log "mesh address ${CAST_MESH_ADDRESS} is on no interface: the mesh did not come up" >&2
  exit 1
fi

# Every kubeconfig on the node (kubelet, kube-proxy, admin) names the API as
# https://127.0.0.1:6444: this proxy, which reaches whichever control plane answers.
log "starting the local API proxy"
systemctl enable --now cast-api-proxy.service

# The kubeadm files hold @CAST_...@ placeholders for what the node found at boot (a scaled
# node's name and provider id, a cloud-network node's mesh address). Only values without
# | & \ are filled (names, addresses, ids); any other is reported.
readonly PLACEHOLDER='@CAST_[A-Z_]+@'
for config in "$INIT_CONFIG" "$JOIN_CONFIG" "$CONTROL_PLANE_CONFIG" "$APISERVER_CERT_CONFIG"; do
  if [ -f "$config" ] && grep -qE "$PLACEHOLDER" "$config"; then
    for key in CAST_NODE_NAME CAST_MESH_ADDRESS CAST_PROVIDER_ID; do
      if [[ "${!key:-}" =~ ^[A-Za-z0-9._:/()_-]+$ ]]; then sed -i "s|@${key}@|${!key}|g" "$config"; fi
    done
    # A control plane's join token is filled once it knows whether it founds or joins.
    unfilled="$(grep -oE "$PLACEHOLDER" "$config" | grep -vx '@CAST_JOIN_TOKEN@' | sort -u | xargs || true)"
    if [ -n "$unfilled" ]; then
      log "unfilled in $config: $unfilled" >&2
      exit 1
    fi
  fi
done

# Whether any control plane's API answers, asked for up to $1 seconds.
api_answers() { "$AGENT_DIR/cast-api-proxy" probe --timeout "$1"; }

# The cluster's own manifests, applied by every control plane as it comes up (server-side,
# so the newest control plane's copy wins and nothing depends on which node founded it).
apply_manifests() {
  local manifest
  for manifest in "$MANIFESTS"/*.yaml; do
    [ -e "$manifest" ] || continue
    log "applying ${manifest##*/}"
    kubectl --kubeconfig "$ADMIN_KUBECONFIG" apply --server-side --force-conflicts --field-manager=cast-bootstrap -f "$manifest"
  done
}

join_control_plane() {
  fetch_join_token
  if [ -f /etc/kubernetes/kubelet.conf ]; then
    log "registered as a node by an earlier boot, not yet a control plane: going on with the control-plane join"
  else
    # This node's API serving certificate, with its own public address as a SAN, before
    # kubeadm looks: it keeps a certificate that holds every SAN it expects.
    kubeadm init phase certs apiserver --config "$APISERVER_CERT_CONFIG"
    # Joining as a node, kubeadm's preflight refuses a CA certificate already on disk (it
    # expects to write the one discovery found: cmd/kubeadm/app/preflight/checks.go,
    # JoinNodeChecks, when the JoinConfiguration has no controlPlane). A control plane has
    # the cluster's CAs from cloud-init, and discovery pins that same CA.
    kubeadm join --config "$JOIN_CONFIG" --ignore-preflight-errors=FileAvailable--etc-kubernetes-pki-ca.crt
  fi
  if [ -x "$AGENT_DIR/cast-mesh-agent" ]; then
    log "waiting for a control plane over the mesh (the agent publishes this node's record now that it is registered)"
    "$AGENT_DIR/cast-mesh-agent" wait-peer --role control-plane --timeout "$JOIN_WAIT"
  fi
  # Once: the ticket is spent by the first fetch (a later boot finds the keys on disk).
  if [ "${CAST_KEYS_STORE:-}" = mesh-handoff ] && [ ! -f /etc/kubernetes/pki/ca.key ]; then
    # No identity to read a store with: the keys come over the mesh from a control plane
    # that has one, for this node's one-time ticket (docs/decisions/0007).
    log "fetching the control-plane keys over the mesh"
    "$AGENT_DIR/cast-control-plane-keys" fetch --timeout "${CAST_KEYS_WAIT:-900}"
  fi
  kubeadm join phase control-plane-prepare all --config "$CONTROL_PLANE_CONFIG"
  kubeadm join phase control-plane-join all --config "$CONTROL_PLANE_CONFIG"
}

case "$kind" in
  control-plane)
    # The CA keys and the service-account key pair, before kubeadm needs them: from the
    # cloud's secret store, read with this VM's own identity (node.env names the store; none
    # named: they came with the user-data). It retries while the grant reaches the cloud's
    # authorization, and fails the bootstrap with the reason when the store refuses.
    if [ -n "${CAST_KEYS_STORE:-}" ] && [ "$CAST_KEYS_STORE" != mesh-handoff ]; then
      log "reading the control-plane keys from ${CAST_KEYS_STORE}"
      "$AGENT_DIR/cast-control-plane-keys" fetch --timeout "${CAST_KEYS_WAIT:-900}"
    fi
    seeds="$("$BIN/api-seeds.sh" || true)"
    first_seed="${seeds%% *}"
    if [ -f /etc/kubernetes/kubelet.conf ]; then
      # Registered: the cluster exists, whatever answers now.
      join_control_plane
    elif api_answers "$FOUNDER_WAIT"; then
      log "a control plane answers: joining the cluster"
      join_control_plane
    elif [ -n "$first_seed" ] && [ "$first_seed" = "${CAST_PUBLIC_ADDRESS:-}" ] && [ "${CAST_KEYS_STORE:-}" != mesh-handoff ]; then
      log "no control plane answers in ${FOUNDER_WAIT} s and ${CAST_PUBLIC_ADDRESS} is the first seed: founding the cluster"
      if [ -n "${CAST_JOIN_TOKEN_STORE:-}" ]; then
        # The cluster's first join token, made here, published to the store once the cluster exists.
        (umask 077 && "$AGENT_DIR/cast-join-token" generate >"$JOIN_TOKEN_FILE")
        use_join_token
      fi
      kubeadm init phase certs apiserver --config "$APISERVER_CERT_CONFIG"
      kubeadm init --config "$INIT_CONFIG"
      if [ -n "${CAST_JOIN_TOKEN_STORE:-}" ]; then
        log "publishing the first join token to ${CAST_JOIN_TOKEN_STORE}"
        # The cluster is founded either way: on failure the hourly rotation publishes one.
        "$AGENT_DIR/cast-join-token" publish --token-file "$JOIN_TOKEN_FILE" --timeout "${CAST_KEYS_WAIT:-900}" ||
          log "could not publish the join token: new nodes wait until the hourly rotation does" >&2
      fi
    elif api_answers "$JOIN_WAIT"; then
      log "a control plane answers: joining the cluster"
      join_control_plane
    else
      log "no control plane answered in $((FOUNDER_WAIT + JOIN_WAIT)) s, and only the first seed founds the cluster (this node: ${CAST_PUBLIC_ADDRESS:-no public address}; seeds: ${seeds:-none})" >&2
      exit 1
    fi
    apply_manifests
    ;;
  worker)
    kubeadm join --config "$JOIN_CONFIG"
    ;;
esac

# Control planes on clouds with an identity: delete the Node objects of VMs that are gone.
if [ "$kind" = control-plane ] && [ -f "$NODE_GC_UNIT" ]; then
  log "starting node GC"
  systemctl daemon-reload
  systemctl enable --now cast-node-gc.service
fi

# Control planes with a store: hand the keys to control planes without one (over the mesh).
if [ "$kind" = control-plane ] && [ -f "$KEY_HANDOFF_UNIT" ]; then
  log "starting the key handoff"
  systemctl daemon-reload
  systemctl enable --now cast-key-handoff.service
fi

# Control planes with a store: a new join token every hour (cast-join-token.timer).
if [ "$kind" = control-plane ] && [ -f "$JOIN_TOKEN_TIMER" ]; then
  log "starting the join token's rotation"
  systemctl daemon-reload
  systemctl enable --now cast-join-token.timer
fi

if [ -f "$SPOT_UNIT" ]; then
  log "starting the spot handler"
  systemctl daemon-reload
  systemctl enable --now cast-spot-handler.service
fi

log "${CAST_NODE_NAME} joined the cluster as ${kind}"
phone_home joined
