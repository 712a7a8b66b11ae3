#!/usr/bin/env bash
# Prints this node's API seeds: the control planes' addresses, in the cluster's order,
# separated by single spaces, on one line: on a control plane their static public
# addresses; on an AWS, GCP or Azure worker its own cloud's control planes' private
# addresses first, then the others' public ones; on DigitalOcean the public addresses only
# (lib/core/api-seeds.ts). The node finds the API with them the first time
# (docs/decisions/0002). They come from the cloud's metadata service, never from
# user-data, so that adding or removing a control plane changes them in place:
#
#   cloud         where                                                  what
#   aws           meta-data/tags/instance/cast-api-servers (IMDSv2)     instance tag, "a b c"
#   gcp           computeMetadata/v1/instance/attributes/cast-api-servers  metadata key, "a b c"
#   azure         metadata/instance/compute/tagsList                    VM or scale-set tag, "a b c"
#   digitalocean  metadata/v1/tags/                                      tags cast-api:<index>:<a-b-c-d>
#
# A cloud without seeds for this node (no such tag or key) prints nothing and exits 0;
# a metadata service that does not answer, or answers something else than addresses, is an
# error (non-zero, with a message on stderr). CAST_NODE_ENV and CAST_METADATA_URL override
# node.env and the service (tests).
set -euo pipefail
export LC_ALL=C

readonly NODE_ENV="${CAST_NODE_ENV:-/etc/cast/node.env}"
readonly KEY=cast-api-servers

# shellcheck source=/dev/null
. "$NODE_ENV"

fail() {
  echo "cast-api-seeds: $*" >&2
  exit 1
}

: "${CAST_CLOUD:?missing in ${NODE_ENV}}"
# The metadata helpers (metadata_init, metadata_get, metadata_read, METADATA_URL).
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/cloud-metadata.sh"

# Each <cloud>_seeds sets `found` (run in this shell, so that a failed read stops the script).
found=''

# AWS: the tag index lists the keys (404 when tags are not allowed in the metadata).
aws_seeds() {
  local keys
  keys="$(metadata_get meta-data/tags/instance)" ||
    fail "could not read meta-data/tags/instance from ${METADATA_URL}: are instance tags allowed in the metadata (metadata_options.instance_metadata_tags)?"
  if grep -qxF "$KEY" <<<"$keys"; then found="$(metadata_read "meta-data/tags/instance/${KEY}")"; fi
}

# GCP: the attributes/ index lists the instance's custom metadata keys.
gcp_seeds() {
  local keys
  keys="$(metadata_read instance/attributes/)"
  if grep -qxF "$KEY" <<<"$keys"; then found="$(metadata_read "instance/attributes/${KEY}")"; fi
}

# Azure: tagsList is a JSON array of {name, value}; tag names are case-insensitive.
azure_seeds() {
  local document
  document="$(metadata_read 'instance/compute/tagsList?api-version=2021-02-01')"
  found="$(python3 -c 'import json, sys
tags = json.load(sys.stdin)
print(next((t.get("value") or "" for t in tags if str(t.get("name", "")).lower() == sys.argv[1]), ""))' "$KEY" <<<"$document")" ||
    fail "metadata/instance/compute/tagsList from ${METADATA_URL} is not the JSON array of tags expected"
}

# DigitalOcean: tags/ (the index needs its slash, 301 without) lists every tag, one a line.
digitalocean_seeds() {
  local tags
  tags="$(metadata_read tags/)"
  # cast-api:<index>:<a-b-c-d>, in index order, back to dotted addresses.
  found="$(sed -nE 's/^cast-api:([0-9]+):([0-9]+-[0-9]+-[0-9]+-[0-9]+)$/\1 \2/p' <<<"$tags" | sort -n -k1,1 | cut -d' ' -f2 | tr '-' '.')"
}

is_ipv4() {
  [[ "$1" =~ ^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$ ]]
}

metadata_init "$CAST_CLOUD" || fail "CAST_CLOUD=${CAST_CLOUD} in ${NODE_ENV}: expected aws, gcp, azure or digitalocean"
case "$CAST_CLOUD" in
  aws) aws_seeds ;;
  gcp) gcp_seeds ;;
  azure) azure_seeds ;;
  digitalocean) digitalocean_seeds ;;
esac

read -r -a seeds <<<"${found//$'\n'/ }" || true
for seed in "${seeds[@]}"; do
  is_ipv4 "$seed" || fail "the ${CAST_CLOUD} metadata service gave the seed \"${seed}\", which is not an IPv4 address"
done
if [ "${#seeds[@]}" -gt 0 ]; then echo "${seeds[*]}"; fi
