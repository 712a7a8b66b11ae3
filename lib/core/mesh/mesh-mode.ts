/**
 * How cluster nodes reach each other's mesh addresses and pod CIDRs.
 *
 * The three modes of the original platform; Kilo calls the first two
 * granularities `full` and `location`.
 */
export enum MeshMode {
  /** Every node peers every other node over WireGuard, whatever its cloud. */
  FULL_MESH = 'full-mesh',
  /**
   * Nodes of one cloud use the cloud network between them; a few gateways per
   * cloud peer over WireGuard with the gateways of the other clouds.
   */
  CROSS_LOCATION = 'cross-location',
  /** No WireGuard at all: only valid when every node is in the same cloud. */
  CLOUD_NETWORK = 'cloud-network',
}

/** Every mode, in the order the library documents them. */
export const ALL_MESH_MODES: readonly MeshMode[] = [MeshMode.FULL_MESH, MeshMode.CROSS_LOCATION, MeshMode.CLOUD_NETWORK];
