/** One synth for bench/nodes.bench.ts: `library N` or `raw N`; prints {"ms": …}. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster } from '../lib/cluster/cast-cluster';
import { ALL_CLOUDS, Cloud } from '../lib/core/cloud';
import { NodeRole } from '../lib/core/node-role';
import { RawNodesStack } from './raw-nodes-stack';

const [kind, count] = [process.argv[2], Number(process.argv[3])];
const started = process.hrtime.bigint();
const app = new App();
if (kind === 'raw') {
  new RawNodesStack(app, 'raw', count);
} else {
  const stack = new TerraformStack(app, 'library');
  // Subnets of /20 so that 1000 nodes per cloud fit.
  const cluster = new CastCluster(stack, 'bench', {
    name: 'bench',
    region: 'us-east',
    clouds: [...ALL_CLOUDS],
    addresses: { aws: { subnetCidr: '10.10.0.0/20' }, gcp: { subnetCidr: '10.0.0.0/20' }, azure: { subnetCidr: '10.20.0.0/20' }, podCidr: '10.128.0.0/12' },
  });
  cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
  for (const cloud of ALL_CLOUDS) cluster.addNodeGroup(`${cloud}-workers`, { cloud, role: NodeRole.WORKER, count });
}
app.synth();
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6 }));
