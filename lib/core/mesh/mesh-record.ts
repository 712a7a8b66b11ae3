import { Cloud } from '../cloud';
import { NodeRole } from '../node-role';
import { MeshNodeInput } from './mesh-input';

/**
 * What a node publishes about itself at run time, for the other nodes' agents
 * (docs/mesh.md, "At run time"): the data of its ConfigMap in the `cast-mesh`
 * namespace, or one JSON file in the agent's test backend. Every value is a
 * string, as ConfigMap data is.
 */
export interface MeshRecord {
  /** Node name (also the ConfigMap's name). */
  readonly name: string;
  /** The node's cloud (`aws`, `gcp`, `azure`, `digitalocean`). */
  readonly cloud: string;
  /** `control-plane` or `worker`. */
  readonly role: string;
  /** WireGuard public key (`wg pubkey` of the key made on the node); empty in cloud-network mode. */
  readonly publicKey: string;
  /** Public address peers send WireGuard packets to (no port). */
  readonly endpoint: string;
  /** Mesh address (from the node's user-data, allocated by allocateMeshAddresses at synth). */
  readonly meshAddress: string;
  /** Address on the cloud network. */
  readonly privateAddress: string;
  /**
   * The node's `spec.podCIDR`, once Kubernetes has allocated it.
   * @default - not yet known: only the mesh address is routed
   */
  readonly podCidr?: string;
  /**
   * `true` or `false`: the node's gateway pin (cross-location mode).
   * @default - no pin
   */
  readonly gateway?: string;
}

/**
 * The planner input for a record: what an agent feeds its twin of `planMesh`.
 * The mesh address is pinned to the published one (the node holds it already);
 * values are copied, not checked (`planMesh` checks them).
 */
export function meshNodeInputOfRecord(record: MeshRecord): MeshNodeInput {
  return {
    name: record.name,
    cloud: record.cloud as Cloud,
    role: record.role as NodeRole,
    publicAddress: record.endpoint,
    privateAddress: record.privateAddress,
    meshAddress: record.meshAddress,
    ...(record.podCidr ? { podCidr: record.podCidr } : {}),
    ...(record.gateway ? { gateway: record.gateway === 'true' } : {}),
  };
}
