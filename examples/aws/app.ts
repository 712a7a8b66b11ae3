/** A single-cloud cluster on AWS: one control-plane node and two workers on the cloud network, no WireGuard. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole } from 'cdktf-cast-cluster';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'aws');
  const cluster = new CastCluster(stack, 'aws-only', {
    name: 'aws-only',
    region: 'us-east',
    clouds: [Cloud.AWS],
    // The API server only from the office (the cluster's own nodes are let in by the library); SSH opened for the same range.
    firewall: { apiSourceRanges: ['203.0.113.0/24'], sshSourceRanges: ['203.0.113.0/24'] },
    // Spot interruption warnings go to this SNS topic, whose subscriber drains the node.
    awsSpotInterruptionTarget: 'arn:aws:sns:us-east-1:123456789012:cast-spot-notices',
  });
  cluster.addNodeGroup('control-plane', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('workers', { cloud: Cloud.AWS, role: NodeRole.WORKER, count: 2, spot: true });
}
