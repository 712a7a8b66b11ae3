/** The contract between NodeGroup and each cloud's node builder. */
import { ITerraformDependable, TerraformProvider, TerraformResource, TerraformResourceLifecycle } from 'cdktf';
import { ClusterLabels } from '../core/cluster-labels';
import { NodeRole } from '../core/node-role';
import { CloudLocation } from '../core/regions';
import { ControlPlaneIdentity, NodeIdentity } from '../keys';
import { NetworkAttachment } from '../network/network-spec';
import { AutoscalerIdentity } from './scaling/scaling-spec';

/** One node, as every cloud's `buildNode` gets it. */
export interface NodeSpec {
  /** Node name: Kubernetes node name, instance name, construct id. */
  readonly name: string;
  readonly role: NodeRole;
  readonly instanceType: string;
  /**
   * The image (AMI id, GCP image, Azure `publisher:offer:sku:version`, DigitalOcean image id or slug):
   * the group's override, or the cloud's pinned image (lib/nodes/os-image.ts). A running VM keeps the
   * image it was created with (runningVmLifecycle).
   */
  readonly image: string;
  readonly diskSizeGb: number;
  readonly spot: boolean;
  readonly labels: ClusterLabels;
  readonly location: CloudLocation;
  readonly network: NetworkAttachment;
  readonly provider?: TerraformProvider;
  /**
   * The node's user-data, given the node's own static public address: a single
   * Terraform reference (to a local), safe to wrap in base64gzip or base64encode.
   */
  readonly userData: (publicAddress: string) => string;
  /** Azure only: the OpenSSH public key Azure requires on every Linux VM. */
  readonly sshPublicKey?: string;
  /** Resources the instance must be created after (what its bootstrap downloads). */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Control-plane nodes: the identity the cloud's cluster-autoscaler runs with on
   * them, asked for at synth (undefined while the cloud has no autoscaled group).
   */
  readonly autoscalerIdentity?: () => AutoscalerIdentity | undefined;
  /**
   * Control-plane nodes: the identity they read the cloud's key store with
   * (docs/decisions/0003). The builder attaches it to the VM.
   * @default - none: workers, and control planes on DigitalOcean (keys in user-data)
   */
  readonly controlPlaneIdentity?: ControlPlaneIdentity;
  /**
   * Workers: the identity they read the cloud's join token with (docs/decisions/0006), asked
   * for at synth (undefined while the cluster has no control plane on the cloud). The builder
   * attaches it to the VM, lazily.
   * @default - none: control planes, and workers on DigitalOcean
   */
  readonly workerIdentity?: () => NodeIdentity | undefined;
  /**
   * The control planes' static public addresses ("seeds"), in the cluster's order,
   * joined by single spaces: a Terraform expression. The node reads them from its
   * cloud's metadata (api-seeds.sh) to find the API the first time. They never go into
   * user-data, which would change on every node when a control plane comes or goes
   * (docs/decisions/0002): the builder puts them where a change is applied in place
   * (AWS and Azure: the tag `cast-api-servers`; GCP: the metadata key `cast-api-servers`;
   * DigitalOcean: one tag `cast-api:<index>:<a-b-c-d>` per seed). At most
   * MAX_API_SERVER_SEEDS addresses.
   * @default - no seeds: nothing is added, and api-seeds.sh on the node prints nothing
   */
  readonly apiServers?: string;
  /**
   * The node's replacement stamp (NodeGroupOptions.replacements): a `terraform_data` whose change
   * replaces the VM (`replace_triggered_by`).
   * @default - nothing replaces the VM but a change the cloud forces
   */
  readonly replacement?: TerraformResource;
}

export { API_SERVERS_KEY, MAX_API_SERVER_SEEDS } from '../core/api-seeds';

/**
 * The lifecycle of a static node's VM, given its attributes that hold the user data and the
 * image (docs/decisions/0004, 0009). A node reads its user data once, at its first boot, and
 * boots its image once; after that a change to either (a new library version, a Kubernetes
 * version, an autoscaling policy, a newer pinned image) would only restart every AWS node of
 * the cluster (a stop and start) or replace every node whose attribute forces a new VM, in the
 * same apply: for control planes etcd would lose its quorum, or every member at once, and the
 * new VMs would found an empty cluster; for workers every workload would move at once. So a
 * running node keeps both; a new or replaced one gets the current ones, and the node's
 * replacement stamp, when it changes, replaces that one VM (`replace_triggered_by`), which
 * rolls a change out one node per deploy (docs/lifecycle.md).
 */
export function runningVmLifecycle(spec: Pick<NodeSpec, 'replacement'>, kept: readonly string[]): TerraformResourceLifecycle {
  // The stamp's bare address: cdktf would write a resource as "${type.name}", which Terraform's JSON
  // syntax refuses in replace_triggered_by ("Invalid character"), where it takes references as written.
  return { ignoreChanges: [...kept], ...(spec.replacement ? { replaceTriggeredBy: [resourceAddress(spec.replacement)] } : {}) };
}

/** What the cluster learns about a built node, as Terraform references. */
export interface NodeAttachment {
  /** The static public address (EIP, static external address, public IP, reserved IP). */
  readonly publicAddress: string;
  /**
   * The public address the node's own connections leave from, which other clouds' firewalls
   * see: the node's API rule source when apiSourceRanges is narrowed.
   * @default - publicAddress (AWS, GCP and Azure send from the static address they receive on)
   */
  readonly egressAddress?: string;
  /**
   * The address on the cloud network. An attribute of the node's own VM (Azure: its NIC),
   * so never part of the node's own user-data, which would make a Terraform cycle; the
   * node reads it from the metadata service at boot (node-private-address.sh).
   */
  readonly privateAddress: string;
  /** Terraform address of the instance resource (for the cluster description). */
  readonly instanceAddress: string;
  /**
   * How load balancers name the node as a target: the EC2 instance id, the GCP
   * instance self link, the Azure network interface id, the droplet id.
   */
  readonly targetId: string;
}

/** Terraform address of a resource in its stack (`type.name`). */
export function resourceAddress(resource: { terraformResourceType: string; friendlyUniqueId: string }): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
