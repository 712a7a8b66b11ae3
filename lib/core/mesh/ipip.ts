import { Cloud } from '../cloud';

/**
 * Clouds whose network delivers a packet to a VM only when the VM owns its
 * destination address (or the VPC has a route for it), so that routing a
 * peer's mesh /32 or pod CIDR `via` its private address is dropped. In
 * cross-location and cloud-network modes their nodes reach same-cloud peers
 * (and, cross-location, their gateway) through an IPIP tunnel between private addresses instead
 * (`IPIP_DEVICE`); the outer packets are private to private, which every VPC
 * delivers.
 *
 * - GCP: a VPC is an L3 network; an instance receives only packets for its own
 *   (or alias) addresses unless `can_ip_forward` is set and a VPC route points
 *   at it (cloud.google.com/vpc/docs/using-routes, "Instances as next hops").
 *   Pod CIDRs are allocated by kube-controller-manager after synth, so no such
 *   route can be planned.
 * - Azure: the virtual network delivers to a NIC only its own addresses unless
 *   IP forwarding is on and a user-defined route names the VM
 *   (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview).
 * - DigitalOcean: VPC networks give no custom routes to droplets; treated like
 *   GCP and Azure (not verified either way; the tunnel works on any network).
 *
 * AWS is left out: once source/destination check is off (the nodes turn it
 * off), the VPC delivers a packet to the ENI it is sent to, whatever its
 * destination (docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html,
 * "Disable source/destination checks").
 */
export const DEFAULT_IPIP_CLOUDS: readonly Cloud[] = [Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];

/** The IPIP device (`ip link ... type ipip local <private address>`) on nodes of `DEFAULT_IPIP_CLOUDS`. */
export const IPIP_DEVICE = 'cast-ipip';
