/**
 * The API seeds: the control planes' addresses, in the cluster's order, which a node asks
 * for the API the first time (bootstrap-node.sh, cast-api-proxy). Each cloud's node builder
 * carries them where they change in place (docs/decisions/0002-control-plane-survives-node-loss.md).
 *
 *   control plane                 every control plane's static public address
 *   worker on a cloud with        its cloud's control planes' private addresses (the cloud
 *   control planes                network, which the cluster-internal rule lets in), then
 *                                 the other control planes' public addresses
 *   worker elsewhere              every control plane's static public address
 *
 * A worker's private seeds are why an autoscaled node, whose public address the cloud picks
 * at boot, still reaches its cloud's control planes when `firewall.apiSourceRanges` is
 * narrowed. Only workers name another node's private address: a control plane naming one
 * would make a Terraform cycle between control planes.
 */
import { Cloud } from './cloud';

/**
 * The most seeds a node carries. AWS and Azure hold them in one tag value of at most
 * 256 characters (docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html, "Tag
 * restrictions"; learn.microsoft.com/azure/azure-resource-manager/management/tag-resources,
 * "Limitations"): a dotted IPv4 address and its separating space take at most 16, and
 * 15 seeds at most 239. The cluster refuses more control-plane nodes than this; every
 * node's list names each control plane once, so it holds no more seeds than that.
 */
export const MAX_API_SERVER_SEEDS = 15;

/** The AWS tag, Azure tag and GCP metadata key that carry the seeds (api-seeds.sh reads it). */
export const API_SERVERS_KEY = 'cast-api-servers';

/** A control plane as the seeds name it: its cloud and its addresses (Terraform references). */
export interface SeedControlPlane {
  readonly cloud: Cloud;
  readonly publicAddress: string;
  readonly privateAddress: string;
}

/** The seeds as the builders take them: the addresses (Terraform references) joined by single spaces. */
export function joinApiSeeds(addresses: readonly string[]): string {
  return addresses.join(' ');
}

/**
 * A worker's seeds on `cloud`, from the control planes in the cluster's order: its cloud's
 * by their private addresses first, so that its proxy prefers them (it takes the first
 * ready one), then the others by their public addresses.
 */
export function workerApiSeeds(controlPlanes: readonly SeedControlPlane[], cloud: Cloud): string[] {
  return [
    ...controlPlanes.filter((cp) => cp.cloud === cloud).map((cp) => cp.privateAddress),
    ...controlPlanes.filter((cp) => cp.cloud !== cloud).map((cp) => cp.publicAddress),
  ];
}
