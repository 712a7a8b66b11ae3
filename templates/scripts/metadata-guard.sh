#!/usr/bin/env bash
# Keeps pods away from the cloud's instance metadata service, which serves this node's
# user-data: on control-plane nodes that holds the cluster CA keys. On AWS the IMDSv2 hop
# limit of 1 already stops pods; GCP, Azure and DigitalOcean answer any caller on the host.
# Run at every boot by cast-metadata-guard.service, before the kubelet starts pods. Pods on
# the host network are not covered (they are the host).
set -euo pipefail

# shellcheck source=/dev/null
. /etc/cast/node.env
: "${CAST_POD_CIDR:?missing in /etc/cast/node.env}"

# 169.254.169.254: the metadata service of all four clouds; 168.63.129.16: Azure's
# WireServer, which serves VM extension settings.
for destination in 169.254.169.254/32 168.63.129.16/32; do
  rule=(FORWARD -s "$CAST_POD_CIDR" -d "$destination" -j DROP)
  iptables -w -C "${rule[@]}" 2>/dev/null || iptables -w -I "${rule[@]}"
done
