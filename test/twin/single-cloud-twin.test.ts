/**
 * Single-cloud clusters in the twin of their cloud (twin-lab.ts, checks in twin-checks.ts): the
 * default mode, the cloud network, where same-cloud pod traffic takes the cloud's encapsulation
 * (IPIP on GCP, VXLAN on Azure and DigitalOcean) and GCP's image filters reverse paths strictly.
 * A control plane and two workers each, the API narrowed to a foreign range. AWS routes its
 * cloud's traffic plainly, as its nodes do in the four-cloud cluster (cloud-twin.test.ts).
 */
import { TerraformStack } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeShape } from '../../lib/core/shapes';
import { describeTwin, FOREIGN_RANGE } from './twin-checks';

for (const cloud of [Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN]) {
  describeTwin(`a ${cloud} cluster in the twin of its cloud`, (app) => {
    const stack = new TerraformStack(app, 'twin');
    const cluster = new CastCluster(stack, 'twin', { name: 'twin', region: 'us-east', clouds: [cloud], firewall: { apiSourceRanges: [FOREIGN_RANGE] } });
    cluster.addNodeGroup('cp', { cloud, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
    cluster.addNodeGroup('w', { cloud, role: NodeRole.WORKER, shape: NodeShape.SMALL, count: 2 });
  });
}
