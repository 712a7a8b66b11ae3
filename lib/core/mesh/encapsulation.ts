import { parseAddress } from '../cidr';
import { Cloud } from '../cloud';

/**
 * How a node of cross-location or cloud-network mode sends a packet on a `via` route (to a
 * same-cloud peer, or to its gateway): plain onto the cloud network, or inside a tunnel
 * between private addresses. The outer packets of a tunnel go private to private, which
 * every VPC delivers; the inner ones keep their addresses (a pod's, a mesh address).
 */
export enum Encapsulation {
  /** Plain routing `via` the peer's private address. */
  NONE = 'none',
  /** IP in IP (IP protocol 4, RFC 2003): Linux's ipip device. */
  IPIP = 'ipip',
  /** VXLAN (UDP port 4789, RFC 7348): Linux's vxlan device. */
  VXLAN = 'vxlan',
}

/** Every encapsulation. */
export const ALL_ENCAPSULATIONS: readonly Encapsulation[] = [Encapsulation.NONE, Encapsulation.IPIP, Encapsulation.VXLAN];

/**
 * Which encapsulation each cloud's network needs and carries.
 *
 * - AWS: none. Once source/destination check is off (the nodes turn it off), the VPC
 *   delivers a packet to the ENI it is sent to, whatever its destination
 *   (docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html, "Disable
 *   source/destination checks").
 * - GCP: IPIP. A VPC network delivers a packet to an instance only for its own (or alias)
 *   addresses unless a VPC route points at it (cloud.google.com/vpc/docs/routes,
 *   "Instances as next hops"), and pod CIDRs are allocated after synth, so no route can be
 *   planned. It carries IP protocol 4 between instances: VPC firewall rules name `ipip`
 *   among the protocols they allow (cloud.google.com/compute/docs/reference/rest/v1/firewalls,
 *   `allowed[].IPProtocol`), and Calico's documented way to route pods on GCE is IP-in-IP
 *   (docs.tigera.io/calico/latest/reference/public-cloud/gce). The cluster-internal
 *   firewall rule allows every protocol from the VPC range.
 * - Azure: VXLAN. A virtual network delivers to a NIC only its own addresses unless a
 *   user-defined route names the VM (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview),
 *   and it blocks IPIP: "Multicast, broadcast, IP-in-IP encapsulated packets, and Generic
 *   Routing Encapsulation (GRE) packets are blocked within VNets"
 *   (learn.microsoft.com/azure/virtual-network/virtual-networks-faq). Calico's mode on
 *   Azure is VXLAN for that reason (docs.tigera.io/calico/latest/reference/public-cloud/azure).
 * - DigitalOcean: VXLAN. Droplets may not send "traffic not matching a Droplet's IP
 *   address/MAC address" (docs.digitalocean.com/products/droplets/details/limits/), and
 *   Cloud Firewalls "only support ICMP, TCP, and UDP", on the VPC interface too
 *   (docs.digitalocean.com/products/networking/firewalls/details/limits/).
 *
 * Typhoon makes the same split: Calico IPIP on AWS and GCP, VXLAN on Azure and
 * DigitalOcean (poseidon/terraform-render-bootkube#131).
 */
export const DEFAULT_ENCAPSULATION: Readonly<Record<Cloud, Encapsulation>> = {
  [Cloud.AWS]: Encapsulation.NONE,
  [Cloud.GCP]: Encapsulation.IPIP,
  [Cloud.AZURE]: Encapsulation.VXLAN,
  [Cloud.DIGITALOCEAN]: Encapsulation.VXLAN,
};

/**
 * Bytes an encapsulation adds to each packet: IPIP an outer IPv4 header (20, RFC 2003);
 * VXLAN an outer IPv4 header (20), UDP (8), the VXLAN header (8) and the inner Ethernet
 * header (14) (RFC 7348, section 5).
 */
export const ENCAPSULATION_OVERHEAD: Readonly<Record<Encapsulation, number>> = {
  [Encapsulation.NONE]: 0,
  [Encapsulation.IPIP]: 20,
  [Encapsulation.VXLAN]: 50,
};

/** The IPIP device (`ip link replace cast-ipip type ipip local <private address>`), one per node for all peers. */
export const IPIP_DEVICE = 'cast-ipip';
/** The VXLAN device (`ip link add cast-vxlan type vxlan … local <private address> nolearning`), one per node for all peers. */
export const VXLAN_DEVICE = 'cast-vxlan';
/** VXLAN's IANA port (RFC 7348); Linux's default is the older 8472. */
export const VXLAN_PORT = 4789;
/** The VXLAN network identifier: one network per cluster, and the VPC holds one cluster. */
export const VXLAN_ID = 1;

/** The device a tunnelled node sends its `via` routes through. */
export function tunnelDevice(encapsulation: Encapsulation.IPIP | Encapsulation.VXLAN): string {
  return encapsulation === Encapsulation.IPIP ? IPIP_DEVICE : VXLAN_DEVICE;
}

/**
 * The VXLAN device's MAC address on the node whose private address is `privateAddress`:
 * 02:ca followed by the address's four bytes in hex (02: locally administered, unicast;
 * IEEE 802, section 8.2). Derived from the address, so no node publishes its MAC and an
 * address that moves to a new node keeps its neighbour and forwarding entries right.
 */
export function vxlanMac(privateAddress: string): string {
  const address = parseAddress(privateAddress);
  return ['02', 'ca', ...[24, 16, 8, 0].map((shift) => ((address >>> shift) & 0xff).toString(16).padStart(2, '0'))].join(':');
}
