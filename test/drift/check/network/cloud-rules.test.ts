/**
 * Normalization tables per cloud: each row is a desired and an actual way of
 * writing rules that must compare equal (or not).
 */
import { AWS_NETWORK } from '../../../../lib/drift/check/network/aws';
import { AZURE_NETWORK } from '../../../../lib/drift/check/network/azure';
import { CloudNetworkModel, OwnedRules, OwnerLookup } from '../../../../lib/drift/check/network/cloud-network-model';
import { DIGITALOCEAN_NETWORK } from '../../../../lib/drift/check/network/digitalocean';
import { compareRuleSets, FirewallRule } from '../../../../lib/drift/check/network/firewall-rule';
import { GCP_NETWORK } from '../../../../lib/drift/check/network/gcp';
import { UnknownValue } from '../../../../lib/drift/check/resolve-references';

const lookup: OwnerLookup = {
  addressById: (id) => ({ 'sg-1': 'aws_security_group.sg', 'sg-2': 'aws_security_group.lb' })[id],
  addressByName: (type, name) => (type === 'azurerm_network_security_group' && name === 'nsg' ? 'azurerm_network_security_group.nsg' : undefined),
  idOf: (address) => ({ 'aws_security_group.sg': 'sg-1', 'aws_security_group.lb': 'sg-2' })[address],
};

type Resource = { address: string; attributes: Record<string, unknown> };

function ruleSet(model: CloudNetworkModel, resources: Resource[]): { rules: FirewallRule[]; incomplete: boolean; owners: string[] } {
  const owned = resources.map((r) => model.rulesOf({ address: r.address, type: r.address.split('.')[0], attributes: r.attributes }, lookup)).filter((o): o is OwnedRules => !!o);
  return { rules: owned.flatMap((o) => o.rules), incomplete: owned.some((o) => o.incomplete), owners: [...new Set(owned.map((o) => o.owner))] };
}

function same(model: CloudNetworkModel, desired: Resource[], actual: Resource[]): string[] {
  return compareRuleSets(ruleSet(model, desired), ruleSet(model, actual)).map((d) => `${d.path}: ${String(d.desired)} → ${String(d.actual)}`);
}

const awsRule = (protocol: unknown, from: unknown, to: unknown, cidrs: unknown[], extra: Record<string, unknown> = {}) => ({ protocol, from_port: from, to_port: to, cidr_blocks: cidrs, ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, ...extra });

describe('AWS security groups', () => {
  const sg = (ingress: unknown[], egress?: unknown[]) => ({ address: 'aws_security_group.sg', attributes: { id: 'sg-1', ingress, ...(egress ? { egress } : {}) } });
  test.each([
    ['protocol number vs name', [awsRule('tcp', 22, 22, ['0.0.0.0/0'])], [awsRule('6', 22, 22, ['0.0.0.0/0'])]],
    ['set order', [awsRule('tcp', 22, 22, ['0.0.0.0/0']), awsRule('udp', 51820, 51820, ['0.0.0.0/0'])], [awsRule('udp', 51820, 51820, ['0.0.0.0/0']), awsRule('tcp', 22, 22, ['0.0.0.0/0'])]],
    ['two CIDRs in one rule vs two rules', [awsRule('tcp', 22, 22, ['10.0.0.0/8', '192.168.0.0/16'])], [awsRule('tcp', 22, 22, ['192.168.0.0/16']), awsRule('tcp', 22, 22, ['10.0.0.0/8'])]],
    ['adjacent port ranges vs one range', [awsRule('tcp', 80, 80, ['0.0.0.0/0']), awsRule('tcp', 81, 90, ['0.0.0.0/0'])], [awsRule('tcp', 80, 90, ['0.0.0.0/0'])]],
    ['all protocols: ports ignored', [awsRule('-1', 0, 0, ['10.0.0.0/16'])], [awsRule('all', null, null, ['10.0.0.0/16'])]],
    ['tcp 0-65535 is all ports', [awsRule('tcp', 0, 65535, ['10.0.0.0/16'])], [awsRule('tcp', 1, 65535, ['10.0.0.0/16'])]],
    ['a host address vs /32', [awsRule('tcp', 22, 22, ['203.0.113.7/32'])], [awsRule('tcp', 22, 22, ['203.0.113.7'])]],
    ['self vs its own id', [awsRule('tcp', 10250, 10250, [], { self: true })], [awsRule('tcp', 10250, 10250, [], { security_groups: ['sg-1'] })]],
  ])('%s: equal', (_name, desired, actual) => {
    expect(same(AWS_NETWORK, [sg(desired)], [sg(actual)])).toEqual([]);
  });

  test('inline vs separate rule resources of both kinds', () => {
    const desired = [
      sg([awsRule('tcp', 22, 22, ['0.0.0.0/0'])]),
      { address: 'aws_vpc_security_group_ingress_rule.kubelet', attributes: { security_group_id: new UnknownValue({ address: 'aws_security_group.sg', attribute: 'id' }), ip_protocol: 'tcp', from_port: 10250, to_port: 10250, cidr_ipv4: '10.0.0.0/8' } },
      { address: 'aws_security_group_rule.lb', attributes: { type: 'ingress', security_group_id: 'sg-1', protocol: 'tcp', from_port: 443, to_port: 443, source_security_group_id: 'sg-2' } },
    ];
    const actual = [sg([awsRule('tcp', 22, 22, ['0.0.0.0/0']), awsRule('tcp', 10250, 10250, ['10.0.0.0/8']), awsRule('tcp', 443, 443, [], { security_groups: ['sg-2'] })])];
    expect(ruleSet(AWS_NETWORK, desired).owners).toEqual(['aws_security_group.sg']);
    expect(same(AWS_NETWORK, desired, actual)).toEqual([]);
  });

  test.each([
    ['an extra rule', [awsRule('tcp', 22, 22, ['0.0.0.0/0'])], [awsRule('tcp', 22, 22, ['0.0.0.0/0']), awsRule('tcp', 3389, 3389, ['0.0.0.0/0'])], ['rules[ingress allow tcp from 0.0.0.0/0].ports: 22 → 22,3389']],
    ['a missing rule', [awsRule('udp', 51820, 51820, ['0.0.0.0/0'])], [], ['rules: ingress allow udp 51820 from 0.0.0.0/0 → null']],
    ['a wider source', [awsRule('tcp', 22, 22, ['10.0.0.0/8'])], [awsRule('tcp', 22, 22, ['0.0.0.0/0'])], ['rules: ingress allow tcp 22 from 10.0.0.0/8 → null', 'rules: null → ingress allow tcp 22 from 0.0.0.0/0']],
    ['ICMP type', [awsRule('icmp', 8, 0, ['0.0.0.0/0'])], [awsRule('icmp', -1, -1, ['0.0.0.0/0'])], ['rules: ingress allow icmp type 8/0 from 0.0.0.0/0 → null', 'rules: null → ingress allow icmp from 0.0.0.0/0']],
  ])('%s: differs', (_name, desired, actual, differences) => {
    expect(same(AWS_NETWORK, [sg(desired)], [sg(actual)])).toEqual(differences);
  });

  test('an unknown CIDR makes the set incomplete: missing rules still count, extra ones do not', () => {
    const desired = [sg([awsRule('tcp', 22, 22, [new UnknownValue()]), awsRule('udp', 51820, 51820, ['0.0.0.0/0'])])];
    expect(ruleSet(AWS_NETWORK, desired).incomplete).toBe(true);
    expect(same(AWS_NETWORK, desired, [sg([awsRule('tcp', 22, 22, ['10.0.0.0/8'])])])).toEqual(['rules: ingress allow udp 51820 from 0.0.0.0/0 → null']);
  });

  test('an omitted egress block is not managed, so not compared', () => {
    const desired = ruleSet(AWS_NETWORK, [sg([])]);
    expect(AWS_NETWORK.rulesOf({ address: 'aws_security_group.sg', type: 'aws_security_group', attributes: { ingress: [] } }, lookup)?.directions).toEqual(['ingress']);
    expect(desired.rules).toEqual([]);
  });
});

describe('GCP firewalls', () => {
  const fw = (attributes: Record<string, unknown>) => ({ address: 'google_compute_firewall.fw', attributes });
  test.each([
    ['defaults: INGRESS, priority 1000', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, { direction: 'INGRESS', priority: 1000, source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }], deny: [] }],
    ['allow order and port lists', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22', '80-90'] }, { protocol: 'udp', ports: ['51820'] }] }, { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'udp', ports: ['51820'] }, { protocol: 'tcp', ports: ['80-90', '22'] }] }],
    ['no ports is all ports', { source_ranges: ['10.0.0.0/8'], allow: [{ protocol: 'tcp' }] }, { source_ranges: ['10.0.0.0/8'], allow: [{ protocol: '6', ports: ['0-65535'] }] }],
    ['target tag order', { source_ranges: ['0.0.0.0/0'], target_tags: ['b', 'a'], allow: [{ protocol: 'all' }] }, { source_ranges: ['0.0.0.0/0'], target_tags: ['a', 'b'], allow: [{ protocol: 'all', ports: [] }] }],
    ['egress without destination is anywhere', { direction: 'EGRESS', allow: [{ protocol: 'all' }] }, { direction: 'EGRESS', destination_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'all' }] }],
  ])('%s: equal', (_name, desired, actual) => {
    expect(same(GCP_NETWORK, [fw(desired)], [fw(actual)])).toEqual([]);
  });
  test.each([
    ['another priority', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, { priority: 900, source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, 2],
    ['another target', { source_ranges: ['0.0.0.0/0'], target_tags: ['worker'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, 2],
    ['deny instead of allow', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, { source_ranges: ['0.0.0.0/0'], deny: [{ protocol: 'tcp', ports: ['22'] }] }, 2],
    ['disabled', { source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, { disabled: true, source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }, 1],
  ])('%s: differs', (_name, desired, actual, count) => {
    expect(same(GCP_NETWORK, [fw(desired)], [fw(actual)])).toHaveLength(count);
  });
});

describe('Azure network security groups', () => {
  const stateRule = (overrides: Record<string, unknown>) => ({ access: 'Allow', direction: 'Inbound', priority: 100, protocol: 'Tcp', source_port_range: '*', source_port_ranges: [], destination_port_range: '22', destination_port_ranges: [], source_address_prefix: 'Internet', source_address_prefixes: [], destination_address_prefix: '*', destination_address_prefixes: [], name: 'ssh', ...overrides });
  const nsg = (rules: unknown[]) => ({ address: 'azurerm_network_security_group.nsg', attributes: { name: 'nsg', security_rule: rules } });
  const separate = (name: string, overrides: Record<string, unknown>) => ({ address: `azurerm_network_security_rule.${name}`, attributes: { network_security_group_name: 'nsg', ...stateRule(overrides) } });
  test.each([
    ['Internet, * and 0.0.0.0/0', [stateRule({ source_address_prefix: '0.0.0.0/0' })], [stateRule({ source_address_prefix: '*' })]],
    ['singular vs plural fields', [stateRule({ destination_port_range: '', destination_port_ranges: ['443', '22'] })], [stateRule({ destination_port_range: '22' }), stateRule({ name: 'https', destination_port_range: '443' })]],
    ['protocol spelling', [stateRule({ protocol: 'Tcp' })], [stateRule({ protocol: '6' })]],
    ['a rule name is cosmetic', [stateRule({ name: 'ssh' })], [stateRule({ name: 'allow-ssh' })]],
  ])('%s: equal', (_name, desired, actual) => {
    expect(same(AZURE_NETWORK, [nsg(desired)], [nsg(actual)])).toEqual([]);
  });
  test('separate rule resources vs the NSG inline list', () => {
    expect(same(AZURE_NETWORK, [nsg([]), separate('ssh', {}), separate('wg', { name: 'wg', priority: 110, protocol: 'Udp', destination_port_range: '51820', source_address_prefix: '*' })], [nsg([stateRule({}), stateRule({ name: 'wg', priority: 110, protocol: 'Udp', destination_port_range: '51820', source_address_prefix: '*' })])])).toEqual([]);
  });
  test.each([
    ['another port', [stateRule({})], [stateRule({ destination_port_range: '2222' })], 1],
    ['another priority', [stateRule({})], [stateRule({ priority: 200 })], 2],
    ['Deny instead of Allow', [stateRule({})], [stateRule({ access: 'Deny' })], 2],
    ['a service tag vs anywhere', [stateRule({})], [stateRule({ source_address_prefix: 'VirtualNetwork' })], 2],
  ])('%s: differs', (_name, desired, actual, count) => {
    expect(same(AZURE_NETWORK, [nsg(desired)], [nsg(actual)])).toHaveLength(count);
  });
});

describe('DigitalOcean firewalls', () => {
  const fw = (inbound: unknown[], outbound: unknown[] = []) => ({ address: 'digitalocean_firewall.fw', attributes: { inbound_rule: inbound, outbound_rule: outbound } });
  const rule = (protocol: string, port_range: string | undefined, source_addresses: string[], extra: Record<string, unknown> = {}) => ({ protocol, ...(port_range === undefined ? {} : { port_range }), source_addresses, ...extra });
  test.each([
    ['all ports: all, 0, 1-65535', [rule('tcp', '1-65535', ['0.0.0.0/0'])], [rule('tcp', 'all', ['0.0.0.0/0']), rule('tcp', '0', ['0.0.0.0/0'])]],
    ['icmp has no ports', [rule('icmp', undefined, ['0.0.0.0/0'])], [rule('icmp', '0', ['0.0.0.0/0'])]],
    ['address order', [rule('tcp', '22', ['0.0.0.0/0', '::/0'])], [rule('tcp', '22', ['::/0', '0.0.0.0/0'])]],
    ['droplet ids as numbers or strings', [rule('tcp', '22', [], { source_droplet_ids: ['1'] })], [rule('tcp', '22', [], { source_droplet_ids: [1] })]],
  ])('%s: equal', (_name, desired, actual) => {
    expect(same(DIGITALOCEAN_NETWORK, [fw(desired)], [fw(actual)])).toEqual([]);
  });
  test('a removed rule', () => {
    expect(same(DIGITALOCEAN_NETWORK, [fw([rule('udp', '51820', ['0.0.0.0/0'])])], [fw([])])).toEqual(['rules: ingress allow udp 51820 from 0.0.0.0/0 → null']);
  });
});
