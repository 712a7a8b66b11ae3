import { Cloud } from '../cloud';
import { NodeRole } from '../node-role';
import { Encapsulation } from './encapsulation';
import { MeshMode } from './mesh-mode';

/**
 * The mesh topology: what every view (WireGuard config, interface setup,
 * diagram) is rendered from. Plain data, sorted, JSON-serializable.
 *
 * Peer and route objects are shared between nodes where they are equal (in a
 * full mesh of 1000 nodes every node lists the same 999 peer objects), so treat
 * the plan as read-only.
 */
export interface MeshPlan {
  /** Mode the plan was computed for. */
  readonly mode: MeshMode;
  /** Range mesh addresses come from. */
  readonly meshCidr: string;
  /** WireGuard listen port of every node. */
  readonly listenPort: number;
  /**
   * MTU of every WireGuard interface: the input's `mtu`, else `defaultWireGuardMtu` of the
   * clouds of the nodes (1400 with a GCP node, 1440 otherwise).
   */
  readonly mtu: number;
  /** Keepalive interval in seconds on every peer; 0 means none. */
  readonly persistentKeepalive: number;
  /** True when nodes run a WireGuard interface (every mode but cloud-network). */
  readonly wireGuard: boolean;
  /** One entry per node, sorted by name. */
  readonly nodes: readonly MeshNodePlan[];
}

/** One node's share of the plan. */
export interface MeshNodePlan {
  /** Node name. */
  readonly name: string;
  /** Cloud of the node. */
  readonly cloud: Cloud;
  /** Role of the node. */
  readonly role: NodeRole;
  /** Mesh address (dotted quad, no prefix); allocated even in cloud-network mode so switching modes moves nothing. */
  readonly meshAddress: string;
  /** Public address, as given. */
  readonly publicAddress: string;
  /** Private address, as given. */
  readonly privateAddress: string;
  /** Pod CIDR, as given. */
  readonly podCidr?: string;
  /**
   * True when the node peers across clouds: every node in full-mesh mode, the
   * chosen gateways in cross-location mode, none in cloud-network mode.
   */
  readonly gateway: boolean;
  /**
   * The gateway that carries this node's traffic to other clouds (itself when
   * it is a gateway).
   * @default - absent in cloud-network mode
   */
  readonly gatewayName?: string;
  /** WireGuard peers, sorted by name. Empty for non-gateways and in cloud-network mode. */
  readonly peers: readonly MeshPeer[];
  /**
   * Routes to install on the node, ordered by the name of the node they lead to
   * (mesh address first, then pod CIDR).
   */
  readonly routes: readonly MeshRoute[];
  /**
   * Cross-location or cloud-network mode, a node of a cloud whose encapsulation is not
   * `none` (IPIP on GCP, VXLAN on Azure and DigitalOcean by default): its routes with `via`
   * go through the tunnel device (`tunnelDevice`, local end the node's private address) to
   * the `via` address, instead of straight onto the cloud network. Absent otherwise.
   */
  readonly encapsulation?: Encapsulation.IPIP | Encapsulation.VXLAN;
  /**
   * MTU of the tunnel device: the cloud network's MTU minus the encapsulation's overhead
   * (`tunnelMtu`). Present with `encapsulation`.
   */
  readonly tunnelMtu?: number;
  /**
   * MTU of the node's pods (the CNI bridge's): the smallest of the paths their packets take
   * (`podMtu`): out of the VPC, through WireGuard when the plan runs it, through the tunnel
   * when the node has one.
   */
  readonly podMtu: number;
}

/** One `[Peer]` section. */
export interface MeshPeer {
  /** Name of the peer node; its public key is looked up by this name. */
  readonly name: string;
  /** `publicAddress:listenPort` of the peer (`[address]:port` for IPv6). */
  readonly endpoint: string;
  /**
   * What the peer may send and is sent: in full mesh its mesh /32 and pod CIDR;
   * for a gateway in cross-location mode the mesh /32 and pod CIDR of every
   * node of its cloud that it carries.
   */
  readonly allowedIps: readonly string[];
  /** Keepalive interval in seconds; 0 means none. */
  readonly persistentKeepalive: number;
}

/**
 * A route on the node. Without `via` the destination is reached through the
 * WireGuard interface (which then picks the peer by AllowedIPs); with `via` it
 * is reached through the cloud network (inside a tunnel packet to `via` on a
 * node with an `encapsulation`), and in WireGuard modes the node's mesh address is the source,
 * so that the far gateway's AllowedIPs accept the reply.
 */
export interface MeshRoute {
  /** Destination CIDR (a mesh /32 or a pod CIDR). */
  readonly destination: string;
  /**
   * Next hop on the cloud network (a private address).
   * @default - through the WireGuard interface
   */
  readonly via?: string;
}
