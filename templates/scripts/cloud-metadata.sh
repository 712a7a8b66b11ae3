#!/usr/bin/env bash
# What node-identity.sh, node-private-address.sh and api-seeds.sh share: how to ask this
# cloud's metadata service. Sourced, never run; the sourcing script defines fail <message>.
#
#   cloud         paths under                 every request carries
#   aws           /latest/                    X-aws-ec2-metadata-token (IMDSv2: PUT latest/api/token first)
#   gcp           /computeMetadata/v1/        Metadata-Flavor: Google
#   azure         /metadata/                  Metadata: true (and an api-version in the path)
#   digitalocean  /metadata/v1/               nothing
#
# All four answer at 169.254.169.254 (GCP's metadata.google.internal is that address:
# cloud.google.com/compute/docs/metadata). CAST_METADATA_URL overrides it (tests).
#
#   metadata_init <cloud>   once, in the script's own shell (not in $(...)): the AWS token
#   metadata_get <path>     the body at <path>, or a non-zero status (curl says why)
#   metadata_read <path>    the same, or fail "could not read <path> from <service>"

METADATA_URL="${CAST_METADATA_URL:-http://169.254.169.254}"
METADATA_CLOUD=''
METADATA_AWS_TOKEN=''

# The service answers within milliseconds; retry while the network is still coming up.
metadata_fetch() {
  curl -fsS --noproxy '*' --connect-timeout 5 --max-time 10 \
    --retry 10 --retry-delay 2 --retry-connrefused --retry-max-time 120 "$@"
}

metadata_init() { # <cloud>
  METADATA_CLOUD="$1"
  case "$METADATA_CLOUD" in
    aws)
      METADATA_AWS_TOKEN="$(metadata_fetch -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "${METADATA_URL}/latest/api/token")" ||
        fail "no IMDSv2 token from ${METADATA_URL}/latest/api/token"
      ;;
    gcp | azure | digitalocean) ;;
    *) return 1 ;;
  esac
}

# The path as people know it: meta-data/…, computeMetadata/v1/…, metadata/…, metadata/v1/….
metadata_shown() { # <path>
  case "$METADATA_CLOUD" in
    aws) echo "$1" ;;
    gcp) echo "computeMetadata/v1/$1" ;;
    azure) echo "metadata/$1" ;;
    digitalocean) echo "metadata/v1/$1" ;;
  esac
}

metadata_get() { # <path>
  case "$METADATA_CLOUD" in
    aws) metadata_fetch -H "X-aws-ec2-metadata-token: ${METADATA_AWS_TOKEN}" "${METADATA_URL}/latest/$1" ;;
    gcp) metadata_fetch -H 'Metadata-Flavor: Google' "${METADATA_URL}/computeMetadata/v1/$1" ;;
    azure) metadata_fetch -H 'Metadata: true' "${METADATA_URL}/metadata/$1" ;;
    digitalocean) metadata_fetch "${METADATA_URL}/metadata/v1/$1" ;;
    *) return 1 ;;
  esac
}

metadata_read() { # <path>
  metadata_get "$1" || fail "could not read $(metadata_shown "$1") from ${METADATA_URL}"
}
