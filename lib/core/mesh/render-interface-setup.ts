import { findNodePlan } from './find-node-plan';
import { IPIP_DEVICE } from './ipip';
import { MeshPlan } from './mesh-plan';

/** Options for `renderInterfaceSetup`. */
export interface InterfaceSetupOptions {
  /**
   * Name of the WireGuard interface on the node.
   * @default 'wg0'
   */
  readonly interfaceName?: string;
}

/**
 * What `wg setconf` cannot set: the interface's mesh address, MTU and up state,
 * and the node's routes, as `ip` command lines in the order to run them
 * (idempotent: `replace`, not `add`):
 *
 * ```
 * ip link set dev wg0 mtu 1420
 * ip address replace 10.4.17.3/32 dev wg0
 * ip link set dev wg0 up
 * ip route replace 10.4.80.12/32 dev wg0                        # through WireGuard
 * ip route replace 10.244.3.0/24 via 10.10.0.12 src 10.4.17.3   # through the cloud network
 * ```
 *
 * On an `ipip` node (cross-location or cloud-network mode, a cloud of `ipipClouds`) the IPIP
 * device comes first and the `via` routes go through it; the via address is
 * the outer destination (one device for all peers, like Calico's IPIP mode):
 *
 * ```
 * ip link replace cast-ipip type ipip local 10.20.0.7 ttl 64
 * ip link set dev cast-ipip mtu 1420 up
 * ip route replace 10.244.3.0/24 via 10.20.0.12 dev cast-ipip onlink src 10.4.17.3
 * ```
 *
 * Routes through the cloud network take the mesh address as source, so the far
 * gateway's AllowedIPs (which list mesh addresses, not private ones) accept the
 * packets. Cloud-network plans give only `ip route replace <pod CIDR> via
 * <private>` lines (no mesh address, so no `src`), after the IPIP lines and
 * with ` dev cast-ipip onlink` on an `ipip` node. Creating the interface (kernel module or wireguard-go) and
 * `net.ipv4.ip_forward=1` (kubeadm's preflight requires it anyway) are the
 * node's business.
 */
export function renderInterfaceSetup(plan: MeshPlan, nodeName: string, options: InterfaceSetupOptions = {}): string[] {
  const device = options.interfaceName ?? 'wg0';
  // IFNAMSIZ is 16 bytes with the terminating NUL.
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(device)) {
    throw new Error(`interfaceName must be 1 to 15 letters, digits, "_", "." or "-" (got ${JSON.stringify(device)}). Use a Linux interface name such as wg0.`);
  }
  const node = findNodePlan(plan, nodeName);
  // The inner packets keep the mesh MTU, so that the outer ones (20 bytes more) fit every cloud network (GCP's default is 1460).
  const tunnel = node.ipip ? [`ip link replace ${IPIP_DEVICE} type ipip local ${node.privateAddress} ttl 64`, `ip link set dev ${IPIP_DEVICE} mtu ${plan.mtu} up`] : [];
  const onto = node.ipip ? ` dev ${IPIP_DEVICE} onlink` : '';
  if (!plan.wireGuard) return [...tunnel, ...node.routes.map((route) => `ip route replace ${route.destination} via ${route.via}${onto}`)];
  return [
    `ip link set dev ${device} mtu ${plan.mtu}`,
    `ip address replace ${node.meshAddress}/32 dev ${device}`,
    `ip link set dev ${device} up`,
    ...tunnel,
    ...node.routes.map((route) =>
      route.via === undefined
        ? `ip route replace ${route.destination} dev ${device}`
        : `ip route replace ${route.destination} via ${route.via}${onto} src ${node.meshAddress}`,
    ),
  ];
}
