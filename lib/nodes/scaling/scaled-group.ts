/**
 * The autoscaled branch of NodeGroup: has its cloud build the template and the
 * group from the group's settings and what the cluster handed it. The
 * user-data comes from the cluster plan, rendered at synth, when the cluster
 * knows every group.
 */
import { Construct } from 'constructs';
import { Cloud } from '../../core/cloud';
import { nodeLabelsOf, nodeTaintsOf } from '../../core/cluster-plan';
import { SHAPES } from '../../core/shapes';
import { NodeGroupSettings, NodeGroupWiring } from '../node-group-wiring';
import { SCALING_BUILDERS } from './index';
import { ScalingGroupAttachment } from './scaling-spec';

/** What the cluster keeps about an autoscaled group. */
export interface ScaledGroupState {
  /** The group's name on the cloud, `<cluster>-<id>`: prefix of its node names. */
  readonly name: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** vCPU and memory of one node (its shape's, also with an instanceType override). */
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly attachment: ScalingGroupAttachment;
}

/** The tag/label every instance of a scaled group carries: the drift check knows them by it. */
export const SCALING_GROUP_TAG = 'cast-scaling-group';

/**
 * Builds the group's template and scaling group; `instanceType` is the checked stand-in node's,
 * `image` the group's override or the cloud's pinned image.
 */
export function buildScaledGroup(scope: Construct, settings: NodeGroupSettings, instanceType: string, image: string, wiring: NodeGroupWiring): ScaledGroupState {
  const { name, minNodes, maxNodes } = settings.autoscaling!;
  const targets = wiring.utilizationTargets;
  const attachment = SCALING_BUILDERS[settings.cloud].buildScalingGroup(scope, {
    name,
    clusterName: wiring.clusterName,
    instanceType,
    image,
    diskSizeGb: settings.diskSizeGb,
    spot: settings.spot,
    minNodes,
    maxNodes,
    labels: { ...wiring.labels, extra: { ...wiring.labels.extra, [SCALING_GROUP_TAG]: name } },
    location: wiring.location,
    network: wiring.network,
    provider: wiring.provider,
    userData: wiring.scaledUserData(scope, 'user-data', name),
    apiServers: wiring.apiServers,
    // Read at synth: the cloud's first control-plane group may be added after this one.
    workerIdentity: () => wiring.controlPlaneKeyStore()?.joinToken.workerIdentity,
    sshPublicKey: settings.cloud === Cloud.AZURE || settings.cloud === Cloud.DIGITALOCEAN ? wiring.sshPublicKey() : undefined,
    dependsOn: wiring.dependsOn,
    // The same labels and taints the nodes' bootstrap registers them with, for the autoscaler's node template.
    nodeLabels: nodeLabelsOf(settings.labels, settings.cloud, wiring.location),
    nodeTaints: nodeTaintsOf(settings.role, settings.taints),
    utilizationTarget: { cpu: targets.targetCpuUtilization, memory: targets.targetMemoryUtilization },
    cooldownMinutes: targets.cooldownMinutes,
  });
  const shape = SHAPES[settings.shape];
  return { name, minNodes, maxNodes, vcpu: shape.vcpu, memoryGiB: shape.memoryGiB, attachment };
}
