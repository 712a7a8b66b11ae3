#!/usr/bin/env bash
# Cordons and drains this spot node when its cloud announces that it is about to take the
# VM away, so pods are rescheduled before the node disappears. Runs as the systemd service
# cast-spot-handler (started by bootstrap-node.sh once the node has joined), with the
# kubelet's own credentials: a node may cordon itself and evict its own pods (the Node
# authorizer and NodeRestriction allow exactly that; reading DaemonSets, which drain needs,
# is granted to system:nodes by cast-rbac.yaml).
#
#   GCP    metadata instance/preempted turns TRUE about 30 s before a spot VM is stopped;
#          instance/maintenance-event says TERMINATE_ON_HOST_MAINTENANCE when host
#          maintenance will stop the VM instead of live-migrating it.
#   Azure  Scheduled Events lists a Preempt event for this VM at least 30 s before eviction.
#   AWS needs no in-node handler (an EventBridge rule receives the interruption warning);
#   DigitalOcean has no spot droplets.
set -euo pipefail

# shellcheck source=/dev/null
. /etc/cast/node.env
: "${CAST_NODE_NAME:?missing in /etc/cast/node.env}"
: "${CAST_CLOUD:?missing in /etc/cast/node.env}"

readonly KUBELET_KUBECONFIG=/etc/kubernetes/kubelet.conf
# Survives a stop/start of the VM: tells the next run that the cordon is ours to undo.
readonly DRAINED_MARKER=/var/lib/cast/spot-drained
readonly POLL_SECONDS=5

log() { echo "cast-spot-handler: $*"; }
kube() { kubectl --kubeconfig "$KUBELET_KUBECONFIG" "$@"; }
metadata_get() { curl -fsS --noproxy '*' --max-time 10 "$@"; }

gcp_metadata() {
  metadata_get -H 'Metadata-Flavor: Google' "http://metadata.google.internal/computeMetadata/v1/instance/$1"
}

# Prints the reason and succeeds when a notice is out; fails quietly otherwise.
gcp_notice() {
  if [ "$(gcp_metadata preempted || true)" = TRUE ]; then
    echo "GCP preempted this spot VM"
  elif [ "$(gcp_metadata maintenance-event || true)" = TERMINATE_ON_HOST_MAINTENANCE ]; then
    echo "GCP host maintenance will terminate this VM"
  else
    return 1
  fi
}

azure_notice() {
  local events
  events="$(metadata_get -H 'Metadata: true' 'http://169.254.169.254/metadata/scheduledevents?api-version=2020-07-01')" || return 1
  # Events of every VM in the availability set or scale set are listed: keep this VM's.
  if python3 -c 'import json, sys
events = json.load(sys.stdin).get("Events", [])
sys.exit(0 if any(e.get("EventType") == "Preempt" and sys.argv[1] in e.get("Resources", []) for e in events) else 1)' "$azure_vm_name" <<<"$events"; then
    echo "Azure scheduled a Preempt event for ${azure_vm_name}"
  else
    return 1
  fi
}

case "$CAST_CLOUD" in
  gcp) notice=gcp_notice ;;
  azure)
    notice=azure_notice
    # Scheduled Events name VMs by their compute name. A failure here restarts the service.
    azure_vm_name="$(metadata_get -H 'Metadata: true' 'http://169.254.169.254/metadata/instance/compute/name?api-version=2021-02-01&format=text')"
    ;;
  *)
    log "no in-node preemption notice on ${CAST_CLOUD}; exiting"
    exit 0
    ;;
esac

# A spot VM that was stopped and started again comes back cordoned by us: undo it.
if [ -f "$DRAINED_MARKER" ] && ! "$notice" >/dev/null; then
  log "no notice any more: uncordoning ${CAST_NODE_NAME}"
  kube uncordon "$CAST_NODE_NAME"
  rm -f "$DRAINED_MARKER"
fi

log "watching for preemption notices on ${CAST_CLOUD} every ${POLL_SECONDS} s"
while true; do
  if reason="$("$notice")"; then
    log "${reason}: cordoning and draining ${CAST_NODE_NAME}"
    install -d -m 0700 "$(dirname "$DRAINED_MARKER")"
    touch "$DRAINED_MARKER"
    kube cordon "$CAST_NODE_NAME"
    # About 30 s of notice: give pods 20 s to stop and stop waiting after 25 s. DaemonSet
    # pods stay (they are bound to this node anyway).
    kube drain "$CAST_NODE_NAME" --ignore-daemonsets --delete-emptydir-data --force \
      --grace-period=20 --timeout=25s || log "drain did not finish before the deadline"
    exit 0
  fi
  sleep "$POLL_SECONDS"
done
