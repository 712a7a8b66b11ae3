/**
 * The contract between a NodeGroup and its cluster, as node-spec.ts is the one
 * between NodeGroup and each cloud's builder: the group's options with their
 * defaults applied, and what the cluster hands a group it admits. The cluster
 * renders every user-data at synth from its plan (lib/core/cluster-plan.ts);
 * the group only puts it where its cloud reads it.
 */
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { UtilizationTargets } from '../core/autoscaling';
import { NodeBootstrapTaint } from '../core/bootstrap/node-bootstrap-input';
import { ClusterLabels } from '../core/cluster-labels';
import { NodeGroupInput } from '../core/node-plan';
import { CloudLocation } from '../core/regions';
import { ControlPlaneKeyStore } from '../keys';
import { NetworkAttachment } from '../network/network-spec';
import { AutoscalerIdentity } from './scaling/scaling-spec';

/**
 * A node group's options with every default applied, once, for the static and the
 * autoscaled group alike: what the node planner takes (its id is also part of an
 * autoscaled group's name), and what only the construct uses.
 */
export interface NodeGroupSettings extends Omit<NodeGroupInput, 'clusterName' | 'clusterClouds'> {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeBootstrapTaint[];
  /** Pinned mesh addresses, by node name (static groups). */
  readonly meshAddresses: Readonly<Record<string, string>>;
  /** Image override; absent: the cloud's current Ubuntu LTS, looked up once per group. */
  readonly image?: string;
  /** An autoscaled group: its name on the cloud (`<cluster>-<id>`) and its limits. */
  readonly autoscaling?: { readonly name: string; readonly minNodes: number; readonly maxNodes: number };
}

/** What the cluster hands a node group it admits: where and with what its resources are built. */
export interface NodeGroupWiring {
  readonly clusterName: string;
  /** Tags/labels every resource carries. */
  readonly labels: ClusterLabels;
  readonly provider: TerraformProvider;
  /** The cloud region and zone of the cluster's network. */
  readonly location: CloudLocation;
  readonly network: NetworkAttachment;
  /** What the group's instances must be created after (AWS: the mesh agent download). */
  readonly dependsOn: ITerraformDependable[];
  /** Autoscaled groups that scale themselves (GCP, DigitalOcean): the policy's utilisation targets. */
  readonly utilizationTargets: UtilizationTargets;
  /** The OpenSSH public key Azure VMs and DigitalOcean pools require; made on first use, its private half stays in state. */
  sshPublicKey(): string;
  /** The identity the cloud's cluster-autoscaler runs with on control-plane nodes; asked for at synth (undefined while the cloud has no autoscaled group). */
  autoscalerIdentity(): AutoscalerIdentity | undefined;
  /** The cloud's control-plane key store (made when the cloud's first control-plane group is admitted); undefined on DigitalOcean and while the cloud has no control plane. */
  controlPlaneKeyStore(): ControlPlaneKeyStore | undefined;
  /**
   * The API seeds every node carries in place (NodeSpec.apiServers): a reference to the cluster's one
   * seeds local, whose value is rendered at synth, when every control plane is known. A reference, not
   * the template itself: DigitalOcean's builders pass it into Terraform functions (its tags).
   */
  readonly apiServers: string;
  /** The user-data of one static node: a reference to a local made in `scope`, rendered at synth. */
  nodeUserData(scope: Construct, id: string, nodeName: string): string;
  /** The user-data of every node of an autoscaled group: a reference to a local made in `scope`, rendered at synth. */
  scaledUserData(scope: Construct, id: string, groupName: string): string;
}
