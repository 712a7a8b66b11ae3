#!/usr/bin/env bash
# Restores etcd from a snapshot that etcd-backup.sh stored: the disaster-recovery path for a
# cluster that lost etcd's quorum or its data (docs/etcd-backup.md is the runbook; follow it,
# this script is two of its steps). Run it as root on each control plane, with kubelet's
# etcd and kube-apiserver static pods stopped.
#
#   etcd-restore.sh download [--snapshot <key>] --out <file>
#       Downloads the named snapshot, or the newest one under the prefix, from the target in
#       CAST_RESTORE_*, and checks it (snapshot status). Prints the key it took.
#   etcd-restore.sh restore --snapshot-file <file> --name <member> --initial-cluster <members>
#                           --initial-advertise-peer-urls <url> --data-dir <dir>
#                           [--initial-cluster-token <token>]
#       Checks the file and writes a fresh data directory for ONE member of a new member set
#       (etcdutl snapshot restore): run it on every control plane with the same file and the
#       same --initial-cluster, each with its own --name and peer URL. The data directory must
#       not exist or be empty: the script never overwrites one (move the old one aside).
#
# Exit status: 0 done; 1 failed (nothing written); 2 usage.
#
# The target (the values of the cluster's cast_etcd_backup_<name> Terraform output):
#   CAST_RESTORE_KIND     s3 or azure
#   CAST_RESTORE_URL      the bucket's (or container's) URL
#   CAST_RESTORE_REGION   s3: the signing region
#   CAST_RESTORE_PREFIX   the key prefix, e.g. "prod/"
#   CAST_RESTORE_ACCESS_KEY_ID, CAST_RESTORE_SECRET_ACCESS_KEY   s3
#   CAST_RESTORE_SAS_TOKEN                                      azure
# etcdutl: CAST_ETCDUTL, else `etcdutl` on PATH, else `etcdctl` (etcd 3.4's etcdctl has the
# snapshot commands that 3.5 moved to etcdutl and 3.6 removed from etcdctl).
set -euo pipefail
export LC_ALL=C

# shellcheck source=object-store.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/object-store.sh"

fail() {
  echo "etcd-restore: $*" >&2
  exit 1
}
usage() {
  sed -n '7,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

readonly NAME_PATTERN='^etcd-snapshot-[0-9]{8}T[0-9]{6}Z\.db$'

# The snapshot tool: etcdutl, or etcdctl with the v3 API.
snapshot_tool() {
  if [ -n "${CAST_ETCDUTL:-}" ]; then
    "$CAST_ETCDUTL" "$@"
  elif command -v etcdutl >/dev/null; then
    etcdutl "$@"
  elif command -v etcdctl >/dev/null; then
    ETCDCTL_API=3 etcdctl "$@"
  else
    fail "neither etcdutl nor etcdctl is on PATH. Set CAST_ETCDUTL to the etcdutl of your etcd version (docs/etcd-backup.md)."
  fi
}

# Fails unless FILE is a readable etcd snapshot; prints its hash, revision, keys and size.
verify() {
  [ -s "$1" ] || fail "$1 is missing or empty."
  snapshot_tool snapshot status "$1" -w table || fail "$1 is not a readable etcd snapshot (snapshot status failed)."
}

download() {
  local key='' out=''
  while [ $# -gt 0 ]; do
    case $1 in
      --snapshot) key=${2:?}; shift 2 ;;
      --out) out=${2:?}; shift 2 ;;
      *) usage ;;
    esac
  done
  [ -n "$out" ] || usage
  STORE_NAME=restore
  STORE_KIND=${CAST_RESTORE_KIND:?set CAST_RESTORE_KIND (s3 or azure)}
  STORE_URL=${CAST_RESTORE_URL:?set CAST_RESTORE_URL}
  STORE_REGION=${CAST_RESTORE_REGION:-}
  STORE_KEY_ID=${CAST_RESTORE_ACCESS_KEY_ID:-}
  STORE_SECRET=${CAST_RESTORE_SECRET_ACCESS_KEY:-}
  STORE_SAS=${CAST_RESTORE_SAS_TOKEN:-}
  local prefix=${CAST_RESTORE_PREFIX:-}
  if [ -z "$key" ]; then
    local listed
    listed=$(store_list "${prefix}etcd-snapshot-") || fail "could not list ${prefix}etcd-snapshot-* at $STORE_URL."
    key=$(while IFS= read -r name; do
      [ -n "$name" ] && [[ ${name#"$prefix"} =~ $NAME_PATTERN ]] && printf '%s\n' "$name"
    done <<<"$listed" | sort | tail -n 1)
    [ -n "$key" ] || fail "no snapshot under ${prefix}etcd-snapshot- at $STORE_URL."
  fi
  local partial="$out.partial"
  rm -f "$partial"
  store_get "$key" "$partial" || { rm -f "$partial"; fail "could not download $key from $STORE_URL."; }
  verify "$partial"
  mv "$partial" "$out"
  echo "etcd-restore: downloaded $key to $out"
}

restore() {
  local file='' name='' cluster='' peer='' dir='' token='etcd-cluster'
  while [ $# -gt 0 ]; do
    case $1 in
      --snapshot-file) file=${2:?}; shift 2 ;;
      --name) name=${2:?}; shift 2 ;;
      --initial-cluster) cluster=${2:?}; shift 2 ;;
      --initial-advertise-peer-urls) peer=${2:?}; shift 2 ;;
      --data-dir) dir=${2:?}; shift 2 ;;
      --initial-cluster-token) token=${2:?}; shift 2 ;;
      *) usage ;;
    esac
  done
  if [ -z "$file" ] || [ -z "$name" ] || [ -z "$cluster" ] || [ -z "$peer" ] || [ -z "$dir" ]; then usage; fi
  # The member must be one of the set, with the URL it advertises (etcd refuses to start otherwise).
  case ",$cluster," in
    *",$name=$peer,"*) ;;
    *) fail "--initial-cluster ($cluster) must list $name=$peer." ;;
  esac
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    fail "$dir is not empty. Move it aside first (mv $dir $dir.before-restore); this script never overwrites a data directory."
  fi
  verify "$file"
  # Into a new directory next to the target, then renamed: a failed restore leaves no half-written data directory.
  local staging
  staging="$(dirname "$dir")/.$(basename "$dir").restoring"
  rm -rf "$staging"
  snapshot_tool snapshot restore "$file" --name "$name" --initial-cluster "$cluster" --initial-cluster-token "$token" \
    --initial-advertise-peer-urls "$peer" --data-dir "$staging" || { rm -rf "$staging"; fail "snapshot restore of $file failed."; }
  [ ! -e "$dir" ] || rmdir "$dir"
  mv "$staging" "$dir"
  echo "etcd-restore: restored member $name into $dir (initial cluster $cluster)"
}

[ $# -ge 1 ] || usage
command=$1
shift
case $command in
  download) download "$@" ;;
  restore) restore "$@" ;;
  *) usage ;;
esac
