/**
 * What the ingress reads from a CastCluster, in one place: its workers per
 * cloud, its NodePort range and the names of its outputs.
 */
import { TerraformOutput } from 'cdktf';
import type { CastCluster } from '../cluster/cast-cluster';
import { clusterOutputId } from '../cluster/cluster-outputs';
import { ALL_CLOUDS, Cloud } from '../core/cloud';
import { PortRange } from '../core/firewall-plan';
import { NodeRole } from '../core/node-role';
import { WorkerTarget } from './load-balancer-spec';

/** The cluster's workers on each cloud, sorted by node name; clouds without workers are absent. */
export function workersByCloud(cluster: CastCluster): Map<Cloud, WorkerTarget[]> {
  const byCloud = new Map<Cloud, WorkerTarget[]>();
  for (const group of cluster.nodeGroups.filter((g) => g.role === NodeRole.WORKER)) {
    const targets = byCloud.get(group.cloud) ?? [];
    targets.push(...group._nodes.map((node) => ({ name: node.plan.name, targetId: node.attachment.targetId })));
    byCloud.set(group.cloud, targets);
  }
  for (const targets of byCloud.values()) targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return new Map(ALL_CLOUDS.filter((cloud) => byCloud.has(cloud)).map((cloud) => [cloud, byCloud.get(cloud)!]));
}

/** The NodePort range the cluster opens on workers (its `firewall.nodePortRange`). */
export function clusterNodePortRange(cluster: CastCluster): PortRange {
  return cluster.nodePortRange;
}

/** `cast_cluster_<name><suffix>`: how the cluster names its outputs. */
export function clusterOutputName(cluster: CastCluster, suffix: string): string {
  return clusterOutputId(cluster.name, suffix);
}

/** The cluster's output of that name, if it has one. */
export function findClusterOutput(cluster: CastCluster, name: string): TerraformOutput | undefined {
  return cluster.node.findAll().find((c): c is TerraformOutput => c instanceof TerraformOutput && c.friendlyUniqueId === name);
}
