import { App, TerraformStack } from 'cdktf';
import { CastBackend, CastCluster, Cloud, InClusterStack, NodeRole } from 'cdktf-cast-cluster';

const app = new App();
const cluster = new CastCluster(new TerraformStack(app, 'platform'), 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] });
cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, count: 3 });
new InClusterStack(app, 'platform-in-cluster', { cluster });

// Last, after every stack: platform.tfstate and platform-in-cluster.tfstate under cast/ in the bucket.
new CastBackend(app, 'state', { s3: { bucket: 'acme-tfstate', region: 'us-east-1', keyPrefix: 'cast/' } });
app.synth();
