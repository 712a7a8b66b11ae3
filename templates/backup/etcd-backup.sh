#!/usr/bin/env bash
# Uploads one etcd snapshot to every backup target, then keeps the newest CAST_BACKUP_KEEP
# snapshots of each target and deletes the older ones. Runs in the upload container of the
# cast-etcd-backup CronJob, after its init containers saved the snapshot (etcdctl snapshot
# save) and checked it (etcdctl snapshot status).
#
# The snapshot is named after the time it was taken (its file's modification time, UTC):
#   <prefix>etcd-snapshot-<YYYYMMDD>T<HHMMSS>Z.db
# so the names sort by age. Retention counts only names of that form under the prefix:
# nothing else in the bucket is ever deleted. A target whose upload failed deletes nothing,
# and neither does one whose listing does not show the new snapshot. The script exits 1 when
# any target failed (the Job fails, and kube-state-metrics' kube_cronjob_status_last_successful_time
# stays at the last run where every target succeeded), 2 on bad configuration.
#
# Configuration (the CronJob's environment):
#   CAST_SNAPSHOT_FILE     the snapshot the init containers wrote
#   CAST_BACKUP_PREFIX     key prefix, e.g. "prod/" (letters, digits, "-", "/")
#   CAST_BACKUP_KEEP       how many snapshots each target keeps (at least 1)
#   CAST_BACKUP_TARGETS    target names separated by spaces, e.g. "aws gcp"
#   CAST_TARGET_<NAME>_KIND, _URL, _REGION   per target (object-store.sh), NAME in capitals
#   CAST_SECRETS_DIR       the mounted Secret: <name>-access-key-id, <name>-secret-access-key
#                          (s3) or <name>-sas-token (azure), one file each
#   CAST_STATUS_CONFIGMAP  where to record the last good snapshot (kube-system); empty: nowhere
#   CAST_KUBE_API, CAST_KUBE_TOKEN_FILE, CAST_KUBE_CA_FILE   the API and the pod's service account
set -euo pipefail
export LC_ALL=C

# shellcheck source=object-store.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/object-store.sh"

log() { echo "etcd-backup: $*"; }
warn() { echo "etcd-backup: $*" >&2; }

readonly SNAPSHOT="${CAST_SNAPSHOT_FILE:-/snapshots/etcd.db}"
readonly PREFIX="${CAST_BACKUP_PREFIX:-}"
readonly KEEP="${CAST_BACKUP_KEEP:-48}"
readonly TARGETS="${CAST_BACKUP_TARGETS:-}"
readonly SECRETS_DIR="${CAST_SECRETS_DIR:-/etc/cast-etcd-backup}"
readonly STATUS_CONFIGMAP="${CAST_STATUS_CONFIGMAP:-}"
readonly KUBE_API="${CAST_KUBE_API:-https://${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}:${KUBERNETES_SERVICE_PORT:-443}}"
readonly KUBE_TOKEN_FILE="${CAST_KUBE_TOKEN_FILE:-/var/run/secrets/kubernetes.io/serviceaccount/token}"
readonly KUBE_CA_FILE="${CAST_KUBE_CA_FILE:-/var/run/secrets/kubernetes.io/serviceaccount/ca.crt}"
readonly NAME_PATTERN='^etcd-snapshot-[0-9]{8}T[0-9]{6}Z\.db$'

config_problems=()
[[ $KEEP =~ ^[1-9][0-9]*$ ]] || config_problems+=("CAST_BACKUP_KEEP must be a whole number of at least 1 (got \"$KEEP\")")
[[ $PREFIX =~ ^[a-zA-Z0-9/_-]*$ ]] || config_problems+=("CAST_BACKUP_PREFIX must hold only letters, digits, \"-\", \"_\" and \"/\" (got \"$PREFIX\")")
[ -n "${TARGETS// /}" ] || config_problems+=("CAST_BACKUP_TARGETS must name at least one target")
if [ ${#config_problems[@]} -gt 0 ]; then
  printf 'etcd-backup: %s.\n' "${config_problems[@]}" >&2
  exit 2
fi
if [ ! -s "$SNAPSHOT" ]; then
  warn "no snapshot at $SNAPSHOT (the init containers save it). Nothing uploaded."
  exit 1
fi

TAKEN=$(date -u -r "$SNAPSHOT" +%Y%m%dT%H%M%SZ)
readonly TAKEN
readonly KEY="${PREFIX}etcd-snapshot-${TAKEN}.db"

# Loads target $1 into the STORE_* variables object-store.sh reads.
load_target() {
  local name=$1 upper
  upper=$(tr 'a-z-' 'A-Z_' <<<"$name")
  local kind_var="CAST_TARGET_${upper}_KIND" url_var="CAST_TARGET_${upper}_URL" region_var="CAST_TARGET_${upper}_REGION"
  STORE_NAME=$name
  STORE_KIND=${!kind_var:-}
  STORE_URL=${!url_var:-}
  STORE_REGION=${!region_var:-}
  STORE_KEY_ID='' STORE_SECRET='' STORE_SAS=''
  if [ -z "$STORE_KIND" ] || [ -z "$STORE_URL" ]; then
    warn "$name: $kind_var and $url_var must be set."
    return 1
  fi
  case $STORE_KIND in
    s3)
      if ! STORE_KEY_ID=$(cat "$SECRETS_DIR/$name-access-key-id") || ! STORE_SECRET=$(cat "$SECRETS_DIR/$name-secret-access-key"); then
        warn "$name: the access key is missing from $SECRETS_DIR."
        return 1
      fi
      ;;
    azure)
      STORE_SAS=$(cat "$SECRETS_DIR/$name-sas-token") || {
        warn "$name: the SAS token is missing from $SECRETS_DIR."
        return 1
      }
      ;;
  esac
}

# Deletes all but the newest KEEP snapshots of the loaded target; nothing unless the new one is listed.
apply_retention() {
  local listed snapshots key count
  listed=$(store_list "${PREFIX}etcd-snapshot-") || {
    warn "$STORE_NAME: could not list ${PREFIX}etcd-snapshot-*; nothing deleted."
    return 1
  }
  snapshots=$(while IFS= read -r key; do
    [ -n "$key" ] && [[ ${key#"$PREFIX"} =~ $NAME_PATTERN ]] && printf '%s\n' "$key"
  done <<<"$listed" | sort -u)
  if ! grep -qxF "$KEY" <<<"$snapshots"; then
    warn "$STORE_NAME: the listing does not show $KEY just uploaded; nothing deleted."
    return 1
  fi
  count=$(grep -c . <<<"$snapshots")
  if [ "$count" -le "$KEEP" ]; then
    log "$STORE_NAME: $count snapshots, keeping all (keep $KEEP)."
    return 0
  fi
  local failed=0
  while IFS= read -r key; do
    if store_delete "$key"; then log "$STORE_NAME: deleted $key"; else failed=1; warn "$STORE_NAME: could not delete $key."; fi
  done < <(head -n "$((count - KEEP))" <<<"$snapshots")
  return "$failed"
}

# Records the last good snapshot in the status ConfigMap (a merge patch of its data).
write_status() {
  [ -n "$STATUS_CONFIGMAP" ] || return 0
  local now body
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  body=$(printf '{"data":{"lastSnapshot":"%s","lastSnapshotTime":"%s","lastSuccessTime":"%s","targets":"%s"}}' \
    "$KEY" "$(date -u -r "$SNAPSHOT" +%Y-%m-%dT%H:%M:%SZ)" "$now" "$(tr -s ' ' <<<"$TARGETS" | sed 's/^ //; s/ $//')")
  {
    printf 'header = "Authorization: Bearer %s"\n' "$(cat "$KUBE_TOKEN_FILE")"
    printf 'url = "%s/api/v1/namespaces/kube-system/configmaps/%s"\n' "$KUBE_API" "$STATUS_CONFIGMAP"
  } | curl --config - -sS --fail-with-body --connect-timeout 10 --max-time 30 --cacert "$KUBE_CA_FILE" -X PATCH \
    -H 'Content-Type: application/merge-patch+json' --data-binary "$body" -o /dev/null
}

failed=()
for target in $TARGETS; do
  if ! load_target "$target"; then
    failed+=("$target")
    continue
  fi
  if ! store_put "$KEY" "$SNAPSHOT"; then
    warn "$target: upload of $KEY failed; nothing deleted."
    failed+=("$target")
    continue
  fi
  log "$target: uploaded $KEY ($(wc -c <"$SNAPSHOT") bytes)."
  apply_retention || failed+=("$target")
done

if [ ${#failed[@]} -gt 0 ]; then
  warn "failed on: ${failed[*]}."
  exit 1
fi
# The snapshot is stored everywhere: a status that cannot be written is reported, not fatal
# (the CronJob's last successful time says the same).
write_status || warn "could not record $KEY in ConfigMap kube-system/$STATUS_CONFIGMAP."
log "done: $KEY on ${TARGETS}."
