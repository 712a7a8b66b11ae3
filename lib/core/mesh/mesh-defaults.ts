/** Mesh range of the seed address plan. */
export const DEFAULT_MESH_CIDR = '10.4.0.0/16';

/** WireGuard's registered port, used on every node. */
export const DEFAULT_LISTEN_PORT = 51820;

/**
 * Seconds between keepalives. Cloud firewalls and 1:1 NAT (AWS, GCP and Azure
 * public addresses) forget an idle UDP flow after a minute or more; 25 s is the
 * value wg(8) suggests for peers behind NAT.
 */
export const DEFAULT_PERSISTENT_KEEPALIVE = 25;

/** Gateways per cloud in cross-location mode. */
export const DEFAULT_GATEWAYS_PER_CLOUD = 1;
