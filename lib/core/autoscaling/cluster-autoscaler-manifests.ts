/**
 * The in-cluster side of autoscaling, as one multi-document YAML string the
 * init node applies: cluster-autoscaler's RBAC, one cluster-autoscaler
 * Deployment per cloud with scaled groups (docs/design/autoscaling.md,
 * decision 3), and the overprovisioning that holds the headroom (decision 4).
 * Rendered from templates/autoscaling/ with named values. Pure; no cdktf import.
 *
 * Only AWS and Azure get a cluster-autoscaler: upstream's GCE provider stops
 * scale-up in a cluster with nodes whose providerID is empty or not `gce://`
 * (kubernetes/autoscaler#10140), and ours always has such nodes, so GCP
 * managed instance groups and DigitalOcean pools scale themselves
 * (utilization-targets.ts).
 *
 * The result is a Terraform template string: template text is escaped, and a
 * value holding a Terraform expression (`${aws_autoscaling_group.w.name}`) is
 * copied verbatim so Terraform resolves it at apply time. Such a value sits in
 * a double-quoted YAML scalar, so it must resolve to text without `"`, `\` or
 * a line feed (names, ids and regions do).
 */
import { escapeTerraformTemplate, renderTemplateFile } from '../bootstrap/render-template';
import { ALL_CLOUDS, Cloud } from '../cloud';
import { PlanError } from '../plan-error';
import { CLUSTER_PROPORTIONAL_AUTOSCALER_IMAGE, clusterAutoscalerImage, PAUSE_IMAGE } from './autoscaler-images';
import { AutoscalingPolicy } from './autoscaling-policy';
import { planOverprovisioning } from './overprovisioning';
import { clusterAutoscalerInputProblems } from './validate-cluster-autoscaler-input';

/** One scaled group as its cloud's cluster-autoscaler sees it. */
export interface AutoscaledGroupRef {
  /** The NodeGroup's name; orders the `--nodes` flags. */
  readonly name: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  /**
   * What `--nodes=<min>:<max>:<ref>` names: the AWS Auto Scaling group name
   * or the Azure scale set name. May be a Terraform expression.
   */
  readonly autoscalerRef: string;
}

/** AWS facts of the autoscaler's node. */
export interface AwsAutoscalerFacts {
  /** May be a Terraform expression. */
  readonly region: string;
}

/** Azure facts: the user-assigned identity the control-plane VMs carry, and where the scale sets live. */
export interface AzureAutoscalerFacts {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** The client id of the user-assigned managed identity. */
  readonly clientId: string;
}

/**
 * One cloud whose groups a cluster-autoscaler scales: AWS or Azure (GCP and
 * DigitalOcean groups scale themselves). Its `--cores-total` is the policy's
 * whole range: every instance counts every node of the cluster.
 */
export interface AutoscaledCloud {
  readonly cloud: Cloud;
  readonly groups: readonly AutoscaledGroupRef[];
  /** Required on AWS. */
  readonly aws?: AwsAutoscalerFacts;
  /** Required on Azure. */
  readonly azure?: AzureAutoscalerFacts;
}

/** What the manifests are rendered from. */
export interface ClusterAutoscalerManifestsInput {
  /** Picks the cluster-autoscaler release (clusterAutoscalerImage). */
  readonly kubernetesVersion: string;
  readonly policy: AutoscalingPolicy;
  /** At least one; AWS and Azure only. */
  readonly clouds: readonly AutoscaledCloud[];
  /** The smallest node of any scaled group (DigitalOcean included); sizes the placeholder pods. */
  readonly smallestScaledNode: { readonly vcpu: number; readonly memoryGiB: number };
}

/** `--cloud-provider` per cloud. */
export const CLOUD_PROVIDER_FLAG: Readonly<Partial<Record<Cloud, string>>> = {
  [Cloud.AWS]: 'aws',
  [Cloud.AZURE]: 'azure',
};

/** The Deployment, lease and status ConfigMap name of one cloud's instance: instances must not share a lease. */
export function clusterAutoscalerName(cloud: Cloud): string {
  return `cluster-autoscaler-${cloud}`;
}

/** Renders every manifest; throws a PlanError listing every problem with the input. */
export function renderClusterAutoscalerManifests(input: ClusterAutoscalerManifestsInput): string {
  const problems = clusterAutoscalerInputProblems(input);
  if (problems.length > 0) throw new PlanError(problems);
  const clouds = [...input.clouds].sort((a, b) => ALL_CLOUDS.indexOf(a.cloud) - ALL_CLOUDS.indexOf(b.cloud));
  const names = clouds.map((c) => clusterAutoscalerName(c.cloud));
  const documents = [
    renderTemplateFile('autoscaling/cluster-autoscaler-rbac.yaml', {
      lease_names: flowList(names),
      status_config_maps: flowList([...names.map((n) => `${n}-status`), 'cluster-autoscaler-priority-expander']),
    }),
    ...clouds.map((c) => renderTemplateFile('autoscaling/cluster-autoscaler-deployment.yaml', {
      name: clusterAutoscalerName(c.cloud),
      cloud: c.cloud,
      image: clusterAutoscalerImage(input.kubernetesVersion, c.cloud),
      args: flowList(clusterAutoscalerArgs(c, input.policy)),
      env: `[${clusterAutoscalerEnv(c).map(([name, value]) => `{name: ${name}, value: ${quoted(value)}}`).join(', ')}]`,
    })),
  ];
  const overprovisioning = planOverprovisioning({ ...input.policy, smallestNode: input.smallestScaledNode });
  if (overprovisioning !== undefined) {
    documents.push(renderTemplateFile('autoscaling/overprovisioning.yaml', {
      min_replicas: String(overprovisioning.linear.min),
      pause_image: PAUSE_IMAGE,
      cpu: quoted(`${overprovisioning.cpuMillis}m`),
      memory: quoted(`${overprovisioning.memoryMiB}Mi`),
      linear: `'${JSON.stringify({ ...overprovisioning.linear, preventSinglePointFailure: false, includeUnschedulableNodes: false })}'`,
      cpa_image: CLUSTER_PROPORTIONAL_AUTOSCALER_IMAGE,
    }));
  }
  // The templates' header comments stay in the files: the user-data budget is small.
  return documents.map((d) => d.replace(/^(#[^\n]*\n)+/, '').replace(/\n+$/, '\n')).join('---\n');
}

/**
 * The flags of one instance. Groups are listed explicitly with exact bounds
 * rather than discovered by tag, so the flags say what the synth said.
 * `--cores-total` is the policy's whole `minCores:maxCores`, not a share:
 * cluster-autoscaler counts toward it its own groups' target sizes and every
 * node outside them (`nodesFromNotAutoscaledGroups`: static nodes, control
 * planes, the other clouds' scaled nodes), so the total it compares is
 * already the whole cluster's.
 * `--scale-down-delay-after-add` takes the same delay as
 * `--scale-down-unneeded-time`: a node just added is not weighed for removal
 * sooner than an idle one would be removed.
 */
export function clusterAutoscalerArgs(cloud: AutoscaledCloud, policy: AutoscalingPolicy): string[] {
  const name = clusterAutoscalerName(cloud.cloud);
  const delay = `${policy.emptyNodeRemovalDelayMinutes}m`;
  const groups = [...cloud.groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [
    `--cloud-provider=${CLOUD_PROVIDER_FLAG[cloud.cloud]}`,
    ...groups.map((g) => `--nodes=${g.minNodes}:${g.maxNodes}:${g.autoscalerRef}`),
    `--cores-total=${policy.minCores}:${policy.maxCores}`,
    `--scale-down-unneeded-time=${delay}`,
    `--scale-down-delay-after-add=${delay}`,
    '--expander=least-waste',
    '--balance-similar-node-groups',
    '--skip-nodes-with-local-storage=false',
    `--leader-elect-resource-name=${name}`,
    `--status-config-map-name=${name}-status`,
  ];
}

/** Environment of one instance: how it finds its cloud and identity. */
export function clusterAutoscalerEnv(cloud: AutoscaledCloud): [string, string][] {
  switch (cloud.cloud) {
    case Cloud.AWS:
      return [['AWS_REGION', cloud.aws!.region]];
    case Cloud.AZURE:
      return [
        ['ARM_USE_MANAGED_IDENTITY_EXTENSION', 'true'],
        ['ARM_USER_ASSIGNED_IDENTITY_ID', cloud.azure!.clientId],
        ['ARM_SUBSCRIPTION_ID', cloud.azure!.subscriptionId],
        ['ARM_RESOURCE_GROUP', cloud.azure!.resourceGroup],
        ['ARM_VM_TYPE', 'vmss'],
      ];
    default:
      // Refused by clusterAutoscalerInputProblems before rendering.
      throw new Error(`no cluster-autoscaler for ${cloud.cloud}`);
  }
}

/** A double-quoted YAML scalar: a Terraform expression verbatim, other text JSON-escaped and escaped for Terraform. */
function quoted(value: string): string {
  return value.includes('${') ? `"${value}"` : escapeTerraformTemplate(JSON.stringify(value));
}

function flowList(values: readonly string[]): string {
  return `[${values.map(quoted).join(', ')}]`;
}
