/**
 * The contract between NodeGroup (autoscaled groups) and each cloud's
 * scaling-group builder: one launch template / instance template / scale set /
 * droplet autoscale pool for the whole group, built from the same bootstrap as
 * a static worker, and the scoped identity the cloud's cluster-autoscaler runs with.
 */
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { ClusterLabels } from '../../core/cluster-labels';
import { CloudLocation } from '../../core/regions';
import type { NodeIdentity } from '../../keys/key-store-spec';
import { NetworkAttachment } from '../../network/network-spec';

/** A Kubernetes taint as the autoscaler's node template describes it. */
export interface ScalingNodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** One autoscaled worker group, as every cloud's `buildScalingGroup` gets it. */
export interface ScalingGroupSpec {
  /**
   * The group's name on the cloud: `<cluster>-<group id>` (ASG, MIG, VMSS, pool).
   * Also the prefix of the instance names where the cloud names instances after the group.
   */
  readonly name: string;
  /** The cluster name (cluster-autoscaler discovery tags name it). */
  readonly clusterName: string;
  readonly instanceType: string;
  /** Image: AMI id, GCP image, Azure `publisher:offer:sku:version`, DigitalOcean slug. */
  readonly image: string;
  readonly diskSizeGb: number;
  readonly spot: boolean;
  /** Fewest nodes the group keeps (0 allowed: scale from zero). */
  readonly minNodes: number;
  /** Most nodes the group may have. */
  readonly maxNodes: number;
  readonly labels: ClusterLabels;
  readonly location: CloudLocation;
  readonly network: NetworkAttachment;
  readonly provider?: TerraformProvider;
  /**
   * The user-data of every instance of the group: a single Terraform reference
   * (to a local), safe to wrap in base64gzip / base64encode.
   */
  readonly userData: string;
  /** Azure and DigitalOcean: the OpenSSH public key the cloud requires (its private half stays in state). */
  readonly sshPublicKey?: string;
  /** Resources the group must be created after (what its bootstrap downloads). */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The Kubernetes labels and taints the nodes register with, for the
   * autoscaler's node template (scale from zero): AWS and Azure carry them as tags.
   */
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly nodeTaints: readonly ScalingNodeTaint[];
  /**
   * GCP and DigitalOcean: the group scales itself on utilisation (the MIG's own
   * autoscaler; a droplet autoscale pool), since cluster-autoscaler cannot serve
   * them in this cluster (docs/autoscaling.md); targets are fractions in (0, 1].
   */
  readonly utilizationTarget?: { readonly cpu: number; readonly memory: number };
  /** GCP and DigitalOcean: minutes between scaling actions (the policy's empty-node removal delay). */
  readonly cooldownMinutes?: number;
  /**
   * The seeds of a worker on the group's cloud (lib/core/api-seeds.ts), joined by single
   * spaces: a Terraform expression, as NodeSpec.apiServers. They go on the template the
   * group's instances start from, outside user-data (AWS: the launch template's instance
   * tags; GCP: the instance template's metadata; Azure: the scale set's tags; DigitalOcean:
   * the pool's droplet tags). New seeds reach the nodes the group starts from then on. A
   * running node keeps the seeds it started with (it has learned the control planes from
   * the cluster by then) on AWS and GCP; Azure's see the new tags after a reboot. A
   * DigitalOcean pool keeps the droplet template it was created with, seeds included,
   * until it is replaced (lib/nodes/scaling/digitalocean.ts).
   * @default - no seeds: nothing is added, and api-seeds.sh on the node prints nothing
   */
  readonly apiServers?: string;
  /**
   * The identity the group's instances read the cloud's join token with (docs/decisions/0006),
   * asked for at synth (undefined while the cluster has no control plane on the cloud). The
   * builder attaches it to the template, lazily.
   * @default - none: DigitalOcean
   */
  readonly workerIdentity?: () => NodeIdentity | undefined;
}

/** What the cluster learns about a built scaling group. */
export interface ScalingGroupAttachment {
  /** The group's name on the cloud (what the autoscaler's `--nodes` / discovery names). */
  readonly groupName: string;
  /** Terraform address of the group resource (for the cluster description). */
  readonly groupAddress: string;
  /**
   * How cluster-autoscaler names the group (`--nodes`): the ASG name (AWS), the VMSS
   * name (Azure); GCP and DigitalOcean groups scale themselves (the MIG, the pool id).
   */
  readonly autoscalerRef: string;
}

/**
 * What every cloud's `grantAutoscaler` gets: once per cloud with autoscaled
 * groups. GCP and DigitalOcean grant nothing: their groups scale themselves.
 */
export interface AutoscalerGrantSpec {
  readonly clusterName: string;
  readonly labels: ClusterLabels;
  readonly location: CloudLocation;
  readonly network: NetworkAttachment;
  readonly provider?: TerraformProvider;
}

/**
 * The identity the cloud's control-plane nodes get, so the cluster-autoscaler
 * running there (host network) can resize the cluster's groups and nothing else.
 * Terraform references; the fields of the cloud that made it are set.
 */
export interface AutoscalerIdentity {
  /**
   * AWS: the cluster-autoscaler's policy document (JSON). AWS has no identity of the
   * autoscaler's own: the cluster attaches this to the role of its AWS control planes (the
   * key store's, lib/keys/aws.ts), whose instance profile they already carry.
   */
  readonly awsPolicy?: string;
  /** Azure: the user-assigned identity id for the VM's `identity` block. */
  readonly azureIdentityId?: string;
  /** Azure: the identity's client id (ARM_USER_ASSIGNED_IDENTITY_ID). */
  readonly azureClientId?: string;
  /** Azure: the subscription id (ARM_SUBSCRIPTION_ID). */
  readonly azureSubscriptionId?: string;
}
