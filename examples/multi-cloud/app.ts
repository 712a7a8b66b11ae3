/**
 * The default example: one cluster across AWS, GCP, Azure and DigitalOcean in
 * US East (Ashburn). Three control-plane nodes on three clouds (stacked etcd
 * over the WireGuard mesh) and workers on all four. `npm run synth` (or
 * `npx cdktf synth`) writes it to cdktf.out/ without credentials or terraform.
 */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole, NodeShape } from 'cdktf-cast-cluster';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'multi-cloud');
  const cluster = new CastCluster(stack, 'prod', {
    name: 'prod',
    region: 'us-east',
    clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN],
    tags: { team: 'platform' },
  });
  for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE]) {
    cluster.addNodeGroup(`${cloud}-cp`, { cloud, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
  }
  cluster.addNodeGroup('aws-workers', { cloud: Cloud.AWS, role: NodeRole.WORKER, shape: NodeShape.MEDIUM, count: 2 });
  cluster.addNodeGroup('gcp-workers', { cloud: Cloud.GCP, role: NodeRole.WORKER, shape: NodeShape.MEDIUM, count: 2, spot: true });
  cluster.addNodeGroup('azure-workers', { cloud: Cloud.AZURE, role: NodeRole.WORKER, shape: NodeShape.MEDIUM });
  cluster.addNodeGroup('do-workers', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, shape: NodeShape.MEDIUM, count: 2 });
}
