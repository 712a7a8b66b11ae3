#!/usr/bin/env bash
# Keeps pods away from the cloud's instance metadata service, which serves this node's
# user-data (a bootstrap token; on some control planes the cluster's keys) and the access
# tokens of the VM's identity, while leaving them the DNS resolver that shares its address:
# - 169.254.169.254: the metadata service of AWS (docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html),
#   GCP (cloud.google.com/compute/docs/metadata/overview), Azure (IMDS,
#   learn.microsoft.com/azure/virtual-machines/instance-metadata-service) and DigitalOcean
#   (docs.digitalocean.com/reference/api/metadata/); on GCP also the VM's DNS resolver: "Each
#   instance has a metadata server that also acts as a DNS resolver for that instance"
#   (cloud.google.com/compute/docs/internal-dns).
# - 168.63.129.16: Azure's WireServer (the VM agent's channel, ports 80 and 32526) and its
#   "DNS virtual server" (learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16).
# Pods (CoreDNS) resolve through the node's resolver, so DNS (53, udp and tcp) to these
# addresses passes and everything else from the pod range is dropped. On AWS the IMDSv2 hop
# limit of 1 already stops pods; the rule costs nothing there. Pods on the host network are
# not covered (they are the host).
#
# Run at every boot by cast-metadata-guard.service, before the kubelet starts pods, and safe
# to run again: the chain CAST-METADATA is replaced whole (iptables-restore --noflush flushes
# a chain it declares) and FORWARD gets its one jump only when it lacks it.
set -euo pipefail

# shellcheck source=/dev/null
. "${CAST_NODE_ENV:-/etc/cast/node.env}"
: "${CAST_POD_CIDR:?missing in /etc/cast/node.env}"

iptables-restore -w --noflush <<'EOF'
*filter
:CAST-METADATA - [0:0]
-A CAST-METADATA -d 169.254.169.254/32 -p udp --dport 53 -j RETURN
-A CAST-METADATA -d 169.254.169.254/32 -p tcp --dport 53 -j RETURN
-A CAST-METADATA -d 169.254.169.254/32 -j DROP
-A CAST-METADATA -d 168.63.129.16/32 -p udp --dport 53 -j RETURN
-A CAST-METADATA -d 168.63.129.16/32 -p tcp --dport 53 -j RETURN
-A CAST-METADATA -d 168.63.129.16/32 -j DROP
COMMIT
EOF
jump=(FORWARD -s "$CAST_POD_CIDR" -j CAST-METADATA)
iptables -w -C "${jump[@]}" 2>/dev/null || iptables -w -I "${jump[@]}"
