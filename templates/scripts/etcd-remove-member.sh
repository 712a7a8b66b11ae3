#!/usr/bin/env bash
# Removes the etcd member of a control-plane node that is gone for good, so that
# the remaining members count only each other toward etcd's quorum. Run it as root
# on a surviving control plane:
#
#   etcd-remove-member.sh <node-name>
#
# kubeadm names each stacked etcd member after its node. The script refuses, and
# changes nothing, when the member is not found, when it is the member it talks to
# (run it on another control plane), or when etcd's quorum would not hold: the
# healthy members must be a quorum of the current size (etcd commits the removal
# only then) and the healthy members left must be a quorum of the new size. Then
# it removes the member and waits until every remaining member answers a health
# check. A member is healthy when `etcdctl endpoint health` succeeds on its client
# URLs (a quorum read: it also fails while the cluster has no quorum). Learners do
# not vote and count for neither quorum.
#
# Exit status: 0 removed and the rest healthy; 1 refused or failed; 2 usage.
#
# etcdctl: CAST_ETCDCTL, else `etcdctl` on PATH, else the one inside the node's
# running etcd container (kubeadm's etcd image ships it; `crictl exec`). The
# endpoint and kubeadm's certificates, overridable for tests (set the three
# certificate variables to empty for plain HTTP):
#   CAST_ETCD_ENDPOINT   https://127.0.0.1:2379
#   CAST_ETCD_CACERT     /etc/kubernetes/pki/etcd/ca.crt
#   CAST_ETCD_CERT       /etc/kubernetes/pki/etcd/healthcheck-client.crt
#   CAST_ETCD_KEY        /etc/kubernetes/pki/etcd/healthcheck-client.key
#   CAST_ETCD_TIMEOUT    per etcdctl command (5s)
#   CAST_ETCD_DIAL_TIMEOUT   per connection (2s): what a member that is down costs each check
#   CAST_ETCD_SETTLE_SECONDS   how long the remaining members may take to answer (120)
set -euo pipefail
export LC_ALL=C

readonly ENDPOINT="${CAST_ETCD_ENDPOINT:-https://127.0.0.1:2379}"
readonly CACERT="${CAST_ETCD_CACERT-/etc/kubernetes/pki/etcd/ca.crt}"
readonly CERT="${CAST_ETCD_CERT-/etc/kubernetes/pki/etcd/healthcheck-client.crt}"
readonly KEY="${CAST_ETCD_KEY-/etc/kubernetes/pki/etcd/healthcheck-client.key}"
readonly TIMEOUT="${CAST_ETCD_TIMEOUT:-5s}"
readonly DIAL_TIMEOUT="${CAST_ETCD_DIAL_TIMEOUT:-2s}"
readonly SETTLE_SECONDS="${CAST_ETCD_SETTLE_SECONDS:-120}"

fail() {
  echo "etcd-remove-member: $*" >&2
  exit 1
}

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: etcd-remove-member.sh <node-name>   (run on a surviving control plane)" >&2
  exit 2
fi
readonly TARGET="$1"

if [ -n "${CAST_ETCDCTL:-}" ]; then
  etcdctl_cmd=("$CAST_ETCDCTL")
elif command -v etcdctl >/dev/null; then
  etcdctl_cmd=(etcdctl)
else
  container="$(crictl ps --name '^etcd$' --state running -q 2>/dev/null | head -n 1 || true)"
  [ -n "$container" ] || fail "no etcdctl on PATH and no running etcd container on this node. Run this on a surviving control plane, or set CAST_ETCDCTL."
  etcdctl_cmd=(crictl exec "$container" etcdctl)
fi
tls=()
[ -z "$CACERT" ] || tls+=(--cacert "$CACERT")
[ -z "$CERT" ] || tls+=(--cert "$CERT")
[ -z "$KEY" ] || tls+=(--key "$KEY")

# etcdctl <endpoints> <args...>
etcdctl_at() {
  local endpoints="$1"
  shift
  ETCDCTL_API=3 "${etcdctl_cmd[@]}" --endpoints "$endpoints" "${tls[@]}" --dial-timeout "$DIAL_TIMEOUT" --command-timeout "$TIMEOUT" "$@"
}

healthy() { # <client urls, comma-separated>
  [ -n "$1" ] && etcdctl_at "$1" endpoint health >/dev/null 2>&1
}

# `member list` prints "ID, status, name, peer URLs, client URLs, is learner" with the URLs of
# one member joined by "," alone; an unstarted member has no name and no client URLs yet.
members="$(etcdctl_at "$ENDPOINT" member list)" ||
  fail "cannot list etcd members at ${ENDPOINT}. Is etcd running here? (etcd 3.5 lists members only while the cluster has a quorum; without one, restore from a snapshot.)"
local_id="$(etcdctl_at "$ENDPOINT" endpoint status | awk -F', ' 'NR == 1 { print $2 }')"

ids=() names=() clients=() learners=()
while IFS= read -r line; do
  [ -n "$line" ] || continue
  IFS='|' read -r id _status name _peers client learner <<<"${line//, /|}"
  ids+=("$id") names+=("$name") clients+=("$client") learners+=("$learner")
done <<<"$members"

target=-1
for i in "${!ids[@]}"; do
  if [ "${names[$i]}" = "$TARGET" ]; then
    [ "$target" -lt 0 ] || fail "two members are named ${TARGET} (${ids[$target]}, ${ids[$i]}). Remove the right one with etcdctl member remove <ID>."
    target="$i"
  fi
done
if [ "$target" -lt 0 ]; then
  fail "no etcd member is named ${TARGET} (members: ${names[*]}). Check the node name; a member that never started has no name: remove it with etcdctl member remove <ID>."
fi
readonly target_id="${ids[$target]}"
[ "$target_id" != "$local_id" ] || fail "${TARGET} is the member this script talks to (${ENDPOINT}). Run it on another control plane."

was_healthy=()
for i in "${!ids[@]}"; do
  if healthy "${clients[$i]}"; then was_healthy[i]=1; else was_healthy[i]=0; fi
done
voters=0 healthy_voters=0 healthy_voters_left=0 target_voting=0
for i in "${!ids[@]}"; do
  [ "${learners[$i]}" != "true" ] || continue
  voters=$((voters + 1))
  healthy_voters=$((healthy_voters + was_healthy[i]))
  if [ "$i" -eq "$target" ]; then
    target_voting=1
  else
    healthy_voters_left=$((healthy_voters_left + was_healthy[i]))
  fi
done
readonly quorum_now=$((voters / 2 + 1))
readonly voters_after=$((voters - target_voting))
readonly quorum_after=$((voters_after / 2 + 1))

if [ "$healthy_voters" -lt "$quorum_now" ]; then
  fail "refusing to remove ${TARGET}: only ${healthy_voters} of ${voters} voting members are healthy and etcd needs ${quorum_now} to commit a removal. Bring members back first; with no quorum left, restore from a snapshot (etcdctl snapshot restore)."
fi
if [ "$voters_after" -lt 1 ] || [ "$healthy_voters_left" -lt "$quorum_after" ]; then
  fail "refusing to remove ${TARGET}: it would leave ${healthy_voters_left} healthy of ${voters_after} voting members, fewer than their quorum of ${quorum_after}. Bring the unhealthy members back, or remove them first if they are gone for good."
fi

echo "etcd-remove-member: removing ${TARGET} (${target_id}); ${healthy_voters_left} of ${voters_after} remaining voting members are healthy"
etcdctl_at "$ENDPOINT" member remove "$target_id" >/dev/null || fail "etcd did not remove ${TARGET} (${target_id}). Check etcd's log; nothing else was changed."

# Every remaining member that was healthy must answer again (a leader change after the removal takes
# an election timeout); those that were not are named, as the next ones to bring back or remove.
deadline=$((SECONDS + SETTLE_SECONDS))
down=()
for i in "${!ids[@]}"; do
  [ "$i" -ne "$target" ] || continue
  if [ "${was_healthy[i]}" -eq 0 ]; then
    down+=("${names[$i]:-${ids[$i]}}")
    continue
  fi
  until healthy "${clients[$i]}"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "removed ${TARGET}, but member ${names[$i]:-${ids[$i]}} (${clients[$i]}) is not healthy after ${SETTLE_SECONDS} s. Check it with etcdctl endpoint health."
    sleep 1
  done
done
if [ ${#down[@]} -gt 0 ]; then
  echo "etcd-remove-member: removed ${TARGET}; still unhealthy, as before: ${down[*]}. Bring them back, or remove them too if they are gone for good." >&2
else
  echo "etcd-remove-member: removed ${TARGET}; all $((${#ids[@]} - 1)) remaining members are healthy"
fi
