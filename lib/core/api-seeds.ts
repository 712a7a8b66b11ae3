/**
 * The API seeds: the control planes' addresses, in the cluster's order, which a node asks
 * for the API the first time (bootstrap-node.sh, cast-api-proxy). Each cloud's node builder
 * carries them where they change in place (docs/decisions/0002-control-plane-survives-node-loss.md).
 *
 *   control plane                 every control plane's static public address
 *   worker on AWS, GCP or Azure   its cloud's control planes' private addresses (the cloud
 *   with control planes there     network, which the cluster-internal rule lets in), then
 *                                 the other control planes' public addresses
 *   worker on DigitalOcean, or    every control plane's static public address
 *   on a cloud without one
 *
 * A worker's private seeds are why an autoscaled node, whose public address the cloud picks
 * at boot, still reaches its cloud's control planes when `firewall.apiSourceRanges` is
 * narrowed. Only workers name another node's private address: a control plane naming one
 * would make a Terraform cycle between control planes. DigitalOcean's workers name none
 * (WORKERS_SEED_PRIVATELY says why), so narrowed ranges shut its autoscale pools out
 * (the cluster warns at synth).
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
 * Whether a cloud's workers name its control planes by their private addresses.
 *
 * Not on DigitalOcean, whose autoscale pool carries the seeds in its droplet template (its
 * tags; a pool has no other place for them) and replaces its droplets whenever that template
 * changes: the cooldown "prevents downtime during configuration changes by giving new
 * Droplets time to boot before destroying the old ones"
 * (docs.digitalocean.com/products/droplets/concepts/autoscale-pools, "Cooldown Duration"),
 * so a pool keeps its droplet template, seeds included, from its creation
 * (lib/nodes/scaling/digitalocean.ts): a private address would go stale when a DigitalOcean
 * control-plane droplet is replaced; its reserved IP stays (lib/nodes/digitalocean.ts). With public seeds only, a
 * replaced DigitalOcean control plane changes no pool template, and neither does upgrading
 * from a version whose seeds were all public. DigitalOcean's static workers share the
 * cloud's seeds; a narrowed API rule lets them in by their own address.
 *
 * The other clouds' groups keep their running VMs when the seeds change: AWS launch templates
 * get a new version and the group has no instance refresh (lib/nodes/scaling/aws.ts), GCP
 * groups update OPPORTUNISTIC (lib/nodes/scaling/gcp.ts), Azure scale sets take new tags
 * without updating any instance (lib/nodes/scaling/azure.ts).
 */
export const WORKERS_SEED_PRIVATELY: Readonly<Record<Cloud, boolean>> = {
  [Cloud.AWS]: true,
  [Cloud.GCP]: true,
  [Cloud.AZURE]: true,
  [Cloud.DIGITALOCEAN]: false,
};

/**
 * A worker's seeds on `cloud`, from the control planes in the cluster's order: where its cloud's
 * workers seed privately (WORKERS_SEED_PRIVATELY), its cloud's control planes by their private
 * addresses first, so that its proxy prefers them (it takes the first ready one), then the
 * others by their public addresses; elsewhere every control plane's public address, in order.
 */
export function workerApiSeeds(controlPlanes: readonly SeedControlPlane[], cloud: Cloud): string[] {
  if (!WORKERS_SEED_PRIVATELY[cloud]) return controlPlanes.map((cp) => cp.publicAddress);
  return [
    ...controlPlanes.filter((cp) => cp.cloud === cloud).map((cp) => cp.privateAddress),
    ...controlPlanes.filter((cp) => cp.cloud !== cloud).map((cp) => cp.publicAddress),
  ];
}
