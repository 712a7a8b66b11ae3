/**
 * The checks on one NodeGroup's opt-in `autoscaling: { minNodes, maxNodes }`
 * that need only the group and the policy. Pure; no cdktf import.
 */
import { Cloud, CLOUD_DISPLAY_NAME } from '../cloud';
import { NodeRole } from '../node-role';
import { AutoscalingPolicy, wholeInRange } from './autoscaling-policy';

/**
 * Most nodes in one scaled group. Each group claims its mesh addresses from
 * one /24 of the mesh range (docs/design/autoscaling.md, decision 2), 254 host
 * addresses; one stays spare so a node replacing a terminated one finds a free
 * host before the old claim is garbage-collected.
 */
export const MAX_SCALED_GROUP_NODES = 253;

/** What the checks read from a NodeGroup. */
export interface ScaledGroupCheckInput {
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly role: NodeRole;
  /** True when the group also sets `count`. */
  readonly countGiven: boolean;
  /** True when the group also sets `nodeNames`. */
  readonly nodeNamesGiven: boolean;
  readonly spot: boolean;
  readonly cloud: Cloud;
  readonly policy: AutoscalingPolicy;
  /**
   * How messages name the group's autoscaling prop.
   * @default 'autoscaling'
   */
  readonly propPrefix?: string;
}

/** Every problem with a group's autoscaling, one message each; empty when valid. */
export function scaledGroupProblems(input: ScaledGroupCheckInput): string[] {
  const prefix = input.propPrefix ?? 'autoscaling';
  const min = `${prefix}.minNodes`;
  const max = `${prefix}.maxNodes`;
  const problems: string[] = [];
  // DigitalOcean autoscale pools keep at least one Droplet (API: min_instances 1 to 500); a GCP
  // group scales on its nodes' CPU use, which an empty group cannot measure.
  const lowest = input.cloud === Cloud.DIGITALOCEAN || input.cloud === Cloud.GCP ? 1 : 0;
  const minFix = input.cloud === Cloud.DIGITALOCEAN
    ? 'DigitalOcean autoscale pools keep at least one Droplet; use 1 or more.'
    : lowest === 1
    ? 'A GCP group scales on its nodes\' CPU use, so it needs a node to measure; use 1 or more.'
    : 'Give a whole number, 0 to let the group empty.';
  wholeInRange(problems, min, input.minNodes, lowest, undefined, minFix);
  wholeInRange(problems, max, input.maxNodes, 1, undefined, 'Give a whole number of at least 1.');
  if (Number.isInteger(input.minNodes) && Number.isInteger(input.maxNodes) && input.minNodes > input.maxNodes) {
    problems.push(`${min} must be at most ${max} (got ${input.minNodes} > ${input.maxNodes}). Lower minNodes or raise maxNodes.`);
  }
  if (Number.isInteger(input.maxNodes) && input.maxNodes > MAX_SCALED_GROUP_NODES) {
    problems.push(`${max} must be at most ${MAX_SCALED_GROUP_NODES}, the hosts of the group's /24 mesh block (got ${input.maxNodes}). Split the group into several groups.`);
  }
  if (input.role !== NodeRole.WORKER) {
    problems.push(`${prefix} must be set only on worker groups (got role "${input.role}"). The control plane is never autoscaled: each member is an etcd member, added and removed by hand. Remove autoscaling or make the group a worker group.`);
  }
  if (input.countGiven) {
    problems.push(`${prefix} must not be set together with count (got both). A scaled group's size is minNodes..maxNodes; remove count.`);
  }
  if (input.nodeNamesGiven) {
    problems.push(`${prefix} must not be set together with nodeNames (got both). Scaled nodes are named at boot from the instance hostname; remove nodeNames.`);
  }
  problems.push(...spotPolicyProblems(input.cloud, input.spot, input.policy));
  return problems;
}

/**
 * Spot on a cloud the policy's spotClouds leaves out, for static and scaled
 * groups alike. DigitalOcean is left to the node planner, whose own rule
 * (no spot droplets at all) says more.
 */
export function spotPolicyProblems(cloud: Cloud, spot: boolean, policy: AutoscalingPolicy): string[] {
  if (!spot || cloud === Cloud.DIGITALOCEAN || policy.spotClouds.includes(cloud)) return [];
  const allowed = policy.spotClouds.length === 0 ? 'none' : policy.spotClouds.join(', ');
  return [
    `spot must be used only on a cloud the policy allows (got ${CLOUD_DISPLAY_NAME[cloud] ?? cloud}; autoscaling.spotClouds: ${allowed}). Add "${cloud}" to the cluster's autoscaling.spotClouds or turn spot off for this group.`,
  ];
}
