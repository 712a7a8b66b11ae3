/** The checks on a renderClusterAutoscalerManifests input, one `<prop> must be <rule> (got <value>). <fix>` line each. */
import { Cloud } from '../cloud';
import { kubernetesVersionProblem } from '../kubernetes-version';
import type { AutoscaledCloud, ClusterAutoscalerManifestsInput } from './cluster-autoscaler-manifests';

/** Clouds whose autoscaled groups cluster-autoscaler resizes (docs/autoscaling.md says why not GCP and DigitalOcean). */
export const CLUSTER_AUTOSCALER_CLOUDS: readonly Cloud[] = [Cloud.AWS, Cloud.AZURE];

/** Why a cloud gets none: its groups scale themselves on utilisation (utilizationTargets). */
const NO_AUTOSCALER_REASON: Readonly<Partial<Record<Cloud, string>>> = {
  [Cloud.GCP]: "Upstream's GCE provider stops scale-up in a cluster with nodes whose providerID is empty or not gce:// (kubernetes/autoscaler#10140), and this cluster always has such nodes; GCP managed instance groups scale with their own autoscaler. Leave GCP out.",
  [Cloud.DIGITALOCEAN]: 'cluster-autoscaler has no provider for plain Droplets; DigitalOcean autoscale pools scale themselves. Leave DigitalOcean out.',
};

/** Every problem; empty when the input can be rendered. */
export function clusterAutoscalerInputProblems(input: ClusterAutoscalerManifestsInput): string[] {
  const problems: string[] = [];
  const versionProblem = kubernetesVersionProblem(input.kubernetesVersion);
  if (versionProblem !== undefined) problems.push(versionProblem);
  if (input.clouds.length === 0) {
    problems.push('clouds must name at least one cloud with scaled groups (got none). Render no autoscaler manifests when no group is autoscaled.');
  }
  const seen = new Set<Cloud>();
  for (const cloud of input.clouds) {
    if (seen.has(cloud.cloud)) problems.push(`clouds must name each cloud once (got "${cloud.cloud}" twice). Merge its groups into one entry.`);
    seen.add(cloud.cloud);
    problems.push(...cloudProblems(cloud));
  }
  const node = input.smallestScaledNode;
  if (!(node.vcpu > 0) || !(node.memoryGiB > 0)) {
    problems.push(`smallestScaledNode must have positive vcpu and memoryGiB (got ${JSON.stringify(node)}). Pass the shape of the smallest scaled group.`);
  }
  return problems;
}

function cloudProblems(entry: AutoscaledCloud): string[] {
  const at = `clouds[${entry.cloud}]`;
  if (!CLUSTER_AUTOSCALER_CLOUDS.includes(entry.cloud)) {
    const reason = NO_AUTOSCALER_REASON[entry.cloud] ?? 'Leave it out.';
    return [`${at} must be aws or azure, the clouds that run cluster-autoscaler (got "${entry.cloud}"). ${reason}`];
  }
  const problems: string[] = [];
  if (entry.groups.length === 0) problems.push(`${at}.groups must hold at least one scaled group (got none). Leave the cloud out instead.`);
  const names = new Set<string>();
  for (const group of entry.groups) {
    const g = `${at}.groups[${group.name}]`;
    if (names.has(group.name)) problems.push(`${g} must be named once (got "${group.name}" twice). Give each group its own name.`);
    names.add(group.name);
    if (!Number.isInteger(group.minNodes) || !Number.isInteger(group.maxNodes) || group.minNodes < 0 || group.maxNodes < 1 || group.minNodes > group.maxNodes) {
      problems.push(`${g} must have whole 0 ≤ minNodes ≤ maxNodes, maxNodes ≥ 1 (got ${group.minNodes}:${group.maxNodes}). Check the group with scaledGroupProblems first.`);
    }
    problems.push(...valueProblems(`${g}.autoscalerRef`, group.autoscalerRef));
  }
  if (entry.cloud === Cloud.AWS) {
    if (entry.aws === undefined) problems.push(`${at}.aws must be given on AWS (got none). Pass the region.`);
    else problems.push(...valueProblems(`${at}.aws.region`, entry.aws.region));
  }
  if (entry.cloud === Cloud.AZURE) {
    if (entry.azure === undefined) {
      problems.push(`${at}.azure must be given on Azure (got none). Pass subscriptionId, resourceGroup and clientId.`);
    } else {
      for (const key of ['subscriptionId', 'resourceGroup', 'clientId'] as const) problems.push(...valueProblems(`${at}.azure.${key}`, entry.azure[key]));
    }
  }
  return problems;
}

/** A value that goes into a double-quoted scalar: non-empty, one line; concrete text without `"` or `\`. */
function valueProblems(prop: string, value: string): string[] {
  if (typeof value !== 'string' || value.trim() === '' || /[\n\r]/.test(value)) {
    return [`${prop} must be a non-empty single-line text (got ${JSON.stringify(value)}). Pass the name or a Terraform expression for it.`];
  }
  if (/\s/.test(value) && !value.includes('${')) {
    return [`${prop} must have no white space (got ${JSON.stringify(value)}). It is part of a command-line flag.`];
  }
  return [];
}
