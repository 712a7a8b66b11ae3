/**
 * A cluster whose API ranges are narrowed lets every static node of every cloud through
 * the API rule of every cloud, by the address its own connections leave from: the static
 * address on AWS, GCP and Azure, the droplet's own address on DigitalOcean (a reserved IP
 * only receives). Autoscaled nodes are not named: a worker reaches its own cloud's control
 * planes over the cloud network (test/cluster/api-seeds.test.ts). A cluster with the API
 * open adds nothing.
 */
import { App, Testing } from 'cdktf';
import { apiRuleApp, ApiRuleShape, OFFICE } from './api-rule-app';

interface NodeOutput {
  readonly cloud: string;
  readonly public_address: string;
  readonly private_address: string;
}

function synth(shape: ApiRuleShape): { json: any; nodes: Record<string, NodeOutput> } {
  const app: App = Testing.app();
  apiRuleApp(shape)(app);
  const stack = app.node.children[0] as Parameters<typeof Testing.synth>[0];
  const json = JSON.parse(Testing.synth(stack));
  return { json, nodes: json.output.cast_cluster_prod_nodes.value };
}

/** The sources of each cloud's API rule on control planes. */
function apiSources(json: any): Record<string, string[]> {
  const resources = (type: string): Record<string, any>[] => Object.values(json.resource[type] ?? {});
  return {
    aws: resources('aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 6443).map((r) => r.cidr_ipv4).sort(),
    gcp: resources('google_compute_firewall').find((r) => r.name === 'prod-control-plane-kube-apiserver')!.source_ranges,
    azure: resources('azurerm_network_security_rule').find((r) => r.name === 'kube-apiserver')!.source_address_prefixes,
    digitalocean: resources('digitalocean_firewall').find((r) => r.name === 'prod-control-plane')!.inbound_rule.find((r: any) => r.port_range === '6443').source_addresses,
  };
}

describe('the API rule lets the cluster\'s nodes in when apiSourceRanges is narrowed', () => {
  const { json, nodes } = synth({ apiSourceRanges: [OFFICE], workersPerCloud: 2, autoscaled: true });
  /** The address a node's connections leave from: a DigitalOcean node's droplet address, any other's static address. */
  const egress = (node: NodeOutput) => (node.cloud === 'digitalocean' ? node.private_address.replace(/\.ipv4_address_private\}$/, '.ipv4_address}') : node.public_address);
  const expected = [OFFICE, ...Object.keys(nodes).sort().map((name) => `${egress(nodes[name])}/32`)];

  test.each(['aws', 'gcp', 'azure', 'digitalocean'])('%s: the office, then every static node of every cloud by name, and nothing else', (cloud) => {
    expect(Object.keys(nodes)).toHaveLength(4 + 4 * 2);
    // AWS holds one source per resource: their order is the resources', sorted here.
    expect(apiSources(json)[cloud]).toEqual(cloud === 'aws' ? [...expected].sort() : expected);
  });

  test('DigitalOcean nodes by the droplet\'s own address, never the reserved IP (it only receives); nobody by a private address', () => {
    const all = Object.values(apiSources(json)).flat();
    expect(all.filter((source) => source.startsWith('${digitalocean_droplet.') && source.endsWith('.ipv4_address}/32'))).toHaveLength(4 * 3);
    expect(all.filter((source) => /digitalocean_reserved_ip|private_ip|network_ip|ipv4_address_private/.test(source))).toEqual([]);
  });

  test('AWS: one rule per node, named after it, on the control planes\' group only', () => {
    const rules = Object.entries<any>(json.resource.aws_vpc_security_group_ingress_rule).filter(([id]) => id.includes('-kube-apiserver-node-'));
    expect(rules.map(([id]) => /-node-(prod-[\w-]+?)_[0-9A-F]{8}$/.exec(id)?.[1]).sort()).toEqual(Object.keys(nodes).sort());
    expect(new Set(rules.map(([, r]) => r.security_group_id)).size).toBe(1);
    expect(rules[0][1].security_group_id).toMatch(/SecurityGroup-control-plane/);
  });
});

test('with the API open to all, nodes add no source anywhere', () => {
  const { json } = synth({ workersPerCloud: 2, autoscaled: true });
  expect(apiSources(json)).toEqual({ aws: ['0.0.0.0/0'], gcp: ['0.0.0.0/0'], azure: ['0.0.0.0/0'], digitalocean: ['0.0.0.0/0'] });
});
