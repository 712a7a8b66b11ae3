import { Cloud } from '../../../lib/core/cloud';
import { CheckId, Severity } from '../../../lib/drift/check/finding';
import { checkNetwork } from '../../../lib/drift/check/network-check';
import { DriftReport } from '../../../lib/drift/drift-check';
import { DriftAction } from '../../../lib/drift/model';
import { renderReport, ReportFormat } from '../../../lib/drift/report/render-report';
import { actualState, deletedDrift, desiredResource, desiredState, stateResource } from '../helpers';

const vpc = desiredResource('aws_vpc.main', { cidr_block: '10.10.0.0/16' });
const subnet = desiredResource('google_compute_subnetwork.nodes', { ip_cidr_range: '${var.range}' });
const sg = desiredResource('aws_security_group.sg', { vpc_id: '${aws_vpc.main.id}', ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['${aws_vpc.main.cidr_block}'] }] });
const sgState = (ingress: unknown[]) => stateResource('aws_security_group.sg', { id: 'sg-1', name: 'sg', ingress, egress: [] });
const rule = (from: number, cidr: string) => ({ protocol: 'tcp', from_port: from, to_port: from, cidr_blocks: [cidr], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false });

describe('checkNetwork', () => {
  test('in sync: ranges equal, references resolved against the state', () => {
    const actual = actualState([stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.10.0.0/16' }), sgState([rule(22, '10.10.0.0/16')])]);
    expect(checkNetwork(desiredState([vpc, sg]), actual)).toEqual([]);
  });

  test('a changed range', () => {
    const [finding] = checkNetwork(desiredState([vpc]), actualState([stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.99.0.0/16' })]));
    expect(finding).toMatchObject({ check: CheckId.NETWORK, rule: 'network/range', severity: Severity.ERROR, address: 'aws_vpc.main', cloud: Cloud.AWS, differences: [{ path: 'cidr_block', desired: '10.10.0.0/16', actual: '10.99.0.0/16' }] });
    expect(finding.remediation).toContain('terraform plan');
  });

  test('a range unknown until apply is taken from the cluster description', () => {
    const description = { schema: 'cast-cluster/v1', clouds: [], nodes: [], networks: [{ cloud: Cloud.GCP, address: 'google_compute_subnetwork.nodes', cidr: '10.20.1.0/24', subnets: [] }] };
    const actual = actualState([stateResource('google_compute_subnetwork.nodes', { id: 's', ip_cidr_range: '10.20.9.0/24' })]);
    expect(checkNetwork(desiredState([subnet], { description }), actual).map((f) => f.differences)).toEqual([[{ path: 'ip_cidr_range', desired: '10.20.1.0/24', actual: '10.20.9.0/24' }]]);
    expect(checkNetwork(desiredState([subnet]), actual)).toEqual([]);
  });

  test('a sensitive range prints as (sensitive)', () => {
    const actual = actualState([stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.99.0.0/16' }, { sensitive: [['cidr_block']] })]);
    expect(checkNetwork(desiredState([vpc]), actual)[0].differences).toEqual([{ path: 'cidr_block', desired: '(sensitive)', actual: '(sensitive)' }]);
  });

  test('missing from the state, and deleted outside Terraform', () => {
    expect(checkNetwork(desiredState([vpc]), actualState([])).map((f) => [f.rule, f.message])).toEqual([['network/missing', 'the AWS VPC (aws_vpc.main) is in the configuration but not in the state: the cluster has no AWS network']]);
    const deleted = actualState([stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.10.0.0/16' })], { drift: [deletedDrift('aws_vpc.main')] });
    expect(checkNetwork(desiredState([vpc]), deleted).map((f) => f.rule)).toEqual(['network/deleted-outside']);
  });

  test('a firewall rule added outside Terraform', () => {
    const actual = actualState([stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.10.0.0/16' }), sgState([rule(22, '10.10.0.0/16'), rule(8080, '0.0.0.0/0')])]);
    const [finding] = checkNetwork(desiredState([vpc, sg]), actual);
    expect(finding).toMatchObject({ rule: 'network/firewall', address: 'aws_security_group.sg', differences: [{ path: 'rules', desired: null, actual: 'ingress allow tcp 8080 from 0.0.0.0/0' }] });
    expect(finding.message).toBe('firewall rules of aws_security_group.sg differ from the configuration: 1 unconfigured rule group(s) present');
  });

  test('the refresh-only plan overrides the state', () => {
    const actual = actualState([stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.10.0.0/16' }), sgState([rule(22, '10.10.0.0/16')])], {
      drift: [{ address: 'aws_security_group.sg', type: 'aws_security_group', cloud: Cloud.AWS, action: DriftAction.UPDATED, after: { id: 'sg-1', ingress: [rule(22, '10.10.0.0/16'), rule(3389, '0.0.0.0/0')] }, sensitivePaths: [], file: 'p' }],
    });
    expect(checkNetwork(desiredState([vpc, sg]), actual).map((f) => f.rule)).toEqual(['network/firewall']);
  });

  test('sensitive rule sets hide the values but not the shape', () => {
    const actual = actualState([stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.10.0.0/16' }), stateResource('aws_security_group.sg', { id: 'sg-1', ingress: [rule(22, '10.10.0.0/16'), rule(8080, '0.0.0.0/0')] }, { sensitive: [['ingress']] })]);
    expect(checkNetwork(desiredState([vpc, sg]), actual)[0].differences).toEqual([{ path: 'rules', desired: null, actual: '(sensitive)' }]);
  });

  test('subnets of the description must exist when no block states them', () => {
    const description = { schema: 'cast-cluster/v1', clouds: [], nodes: [], networks: [{ cloud: Cloud.AWS, address: 'aws_vpc.main', subnets: ['10.10.1.0/24', '10.10.2.0/24'] }] };
    const actual = actualState([stateResource('aws_subnet.a', { id: 's', cidr_block: '10.10.1.0/24' })]);
    expect(checkNetwork(desiredState([], { description }), actual).map((f) => f.differences[0])).toEqual([{ path: 'subnets', desired: '10.10.2.0/24', actual: null }]);
  });

  test('count expands; an unknown count compares the instances the state has', () => {
    const counted = desiredResource('aws_subnet.s', { cidr_block: '10.10.1.0/24' }, [0, 1]);
    expect(checkNetwork(desiredState([counted]), actualState([stateResource('aws_subnet.s[0]', { id: 'a', cidr_block: '10.10.1.0/24' })])).map((f) => f.address)).toEqual(['aws_subnet.s[1]']);
    const unknown = desiredResource('aws_subnet.s', { cidr_block: '10.10.1.0/24' }, null);
    expect(checkNetwork(desiredState([unknown]), actualState([stateResource('aws_subnet.s[0]', { id: 'a', cidr_block: '10.10.9.0/24' })])).map((f) => f.address)).toEqual(['aws_subnet.s[0]']);
  });
});

describe('values the state marks sensitive are never printed, in any format', () => {
  const SECRET = '198.51.100.77/32';
  const report = (findings: ReturnType<typeof checkNetwork>) => ({
    command: 'check',
    cluster: { uuid: 'c0ffee00-1234-4abc-8def-0123456789ab', name: 'prod' },
    inputs: { desired: ['cdk.tf.json'], states: [{ file: 'terraform.tfstate', kind: 'Terraform state', resources: 3 }], plans: [], inventories: [] },
    findings,
    ignored: [],
  }) as unknown as DriftReport;
  const awsRule = desiredResource('aws_vpc_security_group_ingress_rule.ssh', { security_group_id: '${aws_security_group.sg.id}', ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr_ipv4: '203.0.113.0/24' });
  const awsGroup = desiredResource('aws_security_group.sg', { vpc_id: 'vpc-1' });
  const azureRule = desiredResource('azurerm_network_security_rule.ssh', { name: 'ssh', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source_port_range: '*', destination_port_range: '22', source_address_prefix: '203.0.113.0/24', destination_address_prefix: '*', network_security_group_name: '${azurerm_network_security_group.nsg.name}', resource_group_name: 'rg' });
  const azureGroup = desiredResource('azurerm_network_security_group.nsg', { name: 'nsg', resource_group_name: 'rg' });
  const gcpFirewall = desiredResource('google_compute_firewall.ssh', { name: 'ssh', network: 'net', direction: 'INGRESS', allow: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: ['203.0.113.0/24'] });
  test.each([
    ['a separate AWS rule resource', [awsGroup, awsRule], [
      stateResource('aws_security_group.sg', { id: 'sg-1', name: 'sg', vpc_id: 'vpc-1', ingress: [], egress: [] }),
      stateResource('aws_vpc_security_group_ingress_rule.ssh', { id: 'sgr-1', security_group_id: 'sg-1', ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr_ipv4: SECRET }, { sensitive: [['cidr_ipv4']] }),
    ]],
    ['a separate Azure rule resource', [azureGroup, azureRule], [
      stateResource('azurerm_network_security_group.nsg', { id: '/nsg', name: 'nsg', resource_group_name: 'rg', security_rule: [] }),
      stateResource('azurerm_network_security_rule.ssh', { id: '/nsg/ssh', name: 'ssh', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source_port_range: '*', destination_port_range: '22', source_address_prefix: SECRET, destination_address_prefix: '*', network_security_group_name: 'nsg', resource_group_name: 'rg' }, { sensitive: [['source_address_prefix']] }),
    ]],
    ['GCP source_ranges', [gcpFirewall], [
      stateResource('google_compute_firewall.ssh', { id: 'projects/p/global/firewalls/ssh', name: 'ssh', network: 'net', direction: 'INGRESS', priority: 1000, allow: [{ protocol: 'tcp', ports: ['22'] }], source_ranges: [SECRET] }, { sensitive: [['source_ranges']] }),
    ]],
    ['a configured value that refers to a sensitive attribute', [vpc, sg], [
      stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: SECRET }, { sensitive: [['cidr_block']] }),
      sgState([rule(22, '10.10.0.0/16')]),
    ]],
  ])('%s: the finding is made, its values print as (sensitive)', (_name, blocks, states) => {
    const findings = checkNetwork(desiredState(blocks), actualState(states)).filter((finding) => finding.rule === 'network/firewall');
    expect(findings).toHaveLength(1);
    for (const format of Object.values(ReportFormat)) expect({ format, leaked: renderReport(report(findings), format, { cwd: '/' }).includes(SECRET.split('/')[0]) }).toEqual({ format, leaked: false });
    expect(JSON.stringify(findings[0].differences)).toContain('(sensitive)');
  });
});
