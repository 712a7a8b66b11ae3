/**
 * The multi-cloud example (examples/multi-cloud/app.ts) on CDK Terrain: the same
 * code, imported from `cdktn` and `cdktn-cast-cluster` instead of `cdktf` and
 * `cdktf-cast-cluster` (scripts/cdktn-check.sh fails when the two differ in more).
 * `npx cdktn synth` writes it to cdktf.out/ without credentials or terraform.
 */
import { App, TerraformStack } from 'cdktn';
import { CastCluster, Cloud, NodeRole, NodeShape } from 'cdktn-cast-cluster';

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
