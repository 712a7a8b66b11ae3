import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { logicalId, synthCluster } from './node-fixture';

describe('DigitalOcean nodes', () => {
  const c = synthCluster([Cloud.DIGITALOCEAN], {
    cp: { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE },
    workers: { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, count: 2 },
  });

  test('each node: a reserved IP assigned to its droplet', () => {
    const droplet = logicalId(c.json, 'digitalocean_droplet', 'c1-workers-1_');
    const ip = logicalId(c.json, 'digitalocean_reserved_ip', 'c1-workers-1-ip');
    expect(c.resource('digitalocean_reserved_ip_assignment', 'c1-workers-1-ip-assignment')).toMatchObject({
      ip_address: `\${digitalocean_reserved_ip.${ip}.ip_address}`,
      droplet_id: `\${digitalocean_droplet.${droplet}.id}`,
    });
  });

  test('droplet: role tag (its firewall), UUID tag, VPC, Ubuntu 24.04, user data with its reserved IP', () => {
    const droplet = c.resource('digitalocean_droplet', 'c1-workers-1_');
    expect(droplet.tags[0]).toMatch(/^\$\{digitalocean_tag\.[^.]+\.name\}$/);
    expect(droplet.tags).toContain(`cast-cluster-uuid:${c.cluster.uuid}`);
    expect(droplet).toMatchObject({ image: 'ubuntu-24-04-x64', region: 'nyc1', size: 'g-2vcpu-8gb' });
    expect(droplet.vpc_uuid).toMatch(/^\$\{digitalocean_vpc\.[^.]+\.id\}$/);
    expect(c.userData(droplet.user_data)).toContain(`\${digitalocean_reserved_ip.${logicalId(c.json, 'digitalocean_reserved_ip', 'c1-workers-1-ip')}.ip_address}`);
  });
});
