#!/usr/bin/env bash
# Renews this control plane's kubeadm certificates before they expire, on the host (the
# cast-cert-renewal DaemonSet runs it through nsenter on every control plane, every few hours):
#
#   1. the soonest expiry of the certificates kubeadm manages here (`kubeadm certs
#      check-expiration`, its output API's Certificate: name, expirationDate, externallyManaged,
#      missing; cmd/kubeadm/app/apis/output/v1alpha3). The CAs are not renewed by kubeadm and
#      not counted, nor externally managed certificates, nor missing ones (super-admin.conf is
#      on the control plane that ran kubeadm init only);
#   2. more than CAST_RENEW_BEFORE_DAYS (30) days left: nothing but the status;
#   3. else, one control plane at a time (the Lease kube-system/cast-cert-renewal; one whose
#      holder stopped renewing it for CAST_LOCK_SECONDS is taken over): `kubeadm certs renew
#      all`, then each control-plane static Pod restarted the kubeadm way, since not every
#      component reloads its certificates: its manifest moved out of /etc/kubernetes/manifests,
#      the kubelet stops the Pod (it looks every fileCheckFrequency, 20 s), the manifest moved
#      back, the kubelet starts it again ("Certificate Management with kubeadm", Manual
#      certificate renewal, kubernetes.io);
#   4. the status in the ConfigMap kube-system/cast-cert-renewal-status, one key per control
#      plane: when it checked, the soonest expiry, when it last renewed, or what it waits for.
#
# The kubelet's own client certificate is not kubeadm's to renew: the kubelet rotates it
# (KubeletConfiguration rotateCertificates). `kubeadm upgrade` renews these certificates too.
# A manifest a stopped run left out is put back first. CAST_NODE_NAME is this node (the Pod's
# spec.nodeName); tests override CAST_KUBERNETES_DIR, the waits and the clock (date, sleep).
set -euo pipefail
export LC_ALL=C

readonly NODE="${CAST_NODE_NAME:?the node name (spec.nodeName)}"
readonly RENEW_BEFORE_DAYS="${CAST_RENEW_BEFORE_DAYS:-30}"
readonly LOCK_SECONDS="${CAST_LOCK_SECONDS:-900}"
readonly LOCK_WAIT="${CAST_LOCK_WAIT:-1800}"
readonly K8S_DIR="${CAST_KUBERNETES_DIR:-/etc/kubernetes}"
readonly MANIFESTS="${K8S_DIR}/manifests"
readonly PARKED="${K8S_DIR}/cast-renewal-parked"
readonly LOCK=cast-cert-renewal
readonly STATUS=cast-cert-renewal-status
# etcd first: the API server it serves restarts after it.
readonly COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler)
# The kubelet's fileCheckFrequency (KubeletConfiguration default: 20 s), and a margin.
readonly KUBELET_SYNC="${CAST_KUBELET_SYNC:-25}"

log() { echo "cast-cert-renewal: $*"; }
kc() { kubectl --kubeconfig "${K8S_DIR}/admin.conf" -n kube-system "$@"; }
now() { date -u +%s; }
# A Lease's MicroTime (RFC 3339 with microseconds).
micro_time() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000000Z; }

status() {
  kc create configmap "$STATUS" >/dev/null 2>&1 || true
  kc patch configmap "$STATUS" --type merge -p "{\"data\":{\"${NODE}\":\"$*\"}}" >/dev/null
}

# Epoch seconds of the soonest expiry among the certificates kubeadm renews here.
soonest_expiry() {
  local _name date managed missing soonest=''
  while read -r _name date managed missing; do
    if [ -z "$date" ] || [ "$managed" = true ] || [ "$missing" = true ]; then continue; fi
    date="$(date -u -d "$date" +%s)"
    if [ -z "$soonest" ] || [ "$date" -lt "$soonest" ]; then soonest="$date"; fi
  done < <(kubeadm certs check-expiration -o 'jsonpath={range .certificates[*]}{.name} {.expirationDate} {.externallyManaged} {.missing}{"\n"}{end}')
  [ -n "$soonest" ] || { log "kubeadm certs check-expiration listed no certificate" >&2; return 1; }
  echo "$soonest"
}

lease() {
  local version=''
  if [ -n "${1:-}" ]; then version="resourceVersion: \"$1\""; fi
  cat <<LEASE
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: ${LOCK}
  namespace: kube-system
  ${version}
spec:
  holderIdentity: ${NODE}
  leaseDurationSeconds: ${LOCK_SECONDS}
  acquireTime: $(micro_time "$(now)")
  renewTime: $(micro_time "$(now)")
LEASE
}

# Takes the lock: creates the Lease, or takes over its own or an expired one (replace with its
# resourceVersion: a concurrent taker gets a conflict). Prints the holder when it cannot.
take_lock() {
  local holder renewed version
  if lease | kc create -f - >/dev/null 2>&1; then return 0; fi
  read -r holder renewed version < <(kc get lease "$LOCK" -o 'jsonpath={.spec.holderIdentity} {.spec.renewTime} {.metadata.resourceVersion}{"\n"}') || return 1
  if [ "$holder" = "$NODE" ] || [ $(($(date -u -d "$renewed" +%s) + LOCK_SECONDS)) -lt "$(now)" ]; then
    lease "$version" | kc replace -f - >/dev/null 2>&1 && return 0
  fi
  echo "$holder"
  return 1
}

release_lock() {
  local holder
  holder="$(kc get lease "$LOCK" -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null || true)"
  if [ "$holder" = "$NODE" ]; then kc delete lease "$LOCK" >/dev/null; fi
}

running() { [ -n "$(crictl ps --quiet --state running --name "^$1\$" 2>/dev/null)" ]; }

# Until running (or not) says so, for at most $2 seconds.
wait_for() {
  local want="$1" deadline=$(($(now) + $2)) component="$3"
  until { [ "$want" = up ] && running "$component"; } || { [ "$want" = down ] && ! running "$component"; }; do
    [ "$(now)" -lt "$deadline" ] || { log "${component} is not ${want} after $2 s" >&2; return 1; }
    sleep 5
  done
}

restart_static_pod() {
  local component="$1"
  [ -f "${MANIFESTS}/${component}.yaml" ] || return 0
  log "restarting ${component}"
  mv "${MANIFESTS}/${component}.yaml" "${PARKED}/"
  sleep "$KUBELET_SYNC"
  wait_for down 120 "$component"
  mv "${PARKED}/${component}.yaml" "${MANIFESTS}/"
  sleep "$KUBELET_SYNC"
  wait_for up 300 "$component"
}

mkdir -p "$PARKED"
# A run stopped between the moves: its manifests go back before anything else.
for parked in "$PARKED"/*.yaml; do
  [ -e "$parked" ] || continue
  log "putting back ${parked##*/}, which an earlier run left out"
  mv "$parked" "${MANIFESTS}/"
done

soonest="$(soonest_expiry)"
left=$(((soonest - $(now)) / 86400))
checked="checked=$(micro_time "$(now)") soonest=$(micro_time "$soonest")"
if [ "$left" -ge "$RENEW_BEFORE_DAYS" ]; then
  log "the soonest certificate expires in ${left} days: nothing to do"
  status "$checked"
  exit 0
fi

log "the soonest certificate expires in ${left} days (renewing under ${RENEW_BEFORE_DAYS}): taking the lock"
deadline=$(($(now) + LOCK_WAIT))
until holder="$(take_lock)"; do
  if [ "$(now)" -ge "$deadline" ]; then
    log "${holder:-another control plane} still renews its certificates: trying again next time"
    status "$checked waiting=${holder:-unknown}"
    exit 0
  fi
  log "${holder:-another control plane} renews its certificates: waiting"
  status "$checked waiting=${holder:-unknown}"
  sleep 30
done
trap release_lock EXIT

kubeadm certs renew all
for component in "${COMPONENTS[@]}"; do restart_static_pod "$component"; done
soonest="$(soonest_expiry)"
status "checked=$(micro_time "$(now)") soonest=$(micro_time "$soonest") renewed=$(micro_time "$(now)")"
log "renewed; the soonest certificate now expires $(micro_time "$soonest")"
