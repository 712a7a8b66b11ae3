/** A single-cloud cluster on DIGITALOCEAN: one control-plane node and two workers on the cloud network, no WireGuard. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole } from 'cdktf-cast-cluster';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'digitalocean');
  const cluster = new CastCluster(stack, 'do-only', {
    name: 'do-only',
    region: 'asia-singapore',
    clouds: [Cloud.DIGITALOCEAN],
  });
  cluster.addNodeGroup('control-plane', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('workers', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, count: 2 });
}
