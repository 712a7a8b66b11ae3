#!/usr/bin/env bash
# Boots this node into the cluster, from cloud-init's runcmd, and again at every boot until it
# has joined (see "Retries" below):
#
#   bootstrap-node.sh control-plane   a control plane: joins the cluster it finds, or founds it
#   bootstrap-node.sh worker          a worker: joins
#
# Order: find in the metadata service what the user-data cannot hold (node-identity.sh: an
# autoscaled node's identity; node-private-address.sh: a cloud-network node's private
# address), install Kubernetes at the release the cluster runs (install-kubernetes.sh asks
# the API servers: kubernetes-version.sh; a joining node waits there for the cluster, and only
# the control plane that may found it falls back to the release in its user-data), bring up
# the mesh (mesh-up.sh, when installed) and the local API proxy, check that the mesh address
# is up, fill the kubeadm placeholders (the installed release among them), then:
#
#   - a control plane asks every seed (the control planes' public addresses, api-seeds.sh)
#     for the API. One answers: there is a cluster, and it joins it. None answers: only the
#     control plane whose own public address is the first seed, and whose user-data names the
#     release to found with (CAST_FOUNDING_KUBERNETES_VERSION), founds the cluster
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
#
# Retries. Every step that talks to another machine (the metadata service, apt, the API, the
# secret stores) is retried, with a pause of 5 s doubling up to 60 s, until it succeeds or
# one deadline for the whole bootstrap passes (CAST_BOOTSTRAP_TIMEOUT seconds after the start,
# 1800 by default: the longest wait the script already had for a cluster to come up,
# CAST_JOIN_WAIT). On AWS, for one, a node has no public address, so no way out to apt,
# until its Elastic IP association lands. Waits (the API probe, kubeadm join's discovery,
# the secret stores, the mesh peer) are cut at the deadline; apt, mesh-up.sh, kubeadm init
# and the control-plane phases are never killed half-way (a half-run leaves a worse state),
# each ends by its own bounds, and no new attempt starts after the deadline.
#
# Then the bootstrap fails, naming the step: a line on stderr (cloud-final.service has
# StandardOutput=journal+console: the journal and the serial console), the same line in the
# journal under the tag cast-bootstrap (journalctl -t cast-bootstrap, where every failed
# attempt is too), and status=failed with step=<step> to the phone-home URL. It exits with the
# failed step's status.
#
# Re-runs. cloud-init runs runcmd once per instance and marks it done before it starts
# (cloudinit/helpers.py: the semaphore is written first), so a reboot in the middle used to
# leave a VM that never joins: this script links itself into cloud-init's per-boot directory
# (run without an argument from there, it takes the kind from node.env) and removes the link
# once the node has joined. A re-run skips what is done (markers in /var/lib/cast/bootstrap:
# packages, joining, founding, kubeadm, done) and repeats what is idempotent. kubeadm:
#   - a kubeadm join as a node that stopped half-way (kubelet started, not registered) is
#     undone with `kubeadm reset -f` before the next attempt; a control plane's with another
#     --cert-dir, so that reset leaves its CA keys in /etc/kubernetes/pki (kubeadm empties the
#     directory that flag names: cmd/kubeadm/app/cmd/reset.go, newResetData);
#   - a registered control plane's control-plane phases are run again as they are (kubeadm
#     reuses what it finds; its etcd member add lists the members when this one is there
#     already: cmd/kubeadm/app/util/etcd/etcd.go);
#   - the founder is never reset. See found_cluster: kubeadm's own preflight keeps an init
#     from running over an earlier one that started etcd (docs/bootstrap.md, "Retries and
#     failure reports").
set -euo pipefail

# Read again after node-identity.sh and mesh-up.sh, which append to it (a later line wins).
# shellcheck source=/dev/null
load_env() { . /etc/cast/node.env; }
load_env

# Without an argument (the per-boot re-run), the kind node.env names.
readonly kind="${1:-${CAST_NODE_ROLE:-}}"
case "$kind" in
  control-plane | worker) ;;
  *)
    echo "usage: $0 control-plane|worker (got \"$kind\")" >&2
    exit 2
    ;;
esac

readonly BIN=/opt/cast/bin
readonly AGENT_DIR=/opt/cast/mesh
readonly INIT_CONFIG=/etc/cast/kubeadm-init.yaml
readonly JOIN_CONFIG=/etc/cast/kubeadm.yaml
readonly CONTROL_PLANE_CONFIG=/etc/cast/kubeadm-control-plane.yaml
readonly APISERVER_CERT_CONFIG=/etc/cast/apiserver-cert.yaml
readonly MANIFESTS=/etc/cast/manifests
readonly ADMIN_KUBECONFIG=/etc/kubernetes/admin.conf
readonly JOIN_TOKEN_FILE=/etc/cast/join-token
# How long the first seed asks the others before it founds the cluster: long enough for a
# slow network to come up, short next to a first boot. The others wait as long as kubeadm's
# discovery does. Tests shorten both.
readonly FOUNDER_WAIT="${CAST_FOUNDER_WAIT:-120}"
readonly JOIN_WAIT="${CAST_JOIN_WAIT:-1800}"
# What is done, for a re-run; and the re-run itself, by cloud-init's scripts_per_boot module,
# which runs every executable in /var/lib/cloud/scripts/per-boot at each boot
# (cloudinit/config/cc_scripts_per_boot.py).
readonly STATE=/var/lib/cast/bootstrap
readonly PER_BOOT=/var/lib/cloud/scripts/per-boot/cast-bootstrap-node
DEADLINE=$(($(date +%s) + ${CAST_BOOTSTRAP_TIMEOUT:-1800}))
# The step under way, named in the failure report.
step=start

log() { echo "cast: $*"; }
# To the journal too, where `journalctl -t cast-bootstrap` finds it without cloud-init's output.
note() { log "$*"; logger -t cast-bootstrap "$*" || true; }
left() { echo $((DEADLINE - $(date +%s))); }
# A wait that ends at the deadline (timeout's 124 is a failure like any other).
waits() { timeout "$(($(left) > 0 ? $(left) : 1))" "$@"; }

# retry <step> <command or function> [args]: runs it with errexit in a subshell (a function
# called in a condition would run without it) until it succeeds; a pause of 5, 10, 20, 40,
# then 60 s between attempts, never past the deadline.
retry() {
  step=$1
  shift
  local delay=5 rc t
  while :; do
    set +e
    (set -e && "$@")
    rc=$?
    set -e
    t=$(left)
    [ "$rc" != 0 ] || return 0
    [ "$t" -gt 0 ] || return "$rc"
    t=$((delay < t ? delay : t))
    note "$step failed (exit $rc), again in $t s"
    sleep "$t"
    delay=$((delay < 30 ? delay * 2 : 60))
  done
}

# Reports "joined" or "failed" (with the failed step) in the form cloud-init's phone_home uses
# (a form POST of instance_id and hostname), plus node_name and status. Never fails the boot.
phone_home() {
  [ -n "${CAST_PHONE_HOME_URL:-}" ] || return 0
  local instance_id
  instance_id="$(cat /var/lib/cloud/data/instance-id 2>/dev/null || true)"
  curl -fsS --retry 10 --retry-connrefused --max-time 30 -o /dev/null \
    --data-urlencode "instance_id=${instance_id}" \
    --data-urlencode "hostname=$(hostname)" \
    --data-urlencode "node_name=${CAST_NODE_NAME:-}" \
    --data-urlencode "status=$1" ${2:+--data-urlencode "step=$2"} \
    "$CAST_PHONE_HOME_URL" || log "phone home failed (ignored)"
}

on_exit() {
  local status=$?
  [ "$status" != 0 ] || return 0
  note "bootstrap failed at step $step (exit $status)" >&2
  phone_home failed "$step"
}
trap on_exit EXIT

if [ -e "$STATE/done" ]; then
  log "joined already: nothing to do"
  exit 0
fi
mkdir -p "$STATE" "${PER_BOOT%/*}"
ln -sf "$0" "$PER_BOOT"

if [ "${CAST_NODE_IDENTITY:-}" = from-metadata ]; then
  retry identity "$BIN/node-identity.sh"
fi
# Installed on the nodes that need it; it does nothing when node.env has the mesh address.
if [ -x "$BIN/node-private-address.sh" ]; then
  retry private-address "$BIN/node-private-address.sh"
fi
load_env
step=node-env
: "${CAST_NODE_NAME:?missing in /etc/cast/node.env}"

if [ ! -e "$STATE/packages" ]; then
  retry packages "$BIN/install-kubernetes.sh"
  touch "$STATE/packages"
fi

start_unit() { systemctl daemon-reload && systemctl enable --now "$1"; }

# Before any pod can run: pods must not read this node's user-data from the metadata service.
log "guarding the metadata service from pods"
retry metadata-guard start_unit cast-metadata-guard.service

# The WireGuard mesh (its own component) installs this hook; without it the mesh address
# must already be on an interface (e.g. it is the node's private address).
if [ -x "$BIN/mesh-up.sh" ]; then
  log "bringing up the mesh"
  retry mesh "$BIN/mesh-up.sh" "$kind"
else
  log "no $BIN/mesh-up.sh: not starting a mesh"
fi
load_env
step=mesh
: "${CAST_MESH_ADDRESS:?missing in /etc/cast/node.env}"

# etcd and the API server bind the mesh address and the kubelet registers with it; fail
# here with a clear message rather than in etcd's logs.
# (Captured first: under pipefail, grep -q closing the pipe early could fail the pipeline.)
addresses="$(ip -o -4 address show)"
if ! grep -qF " inet ${CAST_MESH_ADDRESS}/" <<<"$addresses"; then
  log "mesh address ${CAST_MESH_ADDRESS} is on no interface: the mesh did not come up" >&2
  exit 1
fi

# The join token, where the node's cloud keeps it (node.env names the store; none named: the
# static token is in the kubeadm files already): read with this VM's own identity
# (docs/decisions/0006). It waits for a new cluster's founder to publish the first one.
# @CAST_JOIN_TOKEN@ in the kubeadm files becomes the token. Something else in the file is
# dropped, so that the next attempt reads the store again.
use_join_token() {
  local token config
  token="$(cat "$JOIN_TOKEN_FILE")"
  if ! [[ "$token" =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]]; then
    rm -f "$JOIN_TOKEN_FILE"
    log "$JOIN_TOKEN_FILE holds no join token" >&2
    exit 1
  fi
  for config in "$INIT_CONFIG" "$JOIN_CONFIG" "$CONTROL_PLANE_CONFIG"; do
    if [ -f "$config" ]; then sed -i "s|@CAST_JOIN_TOKEN@|${token}|g" "$config"; fi
  done
}
# fetch_join_token always|if-missing: with if-missing, a token read moments ago is used as it
# is: mesh-up.sh reads it before a node of an autoscaled group claims its mesh address with it.
fetch_join_token() {
  if [ -n "${CAST_JOIN_TOKEN_STORE:-}" ]; then
    if [ "$1" = always ] || [ ! -s "$JOIN_TOKEN_FILE" ]; then
      log "reading the join token from ${CAST_JOIN_TOKEN_STORE}"
      waits "$AGENT_DIR/cast-join-token" fetch --out "$JOIN_TOKEN_FILE" --timeout "${CAST_JOIN_TOKEN_WAIT:-3600}"
    fi
    use_join_token
  fi
}

# A worker reads its join token now: the mesh hook has installed the reader (on AWS it downloads
# the node tools). A control plane reads it only once it knows it joins: the founder makes the first.
if [ "$kind" = worker ]; then retry join-token fetch_join_token if-missing; fi

# Every kubeconfig on the node (kubelet, kube-proxy, admin) names the API as
# https://127.0.0.1:6444: this proxy, which reaches whichever control plane answers.
log "starting the local API proxy"
retry api-proxy systemctl enable --now cast-api-proxy.service

# The kubeadm files hold @CAST_...@ placeholders for what the node found at boot (a scaled
# node's name and provider id, a cloud-network node's mesh address). Only values without
# | & \ are filled (names, addresses, ids); any other is reported.
step=kubeadm-files
readonly PLACEHOLDER='@CAST_[A-Z_]+@'
for config in "$INIT_CONFIG" "$JOIN_CONFIG" "$CONTROL_PLANE_CONFIG" "$APISERVER_CERT_CONFIG"; do
  if [ -f "$config" ] && grep -qE "$PLACEHOLDER" "$config"; then
    for key in CAST_NODE_NAME CAST_MESH_ADDRESS CAST_PROVIDER_ID CAST_KUBERNETES_VERSION; do
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
api_answers() { waits "$AGENT_DIR/cast-api-proxy" probe --timeout "$1"; }

# The cluster's own manifests, applied by every control plane as it comes up (server-side,
# so the newest control plane's copy wins and nothing depends on which node founded it).
apply_manifests() {
  local manifest
  for manifest in "$MANIFESTS"/*.yaml; do
    [ -e "$manifest" ] || continue
    log "applying ${manifest##*/}"
    waits kubectl --kubeconfig "$ADMIN_KUBECONFIG" apply --server-side --force-conflicts --field-manager=cast-bootstrap -f "$manifest"
  done
}

# Before a kubeadm join as a node: an earlier one that did not finish (the marker is there,
# the kubelet is not registered) left a started kubelet and its files, which the next join's
# preflight refuses; `kubeadm reset -f "$@"` undoes them.
reset_unfinished_join() {
  if [ -e "$STATE/joining" ]; then note "an earlier kubeadm join did not finish: reset"; kubeadm reset -f "$@"; fi
  touch "$STATE/joining"
}

join_worker() {
  reset_unfinished_join
  waits kubeadm join --config "$JOIN_CONFIG"
}

join_control_plane() {
  fetch_join_token always
  if [ -f /etc/kubernetes/kubelet.conf ]; then
    log "registered as a node earlier: going on with the control-plane join"
  else
    # Installed while no API server answered, with the release it would found the cluster with:
    # one answers now, so the release the cluster runs (kubeadm join refuses a kubelet newer
    # than the cluster's: cmd/kubeadm/app/preflight/checks.go, KubeletVersionCheck).
    if [ "${CAST_KUBERNETES_VERSION_FROM:-}" = founding ]; then
      log "installed Kubernetes ${CAST_KUBERNETES_VERSION} to found the cluster, which runs already: installing its release"
      "$BIN/install-kubernetes.sh"
      load_env
      for config in "$INIT_CONFIG" "$APISERVER_CERT_CONFIG"; do
        if [ -f "$config" ]; then sed -i "s|^kubernetesVersion: 'v[0-9.]*'\$|kubernetesVersion: 'v${CAST_KUBERNETES_VERSION}'|" "$config"; fi
      done
    fi
    # Not /etc/kubernetes/pki: the CA keys there came with the user-data or from the store.
    reset_unfinished_join --cert-dir "$STATE/reset-pki"
    # This node's API serving certificate, with its own public address as a SAN, before
    # kubeadm looks: it keeps a certificate that holds every SAN it expects.
    kubeadm init phase certs apiserver --config "$APISERVER_CERT_CONFIG"
    # Joining as a node, kubeadm's preflight refuses a CA certificate already on disk (it
    # expects to write the one discovery found: cmd/kubeadm/app/preflight/checks.go,
    # JoinNodeChecks, when the JoinConfiguration has no controlPlane). A control plane has
    # the cluster's CAs from cloud-init, and discovery pins that same CA.
    waits kubeadm join --config "$JOIN_CONFIG" --ignore-preflight-errors=FileAvailable--etc-kubernetes-pki-ca.crt
  fi
  if [ -x "$AGENT_DIR/cast-mesh-agent" ]; then
    log "waiting for a control plane over the mesh"
    waits "$AGENT_DIR/cast-mesh-agent" wait-peer --role control-plane --timeout "$JOIN_WAIT"
  fi
  # Once: the ticket is spent by the first fetch (a later boot finds the keys on disk).
  if [ "${CAST_KEYS_STORE:-}" = mesh-handoff ] && [ ! -f /etc/kubernetes/pki/ca.key ]; then
    # No identity to read a store with: the keys come over the mesh from a control plane
    # that has one, for this node's one-time ticket (docs/decisions/0007).
    log "fetching the control-plane keys over the mesh"
    waits "$AGENT_DIR/cast-control-plane-keys" fetch --timeout "${CAST_KEYS_WAIT:-900}"
  fi
  kubeadm join phase control-plane-prepare all --config "$CONTROL_PLANE_CONFIG"
  kubeadm join phase control-plane-join all --config "$CONTROL_PLANE_CONFIG"
}

# Never reset here, and never init over an earlier init: kubeadm's preflight refuses a node
# where one has written etcd's manifest or data (FileAvailable--etc-kubernetes-manifests-etcd.yaml,
# DirAvailable--var-lib-etcd: cmd/kubeadm/app/preflight/checks.go, InitNodeChecks), so an init
# that failed after starting etcd, which may hold the cluster, fails every retry until the
# deadline; one that failed before (an image pull in its preflight) is run again.
found_cluster() {
  if [ -n "${CAST_JOIN_TOKEN_STORE:-}" ]; then
    # The cluster's first join token, made here (once: the kubeadm files keep the first),
    # published to the store once the cluster exists.
    [ -s "$JOIN_TOKEN_FILE" ] || (umask 077 && "$AGENT_DIR/cast-join-token" generate >"$JOIN_TOKEN_FILE")
    use_join_token
  fi
  kubeadm init phase certs apiserver --config "$APISERVER_CERT_CONFIG"
  touch "$STATE/founding"
  kubeadm init --config "$INIT_CONFIG"
  if [ -n "${CAST_JOIN_TOKEN_STORE:-}" ]; then
    log "publishing the first join token to ${CAST_JOIN_TOKEN_STORE}"
    # The cluster is founded either way: on failure the hourly rotation publishes one.
    waits "$AGENT_DIR/cast-join-token" publish --token-file "$JOIN_TOKEN_FILE" --timeout "${CAST_KEYS_WAIT:-900}" ||
      log "could not publish the join token: the hourly rotation will" >&2
  fi
}

# One attempt at a control plane's kubeadm: go on with what an earlier attempt began (founding;
# a node registered, not yet a control plane), or ask the seeds and found or join.
found_or_join() {
  local seeds first_seed
  # (Not `f && return`: a function on the left of && runs without errexit.)
  if [ -e "$STATE/founding" ]; then
    found_cluster
    return
  fi
  if [ -f /etc/kubernetes/kubelet.conf ]; then
    join_control_plane
    return
  fi
  seeds="$("$BIN/api-seeds.sh" || true)"
  first_seed="${seeds%% *}"
  if api_answers "$FOUNDER_WAIT"; then
    log "a control plane answers: joining the cluster"
    join_control_plane
  elif [ -n "$first_seed" ] && [ "$first_seed" = "${CAST_PUBLIC_ADDRESS:-}" ] && [ -n "${CAST_FOUNDING_KUBERNETES_VERSION:-}" ] && [ "${CAST_KEYS_STORE:-}" != mesh-handoff ]; then
    log "no control plane answers in ${FOUNDER_WAIT} s and ${CAST_PUBLIC_ADDRESS} is the first seed: founding the cluster"
    found_cluster
  elif api_answers "$JOIN_WAIT"; then
    log "a control plane answers: joining the cluster"
    join_control_plane
  else
    log "no control plane answered in $((FOUNDER_WAIT + JOIN_WAIT)) s, and only the first seed founds the cluster, when its user-data names the release (this node: ${CAST_PUBLIC_ADDRESS:-no public address}, release: ${CAST_FOUNDING_KUBERNETES_VERSION:-none}; seeds: ${seeds:-none})" >&2
    return 1
  fi
}

if [ ! -e "$STATE/kubeadm" ]; then
  case "$kind" in
    control-plane)
      # The CA keys and the service-account key pair, before kubeadm needs them: from the
      # cloud's secret store, read with this VM's own identity (node.env names the store; none
      # named: they came with the user-data). It retries while the grant reaches the cloud's
      # authorization, and fails the bootstrap with the reason when the store refuses.
      if [ -n "${CAST_KEYS_STORE:-}" ] && [ "$CAST_KEYS_STORE" != mesh-handoff ]; then
        log "reading the control-plane keys from ${CAST_KEYS_STORE}"
        retry control-plane-keys waits "$AGENT_DIR/cast-control-plane-keys" fetch --timeout "${CAST_KEYS_WAIT:-900}"
      fi
      retry found-or-join found_or_join
      ;;
    worker)
      retry kubeadm-join join_worker
      ;;
  esac
  touch "$STATE/kubeadm"
fi
if [ "$kind" = control-plane ]; then retry manifests apply_manifests; fi

# Installed where they apply. Control planes: delete the Node objects of VMs that are gone
# (node GC, clouds with an identity); hand the keys to control planes without a store, over
# the mesh; a new join token every hour. Spot nodes on GCP and Azure: the spot handler.
start_services() {
  local unit
  for unit in "$@"; do
    if [ -f "/etc/systemd/system/$unit" ]; then log "starting $unit"; start_unit "$unit"; fi
  done
}
if [ "$kind" = control-plane ]; then
  retry services start_services cast-node-gc.service cast-key-handoff.service cast-join-token.timer cast-spot-handler.service
else
  retry services start_services cast-spot-handler.service
fi

log "${CAST_NODE_NAME} joined the cluster as ${kind}"
touch "$STATE/done"
rm -f "$PER_BOOT"
phone_home joined
