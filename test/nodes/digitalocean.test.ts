import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { logicalId, synthCluster } from './node-fixture';
import { dropletTags } from '../../lib/nodes/digitalocean';
import { SEEDS, synthSeeds } from './api-servers-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

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
    // In a cluster the tags are one Terraform expression: the fixed tags, then one per API seed (below).
    const fixed = /^\$\{concat\(\[(.*?)\], formatlist\(/.exec(droplet.tags)![1].split(', ');
    expect(fixed[0]).toMatch(/^digitalocean_tag\.[^.]+\.name$/);
    expect(fixed).toContain(`"cast-cluster-uuid:${c.cluster.uuid}"`);
    expect(droplet.tags).toContain(`formatlist("cast-api:%d:%s"`);
    // The pinned image (test/nodes/os-image.test.ts).
    expect(droplet).toMatchObject({ image: expect.stringMatching(/^\$\{terraform_data\.[^.]*os-image-digitalocean[^.]*\.output\.image\}$/), region: 'nyc1', size: 'g-2vcpu-8gb' });
    expect(droplet.vpc_uuid).toMatch(/^\$\{digitalocean_vpc\.[^.]+\.id\}$/);
    // node.env quotes it for the shell at apply time (render-template.ts, shellSingleQuoted).
    expect(c.userData(droplet.user_data)).toContain(`CAST_PUBLIC_ADDRESS='\${replace(digitalocean_reserved_ip.${logicalId(c.json, 'digitalocean_reserved_ip', 'c1-workers-1-ip')}.ip_address, "'", "'\\\\''")}'`);
  });
});

describe('DigitalOcean nodes: the API seeds', () => {
  const s = synthSeeds([Cloud.DIGITALOCEAN], SEEDS);

  test('one tag per seed, cast-api:<index>:<a-b-c-d>, made by Terraform from the seeds, beside the fixed tags', () => {
    const droplet = s.resource('digitalocean_droplet');
    const seeds = 'compact(split(" ", replace(local.api-servers, ".", "-")))';
    expect(droplet.tags).toBe(
      `\${concat(["c1-control-plane", "cast-cluster-name:c1", "cast-cluster-uuid:6b1f3c1e-9a5d-5f7e-8c2b-0d4e6f8a1b2c", "team:infra", "cast-node-role:control-plane"], formatlist("cast-api:%d:%s", range(0, length(${seeds}), 1), ${seeds}))}`,
    );
    expect(droplet.user_data).toBe('${local.user-data}');
  });

  test('without seeds: the fixed tags, as a plain list', () => {
    expect(synthSeeds([Cloud.DIGITALOCEAN], undefined).resource('digitalocean_droplet').tags).toEqual(['c1-control-plane', 'cast-cluster-name:c1', 'cast-cluster-uuid:6b1f3c1e-9a5d-5f7e-8c2b-0d4e6f8a1b2c', 'team:infra', 'cast-node-role:control-plane']);
    expect(dropletTags(['a'], undefined)).toEqual(['a']);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
