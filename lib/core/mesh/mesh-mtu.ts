import { ALL_CLOUDS, Cloud } from '../cloud';
import { Encapsulation, ENCAPSULATION_OVERHEAD } from './encapsulation';

/**
 * The MTU of each cloud's network between two VMs of the cluster (same VPC, private addresses).
 *
 * - AWS: 9001 inside a VPC (jumbo frames), but 1500 "over an internet gateway"
 *   (docs.aws.amazon.com/AWSEC2/latest/UserGuide/network_mtu.html): capped by
 *   `INTERNET_MTU` on every path that leaves the VPC.
 * - GCP: 1460, the default of a VPC network (cloud.google.com/vpc/docs/mtu); the
 *   cluster's network (lib/network/gcp.ts) sets no other.
 * - Azure: 1500, "The default value MTU setting in Azure is 1500 bytes"
 *   (learn.microsoft.com/azure/virtual-network/how-to-virtual-machine-mtu).
 * - DigitalOcean: 1500, Ethernet's; DigitalOcean documents no other for Droplets or VPC
 *   networks (docs.digitalocean.com/products/networking/vpc/, docs.digitalocean.com/products/droplets/details/limits/).
 */
export const CLOUD_NETWORK_MTU: Readonly<Record<Cloud, number>> = {
  [Cloud.AWS]: 9001,
  [Cloud.GCP]: 1460,
  [Cloud.AZURE]: 1500,
  [Cloud.DIGITALOCEAN]: 1500,
};

/** The MTU of the internet between clouds: Ethernet's, what AWS allows through an internet gateway. */
export const INTERNET_MTU = 1500;

/**
 * What WireGuard adds to a packet over IPv4: outer IPv4 header 20, UDP 8, WireGuard's data
 * header 16 and its authentication tag 16 (wireguard.com/papers/wireguard.pdf, section 5.4.6).
 * Node endpoints are IPv4 public addresses; an IPv6 endpoint would add 20 more (set `mtu`).
 */
export const WIREGUARD_OVERHEAD = 60;

/** The largest packet a node of `cloud` can send without fragmenting on every path out of its VPC. */
export function directMtu(cloud: Cloud): number {
  return Math.min(CLOUD_NETWORK_MTU[cloud], INTERNET_MTU);
}

/**
 * The WireGuard MTU when none is set: the smallest over the clouds of the cluster of
 * (`directMtu` − 60), so that an encrypted packet leaves and enters every node's network
 * whole: 1400 with a GCP node, 1440 otherwise. WireGuard packets cross the internet, or
 * (cross-location, full mesh inside one cloud) the VPC, and each end sends at its own MTU,
 * so the smallest network of the cluster decides.
 */
export function defaultWireGuardMtu(clouds: Iterable<Cloud>): number {
  let mtu = INTERNET_MTU - WIREGUARD_OVERHEAD;
  for (const cloud of clouds) mtu = Math.min(mtu, directMtu(cloud) - WIREGUARD_OVERHEAD);
  return mtu;
}

/** The MTU of a node's tunnel device: its network's MTU minus what the encapsulation adds (GCP IPIP 1440, Azure and DigitalOcean VXLAN 1450). */
export function tunnelMtu(cloud: Cloud, encapsulation: Encapsulation): number {
  return CLOUD_NETWORK_MTU[cloud] - ENCAPSULATION_OVERHEAD[encapsulation];
}

/**
 * The MTU of a node's pods: the smallest of the paths their packets take, so that no pod
 * sends a packet some path must fragment: out of the VPC (`directMtu`), through WireGuard
 * (`wireGuardMtu`, when the plan runs WireGuard), through the node's tunnel (`tunnel`, when
 * it has one).
 */
export function podMtu(cloud: Cloud, wireGuardMtu: number | undefined, tunnel: number | undefined): number {
  return Math.min(directMtu(cloud), wireGuardMtu ?? Infinity, tunnel ?? Infinity);
}

/** The clouds in `nodes`, in the library's order. */
export function cloudsOf(nodes: readonly { readonly cloud: Cloud }[]): Cloud[] {
  return ALL_CLOUDS.filter((cloud) => nodes.some((node) => node.cloud === cloud));
}
