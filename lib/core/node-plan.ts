/**
 * Node groups to nodes: names, instance types and the checks that need no
 * cloud. Pure. Every node is its own set of resources, named after the node,
 * so adding or removing one changes nothing else.
 */
import { Cloud, CLOUD_DISPLAY_NAME } from './cloud';
import { kubernetesVersionProblem } from './kubernetes-version';
import { NodeRole } from './node-role';
import { ProblemList } from './plan-error';
import { instanceTypeOf, NodeShape, SHAPES } from './shapes';

/** A node group as the planner sees it (defaults already applied by the construct). */
export interface NodeGroupInput {
  /** The group's id; count-based node names are `<cluster>-<id>-<n>`. */
  readonly id: string;
  readonly clusterName: string;
  readonly cloud: Cloud;
  readonly role: NodeRole;
  readonly shape: NodeShape;
  /** Explicit instance type; overrides the shape. */
  readonly instanceType?: string;
  /** How many nodes, when `nodeNames` is absent. */
  readonly count: number;
  /** Explicit node names; the count is their number. */
  readonly nodeNames?: readonly string[];
  readonly spot: boolean;
  readonly kubernetesVersion: string;
  readonly diskSizeGb: number;
  /** The clouds the cluster spans. */
  readonly clusterClouds: readonly Cloud[];
}

/** One planned node. */
export interface PlannedNode {
  readonly name: string;
  readonly cloud: Cloud;
  readonly role: NodeRole;
  readonly instanceType: string;
}

// Node names are Kubernetes node names and cloud instance names: GCP's rule
// (a DNS label starting with a letter, at most 63 characters) is the strictest.
const NODE_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const GROUP_ID_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Smallest boot disk: the Ubuntu image plus container images need room. */
export const MIN_DISK_SIZE_GB = 20;

/** The nodes of one group; throws a PlanError naming every problem. */
export function planNodeGroup(group: NodeGroupInput): PlannedNode[] {
  const problems = new ProblemList();
  if (!GROUP_ID_PATTERN.test(group.id)) {
    problems.add(`id must be lowercase letters, digits and dashes, starting with a letter (got "${group.id}"): it is part of every node name. Rename the node group.`);
  }
  if (!group.clusterClouds.includes(group.cloud)) {
    problems.add(`cloud must be one the cluster spans (got ${CLOUD_DISPLAY_NAME[group.cloud] ?? group.cloud}; the cluster spans ${group.clusterClouds.join(', ')}). Add it to the cluster's clouds or pick another.`);
  }
  if (!SHAPES[group.shape]) {
    problems.add(`shape must be one of ${Object.values(NodeShape).join(', ')} (got "${group.shape}"). Pick a shape, or set instanceType.`);
  }
  const versionProblem = kubernetesVersionProblem(group.kubernetesVersion);
  if (versionProblem) problems.add(versionProblem);
  if (group.spot && group.role === NodeRole.CONTROL_PLANE) {
    problems.add('spot must be false for a control-plane node group (got true): a reclaimed control-plane node takes an etcd member with it. Use spot for workers only.');
  }
  if (group.spot && group.cloud === Cloud.DIGITALOCEAN) {
    problems.add('spot must be false on DigitalOcean (got true): DigitalOcean has no spot or preemptible droplets. Use spot on another cloud.');
  }
  if (!Number.isInteger(group.diskSizeGb) || group.diskSizeGb < MIN_DISK_SIZE_GB) {
    problems.add(`diskSizeGb must be a whole number of at least ${MIN_DISK_SIZE_GB} (got ${group.diskSizeGb}). Use 50 or more for workers that pull many images.`);
  }
  const names = nodeNamesOf(group, problems);
  problems.throwIfAny();
  const instanceType = group.instanceType ?? instanceTypeOf(group.shape, group.cloud)!;
  return names.map((name) => ({ name, cloud: group.cloud, role: group.role, instanceType }));
}

/** The options of a node group as the user gave them (no default applied): those that would override each other. */
export interface GroupOptionsGiven {
  readonly count?: number;
  readonly nodeNames?: readonly string[];
  readonly shape?: string;
  readonly instanceType?: string;
}

/**
 * Options that would silently override each other, each a problem: nodeNames fixes the
 * count, and instanceType replaces the shape.
 */
export function optionConflictProblems(given: GroupOptionsGiven): string[] {
  const problems: string[] = [];
  if (given.count !== undefined && given.nodeNames !== undefined) {
    problems.push(`count must be left out when nodeNames is set (got count ${given.count} and ${given.nodeNames.length} nodeNames): the names fix the number of nodes. Remove count, or nodeNames to get ${given.count} nodes named from the group id.`);
  }
  if (given.shape !== undefined && given.instanceType !== undefined) {
    problems.push(`shape must be left out when instanceType is set (got shape "${given.shape}" and instanceType "${given.instanceType}"): the instance type replaces the shape. Remove one of them.`);
  }
  return problems;
}

function nodeNamesOf(group: NodeGroupInput, problems: ProblemList): string[] {
  if (group.nodeNames) {
    if (group.nodeNames.length === 0) problems.add('nodeNames must list at least one name (got []). Leave it out and set count instead.');
    for (const name of group.nodeNames) {
      if (!NODE_NAME_PATTERN.test(name)) {
        problems.add(`nodeNames must be lowercase DNS labels of at most 63 characters, starting with a letter (got "${name}"). Rename the node.`);
      }
    }
    const seen = new Set<string>();
    for (const name of group.nodeNames) {
      if (seen.has(name)) problems.add(`nodeNames must be unique (got "${name}" twice). Give every node its own name.`);
      seen.add(name);
    }
    return [...group.nodeNames];
  }
  if (!Number.isInteger(group.count) || group.count < 1) {
    problems.add(`count must be a whole number of at least 1 (got ${group.count}). Remove the node group to have no nodes.`);
    return [];
  }
  // 1-based, so scaling down removes the highest number and renames nothing.
  const names = Array.from({ length: group.count }, (_, i) => `${group.clusterName}-${group.id}-${i + 1}`);
  const tooLong = names.find((name) => name.length > 63);
  if (tooLong) problems.add(`id must keep node names within 63 characters (got "${tooLong}"). Use a shorter node group id or cluster name.`);
  return names;
}
