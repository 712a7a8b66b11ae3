import { cidrProblem, formatAddress, parseCidr } from '../cidr';
import { Encapsulation, IPIP_DEVICE, VXLAN_DEVICE, VXLAN_ID, VXLAN_PORT, vxlanMac } from './encapsulation';
import { findNodePlan } from './find-node-plan';
import { MeshNodePlan, MeshPlan } from './mesh-plan';

/** Options for `renderInterfaceSetup`. */
export interface InterfaceSetupOptions {
  /**
   * Name of the WireGuard interface on the node.
   * @default 'wg0'
   */
  readonly interfaceName?: string;
}

/**
 * What `wg setconf` cannot set: the interface's mesh address, MTU and up state, the
 * node's tunnel device and its routes, as command lines in the order to run them. Each
 * line starts with `ip ` (run it with ip(8), e.g. `ip -batch` minus the leading `ip`) or
 * `bridge ` (run it with bridge(8), `bridge -batch`); the `bridge` lines come last and need
 * only the device the `ip` lines make. Every line is idempotent except `ip link add`
 * (below).
 *
 * ```
 * ip link set dev wg0 mtu 1440
 * ip address replace 10.4.17.3/32 dev wg0
 * ip link set dev wg0 up
 * ip route replace 10.4.80.12/32 dev wg0                        # through WireGuard
 * ip route replace 10.244.3.0/24 via 10.10.0.12 src 10.4.17.3   # through the cloud network
 * ```
 *
 * A node with an `encapsulation` (cross-location or cloud-network mode on GCP, Azure or
 * DigitalOcean) gets its tunnel device after the WireGuard lines, and its `via` routes go
 * through it, the via address being the outer destination (one device for all peers, like
 * Calico's IPIP and VXLAN modes). IPIP (`ip link replace` makes the device or leaves an
 * equal one as it is):
 *
 * ```
 * ip link replace cast-ipip type ipip local 10.20.0.7 ttl 64
 * ip link set dev cast-ipip mtu 1440 up
 * ip address replace 10.244.7.0/32 dev cast-ipip
 * ip route replace 10.244.3.0/24 via 10.20.0.12 dev cast-ipip onlink src 10.4.17.3
 * ```
 *
 * VXLAN: the device learns nothing; each next hop gets a permanent neighbour entry (its
 * MAC, `vxlanMac` of its address) and a forwarding entry (that MAC is behind its address).
 * The kernel's vxlan driver refuses to change an existing device's port ("Cannot change
 * VxLAN port"), even to the same value, so `ip link replace` fails on a second run: the
 * line is `ip link add`, which the applier runs only when no such device exists (and after
 * deleting one of other settings):
 *
 * ```
 * ip link add cast-vxlan type vxlan id 1 dstport 4789 local 10.30.0.7 nolearning ttl 64
 * ip link set dev cast-vxlan address 02:ca:0a:1e:00:07 mtu 1450 up
 * ip address replace 10.244.7.0/32 dev cast-vxlan
 * ip neigh replace 10.30.0.12 lladdr 02:ca:0a:1e:00:0c dev cast-vxlan nud permanent
 * ip route replace 10.244.3.0/24 via 10.30.0.12 dev cast-vxlan onlink src 10.4.17.3
 * bridge fdb replace 02:ca:0a:1e:00:0c dev cast-vxlan dst 10.30.0.12 self permanent
 * ```
 *
 * The tunnel device holds the network address of the node's pod CIDR (when the node has a
 * concrete one), as flannel's VXLAN device does ("just used as a source address for host
 * to workload traffic, so the return path for the traffic has an address on the flannel
 * network", flannel-io/flannel pkg/backend/vxlan/vxlan.go): a packet the node itself sends
 * into the tunnel without a route source (cloud-network mode) or masqueraded to the
 * tunnel's address (kube-proxy, for a Service's pod) then carries a source the peer routes
 * back through the tunnel. Without it the source is the node's private address: the peer
 * answers outside the tunnel with a pod's address as source, which DigitalOcean drops, and
 * a strict `rp_filter` drops at the node (docs/mesh.md, "Reverse-path filtering").
 *
 * Routes through the cloud network take the mesh address as source, so the far gateway's
 * AllowedIPs (which list mesh addresses, not private ones) accept the packets.
 * Cloud-network plans give no WireGuard lines and routes without `src` (no mesh address
 * is on an interface). The tunnel's MTU is the node's `tunnelMtu`, WireGuard's the plan's
 * `mtu`. Creating the WireGuard interface (kernel module or wireguard-go) and
 * `net.ipv4.ip_forward=1` (kubeadm's preflight requires it anyway) are the node's business.
 */
export function renderInterfaceSetup(plan: MeshPlan, nodeName: string, options: InterfaceSetupOptions = {}): string[] {
  const device = options.interfaceName ?? 'wg0';
  // IFNAMSIZ is 16 bytes with the terminating NUL.
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(device)) {
    throw new Error(`interfaceName must be 1 to 15 letters, digits, "_", "." or "-" (got ${JSON.stringify(device)}). Use a Linux interface name such as wg0.`);
  }
  const node = findNodePlan(plan, nodeName);
  const tunnel = tunnelLines(node);
  const onto = tunnel ? ` dev ${tunnel.device} onlink` : '';
  const src = plan.wireGuard ? ` src ${node.meshAddress}` : '';
  const routes = node.routes.map((route) =>
    route.via === undefined ? `ip route replace ${route.destination} dev ${device}` : `ip route replace ${route.destination} via ${route.via}${onto}${src}`,
  );
  const wireGuard = plan.wireGuard ? [`ip link set dev ${device} mtu ${plan.mtu}`, `ip address replace ${node.meshAddress}/32 dev ${device}`, `ip link set dev ${device} up`] : [];
  return [...wireGuard, ...(tunnel?.before ?? []), ...routes, ...(tunnel?.after ?? [])];
}

/** The tunnel device's lines: `before` the routes (device, address, neighbours), `after` them (bridge forwarding entries). */
function tunnelLines(node: MeshNodePlan): { device: string; before: string[]; after: string[] } | undefined {
  if (node.encapsulation === undefined) return undefined;
  const device = node.encapsulation === Encapsulation.IPIP ? IPIP_DEVICE : VXLAN_DEVICE;
  const address = node.podCidr !== undefined && cidrProblem(node.podCidr) === undefined ? [`ip address replace ${formatAddress(parseCidr(node.podCidr).network)}/32 dev ${device}`] : [];
  if (node.encapsulation === Encapsulation.IPIP) {
    return { device, before: [`ip link replace ${device} type ipip local ${node.privateAddress} ttl 64`, `ip link set dev ${device} mtu ${node.tunnelMtu} up`, ...address], after: [] };
  }
  // One neighbour and one forwarding entry per next hop, in the order the routes first name them.
  const hops = [...new Set(node.routes.flatMap((route) => (route.via === undefined ? [] : [route.via])))];
  return {
    device,
    before: [
      `ip link add ${device} type vxlan id ${VXLAN_ID} dstport ${VXLAN_PORT} local ${node.privateAddress} nolearning ttl 64`,
      `ip link set dev ${device} address ${vxlanMac(node.privateAddress)} mtu ${node.tunnelMtu} up`,
      ...address,
      ...hops.map((hop) => `ip neigh replace ${hop} lladdr ${vxlanMac(hop)} dev ${device} nud permanent`),
    ],
    after: hops.map((hop) => `bridge fdb replace ${vxlanMac(hop)} dev ${device} dst ${hop} self permanent`),
  };
}
