/**
 * An app with five mistakes in one cluster, synthesized as `cdktf synth` runs an app: two
 * groups with bad options, a node group id used twice, no control plane, and count with
 * nodeNames. With CAST_SPOT_ONLY set it is a valid cluster with AWS spot workers and no
 * interruption target (a warning). Run by test/cluster/synth-errors.test.ts in a child process.
 */
import { App, TerraformStack } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeShape } from '../../lib/core/shapes';

const app = new App({ outdir: process.env.CAST_OUTDIR });
const cluster = new CastCluster(new TerraformStack(app, 'prod'), 'cluster', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP] });
if (process.env.CAST_SPOT_ONLY) {
  cluster.addNodeGroup('cp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('spot', { cloud: Cloud.AWS, role: NodeRole.WORKER, spot: true });
} else {
  cluster.addNodeGroup('big', { cloud: Cloud.AWS, role: NodeRole.WORKER, shape: 'huge' as NodeShape });
  cluster.addNodeGroup('azure', { cloud: Cloud.AZURE, role: NodeRole.WORKER });
  cluster.addNodeGroup('web', { cloud: Cloud.GCP, role: NodeRole.WORKER });
  cluster.addNodeGroup('web', { cloud: Cloud.AWS, role: NodeRole.WORKER });
  cluster.addNodeGroup('edge', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 3, nodeNames: ['edge-a'] });
}
app.synth();
