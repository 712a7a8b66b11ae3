/** A single-cloud cluster on GCP: one control-plane node and two workers on the cloud network, no WireGuard. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole } from 'cdktf-cast-cluster';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'gcp');
  const cluster = new CastCluster(stack, 'gcp-only', {
    name: 'gcp-only',
    region: 'eu-central',
    clouds: [Cloud.GCP],
  });
  cluster.addNodeGroup('control-plane', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('workers', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 });
}
