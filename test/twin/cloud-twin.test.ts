/**
 * A four-cloud cluster in cross-location mode, with the API narrowed to a range no node is in,
 * in the twin of its clouds (twin-lab.ts, checks in twin-checks.ts): each cloud's own firewall
 * resources, its documented carriage rules (protocols, MTU, destinations a VM does not own,
 * reverse-path filtering of its image, metadata and DNS addresses, public addresses as 1:1 NAT),
 * and the nodes' rendered files. Every cloud has a gateway and a node it carries.
 */
import { TerraformStack } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { MeshMode } from '../../lib/core/mesh';
import { NodeRole } from '../../lib/core/node-role';
import { NodeShape } from '../../lib/core/shapes';
import { describeTwin, FOREIGN_RANGE } from './twin-checks';

describeTwin('a four-cloud cluster in the twin of its clouds', (app) => {
  const stack = new TerraformStack(app, 'twin');
  const cluster = new CastCluster(stack, 'twin', {
    name: 'twin',
    region: 'us-east',
    clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN],
    mesh: { mode: MeshMode.CROSS_LOCATION },
    firewall: { apiSourceRanges: [FOREIGN_RANGE] },
  });
  for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE]) cluster.addNodeGroup(`${cloud}-cp`, { cloud, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
  for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE]) cluster.addNodeGroup(`${cloud}-w`, { cloud, role: NodeRole.WORKER, shape: NodeShape.SMALL });
  cluster.addNodeGroup('do-w', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, shape: NodeShape.SMALL, count: 2 });
});
