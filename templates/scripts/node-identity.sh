#!/usr/bin/env bash
# Finds this node's identity in the cloud's metadata service, for a node of an autoscaled
# group (CAST_NODE_IDENTITY=from-metadata): its node name, public address and provider id
# are not known at synth time. Run by bootstrap-node.sh before anything else; appends
#
#   CAST_NODE_NAME='…'  CAST_PUBLIC_ADDRESS='…'  CAST_PROVIDER_ID='…'
#
# to node.env (a later line wins when it is sourced). The private address, the mesh address
# in cloud-network mode, is node-private-address.sh's, which runs next.
#
#   cloud         name                     public address               provider id
#   aws           <prefix>-<instance id>   meta-data/public-ipv4        aws:///<az>/<instance id>
#   gcp           instance/name            …/access-configs/0/external-ip  gce://<project>/<zone>/<name>
#   azure         osProfile.computerName   …ipAddress[0].publicIpAddress   azure:///subscriptions/…/virtualMachines/<n>
#   digitalocean  metadata/v1/hostname     interfaces/public/0/ipv4/address  digitalocean://<id>
#
# Does nothing for a static node, or when node.env already has a node name (a re-run).
# CAST_NODE_ENV and CAST_METADATA_URL override the file and the service (tests).
set -euo pipefail
# Names and addresses are checked with ASCII ranges, whatever the locale.
export LC_ALL=C

readonly NODE_ENV="${CAST_NODE_ENV:-/etc/cast/node.env}"

# shellcheck source=/dev/null
. "$NODE_ENV"

log() { echo "cast-node-identity: $*"; }
fail() {
  echo "cast-node-identity: $*" >&2
  exit 1
}

if [ "${CAST_NODE_IDENTITY:-static}" != from-metadata ]; then
  exit 0
fi
if [ -n "${CAST_NODE_NAME:-}" ]; then
  log "${NODE_ENV} already names this node ${CAST_NODE_NAME}; nothing to do"
  exit 0
fi
: "${CAST_CLOUD:?missing in ${NODE_ENV}}"
# The metadata helpers (metadata_init, metadata_get, metadata_read, METADATA_URL), once there is something to find.
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/cloud-metadata.sh"

# A name the kubelet and the API server accept: a lowercase DNS label.
is_dns_label() {
  [ "${#1}" -le 63 ] && [[ "$1" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]]
}

is_ipv4() {
  local octet
  [[ "$1" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
  for octet in "${BASH_REMATCH[@]:1}"; do
    [ "$((10#$octet))" -le 255 ] || return 1
  done
}

# One path segment of a provider id: no '/', quote, space or anything sed or YAML would read.
is_id_part() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._:()-]*$ ]]
}

check_id_part() { # <what> <value>
  is_id_part "$2" || fail "the metadata service gave $1 \"$2\", which cannot be part of a provider id"
}

name='' public_address='' provider_id=''

aws_identity() {
  : "${CAST_NODE_NAME_PREFIX:?missing in ${NODE_ENV} (AWS names nodes <prefix>-<instance id>)}"
  local instance_id zone
  instance_id="$(metadata_read meta-data/instance-id)"
  zone="$(metadata_read meta-data/placement/availability-zone)"
  check_id_part 'the instance id' "$instance_id"
  check_id_part 'the availability zone' "$zone"
  name="${CAST_NODE_NAME_PREFIX}-${instance_id}"
  provider_id="aws:///${zone}/${instance_id}"
  public_address="$(metadata_read meta-data/public-ipv4)"
}

gcp_identity() {
  local project zone
  name="$(metadata_read instance/name)"
  project="$(metadata_read project/project-id)"
  zone="$(metadata_read instance/zone)" # projects/<number>/zones/<zone>
  zone="${zone##*/}"
  check_id_part 'the project id' "$project"
  check_id_part 'the zone' "$zone"
  check_id_part 'the instance name' "$name"
  provider_id="gce://${project}/${zone}/${name}"
  public_address="$(metadata_read instance/network-interfaces/0/access-configs/0/external-ip)"
}

azure_identity() {
  local document fields vm_name subscription group scale_set index private_address
  document="$(metadata_get 'instance?api-version=2021-02-01')" ||
    fail "could not read metadata/instance from ${METADATA_URL}"
  # One field a line: computer name, VM name, subscription, resource group, scale set,
  # public and private address of the first interface ('' when missing).
  fields="$(python3 -c 'import json, sys
doc = json.load(sys.stdin)
compute = doc.get("compute") or {}
def address(kind):
    try:
        return doc["network"]["interface"][0]["ipv4"]["ipAddress"][0][kind]
    except (KeyError, IndexError, TypeError):
        return ""
values = [(compute.get("osProfile") or {}).get("computerName"), compute.get("name"), compute.get("subscriptionId"),
          compute.get("resourceGroupName"), compute.get("vmScaleSetName"), address("publicIpAddress"), address("privateIpAddress")]
print("\n".join(" ".join(str(v or "").split()) for v in values))' <<<"$document")" ||
    fail "metadata/instance from ${METADATA_URL} is not the JSON document expected"
  {
    read -r name
    read -r vm_name
    read -r subscription
    read -r group
    read -r scale_set
    read -r public_address
    read -r private_address
  } <<<"$fields"
  # A scale set's VMs are named <scale set>_<instance index>.
  index="${vm_name##*_}"
  [[ "$vm_name" == *_* && "$index" =~ ^[0-9]+$ ]] ||
    fail "compute.name \"${vm_name}\" is not <scale set>_<index>: is this VM in a scale set?"
  check_id_part 'the subscription id' "$subscription"
  check_id_part 'the resource group' "$group"
  check_id_part 'the scale set name' "$scale_set"
  provider_id="azure:///subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachineScaleSets/${scale_set}/virtualMachines/${index}"
  # metadata/instance leaves a Standard-SKU public IP out; the loadbalancer document lists it
  # by private address, read here only as that key (kubernetes-sigs/cloud-provider-azure#535).
  if [ -z "$public_address" ]; then
    document="$(metadata_get 'loadbalancer?api-version=2020-10-01')" ||
      fail "metadata/instance has no public address and metadata/loadbalancer could not be read from ${METADATA_URL}"
    public_address="$(python3 -c 'import json, sys
entries = (json.load(sys.stdin).get("loadbalancer") or {}).get("publicIpAddresses") or []
print(next((e.get("frontendIpAddress") or "" for e in entries if e.get("privateIpAddress") == sys.argv[1]), ""))' "$private_address" <<<"$document")" ||
      fail "metadata/loadbalancer from ${METADATA_URL} is not the JSON document expected"
  fi
}

digitalocean_identity() {
  local droplet_id
  name="$(metadata_read hostname)"
  droplet_id="$(metadata_read id)"
  [[ "$droplet_id" =~ ^[0-9]+$ ]] || fail "the metadata service gave the droplet id \"${droplet_id}\", expected digits"
  provider_id="digitalocean://${droplet_id}"
  public_address="$(metadata_read interfaces/public/0/ipv4/address)"
}

metadata_init "$CAST_CLOUD" || fail "CAST_CLOUD=${CAST_CLOUD} in ${NODE_ENV}: expected aws, gcp, azure or digitalocean"
case "$CAST_CLOUD" in
  aws) aws_identity ;;
  gcp) gcp_identity ;;
  azure) azure_identity ;;
  digitalocean) digitalocean_identity ;;
esac

name="${name,,}"
is_dns_label "$name" ||
  fail "node name \"${name}\" from the ${CAST_CLOUD} metadata service is not a lowercase DNS label of at most 63 characters"
is_ipv4 "$public_address" ||
  fail "public address \"${public_address}\" from the ${CAST_CLOUD} metadata service is not an IPv4 address (does the group give its VMs public addresses?)"

lines="CAST_NODE_NAME='${name}'
CAST_PUBLIC_ADDRESS='${public_address}'
CAST_PROVIDER_ID='${provider_id}'"
# Start on a line of our own even when the file lacks its last newline.
if [ -n "$(tail -c 1 "$NODE_ENV")" ]; then echo >>"$NODE_ENV"; fi
printf '# Found at boot by node-identity.sh.\n%s\n' "$lines" >>"$NODE_ENV"
log "this node is ${name} (public ${public_address}, provider id ${provider_id})"
