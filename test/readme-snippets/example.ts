import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, InClusterStack, NodeRole, NodeShape, TaintEffect } from 'cdktf-cast-cluster';

const app = new App();
const stack = new TerraformStack(app, 'platform');

const cluster = new CastCluster(stack, 'prod', {
  name: 'prod',
  region: 'us-east', // US East (Ashburn): us-east-1, us-east4, eastus, nyc1
  clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN],
  tags: { team: 'platform' },
  // SSH (closed by default) from the office only; everything else as the architecture's port tables.
  firewall: { sshSourceRanges: ['203.0.113.0/24'] },
  // Any range of the address plan can move; no two may overlap.
  addresses: { aws: { vpcCidr: '10.10.0.0/16', subnetCidr: '10.10.1.0/24' } },
});

// Three control-plane nodes on three clouds, workers where you want them.
for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE]) {
  cluster.addNodeGroup(`${cloud}-cp`, { cloud, role: NodeRole.CONTROL_PLANE });
}
cluster.addNodeGroup('gcp-spot', { cloud: Cloud.GCP, role: NodeRole.WORKER, shape: NodeShape.LARGE, count: 3, spot: true });
cluster.addNodeGroup('do-edge', {
  cloud: Cloud.DIGITALOCEAN,
  role: NodeRole.WORKER,
  nodeNames: ['edge-nyc-a', 'edge-nyc-b'],
  labels: { tier: 'edge' },
  taints: [{ key: 'tier', value: 'edge', effect: TaintEffect.NO_SCHEDULE }],
});

// After the node groups: what runs in the cluster and stays current on every deploy
// (cluster-autoscaler, OS reboots, upgrades, etcd backups). Deploy both stacks: cdktf deploy '*'.
new InClusterStack(app, 'platform-in-cluster', { cluster });

// Attributes for your own resources: ids are Terraform references.
export const awsSubnet = cluster.network(Cloud.AWS).subnetId;

app.synth();
