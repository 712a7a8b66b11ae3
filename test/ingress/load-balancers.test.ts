/**
 * Each cloud's load balancer sends 80/443 to exactly that cloud's workers (not
 * its control-plane nodes, not another cloud's nodes), on the controller's NodePorts.
 */
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { buildIngress, instancesOfRole, referencedId } from './ingress-fixture';

const built = buildIngress();
const s = built.synth;

describe('AWS: NLB, a target group and listener per port, one attachment per worker and port', () => {
  const workers = instancesOfRole(s, 'aws_instance', NodeRole.WORKER);
  const groups = s.ingress('aws_lb_target_group');
  const groupOf = (arn: string) => groups[referencedId(arn, 'aws_lb_target_group')];

  test('the cluster has AWS workers and a control-plane node to leave out', () => {
    expect(workers).toHaveLength(2);
    expect(instancesOfRole(s, 'aws_instance', NodeRole.CONTROL_PLANE)).toHaveLength(2);
  });

  test('attachments: every AWS worker on both target groups, on the target group\'s NodePort, and nothing else', () => {
    const attachments = Object.values(s.ingress('aws_lb_target_group_attachment'));
    const byPort = (port: number) => attachments.filter((a) => a.port === port).map((a) => referencedId(a.target_id, 'aws_instance')).sort();
    expect(attachments).toHaveLength(4);
    expect(byPort(30080)).toEqual(workers);
    expect(byPort(30443)).toEqual(workers);
    for (const attachment of attachments) expect(groupOf(attachment.target_group_arn).port).toBe(attachment.port);
  });

  test('listeners 80 and 443 forward over TCP to the target groups on 30080 and 30443', () => {
    const listeners = Object.values(s.ingress('aws_lb_listener')).map((l) => [l.port, l.protocol, groupOf(l.default_action[0].target_group_arn).port]);
    expect(listeners.sort()).toEqual([[443, 'TCP', 30443], [80, 'TCP', 30080]]);
    for (const group of Object.values(groups)) {
      expect(group).toMatchObject({ protocol: 'TCP', target_type: 'instance', health_check: { protocol: 'HTTP', port: '30080', path: '/healthz' } });
      expect(referencedId(group.vpc_id, 'aws_vpc')).toBeDefined();
    }
  });

  test('the NLB sits in the cluster\'s AWS subnet on its own Elastic IP', () => {
    const lb = s.one('aws_lb');
    expect(lb).toMatchObject({ load_balancer_type: 'network', internal: false, name: 'prod-ingress' });
    expect(referencedId(lb.subnet_mapping[0].subnet_id, 'aws_subnet')).toMatch(/^prod_aws_Subnet/);
    expect(referencedId(lb.subnet_mapping[0].allocation_id, 'aws_eip')).toMatch(/^ingress_aws_Address/);
  });
});

describe('GCP: target pool of the workers, a forwarding rule per port, HTTP health check on the NodePort', () => {
  const workers = instancesOfRole(s, 'google_compute_instance', NodeRole.WORKER);

  test('the pool lists exactly the GCP workers', () => {
    expect(workers).toHaveLength(2);
    const pool = s.one('google_compute_target_pool');
    expect(pool.instances.map((ref: string) => referencedId(ref, 'google_compute_instance')).sort()).toEqual(workers);
    expect(instancesOfRole(s, 'google_compute_instance', NodeRole.CONTROL_PLANE)).toHaveLength(1);
  });

  test('forwarding rules for 80 and 443 on one static address; the health check asks the HTTP NodePort', () => {
    const rules = Object.values(s.ingress('google_compute_forwarding_rule'));
    expect(rules.map((r) => r.port_range).sort()).toEqual(['443', '80']);
    for (const rule of rules) {
      expect(referencedId(rule.target, 'google_compute_target_pool')).toMatch(/^ingress_gcp_LoadBalancer/);
      expect(referencedId(rule.ip_address, 'google_compute_address')).toMatch(/^ingress_gcp_Address/);
    }
    expect(s.one('google_compute_http_health_check')).toMatchObject({ port: 30080, request_path: '/healthz' });
  });

  test('firewall: 80/443 to the load balancer address and the health check sources, on the worker tag only', () => {
    const rules = Object.values(s.ingress('google_compute_firewall'));
    for (const rule of rules) expect(rule.target_tags).toEqual(['prod-worker']);
    expect(rules.map((r) => r.allow[0].ports).sort()).toEqual([['30080'], ['80', '443']]);
  });
});

describe('Azure: Standard LB, a rule per port to the NodePort, every worker NIC in the backend pool', () => {
  const vms = s.resources('azurerm_linux_virtual_machine');
  const nicsOf = (role: NodeRole) =>
    Object.values(vms).filter((vm) => vm.tags['cast-node-role'] === role).flatMap((vm) => vm.network_interface_ids.map((ref: string) => referencedId(ref, 'azurerm_network_interface'))).sort();

  test('the backend pool holds exactly the workers\' NICs, on their primary IP configuration', () => {
    const associations = Object.values(s.ingress('azurerm_network_interface_backend_address_pool_association'));
    expect(nicsOf(NodeRole.WORKER)).toHaveLength(2);
    expect(nicsOf(NodeRole.CONTROL_PLANE)).toHaveLength(1);
    expect(associations.map((a) => referencedId(a.network_interface_id, 'azurerm_network_interface')).sort()).toEqual(nicsOf(NodeRole.WORKER));
    for (const association of associations) expect(association.ip_configuration_name).toBe('primary');
  });

  test('rules 80→30080 and 443→30443 with the HTTP probe on 30080', () => {
    const rules = Object.values(s.ingress('azurerm_lb_rule')).map((r) => [r.frontend_port, r.backend_port, r.protocol]);
    expect(rules.sort()).toEqual([[443, 30443, 'Tcp'], [80, 30080, 'Tcp']]);
    expect(s.one('azurerm_lb_probe')).toMatchObject({ protocol: 'Http', port: 30080, request_path: '/healthz' });
    expect(s.one('azurerm_lb')).toMatchObject({ sku: 'Standard', location: 'eastus' });
  });
});

/**
 * A droplet's own tags: the list itself, or, when the API seeds are appended as tags
 * (`${concat([<own tags>], formatlist("cast-api:%d:%s", …))}`), the list literal it
 * starts from, with references back in `${…}` form as cdktf writes them elsewhere.
 */
function fixedDropletTags(tags: string[] | string): string[] {
  if (Array.isArray(tags)) return tags;
  const own = /^\$\{concat\(\[(.*?)\], formatlist\(/.exec(tags);
  if (!own) throw new Error(`droplet tags neither a list nor concat([...], formatlist(...)): ${tags}`);
  return own[1].split(', ').map((item) => (item.startsWith('"') ? JSON.parse(item) : `\${${item}}`));
}

describe('DigitalOcean: a load balancer selecting the worker role tag', () => {
  test('the tag it selects is on exactly the DigitalOcean workers', () => {
    const lb = s.one('digitalocean_loadbalancer');
    const tagId = referencedId(lb.droplet_tag, 'digitalocean_tag');
    expect(s.resources('digitalocean_tag')[tagId].name).toBe('prod-worker');
    const droplets = Object.values(s.resources('digitalocean_droplet')).map((d) => ({ ...d, tags: fixedDropletTags(d.tags) }));
    const tagged = droplets.filter((d) => d.tags.includes(lb.droplet_tag));
    expect(tagged).toHaveLength(2);
    expect(tagged.every((d) => d.tags.includes('cast-node-role:worker'))).toBe(true);
    expect(droplets.filter((d) => d.tags.includes('cast-node-role:worker'))).toEqual(tagged);
    expect(droplets.some((d) => d.tags.includes('cast-node-role:control-plane'))).toBe(true);
  });

  test('forwarding 80→30080 and 443→30443 over TCP, health check on 30080, in the cluster VPC', () => {
    const lb = s.one('digitalocean_loadbalancer');
    expect(lb.forwarding_rule).toEqual([
      { entry_port: 80, entry_protocol: 'tcp', target_port: 30080, target_protocol: 'tcp' },
      { entry_port: 443, entry_protocol: 'tcp', target_port: 30443, target_protocol: 'tcp' },
    ]);
    expect(lb.healthcheck).toMatchObject({ protocol: 'http', port: 30080, path: '/healthz' });
    expect(referencedId(lb.vpc_uuid, 'digitalocean_vpc')).toBeDefined();
    expect(lb.region).toBe('nyc1');
  });
});

describe('which clouds get a load balancer', () => {
  test('a cloud with only control-plane nodes gets none, and no address in the record', () => {
    const { synth, ingress } = buildIngress({
      groups: { 'gcp-cp': { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE }, 'aws-w': { cloud: Cloud.AWS, role: NodeRole.WORKER }, 'do-w': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER } },
    });
    expect(ingress.clouds).toEqual([Cloud.AWS, Cloud.DIGITALOCEAN]);
    expect(synth.ingress('google_compute_target_pool')).toEqual({});
    expect(synth.ingress('azurerm_lb')).toEqual({});
    expect(synth.one('aws_route53_record').records).toEqual([
      expect.stringMatching(/^\$\{aws_eip\.ingress_aws_Address_\w+\.public_ip\}$/),
      expect.stringMatching(/^\$\{digitalocean_loadbalancer\.ingress_digitalocean_LoadBalancer_\w+\.ip\}$/),
    ]);
  });

  test('NodePorts of your own reach every load balancer', () => {
    const { synth } = buildIngress({ options: { httpNodePort: 31080, httpsNodePort: 31443 } });
    expect(Object.values(synth.ingress('aws_lb_target_group')).map((g) => g.port).sort()).toEqual([31080, 31443]);
    expect(synth.one('google_compute_http_health_check').port).toBe(31080);
    expect(Object.values(synth.ingress('azurerm_lb_rule')).map((r) => r.backend_port).sort()).toEqual([31080, 31443]);
    expect(synth.one('digitalocean_loadbalancer').forwarding_rule.map((r: any) => r.target_port)).toEqual([31080, 31443]);
  });

  test('adding a worker adds its own attachments and changes no other resource', () => {
    const withThree = buildIngress({ groups: { ...groupsWith(3) } }).synth;
    const withTwo = buildIngress({ groups: { ...groupsWith(2) } }).synth;
    const ingressResources = (x: typeof s) =>
      Object.fromEntries(Object.keys(x.json.resource).flatMap((type) => Object.entries(x.ingress(type)).map(([id, body]) => [`${type}.${id}`, JSON.stringify(body)])));
    const [before, after] = [ingressResources(withTwo), ingressResources(withThree)];
    const added = Object.keys(after).filter((k) => !(k in before));
    expect(added.sort()).toEqual([expect.stringMatching(/prod-aws-w-3-http/), expect.stringMatching(/prod-aws-w-3-https/)]);
    for (const [key, body] of Object.entries(before)) expect({ key, body: after[key] }).toEqual({ key, body });
  });
});

function groupsWith(awsWorkers: number) {
  return {
    'aws-cp': { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
    'aws-w': { cloud: Cloud.AWS, role: NodeRole.WORKER, count: awsWorkers },
    'gcp-w': { cloud: Cloud.GCP, role: NodeRole.WORKER },
  };
}
