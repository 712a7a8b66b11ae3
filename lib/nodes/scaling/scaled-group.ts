/**
 * The autoscaled branch of NodeGroup: checks the group, registers it with the
 * cluster and has its cloud build the template and the group. The user-data
 * is rendered at synth, when the cluster knows every group.
 */
import { Lazy, TerraformLocal } from 'cdktf';
import { Cloud } from '../../core/cloud';
import { DEFAULT_KUBERNETES_VERSION } from '../../core/kubernetes-version';
import { planNodeGroup } from '../../core/node-plan';
import { NodeShape, SHAPES } from '../../core/shapes';
import { scaledGroupProblems } from '../../core/autoscaling';
import { MAX_SCALED_NAME_PREFIX } from '../../core/bootstrap/validate-node-bootstrap';
import { throwProblems, tryPlan } from '../../private/validation-error';
import { NODE_BUILDERS } from '../index';
import type { NodeGroup, NodeGroupProps, NodeTaint } from '../node-group';
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
  readonly spot: boolean;
  readonly kubernetesVersion: string;
  readonly labels: Record<string, string>;
  readonly taints: NodeTaint[];
  readonly attachment: ScalingGroupAttachment;
}

/** The tag/label every instance of a scaled group carries: the drift check knows them by it. */
export const SCALING_GROUP_TAG = 'cast-scaling-group';

export function buildScaledGroup(group: NodeGroup, id: string, props: NodeGroupProps): ScaledGroupState {
  const cluster = props.cluster;
  const autoscaling = props.autoscaling!;
  const shape = props.shape ?? NodeShape.SMALL;
  const spot = props.spot ?? false;
  const kubernetesVersion = props.kubernetesVersion ?? cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const diskSizeGb = props.diskSizeGb ?? 50;
  const minNodes = autoscaling.minNodes ?? 1;
  const name = `${cluster.name}-${id}`;
  // The checks a static group gets (shape, cloud, version, disk, spot), on one stand-in node.
  const planned = tryPlan(() =>
    planNodeGroup({ id, clusterName: cluster.name, cloud: props.cloud, role: props.role, shape, instanceType: props.instanceType, count: 1, spot, kubernetesVersion, diskSizeGb, clusterClouds: cluster.clouds }),
  );
  const problems = [
    ...planned.problems,
    ...scaledGroupProblems({
      minNodes,
      maxNodes: autoscaling.maxNodes,
      role: props.role,
      countGiven: props.count !== undefined,
      nodeNamesGiven: props.nodeNames !== undefined,
      spot,
      cloud: props.cloud,
      policy: cluster._autoscalingPolicy,
    }),
  ];
  if (name.length > MAX_SCALED_NAME_PREFIX) {
    problems.push(`id must keep "<cluster>-<id>" within ${MAX_SCALED_NAME_PREFIX} characters for an autoscaled group (got "${name}"): AWS nodes are named <cluster>-<id>-<instance id>. Use a shorter node group id or cluster name.`);
  }
  if (props.meshAddresses !== undefined) {
    problems.push('meshAddresses must be left out of an autoscaled group (got a map): its nodes claim their mesh addresses at boot. Remove meshAddresses.');
  }
  throwProblems(group, problems);

  const labels = { ...(props.labels ?? {}) };
  const taints = [...(props.taints ?? [])];
  cluster._admitScaledGroup(group, { name, minNodes, maxNodes: autoscaling.maxNodes, cloud: props.cloud });

  const provider = cluster.provider(props.cloud);
  const network = cluster.network(props.cloud);
  const image = props.image ?? NODE_BUILDERS[props.cloud].lookupImage(group, provider);
  const targets = cluster._scaledGroupTargets();
  const attachment = SCALING_BUILDERS[props.cloud].buildScalingGroup(group, {
    name,
    clusterName: cluster.name,
    instanceType: planned.result![0].instanceType,
    image,
    diskSizeGb,
    spot,
    minNodes,
    maxNodes: autoscaling.maxNodes,
    labels: { ...cluster._labels, extra: { ...cluster._labels.extra, [SCALING_GROUP_TAG]: name } },
    location: { region: network.cloudRegion, zone: network.zone },
    network: network._attachment,
    provider,
    // One local, as for static nodes: the template holds references and is wrapped by base64gzip/base64encode.
    userData: new TerraformLocal(group, 'user-data', Lazy.stringValue({ produce: () => cluster._renderScaledUserData(group) })).asString,
    sshPublicKey: props.cloud === Cloud.AZURE || props.cloud === Cloud.DIGITALOCEAN ? cluster._nodeSshPublicKey() : undefined,
    dependsOn: cluster._nodeDependencies(props.cloud),
    nodeLabels: { ...labels, ...cluster._placementLabels(props.cloud) },
    nodeTaints: taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    utilizationTarget: { cpu: targets.targetCpuUtilization, memory: targets.targetMemoryUtilization },
    cooldownMinutes: targets.cooldownMinutes,
  });
  return { name, minNodes, maxNodes: autoscaling.maxNodes, vcpu: SHAPES[shape].vcpu, memoryGiB: SHAPES[shape].memoryGiB, spot, kubernetesVersion, labels, taints, attachment };
}
