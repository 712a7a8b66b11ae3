#!/usr/bin/env bash
# Finds this node's private address in the cloud's metadata service, for a node in
# cloud-network mode, whose mesh address it is (no CAST_MESH_ADDRESS, no mesh claim block
# in node.env), and appends CAST_MESH_ADDRESS='<private address>' to node.env (a later line
# wins when it is sourced). Run by bootstrap-node.sh before anything else, after
# node-identity.sh on a node of an autoscaled group.
#
# The user-data of a static node cannot hold it either: the address is an attribute of the
# node's own VM, and a VM whose user-data reads the VM is a dependency cycle for Terraform.
#
#   aws           IMDSv2 token, then latest/meta-data/local-ipv4
#   gcp           computeMetadata/v1/instance/network-interfaces/0/ip
#   azure         metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress (format=text)
#   digitalocean  metadata/v1/interfaces/private/0/ipv4/address
#
# Does nothing in the WireGuard modes (node.env has the mesh address, or mesh-up.sh claims
# one from CAST_MESH_CLAIM_CIDR) or on a re-run (node.env has it by then).
# CAST_NODE_ENV and CAST_METADATA_URL override the file and the service (tests).
set -euo pipefail
export LC_ALL=C

readonly NODE_ENV="${CAST_NODE_ENV:-/etc/cast/node.env}"

# shellcheck source=/dev/null
. "$NODE_ENV"

fail() {
  echo "cast-node-private-address: $*" >&2
  exit 1
}

if [ -n "${CAST_MESH_ADDRESS:-}" ] || [ -n "${CAST_MESH_CLAIM_CIDR:-}" ]; then
  exit 0
fi
: "${CAST_CLOUD:?missing in ${NODE_ENV}}"
# The metadata helpers (metadata_init, metadata_read, METADATA_URL), once there is something to find.
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/cloud-metadata.sh"

metadata_init "$CAST_CLOUD" || fail "CAST_CLOUD=${CAST_CLOUD} in ${NODE_ENV}: expected aws, gcp, azure or digitalocean"
case "$CAST_CLOUD" in
  aws) address="$(metadata_read meta-data/local-ipv4)" ;;
  gcp) address="$(metadata_read instance/network-interfaces/0/ip)" ;;
  azure) address="$(metadata_read 'instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress?api-version=2021-02-01&format=text')" ;;
  digitalocean) address="$(metadata_read interfaces/private/0/ipv4/address)" ;;
esac

[[ "$address" =~ ^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$ ]] ||
  fail "private address \"${address}\" from the ${CAST_CLOUD} metadata service is not an IPv4 address"

# Start on a line of our own even when the file lacks its last newline.
if [ -n "$(tail -c 1 "$NODE_ENV")" ]; then echo >>"$NODE_ENV"; fi
printf "# Found at boot by node-private-address.sh.\nCAST_MESH_ADDRESS='%s'\n" "$address" >>"$NODE_ENV"
echo "cast-node-private-address: mesh address ${address}, the private address"
