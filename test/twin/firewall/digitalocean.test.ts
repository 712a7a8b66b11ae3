import { digitalOceanNodeFirewalls } from './digitalocean';
import { FirewallLab } from './firewall-lab';
import { renderNodeFirewall } from './rules';
import { resourcesOf } from './stack-json';
import { AddressBook, copyStack, firewallOf, hostIn, synthCluster, testRoleRules } from './synth-cluster';
import { verdictOf } from './verdict';
import { Cloud } from '../../../lib/core/cloud';

// A multi-cloud cluster, so WireGuard's port is open and droplets carry computed seed tags.
const stack = synthCluster([Cloud.DIGITALOCEAN, Cloud.AWS]);
const firewalls = digitalOceanNodeFirewalls(stack, new AddressBook().resolve);
const cp = firewallOf(firewalls, 'prod-cp-1');
const worker = firewallOf(firewalls, 'prod-w-1');
const vpcAddress = hostIn(resourcesOf(stack, 'digitalocean_vpc')[0].body.ip_range, 77);
const outsider = '198.51.100.7';
const cpFirewall = resourcesOf(stack, 'digitalocean_firewall').find((firewall) => firewall.name.includes('control-plane'))!;

describe('digitalOceanNodeFirewalls on a synthesized cluster', () => {
  testRoleRules(cp, worker);

  test('one firewall per droplet, chosen by the role tag inside its computed tags', () => {
    expect(typeof stack.resource!.digitalocean_droplet[cp.resource.split('.')[1]].tags).toBe('string');
    expect(firewalls.map((firewall) => [firewall.resource.split('.')[0], firewall.vmName])).toEqual([
      ['digitalocean_droplet', 'prod-cp-1'],
      ['digitalocean_droplet', 'prod-w-1'],
    ]);
    expect(cp.rules.every((rule) => rule.why.startsWith(cpFirewall.address))).toBe(true);
  });

  test('the VPC reaches every tcp and udp port and icmp, but IP-in-IP (4) has no rule: it is dropped', () => {
    for (const firewall of [cp, worker]) {
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 'tcp', port: 10250 }).action).toBe('accept');
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 'udp', port: 8472 }).action).toBe('accept');
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 'icmp' }).action).toBe('accept');
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 4 })).toEqual({ action: 'drop', why: 'implicit drop' });
    }
  });
});

describe('digitalOceanNodeFirewalls on edited stacks', () => {
  const firewallName = cpFirewall.name;
  const workerDroplet = worker.resource;

  test("source tags and source droplets allow the droplets' private and public addresses", () => {
    const edited = copyStack(stack);
    const rules = edited.resource.digitalocean_firewall[firewallName].inbound_rule as Record<string, unknown>[];
    rules.push({ protocol: 'tcp', port_range: '2379', source_tags: ['prod-worker'] });
    rules.push({ protocol: 'tcp', port_range: '2380', source_droplet_ids: [`\${${workerDroplet}.id}`] });
    const book = new AddressBook();
    const edit = firewallOf(digitalOceanNodeFirewalls(edited, book.resolve), 'prod-cp-1');
    const addresses = ['ipv4_address_private', 'ipv4_address'].map((attribute) => `\${${workerDroplet}.${attribute}}`);
    expect(book.asked()).toEqual(expect.arrayContaining(addresses));
    for (const address of addresses.map((expression) => book.resolve(expression)!)) {
      expect(verdictOf(edit, { source: address, protocol: 'tcp', port: 2379 }).action).toBe('accept');
      expect(verdictOf(edit, { source: address, protocol: 'tcp', port: 2380 }).action).toBe('accept');
    }
  });

  test('a firewall applies by droplet_ids too; a droplet with no firewall is not filtered', () => {
    const byId = copyStack(stack);
    byId.resource.digitalocean_firewall.ssh = { name: 'ssh', droplet_ids: [`\${${workerDroplet}.id}`], inbound_rule: [{ protocol: 'tcp', port_range: '22', source_addresses: ['192.0.2.0/24'] }] };
    expect(verdictOf(firewallOf(digitalOceanNodeFirewalls(byId, new AddressBook().resolve), 'prod-w-1'), { source: '192.0.2.1', protocol: 'tcp', port: 22 }).action).toBe('accept');
    const none = copyStack(stack);
    delete none.resource.digitalocean_firewall;
    expect(verdictOf(firewallOf(digitalOceanNodeFirewalls(none, new AddressBook().resolve), 'prod-w-1'), { source: outsider, protocol: 4 }).action).toBe('accept');
  });

  test('a firewall on a tag the droplets may carry as a computed seed tag is refused', () => {
    const edited = copyStack(stack);
    edited.resource.digitalocean_firewall.seeds = { name: 'seeds', tags: ['cast-api:0:10-0-0-1'], inbound_rule: [{ protocol: 'tcp', port_range: '22', source_addresses: ['0.0.0.0/0'] }] };
    expect(() => digitalOceanNodeFirewalls(edited, new AddressBook().resolve)).toThrow('cannot tell whether it carries tag "cast-api:0:10-0-0-1" (its tags include computed ones starting "cast-api:")');
  });

  test('other protocols, closed outbound rules and load-balancer sources are refused', () => {
    const gre = copyStack(stack);
    (gre.resource.digitalocean_firewall[firewallName].inbound_rule as Record<string, unknown>[]).push({ protocol: 'gre', source_addresses: ['0.0.0.0/0'] });
    expect(() => digitalOceanNodeFirewalls(gre, new AddressBook().resolve)).toThrow('protocol "gre"; DigitalOcean firewalls support only icmp, tcp and udp');
    const closed = copyStack(stack);
    closed.resource.digitalocean_firewall[firewallName].outbound_rule = [];
    expect(() => digitalOceanNodeFirewalls(closed, new AddressBook().resolve)).toThrow(`${cp.resource}: its firewalls do not let all tcp, udp, icmp traffic out`);
    const balancer = copyStack(stack);
    (balancer.resource.digitalocean_firewall[firewallName].inbound_rule as Record<string, unknown>[]).push({ protocol: 'tcp', port_range: '80', source_load_balancer_uids: ['lb-1'] });
    expect(() => digitalOceanNodeFirewalls(balancer, new AddressBook().resolve)).toThrow('source_load_balancer_uids is set, which the twin');
  });
});

describe('the rendered control-plane firewall in a network namespace', () => {
  let lab: FirewallLab;
  beforeAll(async () => {
    lab = await FirewallLab.create('do');
    // "Firewalls affect both public and VPC network traffic": eth0 and eth1 on a droplet; here one wire.
    await lab.applyFirewall(renderNodeFirewall(cp, { table: 'twin_do', device: [FirewallLab.DEVICE] }));
    await lab.addSource(vpcAddress);
    await lab.listen(['tcp/6443', 'tcp/10250']);
  });
  afterAll(() => lab?.cleanup());

  test('the API connects from the API range, the kubelet only from the VPC', async () => {
    expect(await lab.probe('203.0.113.10', 'tcp', 6443)).toBe('open');
    expect(await lab.probe('203.0.113.10', 'tcp', 10250)).toBe('timeout');
    expect(await lab.probe(vpcAddress, 'tcp', 10250)).toBe('open');
  });
});
