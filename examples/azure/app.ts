/** A single-cloud cluster on AZURE: one control-plane node and two workers on the cloud network, no WireGuard. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole } from 'cdktf-cast-cluster';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'azure');
  const cluster = new CastCluster(stack, 'azure-only', {
    name: 'azure-only',
    region: 'eu-west',
    clouds: [Cloud.AZURE],
  });
  cluster.addNodeGroup('control-plane', { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('workers', { cloud: Cloud.AZURE, role: NodeRole.WORKER, count: 2 });
}
