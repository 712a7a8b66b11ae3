import { awsNodeFirewalls } from './aws';
import { FirewallLab } from './firewall-lab';
import { renderNodeFirewall } from './rules';
import { resourcesOf } from './stack-json';
import { AddressBook, copyStack, firewallOf, hostIn, synthCluster, testRoleRules } from './synth-cluster';
import { verdictOf } from './verdict';
import { Cloud } from '../../../lib/core/cloud';

// A multi-cloud cluster, so WireGuard's port is open; the nodes under test are on AWS.
const stack = synthCluster([Cloud.AWS, Cloud.GCP]);
const firewalls = awsNodeFirewalls(stack, new AddressBook().resolve);
const cp = firewallOf(firewalls, 'prod-cp-1');
const worker = firewallOf(firewalls, 'prod-w-1');
const vpcAddress = hostIn(resourcesOf(stack, 'aws_vpc')[0].body.cidr_block, 77);
const outsider = '198.51.100.7';

describe('awsNodeFirewalls on a synthesized cluster', () => {
  testRoleRules(cp, worker);

  test('one firewall per aws_instance, named by its Name tag', () => {
    expect(firewalls.map((firewall) => [firewall.resource.split('.')[0], firewall.vmName])).toEqual([
      ['aws_instance', 'prod-cp-1'],
      ['aws_instance', 'prod-w-1'],
    ]);
  });

  test('the VPC reaches every port with every protocol, IP-in-IP (4) included', () => {
    for (const firewall of [cp, worker]) {
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 'tcp', port: 10250 }).action).toBe('accept');
      expect(verdictOf(firewall, { source: vpcAddress, protocol: 4 }).action).toBe('accept');
    }
    expect(verdictOf(cp, { source: outsider, protocol: 4 }).action).toBe('drop');
  });

  test('NodePorts are open to anyone on workers, not on the control plane', () => {
    expect(verdictOf(worker, { source: outsider, protocol: 'tcp', port: 30080 }).action).toBe('accept');
    expect(verdictOf(worker, { source: outsider, protocol: 'udp', port: 32767 }).action).toBe('accept');
    expect(verdictOf(cp, { source: outsider, protocol: 'tcp', port: 30080 })).toEqual({ action: 'drop', why: 'implicit drop' });
  });
});

describe('awsNodeFirewalls on edited stacks', () => {
  const groups = resourcesOf(stack, 'aws_security_group');
  const cpGroup = groups.find((group) => group.name.includes('control-plane'))!;
  const workerGroup = groups.find((group) => group.name.includes('worker'))!;
  const workerInstance = worker.resource;

  /** The stack plus a cp-group rule allowing etcd (2379) from the worker group. */
  function withGroupSource() {
    const edited = copyStack(stack);
    edited.resource.aws_vpc_security_group_ingress_rule.etcd_from_workers = {
      security_group_id: `\${${cpGroup.address}.id}`,
      referenced_security_group_id: `\${${workerGroup.address}.id}`,
      ip_protocol: 'tcp',
      from_port: 2379,
      to_port: 2379,
    };
    return edited;
  }

  test("a security group as source allows its members' private addresses", () => {
    const book = new AddressBook();
    const edited = awsNodeFirewalls(withGroupSource(), book.resolve);
    expect(book.asked()).toContain(`\${${workerInstance}.private_ip}`);
    const workerPrivate = book.resolve(`\${${workerInstance}.private_ip}`)!;
    expect(verdictOf(firewallOf(edited, 'prod-cp-1'), { source: workerPrivate, protocol: 'tcp', port: 2379 }).action).toBe('accept');
    expect(verdictOf(firewallOf(edited, 'prod-cp-1'), { source: '203.0.113.7', protocol: 'tcp', port: 2379 }).action).toBe('drop');
  });

  test('an address the resolver does not know is named in the error', () => {
    const book = new AddressBook();
    const withoutPrivate = (expression: string) => (expression.endsWith('.private_ip}') ? undefined : book.resolve(expression));
    expect(() => awsNodeFirewalls(withGroupSource(), withoutPrivate)).toThrow(`the twin cannot resolve \${${workerInstance}.private_ip}`);
  });

  test('an instance without security groups of the stack is refused', () => {
    const edited = copyStack(stack);
    delete edited.resource.aws_instance[worker.resource.split('.')[1]].vpc_security_group_ids;
    expect(() => awsNodeFirewalls(edited, new AddressBook().resolve)).toThrow(`${worker.resource}: vpc_security_group_ids is not set`);
  });

  test('security groups that do not let everything out are refused', () => {
    const edited = copyStack(stack);
    for (const rule of Object.values(edited.resource.aws_vpc_security_group_egress_rule)) rule.ip_protocol = 'tcp';
    expect(() => awsNodeFirewalls(edited, new AddressBook().resolve)).toThrow('do not allow all outbound traffic; the twin models inbound rules only');
  });

  test('prefix lists, ICMP type filters and network ACLs are refused', () => {
    const withPrefixList = copyStack(stack);
    Object.values(withPrefixList.resource.aws_vpc_security_group_ingress_rule)[0].prefix_list_id = 'pl-123';
    expect(() => awsNodeFirewalls(withPrefixList, new AddressBook().resolve)).toThrow('prefix_list_id is set, which the twin');
    const withIcmpType = copyStack(stack);
    withIcmpType.resource.aws_vpc_security_group_ingress_rule.ping = { security_group_id: `\${${cpGroup.address}.id}`, ip_protocol: 'icmp', from_port: 8, to_port: 0, cidr_ipv4: '0.0.0.0/0' };
    expect(() => awsNodeFirewalls(withIcmpType, new AddressBook().resolve)).toThrow('aws_vpc_security_group_ingress_rule.ping: ICMP type/code filters (8/0)');
    const withAcl = copyStack(stack);
    withAcl.resource.aws_network_acl = { acl: {} };
    expect(() => awsNodeFirewalls(withAcl, new AddressBook().resolve)).toThrow('AWS: the stack has aws_network_acl');
  });
});

describe('the rendered control-plane firewall in a network namespace', () => {
  let lab: FirewallLab;
  beforeAll(async () => {
    lab = await FirewallLab.create('aws');
    await lab.applyFirewall(renderNodeFirewall(cp, { table: 'twin_aws', device: FirewallLab.DEVICE }));
    await lab.addSource(vpcAddress);
    await lab.listen(['tcp/6443', 'tcp/10250', 'udp/51820']);
  });
  afterAll(() => lab?.cleanup());

  test('the API connects from the API range, the kubelet only from the VPC, WireGuard answers anyone', async () => {
    expect(await lab.probe('203.0.113.10', 'tcp', 6443)).toBe('open');
    expect(await lab.probe('203.0.113.10', 'tcp', 10250)).toBe('timeout');
    expect(await lab.probe(vpcAddress, 'tcp', 10250)).toBe('open');
    expect(await lab.probe('203.0.113.10', 'udp', 51820)).toBe('open');
  });
});
