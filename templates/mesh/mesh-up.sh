#!/usr/bin/env bash
# Brings this node onto the mesh before kubeadm runs (bootstrap-node.sh calls it), and again
# at every boot (the agent service's ExecStartPre):
#
#   mesh-up.sh interface            key, WireGuard interface with the mesh address, then the peers
#                                   of the last sync (cast-mesh-agent restore: no API needed)
#   mesh-up.sh control-plane|init|join-control-plane|worker
#                                   the same, then the agent service starts; it publishes this
#                                   node's record once the kubelet has registered the Node
#
# Nothing is published before the node joins: a record is an annotation on the node's own Node
# object, written with the kubelet's credentials. A joining control plane waits for a control
# plane over the mesh (cast-mesh-agent wait-peer --role control-plane) between its kubelet's
# join and its etcd join; bootstrap-node.sh runs that step.
#
# The private key is made here, on the node, and never leaves it. A node of an autoscaled
# group (CAST_MESH_CLAIM_CIDR set, CAST_MESH_ADDRESS empty) first claims its mesh address
# with the agent and appends it to node.env (docs/mesh.md, "Claimed addresses").
set -euo pipefail

readonly kind="${1:-}"
case "$kind" in
  interface | control-plane | init | join-control-plane | worker) ;;
  *)
    echo "usage: $0 interface|control-plane|init|join-control-plane|worker (got \"$kind\")" >&2
    exit 2
    ;;
esac

# The paths can be moved for tests (test/mesh runs this script in network namespaces).
readonly node_env="${CAST_NODE_ENV:-/etc/cast/node.env}"
readonly mesh_env="${CAST_MESH_ENV:-/etc/cast/mesh.env}"
readonly agent="${CAST_MESH_AGENT:-/opt/cast/mesh/cast-mesh-agent}"
# Where the node's join token goes when it reads it from its cloud's store (cast-join-token).
readonly join_token_reader="${CAST_JOIN_TOKEN_READER:-$(dirname "$agent")/cast-join-token}"
readonly join_token_file="${CAST_MESH_TOKEN_FILE:-/etc/cast/join-token}"
# shellcheck source=/dev/null
. "$node_env"
# shellcheck source=/dev/null
. "$mesh_env"
: "${CAST_MESH_MODE:?missing in $mesh_env}"
readonly iface="${CAST_MESH_INTERFACE:-wg0}"
readonly key_file="${CAST_MESH_KEY_FILE:-/etc/wireguard/${iface}.key}"
# How long a joining node waits for the API (kubeadm's discovery waits 30 min too).
readonly api_timeout="${CAST_MESH_API_TIMEOUT:-1800}"
# auto: use systemd when it runs. Tests set no (nothing reaches the host's systemd) or yes (stubs).
systemd="${CAST_MESH_SYSTEMD:-auto}"
if [ "$systemd" = auto ]; then
  if [ -d /run/systemd/system ]; then systemd=yes; else systemd=no; fi
fi
readonly systemd

log() { echo "cast-mesh: $*"; }
agent() { "$agent" --node-env "$node_env" --mesh-env "$mesh_env" "$@"; }

wireguard_up() {
  if ! command -v wg >/dev/null; then
    log "installing wireguard-tools"
    # Pinned to Ubuntu 24.04's build (lib/core/supply.ts, WIREGUARD_TOOLS_PIN, rendered in by mesh-files.ts).
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q install --no-install-recommends 'wireguard-tools={{wireguard_tools_version}}'
  fi
  umask 077
  if [ ! -s "$key_file" ]; then
    mkdir -p "$(dirname "$key_file")"
    wg genkey >"$key_file.tmp"
    mv "$key_file.tmp" "$key_file"
    log "generated the WireGuard key ${key_file}"
  fi
  if ! ip link show dev "$iface" >/dev/null 2>&1; then
    if ip link add dev "$iface" type wireguard 2>/dev/null; then
      log "created ${iface} (kernel WireGuard)"
    elif command -v wireguard-go >/dev/null; then
      start_wireguard_go
    else
      log "cannot create ${iface}: no wireguard kernel module and no wireguard-go" >&2
      exit 1
    fi
  fi
  wg set "$iface" listen-port "$CAST_MESH_LISTEN_PORT" private-key "$key_file"
  # The first three lines renderInterfaceSetup renders; the agent repeats them on every sync.
  # Empty: the agent's first restore or sync sets the MTU it computes from the records.
  [ -z "$CAST_MESH_MTU" ] || ip link set dev "$iface" mtu "$CAST_MESH_MTU"
  ip address replace "${CAST_MESH_ADDRESS}/32" dev "$iface"
  ip link set dev "$iface" up
}

# wireguard-go in the foreground under a process that outlives this script: a transient
# systemd unit, or (no systemd, as in tests) a background process with a pid file.
start_wireguard_go() {
  local pid='' log_file=''
  if [ "$systemd" = yes ]; then
    systemd-run --unit "cast-wireguard-go-${iface}" --property Restart=on-failure wireguard-go -f "$iface"
  else
    local state="${CAST_MESH_STATE_DIR:-/run/cast-mesh}"
    mkdir -p "$state"
    log_file="$state/wireguard-go-${iface}.log"
    wireguard-go -f "$iface" </dev/null >>"$log_file" 2>&1 &
    pid=$!
    echo "$pid" >"$state/wireguard-go-${iface}.pid"
  fi
  # Until its control socket (/var/run/wireguard/<iface>.sock) answers; `wg set` before that
  # falls back to netlink and fails with "Protocol not supported". Slow is not broken: at load
  # 11 on 2 cores it took over 30 s, so only an exited wireguard-go ends the wait early, and
  # the limit (300 s, by the clock rather than by tries) only ends a hang.
  local deadline=$((SECONDS + 300))
  until wg show "$iface" >/dev/null 2>&1; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      log "wireguard-go exited before ${iface} came up: $(tail -n 5 "$log_file")" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "wireguard-go did not bring up ${iface} in 300 s" >&2
      exit 1
    fi
    sleep 0.05
  done
  log "created ${iface} (wireguard-go)"
}

# With CAST_MESH_AGENT_URL the agent is not in the user-data (AWS's 16 KB): download the
# archive meshAgentArchive() made and refuse it unless its SHA-256 is the pinned one.
install_agent() {
  [ -n "${CAST_MESH_AGENT_URL:-}" ] && [ ! -e "$agent" ] || return 0
  log "downloading the mesh agent from ${CAST_MESH_AGENT_URL}"
  local archive
  archive="$(mktemp)"
  curl -fsSL --retry 10 --retry-connrefused --max-time 120 -o "$archive" "$CAST_MESH_AGENT_URL"
  if ! echo "${CAST_MESH_AGENT_SHA256}  ${archive}" | sha256sum --check --status; then
    rm -f "$archive"
    log "the archive at ${CAST_MESH_AGENT_URL} is not the pinned one (sha256 ${CAST_MESH_AGENT_SHA256})" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$agent")"
  tar -xf "$archive" --no-same-owner -C "$(dirname "$agent")"
  rm -f "$archive"
}

# Before the interface: AWS downloads the agent, and the claim needs it.
install_agent
if [ -n "${CAST_MESH_CLAIM_CIDR:-}" ] && [ -z "${CAST_MESH_ADDRESS:-}" ]; then
  # The claim is made with the join token: where node.env names a store, read it first, now
  # that the agent (and the reader beside it) is installed (docs/decisions/0006).
  if [ -n "${CAST_JOIN_TOKEN_STORE:-}" ] && [ ! -s "$join_token_file" ]; then
    log "reading the join token from ${CAST_JOIN_TOKEN_STORE}"
    "$join_token_reader" fetch --node-env "$node_env" --out "$join_token_file" --timeout "${CAST_JOIN_TOKEN_WAIT:-3600}"
  fi
  log "claiming a mesh address in ${CAST_MESH_CLAIM_CIDR}"
  address="$(agent claim --timeout "$api_timeout")"
  if ! [[ "$address" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    log "the agent claimed no address (got \"${address}\")" >&2
    exit 1
  fi
  # A later line wins, for bash and for the agent alike.
  echo "CAST_MESH_ADDRESS='${address}'" >>"$node_env"
  # shellcheck source=/dev/null
  . "$node_env"
  log "claimed ${CAST_MESH_ADDRESS}"
fi
: "${CAST_MESH_ADDRESS:?missing in $node_env}"
if [ "$CAST_MESH_MODE" != cloud-network ]; then wireguard_up; fi
# The peers (or, in cloud-network mode, the routes) of the last sync, from the node's own copy:
# after a reboot the API may be reachable only through this mesh. A first boot has no copy;
# a broken one must not keep the interface, or the agent service, from coming up.
if ! agent restore; then
  log "could not restore the last mesh records; the agent will sync them from the API" >&2
fi
[ "$kind" = interface ] && exit 0

if [ "$systemd" = yes ]; then
  systemctl daemon-reload
  systemctl enable --now cast-mesh-agent.service
else
  log "no systemd: not starting cast-mesh-agent.service (run the agent yourself)"
fi
log "mesh is up on ${CAST_NODE_NAME}"
