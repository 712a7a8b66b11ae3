/**
 * The contract between a NodeGroup and its cluster, as node-spec.ts is the one
 * between NodeGroup and each cloud's builder: the group's options with their
 * defaults applied, and what the cluster hands a group it admits. The cluster
 * renders every user-data at synth from its plan (lib/core/cluster-plan.ts);
 * the group only puts it where its cloud reads it.
 */
import { DefaultTokenResolver, ITerraformDependable, StringConcat, TerraformLocal, TerraformProvider, TerraformStack, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { UtilizationTargets } from '../core/autoscaling';
import { NodeBootstrapTaint } from '../core/bootstrap/node-bootstrap-input';
import { userDataSizeProblems } from '../core/bootstrap/user-data-size';
import { Cloud } from '../core/cloud';
import { PlanError } from '../core/plan-error';
import { inlineUserDataFiles } from '../cluster/user-data-folder';
import { CastValidationError } from '../private/validation-error';
import { ClusterLabels } from '../core/cluster-labels';
import { NodeGroupInput } from '../core/node-plan';
import { CloudLocation } from '../core/regions';
import { ControlPlaneKeyStore } from '../keys';
import { NetworkAttachment } from '../network/network-spec';
import { OsImageOptions } from './os-image';
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
  /** Image override; absent: the cloud's pinned Ubuntu LTS (os-image.ts). */
  readonly image?: string;
  /** Replacement stamps, by node name (static groups). */
  readonly replacements: Readonly<Record<string, string>>;
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
  /**
   * The Ubuntu releases the user named per cloud (CastClusterProps.osImage), which the cloud's
   * pinned image follows (os-image.ts).
   * @default - each cloud's image as first deployed
   */
  readonly osImage?: OsImageOptions;
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
   * The API seeds every node carries in place (NodeSpec.apiServers): a reference to the seeds local
   * of the group's role and cloud, whose value is rendered at synth, when every control plane is known.
   * A reference, not the template itself: DigitalOcean's builders pass it into Terraform functions (its tags).
   */
  readonly apiServers: string;
  /** The user-data of one static node: a reference to a local made in `scope`, rendered at synth. */
  nodeUserData(scope: Construct, id: string, nodeName: string): string;
  /** The user-data of every node of an autoscaled group: a reference to a local made in `scope`, rendered at synth. */
  scaledUserData(scope: Construct, id: string, groupName: string): string;
}

/** A user-data local a group's wiring made, and what receives the document. */
export interface UserDataLocal {
  /** `node <name>`, or `the nodes of autoscaled group <name>`. */
  readonly receiver: string;
  readonly scope: Construct;
  readonly id: string;
}

/** The wiring, with every user-data local it makes recorded in `made` (for `userDataProblems`). */
export function recordingUserData(wiring: NodeGroupWiring, made: UserDataLocal[]): NodeGroupWiring {
  return {
    ...wiring,
    nodeUserData: (scope, id, nodeName) => {
      made.push({ receiver: `node ${nodeName}`, scope, id });
      return wiring.nodeUserData(scope, id, nodeName);
    },
    scaledUserData: (scope, id, groupName) => {
      made.push({ receiver: `the nodes of autoscaled group ${groupName}`, scope, id });
      return wiring.scaledUserData(scope, id, groupName);
    },
  };
}

/**
 * Every problem of the recorded user-data on `cloud`, at synth (a validation): each document is
 * rendered as Terraform will receive it (its local resolved) and checked against the cloud's
 * limit with every reference at its longest (userDataSizeProblems); a bootstrap input the
 * renderer refuses gives its own problems, once each.
 */
export function userDataProblems(cloud: Cloud, made: readonly UserDataLocal[]): string[] {
  const problems = new Set<string>();
  const documents = [];
  for (const { receiver, scope, id } of made) {
    const local = scope.node.findChild(id) as TerraformLocal;
    try {
      // The local's value (its `expression` is a reference to it), resolved as the stack resolves it at synth.
      const value = (local.toTerraform() as { locals: Record<string, unknown> }).locals[local.friendlyUniqueId];
      const resolved = Tokenization.resolve(value, { scope: TerraformStack.of(scope), resolver: new DefaultTokenResolver(new StringConcat()) }) as string;
      // Measured as Terraform renders it: with the lines it reads from files put back.
      documents.push({ receiver, cloud, template: inlineUserDataFiles(scope, resolved) });
    } catch (error) {
      // The renderer's refusal of this document's input: reported here, with the group's path.
      if (error instanceof PlanError) {
        error.problems.forEach((problem) => problems.add(problem));
        continue;
      }
      // A cluster plan that fails is the cluster's (or its mesh's) to report in its own validation;
      // nothing to measure then. cdktf prefixes what a nested token's producer throws with
      // "Resolution error: " and rethrows it; the synth that follows would stop on it too.
      if (error instanceof CastValidationError || (error instanceof Error && error.message.startsWith('Resolution error: '))) continue;
      throw error;
    }
  }
  return [...problems, ...userDataSizeProblems(documents)];
}
