# shellcheck shell=bash
# Shared by the recording stubs of test/upgrade (kubectl, kubeadm, etcdctl, apt-get, ...):
# the fake cluster lives in files under $CAST_FAKE_STATE (see fake-cluster.ts), and every call
# is appended to $CAST_FAKE_STATE/calls.log as "<where>\t<command> <args>", where <where> is
# the node a node Job runs on (CAST_FAKE_NODE) or "cluster" for the CronJob's step.
set -euo pipefail
: "${CAST_FAKE_STATE:?the stubs need CAST_FAKE_STATE}"
readonly STATE="$CAST_FAKE_STATE"
readonly HERE="${CAST_FAKE_NODE:-cluster}"

record() {
  printf '%s\t%s\n' "$HERE" "$*" >>"$STATE/calls.log"
}

unknown() {
  printf '%s\tUNKNOWN %s\n' "$HERE" "$*" >>"$STATE/calls.log"
  echo "fake: unknown call: $*" >&2
  exit 99
}

# The node a node-local stub acts on.
this_node() {
  [ -n "${CAST_FAKE_NODE:-}" ] || { echo "fake: $0 called outside a node" >&2; exit 98; }
  echo "$STATE/nodes/$CAST_FAKE_NODE"
}
