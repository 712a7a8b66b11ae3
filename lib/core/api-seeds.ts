/**
 * The API seeds: the control planes' static public addresses, in the cluster's
 * order, which a node asks for the API the first time (bootstrap-node.sh,
 * cast-api-proxy). Each cloud's node builder carries them where they change in
 * place (docs/decisions/0002-control-plane-survives-node-loss.md).
 */

/**
 * The most seeds a node carries. AWS and Azure hold them in one tag value of at most
 * 256 characters (docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html, "Tag
 * restrictions"; learn.microsoft.com/azure/azure-resource-manager/management/tag-resources,
 * "Limitations"): a dotted IPv4 address and its separating space take at most 16, and
 * 15 seeds at most 239. The cluster refuses more control-plane nodes than this.
 */
export const MAX_API_SERVER_SEEDS = 15;

/** The AWS tag, Azure tag and GCP metadata key that carry the seeds (api-seeds.sh reads it). */
export const API_SERVERS_KEY = 'cast-api-servers';

/** The seeds as the builders take them: the addresses (Terraform references) joined by single spaces. */
export function joinApiSeeds(publicAddresses: readonly string[]): string {
  return publicAddresses.join(' ');
}
