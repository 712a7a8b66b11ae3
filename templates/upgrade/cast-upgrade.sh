#!/usr/bin/env bash
# One reconcile step of the rolling Kubernetes upgrade (docs/upgrades.md). The CronJob
# cast-upgrade runs it on a control-plane host (nsenter into PID 1's namespaces) with the
# host's kubectl and /etc/kubernetes/admin.conf, every few minutes, never two at once
# (concurrencyPolicy Forbid). Each run reads the target (ConfigMap cast-upgrade, key
# version), the cluster and its own status (ConfigMap cast-upgrade-status), does at most ONE
# node, records the status and exits. A run that dies half-way is continued by the next one:
# every step below can run again.
#
# Order, from "Upgrading kubeadm clusters" (kubernetes.io/docs/tasks/administer-cluster/
# kubeadm/kubeadm-upgrade): control planes one at a time, the first with `kubeadm upgrade
# apply`, the others with `kubeadm upgrade node`, then the workers with `kubeadm upgrade
# node`. Which one is "first" is read from the cluster: while kubeadm's ClusterConfiguration
# (ConfigMap kubeadm-config) still names the old version, the next control plane runs
# `apply`, which uploads the new version there. The current etcd leader goes last among the
# control planes: each `kubeadm upgrade` restarts its node's etcd member, and restarting the
# leader forces an election; leaving it for last costs one election instead of one per
# member.
#
# Per node: take the reboot lock (kured's), cordon, drain ("Draining nodes before kubelet
# MINOR version upgrades is required", ibid.), run the node's own steps as the Job
# cast-upgrade-node pinned to it (cast-upgrade-node.sh: packages, kubeadm, kubelet restart),
# wait until the node is Ready at the new version, uncordon, release the lock.
#
# Refusals and failures: a target that skips a minor or goes down ("Skipping MINOR versions
# when upgrading is unsupported", ibid.) is refused before any node is touched. A failing
# step stops everything with phase Failed; nothing else is touched until the user sets phase
# Retry (docs/upgrades.md). A refused target clears itself once the target is fixed.
#
# Exit status: 0 done or waiting, 1 stopped (phase Failed: the CronJob's last successful
# time stops moving, which monitoring can alert on).
#
# Overridable for tests: CAST_UPGRADE_POLL_SECONDS (10), CAST_UPGRADE_DRAIN_TIMEOUT (900),
# CAST_UPGRADE_JOB_TIMEOUT (1800), CAST_UPGRADE_READY_TIMEOUT (600), in seconds; CAST_ETCDCTL.
set -euo pipefail
export LC_ALL=C TZ=UTC
export KUBECONFIG="${KUBECONFIG:-/etc/kubernetes/admin.conf}"

readonly NS=kube-system
readonly TARGET_CONFIG_MAP=cast-upgrade
readonly STATUS_CONFIG_MAP=cast-upgrade-status
readonly SCRIPTS_CONFIG_MAP=cast-upgrade-scripts
readonly NODE_JOB=cast-upgrade-node
readonly IMAGE='{{image}}'
# kured's lock: an annotation on its DaemonSet holding JSON {"nodeID", "created", "TTL", ...}
# (kubereboot/kured, pkg/daemonsetlock). We hold it as nodeID "cast-upgrade", which is no
# node's name: a kured pod that finds its own node's name in the lock takes itself for the
# holder, uncordons its node and releases the lock.
readonly LOCK_NAMESPACE='{{reboot_lock_namespace}}'
readonly LOCK_DAEMON_SET='{{reboot_lock_daemon_set}}'
readonly LOCK_HOLDER=cast-upgrade
# The TTL written with the lock, in nanoseconds (kured's JSON for a Go time.Duration): kured
# judges a lock by the TTL it carries, and by its own --lock-ttl only when that is 0
# (effectiveTTL), so a lock of ours outlives no node's upgrade (at most the drain, Job and
# Ready timeouts below) even when kured's TTL is shorter, and frees itself 3 hours after a
# failure, when kured may reboot other nodes again.
readonly LOCK_TTL_NS=10800000000000
readonly POLL="${CAST_UPGRADE_POLL_SECONDS:-10}"
readonly DRAIN_TIMEOUT="${CAST_UPGRADE_DRAIN_TIMEOUT:-900}"
readonly JOB_TIMEOUT="${CAST_UPGRADE_JOB_TIMEOUT:-1800}"
readonly READY_TIMEOUT="${CAST_UPGRADE_READY_TIMEOUT:-600}"

log() { echo "cast-upgrade: $*" >&2; }

# skew_problem FROM TO: why TO cannot follow FROM, or nothing. The same rules and words as
# upgradeSkewProblem in lib/core/upgrade/upgrade-skew.ts (a test holds them together):
# patch upgrades and the next minor only, never down.
skew_problem() {
  local from="${1#v}" to="${2#v}" re='^([0-9]+)\.([0-9]+)\.([0-9]+)$'
  if ! [[ $from =~ $re ]]; then
    echo "the running version \"$1\" is not a Kubernetes release x.y.z. Check the kubeadm-config ConfigMap in kube-system."
    return
  fi
  local fmaj=$((10#${BASH_REMATCH[1]})) fmin=$((10#${BASH_REMATCH[2]})) fpat=$((10#${BASH_REMATCH[3]}))
  if ! [[ $to =~ $re ]]; then
    echo "kubernetesVersion must be a Kubernetes release x.y.z (got \"$2\"). Use e.g. \"$from\"."
    return
  fi
  local tmaj=$((10#${BASH_REMATCH[1]})) tmin=$((10#${BASH_REMATCH[2]})) tpat=$((10#${BASH_REMATCH[3]}))
  if ((tmaj != fmaj)); then
    echo "kubernetesVersion must keep the major version of the running $from (got $to). Set kubernetesVersion to a $fmaj.$fmin.x or $fmaj.$((fmin + 1)).x release."
  elif ((tmin < fmin || (tmin == fmin && tpat < fpat))); then
    echo "kubernetesVersion must not be lower than the running $from (got $to): kubeadm upgrades only go up. Set kubernetesVersion to $from or a later release."
  elif ((tmin > fmin + 1)); then
    echo "kubernetesVersion must not skip a minor version (got $to, running $from): kubeadm upgrades one minor at a time. Set kubernetesVersion to a $fmaj.$((fmin + 1)).x release, deploy and wait for phase Done, then go on."
  fi
}

if [ "${1:-}" = skew ]; then
  # `cast-upgrade.sh skew FROM TO`: the check alone (tests compare it with the TypeScript one).
  skew_problem "$2" "$3"
  exit 0
fi

# json_field KEY VALUE: appends "KEY":"VALUE", JSON-escaped, to $fields (no subshell: a step
# writes its status a few times per node).
json_field() {
  local s="$2"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/ }"
  s="${s//$'\t'/ }"
  fields+="${fields:+,}\"$1\":\"$s\""
}

# Status fields of this run, written by save_status.
phase='' step='' node='' message='' keep_cordoned=''
# The status as the run found it.
old_phase='' old_target='' old_node='' old_step='' old_message='' old_keep_cordoned='' status_exists=''

read_status() {
  local line
  line="$(kubectl -n "$NS" get configmap "$STATUS_CONFIG_MAP" --ignore-not-found \
    -o jsonpath='{.data.phase}{"|"}{.data.target}{"|"}{.data.node}{"|"}{.data.step}{"|"}{.data.keepCordoned}{"|"}{.data.message}')"
  [ -n "$line" ] || return 0
  status_exists=1
  # "|", not a tab: read merges runs of whitespace separators, and so empty fields.
  IFS='|' read -r old_phase old_target old_node old_step old_keep_cordoned old_message <<<"$line" || true
}

# save_status PHASE STEP MESSAGE: one merge patch of every field (created first if missing).
save_status() {
  phase="$1" step="$2" message="$3"
  log "$phase${node:+ $node}${step:+ ($step)}: $message"
  if [ -z "$status_exists" ]; then
    kubectl -n "$NS" create configmap "$STATUS_CONFIG_MAP" >/dev/null
    status_exists=1
  fi
  # The time in UTC (TZ is set above), from bash itself.
  local fields='' time
  printf -v time '%(%Y-%m-%dT%H:%M:%SZ)T' -1
  json_field phase "$phase"
  json_field target "$target"
  json_field current "$current"
  json_field node "$node"
  json_field step "$step"
  json_field keepCordoned "$keep_cordoned"
  json_field message "$message"
  json_field time "$time"
  kubectl -n "$NS" patch configmap "$STATUS_CONFIG_MAP" --type merge -p "{\"data\":{$fields}}" >/dev/null
}

# fail STEP MESSAGE: stop here, leaving the node as it is (cordoned) for the user to look at.
fail() {
  save_status Failed "$1" "$2 Fix it, then resume: kubectl -n $NS patch configmap $STATUS_CONFIG_MAP --type merge -p '{\"data\":{\"phase\":\"Retry\"}}'"
  exit 1
}

# until_true SECONDS COMMAND...: runs COMMAND every POLL seconds until it succeeds (0) or the
# time is up (1). API errors count as "not yet": the API server this kubectl reaches may be
# the one being restarted.
until_true() {
  local deadline=$((SECONDS + $1))
  shift
  while true; do
    if "$@"; then return 0; fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep "$POLL"
  done
}

# --- The cluster -------------------------------------------------------------------------

# The nodes (sorted by name) with their kubelet version, unschedulable flag and Ready status,
# and the control planes (kubeadm labels them node-role.kubernetes.io/control-plane).
node_names=() cp_names=()
declare -A node_version=() node_unschedulable=() node_ready=() is_control_plane=()
read_nodes() {
  local listing name version unschedulable ready
  listing="$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"|"}{.status.nodeInfo.kubeletVersion}{"|"}{.spec.unschedulable}{"|"}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}')"
  while IFS='|' read -r name version unschedulable ready; do
    [ -n "$name" ] || continue
    node_version[$name]="$version" node_unschedulable[$name]="$unschedulable" node_ready[$name]="$ready"
  done <<<"$listing"
  mapfile -t node_names < <(printf '%s\n' "${!node_version[@]}" | sort)
  mapfile -t cp_names < <(kubectl get nodes -l node-role.kubernetes.io/control-plane -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort)
  for name in "${cp_names[@]}"; do is_control_plane[$name]=1; done
}

# The version kubeadm's ClusterConfiguration names: what the control plane runs (or is being
# moved to by a `kubeadm upgrade apply` under way).
read_cluster_version() {
  kubectl -n "$NS" get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' |
    sed -n 's/^kubernetesVersion:[[:space:]]*["'\'']\{0,1\}v\{0,1\}\([0-9.]*\).*/\1/p' | head -n 1
}

# The node name of the etcd leader, or nothing when etcd cannot tell. kubeadm names each
# stacked member after its node. etcdctl's JSON (member list, endpoint status) gives IDs as
# decimal numbers and is printed compact (json.Marshal), one object per member.
etcd_leader() {
  local etcdctl=() container statuses members leader
  if [ -n "${CAST_ETCDCTL:-}" ]; then
    etcdctl=("$CAST_ETCDCTL")
  elif command -v etcdctl >/dev/null; then
    etcdctl=(etcdctl)
  else
    container="$(crictl ps --name '^etcd$' --state running -q 2>/dev/null | head -n 1 || true)"
    [ -n "$container" ] || return 0
    etcdctl=(crictl exec "$container" etcdctl)
  fi
  local flags=(--endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt
    --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key
    --dial-timeout 2s --command-timeout 5s)
  statuses="$(ETCDCTL_API=3 "${etcdctl[@]}" "${flags[@]}" endpoint status --cluster -w json 2>/dev/null)" || return 0
  members="$(ETCDCTL_API=3 "${etcdctl[@]}" "${flags[@]}" member list -w json 2>/dev/null)" || return 0
  leader="$(grep -o '"leader":[0-9]*' <<<"$statuses" | head -n 1 | cut -d: -f2)"
  [ -n "$leader" ] || return 0
  tr '{' '\n' <<<"$members" | sed -n "s/^\"ID\":$leader,\"name\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# --- The reboot lock -----------------------------------------------------------------------

# lock_state: sets lock_rv (the DaemonSet's resourceVersion, empty without kured) and
# lock_value (the annotation, empty when free).
lock_state() {
  lock_rv='' lock_value=''
  [ -n "$LOCK_DAEMON_SET" ] || return 0
  local line
  line="$(kubectl -n "$LOCK_NAMESPACE" get daemonset "$LOCK_DAEMON_SET" --ignore-not-found \
    -o jsonpath='{.metadata.resourceVersion}{"|"}{.metadata.annotations.weave\.works/kured-node-lock}')"
  IFS='|' read -r lock_rv lock_value <<<"$line" || true
}

lock_is_ours() { [[ $lock_value == *"\"nodeID\":\"$LOCK_HOLDER\""* ]]; }

# A lock whose TTL has run out counts as free, as kured counts it (ttlExpired); one without
# a TTL never runs out here (kured would then use its own --lock-ttl, which this cannot see).
lock_expired() {
  local re='"created":"([^"]+)".*"TTL":([0-9]+)' created ttl
  [[ $lock_value =~ $re ]] || return 1
  ttl=$((BASH_REMATCH[2] / 1000000000))
  [ "$ttl" -gt 0 ] || return 1
  created="$(date -u -d "${BASH_REMATCH[1]}" +%s 2>/dev/null)" || return 1
  [ "$(printf '%(%s)T' -1)" -ge $((created + ttl)) ]
}

# Takes the lock, or renews ours (0), or finds it held by someone else (1). The annotation is
# written only against the resourceVersion just read, so a kured pod that takes it in
# between wins and this run waits (kubectl annotate --resource-version).
acquire_lock() {
  lock_state
  [ -n "$lock_rv" ] || return 0
  if [ -n "$lock_value" ] && ! lock_is_ours && ! lock_expired; then return 1; fi
  local value created
  printf -v created '%(%Y-%m-%dT%H:%M:%SZ)T' -1
  value="{\"nodeID\":\"$LOCK_HOLDER\",\"metadata\":{\"unschedulable\":false},\"created\":\"$created\",\"TTL\":$LOCK_TTL_NS}"
  kubectl -n "$LOCK_NAMESPACE" annotate daemonset "$LOCK_DAEMON_SET" --overwrite --resource-version "$lock_rv" \
    "weave.works/kured-node-lock=$value" >/dev/null 2>&1
}

release_lock() {
  lock_state
  if [ -n "$lock_rv" ] && [ -n "$lock_value" ] && lock_is_ours; then
    kubectl -n "$LOCK_NAMESPACE" annotate daemonset "$LOCK_DAEMON_SET" weave.works/kured-node-lock- >/dev/null
  fi
}

# --- One node ------------------------------------------------------------------------------

node_done() { # NODE: Ready and its kubelet at the target
  local line
  line="$(kubectl get node "$1" -o jsonpath='{.status.nodeInfo.kubeletVersion}{"|"}{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" || return 1
  [ "$line" = "v$target|True" ]
}

# job_state: "<node>|<version>|<succeeded>|<failed>" of the node Job, or nothing.
job_state() {
  kubectl -n "$NS" get job "$NODE_JOB" --ignore-not-found \
    -o jsonpath='{.metadata.annotations.cast\.dev/node}{"|"}{.metadata.annotations.cast\.dev/version}{"|"}{.status.succeeded}{"|"}{.status.failed}'
}

job_finished() {
  local state
  state="$(job_state 2>/dev/null)" || return 1
  IFS='|' read -r _ _ job_succeeded job_failed <<<"$state" || true
  [ -n "$job_succeeded$job_failed" ] && [ "${job_succeeded:-0}${job_failed:-0}" != 00 ]
}

# The node's own steps run on it: a Job pinned by nodeName (no scheduler, so the cordon does
# not keep it off), tolerating every taint, with the host's PID namespace to nsenter into.
create_node_job() { # MODE
  kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: $NODE_JOB
  namespace: $NS
  labels: {app.kubernetes.io/name: cast-upgrade}
  annotations: {cast.dev/node: "$node", cast.dev/version: "$target"}
spec:
  backoffLimit: 0
  activeDeadlineSeconds: $JOB_TIMEOUT
  template:
    metadata:
      labels: {app.kubernetes.io/name: cast-upgrade}
    spec:
      nodeName: "$node"
      restartPolicy: Never
      hostPID: true
      automountServiceAccountToken: false
      priorityClassName: system-node-critical
      tolerations: [{operator: Exists}]
      containers:
        - name: upgrade
          image: $IMAGE
          securityContext: {privileged: true}
          command: [/bin/sh, -c, 'exec nsenter -t 1 -m -u -i -n -p -- /bin/bash -c "\$(cat /cast/cast-upgrade-node.sh)" cast-upgrade-node "\$@"', sh]
          args: ["$1", "$target"]
          volumeMounts: [{name: scripts, mountPath: /cast, readOnly: true}]
      volumes: [{name: scripts, configMap: {name: $SCRIPTS_CONFIG_MAP}}]
EOF
}

# wait_here STEP MESSAGE: nothing to do in this run. A node already under way (or being
# retried) stays the one the next run continues; a node not started yet is picked again.
wait_here() {
  local waiting_phase=Upgrading
  if [ "$node" = "$old_node" ] && [ -n "$node" ]; then
    [ "$old_phase" != Retry ] || waiting_phase=Retry
  else
    node='' keep_cordoned=''
  fi
  save_status "$waiting_phase" "$1" "$2 (this run tries again later)"
  exit 0
}

# finish_node: uncordon (unless the user had cordoned it), release the lock, record it.
finish_node() {
  if [ "$keep_cordoned" != true ]; then
    save_status Upgrading uncordon "uncordoning $node"
    kubectl uncordon "$node" >/dev/null || fail uncordon "kubectl uncordon $node failed."
  fi
  release_lock
  local upgraded="$node"
  node='' keep_cordoned=''
  save_status Upgrading '' "$upgraded is at v$target"
}

upgrade_node() { # MODE (apply | node)
  local mode="$1" state job_node job_version
  acquire_lock || wait_here lock "waiting for the reboot lock, held by $lock_value (kured reboots one node at a time)"
  # A node this run did not start on: remember whether someone else had cordoned it, to leave
  # it so. Saved before the cordon, so a run that dies after it still knows.
  if [ "$node" != "$old_node" ]; then
    keep_cordoned=''
    [ "${node_unschedulable[$node]:-}" != true ] || keep_cordoned=true
  fi
  # A run that died after the node's kubelet came back at the target (or a user who finished
  # the node by hand before Retry) leaves only the end to do.
  if [ "$mode" = node ] && node_done "$node"; then
    finish_node
    return
  fi

  save_status Upgrading cordon "cordoning $node"
  kubectl cordon "$node" >/dev/null || fail cordon "kubectl cordon $node failed."

  save_status Upgrading drain "draining $node"
  # DaemonSet pods stay (they would come back at once), emptyDir data goes as on a reboot,
  # and this upgrader's own pods stay (the node Job must run there).
  kubectl drain "$node" --ignore-daemonsets --delete-emptydir-data --pod-selector "app.kubernetes.io/name!=cast-upgrade" \
    --timeout "${DRAIN_TIMEOUT}s" >&2 ||
    fail drain "kubectl drain $node did not finish in ${DRAIN_TIMEOUT}s (a PodDisruptionBudget that allows no eviction, or a Pod no controller manages)."

  save_status Upgrading upgrade "kubeadm upgrade $mode on $node (Job $NODE_JOB)"
  state="$(job_state)"
  IFS='|' read -r job_node job_version _ _ <<<"$state" || true
  if [ -n "$state" ] && { [ "$job_node" != "$node" ] || [ "$job_version" != "$target" ] || [ "$old_phase" = Retry ]; }; then
    kubectl -n "$NS" delete job "$NODE_JOB" --wait=true >/dev/null
    state=''
  fi
  [ -n "$state" ] || create_node_job "$mode"
  until_true "$JOB_TIMEOUT" job_finished ||
    fail upgrade "the Job $NODE_JOB on $node did not finish in ${JOB_TIMEOUT}s. Its log: kubectl -n $NS logs job/$NODE_JOB"

  # A failed Job may have failed after its last step: a kubelet of a new minor restarts the
  # containers it finds ("All containers are restarted after upgrade", kubeadm-upgrade), the
  # Job's own among them. A kubelet that reports the new version has been restarted, which
  # is the Job's last step; one that does not means the Job stopped before.
  if [ "${job_failed:-0}" != 0 ] && [ "$(kubectl get node "$node" -o jsonpath='{.status.nodeInfo.kubeletVersion}')" != "v$target" ]; then
    fail upgrade "the Job $NODE_JOB failed on $node. Its log: kubectl -n $NS logs job/$NODE_JOB"
  fi
  save_status Upgrading ready "waiting for $node to be Ready at v$target"
  until_true "$READY_TIMEOUT" node_done "$node" ||
    fail ready "$node is not Ready at v$target ${READY_TIMEOUT}s after its upgrade (journalctl -u kubelet on $node)."
  finish_node
}

# --- The step ------------------------------------------------------------------------------

target="$(kubectl -n "$NS" get configmap "$TARGET_CONFIG_MAP" -o jsonpath='{.data.version}')"
target="${target#v}"
read_status
current="$(read_cluster_version)"
[ -n "$current" ] || { log "no kubernetesVersion in kube-system/kubeadm-config; nothing done"; exit 1; }
node="$old_node" keep_cordoned="$old_keep_cordoned"

if [ "$old_phase" = Failed ] && [ "$old_step" != skew ]; then
  log "stopped: $old_message"
  exit 1
fi

problem="$(skew_problem "$current" "$target")"
if [ -n "$problem" ]; then
  node='' keep_cordoned=''
  if [ "$old_phase" != Failed ] || [ "$old_target" != "$target" ]; then save_status Failed skew "$problem No node was touched."; fi
  exit 1
fi

read_nodes
if [ -z "${node_names[0]:-}" ]; then
  log "no nodes listed; nothing done"
  exit 1
fi
# Every node must reach the target in one kubeadm step too: a kubelet of the target's minor
# or the one before, and not above the target.
for name in "${node_names[@]}"; do
  version="${node_version[$name]}"
  if [ -n "$version" ] && [ "${version#v}" != "$target" ] && [ -n "$(skew_problem "$version" "$target")" ]; then
    node='' keep_cordoned=''
    if [ "$old_phase" != Failed ] || [ "$old_target" != "$target" ]; then
      save_status Failed skew "node $name runs $version: $(skew_problem "$version" "$target") No node was touched."
    fi
    exit 1
  fi
done

# The node to work on: the one a previous run left half-done, else the next one not at the
# target: control planes first (all of them while the ClusterConfiguration still names the
# old version, since one of them must run `kubeadm upgrade apply`), the etcd leader last, then
# the workers; by name within each group.
next=''
if [ -n "$old_node" ] && { [ "$old_phase" = Upgrading ] || [ "$old_phase" = Retry ]; } && [ -n "${node_version[$old_node]+set}" ]; then
  next="$old_node"
else
  cps=()
  for name in "${cp_names[@]}"; do
    if [ "$current" != "$target" ] || [ "${node_version[$name]:-}" != "v$target" ]; then cps+=("$name"); fi
  done
  if [ "${#cps[@]}" -gt 0 ]; then
    leader="$(etcd_leader)"
    for name in "${cps[@]}"; do
      if [ "$name" != "$leader" ]; then next="$name"; break; fi
    done
    next="${next:-${cps[0]}}"
  else
    for name in "${node_names[@]}"; do
      if [ -z "${is_control_plane[$name]:-}" ] && [ "${node_version[$name]}" != "v$target" ]; then next="$name"; break; fi
    done
  fi
fi

if [ -z "$next" ]; then
  node='' keep_cordoned=''
  if [ "$old_phase" = Upgrading ] || [ "$old_phase" = Retry ] || [ "$old_phase" = Failed ]; then
    save_status Done '' "every node runs v$target"
  elif [ "$old_phase" != Done ] && [ "$old_phase" != Idle ] || [ "$old_target" != "$target" ]; then
    save_status Idle '' "every node runs v$target"
  fi
  exit 0
fi

node="$next"
mode=node
if [ "$current" != "$target" ]; then
  mode=apply
  # kubeadm upgrade apply checks that every node is Ready before it starts (kubeadm-upgrade,
  # "How it works").
  not_ready=''
  for name in "${node_names[@]}"; do [ "${node_ready[$name]}" = True ] || not_ready+="$name "; done
  [ -z "$not_ready" ] || wait_here waiting "kubeadm upgrade apply needs every node Ready; not Ready: ${not_ready% }"
elif [ "$node" != "$old_node" ] && [ "${node_ready[$node]}" != True ]; then
  wait_here waiting "$node is not Ready; it is upgraded once it is"
fi
upgrade_node "$mode"
