/**
 * Autoscaled workers on all four clouds: static control planes on AWS and Azure
 * (where cluster-autoscaler runs with the cloud's instance identity), one
 * autoscaled worker group per cloud, and a cluster-wide policy. The in-cluster
 * stack runs cluster-autoscaler and keeps its flags current on every deploy.
 */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, InClusterStack, NodeRole, NodeShape, TaintEffect } from 'cdktf-cast-cluster';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'autoscaling');
  const cluster = new CastCluster(stack, 'elastic', {
    name: 'elastic',
    region: 'us-east',
    clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN],
    autoscaling: {
      maxCores: 256,
      headroomCpuPercent: 15,
      headroomMemoryPercent: 10,
      emptyNodeRemovalDelayMinutes: 15,
      // Spot only where the workloads tolerate a reclaim notice.
      spotClouds: [Cloud.AWS, Cloud.GCP],
    },
  });
  cluster.addNodeGroup('cp-aws', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, shape: NodeShape.MEDIUM });
  cluster.addNodeGroup('cp-gcp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE, shape: NodeShape.MEDIUM });
  cluster.addNodeGroup('cp-azure', { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, shape: NodeShape.MEDIUM });
  // A static worker group keeps the cluster's baseline.
  cluster.addNodeGroup('base', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 });
  cluster.addNodeGroup('burst-aws', { cloud: Cloud.AWS, role: NodeRole.WORKER, shape: NodeShape.LARGE, spot: true, autoscaling: { minNodes: 0, maxNodes: 20 } });
  cluster.addNodeGroup('burst-gcp', { cloud: Cloud.GCP, role: NodeRole.WORKER, spot: true, autoscaling: { minNodes: 1, maxNodes: 10 } });
  cluster.addNodeGroup('batch-azure', {
    cloud: Cloud.AZURE,
    role: NodeRole.WORKER,
    shape: NodeShape.X_LARGE,
    labels: { 'example.com/pool': 'batch' },
    taints: [{ key: 'example.com/batch', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
    autoscaling: { minNodes: 0, maxNodes: 8 },
  });
  cluster.addNodeGroup('web-do', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 6 } });
  // After the node groups: it installs what they need.
  new InClusterStack(app, 'autoscaling-in-cluster', { cluster });
}
