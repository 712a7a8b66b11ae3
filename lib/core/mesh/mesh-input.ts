import { Cloud } from '../cloud';
import { NodeRole } from '../node-role';
import { Encapsulation } from './encapsulation';
import { MeshMode } from './mesh-mode';

/**
 * One cluster node as the mesh planner sees it.
 *
 * Addresses and the pod CIDR are opaque strings: in a synthesized stack they are
 * Terraform references such as `${aws_eip.cp1.public_ip}`, and the planner only
 * copies them into endpoints, AllowedIPs and routes. Only the mesh address is
 * computed, from the name and the mesh CIDR.
 */
export interface MeshNodeInput {
  /** Node name, as Kubernetes knows it (lowercase DNS subdomain). Also the allocation key of its mesh address. */
  readonly name: string;
  /** Cloud the node runs in; nodes of one cloud share a cloud network. */
  readonly cloud: Cloud;
  /** Role of the node; in cross-location mode control-plane nodes are preferred as gateways. */
  readonly role: NodeRole;
  /** Address other clouds reach the node on (WireGuard endpoint). */
  readonly publicAddress: string;
  /** Address on the cloud network, reachable only from the same cloud. */
  readonly privateAddress: string;
  /**
   * Pod CIDR the node owns; routed to the node and added to its AllowedIPs.
   * @default - the node carries no pod range (only its mesh address is routed)
   */
  readonly podCidr?: string;
  /**
   * Mesh address to pin (a host address inside the mesh CIDR), e.g. to keep an
   * address a node had before a rename.
   * @default - allocated from the node name (see allocateMeshAddresses)
   */
  readonly meshAddress?: string;
  /**
   * Cross-location mode only: `true` makes the node a gateway of its cloud,
   * `false` keeps it from ever being one (e.g. a node without a public address).
   * @default - chosen by the planner (control-plane nodes first, then by name)
   */
  readonly gateway?: boolean;
}

/** A named address range the mesh range must not overlap (VPC ranges, pod and service ranges). */
export interface NamedRange {
  /** What the range is, for messages (e.g. `aws vpc`, `pods`). */
  readonly name: string;
  /** The range, a concrete IPv4 CIDR. */
  readonly cidr: string;
}

/** Everything `planMesh` needs. */
export interface PlanMeshInput {
  /** The cluster nodes, in any order (the plan does not depend on it). */
  readonly nodes: readonly MeshNodeInput[];
  /** How nodes reach each other. */
  readonly mode: MeshMode;
  /**
   * Range mesh addresses are allocated from; must be concrete (not a token).
   * @default '10.4.0.0/16'
   */
  readonly meshCidr?: string;
  /**
   * UDP port WireGuard listens on, on every node.
   * @default 51820
   */
  readonly listenPort?: number;
  /**
   * MTU of the WireGuard interface, on every node.
   * @default - the smallest over the clouds of the nodes of (their network's MTU, at most
   * 1500, minus WireGuard's 60 bytes): 1400 with a GCP node, 1440 otherwise (`defaultWireGuardMtu`)
   */
  readonly mtu?: number;
  /**
   * Cross-location mode: how many nodes of each cloud peer across clouds
   * (fewer when a cloud has fewer eligible nodes).
   * @default 1
   */
  readonly gatewaysPerCloud?: number;
  /**
   * Seconds between keepalive packets to each peer; 0 turns keepalives off.
   * @default 25
   */
  readonly persistentKeepalive?: number;
  /**
   * Ranges the mesh CIDR must not overlap.
   * @default - none
   */
  readonly otherRanges?: readonly NamedRange[];
  /**
   * Cross-location and cloud-network modes: the encapsulation of the `via` routes of the
   * nodes of a cloud, for the clouds given; the others keep `DEFAULT_ENCAPSULATION` (none
   * on AWS, IPIP on GCP, VXLAN on Azure and DigitalOcean). The cloud network must carry it
   * between the nodes (IP protocol 4 for IPIP, UDP port 4789 for VXLAN).
   * @default - DEFAULT_ENCAPSULATION
   */
  readonly encapsulation?: Readonly<Partial<Record<Cloud, Encapsulation>>>;
}
