#!/usr/bin/env bash
# Prints the Kubernetes release this node installs and where it comes from, `<x.y.z> cluster`
# or `<x.y.z> founding` (install-kubernetes.sh):
#
#   - the release the cluster runs: the lowest that any of its API servers reports (GET
#     /version on each seed, api-seeds.sh), since a kubelet must not be newer than any API
#     server it talks to ("Version Skew Policy", kubernetes.io: "kubelet must not be newer
#     than kube-apiserver"; in an HA cluster, than the oldest one). Not the kubeadm-config
#     ConfigMap: `kubeadm upgrade apply` writes the new release there on the first control
#     plane it upgrades, while the others still serve the old one, so in the middle of an
#     upgrade it names a release newer than some API servers. kubeadm join's preflight only
#     refuses a kubelet newer than that ConfigMap's release (cmd/kubeadm/app/preflight/checks.go,
#     KubeletVersionCheck), so an older kubelet joins; the upgrade moves it later.
#   - while no API server answers: the release this node founds the cluster with
#     (CAST_FOUNDING_KUBERNETES_VERSION in node.env, on the control plane that may found it
#     only); any other node fails, and bootstrap-node.sh asks again until its deadline.
#
# /version is readable without credentials (the default ClusterRole system:public-info-viewer,
# bound to system:authenticated and system:unauthenticated: "Using RBAC Authorization",
# kubernetes.io), so a control plane that has no join token yet asks the same way. The
# server's certificate is checked against the cluster CA the node has, for the name
# `kubernetes`, which kubeadm puts in every API serving certificate ("PKI certificates and
# requirements": kube-apiserver's SANs); a seed's address itself (a worker's private seeds)
# need not be one. It asks every CAST_VERSION_WAIT seconds (30 by default) for that long.
#
# CAST_NODE_ENV overrides node.env (tests).
set -euo pipefail
export LC_ALL=C

readonly NODE_ENV="${CAST_NODE_ENV:-/etc/cast/node.env}"
# shellcheck source=/dev/null
. "$NODE_ENV"
BIN="$(dirname "${BASH_SOURCE[0]}")"
readonly BIN
readonly WAIT="${CAST_VERSION_WAIT:-30}"
readonly API_PORT=6443

log() { echo "cast-kubernetes-version: $*" >&2; }

# The cluster CA: a control plane's own copy, or the one a joining node's discovery file pins.
ca="$(mktemp)"
trap 'rm -f "$ca"' EXIT
if [ -s /etc/kubernetes/pki/ca.crt ]; then
  cp /etc/kubernetes/pki/ca.crt "$ca"
else
  sed -n "s/^ *certificate-authority-data: *'\{0,1\}\([A-Za-z0-9+/=]*\)'\{0,1\} *$/\1/p" /etc/cast/discovery.conf | base64 -d >"$ca"
fi

# The lowest release any seed's API server reports, or nothing.
lowest_release() {
  local seed answer
  local -a releases=()
  for seed in $("$BIN/api-seeds.sh"); do
    answer="$(curl -fsS --max-time 5 --cacert "$ca" --connect-to "kubernetes:${API_PORT}:${seed}:${API_PORT}" "https://kubernetes:${API_PORT}/version" 2>/dev/null)" || continue
    # gitVersion of a release: "v1.34.2"; anything else (a pre-release, a vendor suffix) is no answer.
    answer="$(sed -n 's/^ *"gitVersion": *"v\([0-9]*\.[0-9]*\.[0-9]*\)",\{0,1\} *$/\1/p' <<<"$answer")"
    if [ -n "$answer" ]; then releases+=("$answer"); fi
  done
  if [ "${#releases[@]}" -gt 0 ]; then printf '%s\n' "${releases[@]}" | sort -V | head -n 1; fi
}

deadline=$(($(date +%s) + WAIT))
while :; do
  release="$(lowest_release)"
  if [ -n "$release" ]; then
    log "the cluster runs Kubernetes ${release}"
    echo "$release cluster"
    exit 0
  fi
  [ "$(date +%s)" -lt "$deadline" ] || break
  sleep 5
done
if [ -n "${CAST_FOUNDING_KUBERNETES_VERSION:-}" ]; then
  log "no API server answers: Kubernetes ${CAST_FOUNDING_KUBERNETES_VERSION}, the release this node founds the cluster with"
  echo "$CAST_FOUNDING_KUBERNETES_VERSION founding"
  exit 0
fi
log "no API server answers in ${WAIT} s: this node installs the release the cluster runs, and asks again"
exit 1
