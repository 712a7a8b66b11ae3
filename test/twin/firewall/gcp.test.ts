import { FirewallLab } from './firewall-lab';
import { gcpNodeFirewalls } from './gcp';
import { renderNodeFirewall } from './rules';
import { resourcesOf } from './stack-json';
import { AddressBook, copyStack, firewallOf, hostIn, synthCluster, testRoleRules } from './synth-cluster';
import { verdictOf } from './verdict';
import { Cloud } from '../../../lib/core/cloud';

// A multi-cloud cluster, so WireGuard's port is open; the nodes under test are on GCP.
const stack = synthCluster([Cloud.GCP, Cloud.AWS]);
const firewalls = gcpNodeFirewalls(stack, new AddressBook().resolve);
const cp = firewallOf(firewalls, 'prod-cp-1');
const worker = firewallOf(firewalls, 'prod-w-1');
const vpcAddress = hostIn(resourcesOf(stack, 'google_compute_subnetwork')[0].body.ip_cidr_range, 77);
const outsider = '198.51.100.7';
const network = resourcesOf(stack, 'google_compute_network')[0];

describe('gcpNodeFirewalls on a synthesized cluster', () => {
  testRoleRules(cp, worker);

  test('one firewall per google_compute_instance, named by its name', () => {
    expect(firewalls.map((firewall) => [firewall.resource.split('.')[0], firewall.vmName])).toEqual([
      ['google_compute_instance', 'prod-cp-1'],
      ['google_compute_instance', 'prod-w-1'],
    ]);
  });

  test('the VPC reaches every port with every protocol ("all"), IP-in-IP (4) included', () => {
    for (const firewall of [cp, worker]) {
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 'tcp', port: 10250 }).action).toBe('accept');
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 4 }).action).toBe('accept');
    }
  });

  test('NodePorts are open to anyone on workers, not on the control plane', () => {
    expect(verdictOf(worker, { source: outsider, protocol: 'tcp', port: 30080 }).action).toBe('accept');
    expect(verdictOf(cp, { source: outsider, protocol: 'tcp', port: 30080 })).toEqual({ action: 'drop', why: 'implicit drop' });
  });
});

describe('gcpNodeFirewalls on edited stacks', () => {
  const networkId = `\${${network.address}.id}`;
  const rule = (body: Record<string, unknown>) => ({ network: networkId, direction: 'INGRESS', name: 'edit', ...body });

  test('a deny beats an allow of the same priority; a lower number beats both', () => {
    const edited = copyStack(stack);
    edited.resource.google_compute_firewall.deny_api = rule({ name: 'deny-api', deny: [{ protocol: 'tcp', ports: ['6443'] }], source_ranges: ['203.0.113.0/28'] });
    let cpEdited = firewallOf(gcpNodeFirewalls(edited, new AddressBook().resolve), 'prod-cp-1');
    expect(verdictOf(cpEdited, { source: '203.0.113.7', protocol: 'tcp', port: 6443 })).toEqual({ action: 'drop', why: 'google_compute_firewall.deny_api' });
    expect(verdictOf(cpEdited, { source: '203.0.113.77', protocol: 'tcp', port: 6443 }).action).toBe('accept');
    edited.resource.google_compute_firewall.allow_one = rule({ name: 'allow-one', priority: 900, allow: [{ protocol: 'tcp', ports: ['6443'] }], source_ranges: ['203.0.113.7/32'] });
    cpEdited = firewallOf(gcpNodeFirewalls(edited, new AddressBook().resolve), 'prod-cp-1');
    expect(verdictOf(cpEdited, { source: '203.0.113.7', protocol: 'tcp', port: 6443 }).why).toBe('google_compute_firewall.allow_one');
  });

  test('a rule without targets applies to every instance of its network, none of another network', () => {
    const edited = copyStack(stack);
    edited.resource.google_compute_network.other = { name: 'other' };
    edited.resource.google_compute_firewall.everyone = rule({ allow: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: ['192.0.2.0/24'] });
    edited.resource.google_compute_firewall.elsewhere = rule({ network: '${google_compute_network.other.id}', allow: [{ protocol: 'tcp', ports: ['80'] }], source_ranges: ['192.0.2.0/24'] });
    for (const firewall of gcpNodeFirewalls(edited, new AddressBook().resolve)) {
      expect(verdictOf(firewall, { source: '192.0.2.1', protocol: 'tcp', port: 22 }).action).toBe('accept');
      expect(verdictOf(firewall, { source: '192.0.2.1', protocol: 'tcp', port: 80 }).action).toBe('drop');
    }
  });

  test("source tags allow the tagged instances' internal addresses", () => {
    const edited = copyStack(stack);
    edited.resource.google_compute_firewall.etcd = rule({ allow: [{ protocol: 'tcp', ports: ['2379'] }], source_tags: ['prod-worker'], target_tags: ['prod-control-plane'] });
    const book = new AddressBook();
    const cpEdited = firewallOf(gcpNodeFirewalls(edited, book.resolve), 'prod-cp-1');
    const workerAddress = book.resolve(`\${${worker.resource}.network_interface[0].network_ip}`)!;
    expect(verdictOf(cpEdited, { source: workerAddress, protocol: 'tcp', port: 2379 }).why).toBe('google_compute_firewall.etcd');
  });

  test('service accounts, egress deny rules, firewall policies and a second network interface are refused', () => {
    const withAccounts = copyStack(stack);
    withAccounts.resource.google_compute_firewall.by_account = rule({ allow: [{ protocol: 'all' }], source_ranges: ['0.0.0.0/0'], target_service_accounts: ['x@p.iam.gserviceaccount.com'] });
    expect(() => gcpNodeFirewalls(withAccounts, new AddressBook().resolve)).toThrow('google_compute_firewall.by_account: target_service_accounts is set, which the twin');
    const withEgressDeny = copyStack(stack);
    withEgressDeny.resource.google_compute_firewall.no_out = rule({ direction: 'EGRESS', deny: [{ protocol: 'all' }], destination_ranges: ['0.0.0.0/0'] });
    expect(() => gcpNodeFirewalls(withEgressDeny, new AddressBook().resolve)).toThrow('google_compute_firewall.no_out: an EGRESS deny rule');
    const withPolicy = copyStack(stack);
    withPolicy.resource.google_compute_network_firewall_policy = { policy: { name: 'p' } };
    expect(() => gcpNodeFirewalls(withPolicy, new AddressBook().resolve)).toThrow('GCP: the stack has google_compute_network_firewall_policy');
    const withTwoNics = copyStack(stack);
    const instance = withTwoNics.resource.google_compute_instance[cp.resource.split('.')[1]];
    instance.network_interface = [...(instance.network_interface as unknown[]), { network: networkId }];
    expect(() => gcpNodeFirewalls(withTwoNics, new AddressBook().resolve)).toThrow(`${cp.resource}: has 2 network interfaces`);
  });
});

describe('the rendered worker firewall in a network namespace', () => {
  let lab: FirewallLab;
  beforeAll(async () => {
    lab = await FirewallLab.create('gcp');
    await lab.applyFirewall(renderNodeFirewall(worker, { table: 'twin_gcp', device: FirewallLab.DEVICE }));
    await lab.addSource(vpcAddress);
    await lab.listen(['tcp/30080', 'tcp/10250']);
  });
  afterAll(() => lab?.cleanup());

  test('a NodePort connects from anywhere, the kubelet only from the VPC', async () => {
    expect(await lab.probe('203.0.113.10', 'tcp', 30080)).toBe('open');
    expect(await lab.probe('203.0.113.10', 'tcp', 10250)).toBe('timeout');
    expect(await lab.probe(vpcAddress, 'tcp', 10250)).toBe('open');
  });
});
