import { normalizeAddressPrefix, normalizeCidrList } from '../../../../lib/drift/check/network/address-prefix';
import { formatPortRanges, mergePortRanges, parsePortSpec, portRange } from '../../../../lib/drift/check/network/port-ranges';
import { normalizeProtocol } from '../../../../lib/drift/check/network/protocol';

describe('protocols: names, numbers and "all"', () => {
  test.each([
    ['tcp', 'tcp'],
    ['6', 'tcp'],
    [6, 'tcp'],
    ['Tcp', 'tcp'],
    ['17', 'udp'],
    ['Udp', 'udp'],
    ['1', 'icmp'],
    ['Icmp', 'icmp'],
    ['58', 'icmpv6'],
    ['icmp6', 'icmpv6'],
    ['-1', 'all'],
    [-1, 'all'],
    ['all', 'all'],
    ['*', 'all'],
    ['Any', 'all'],
    ['50', 'esp'],
    ['Esp', 'esp'],
    ['132', 'sctp'],
    ['99', '99'],
    ['', undefined],
    [null, undefined],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeProtocol(raw)).toBe(expected);
  });
});

describe('ports as merged intervals', () => {
  test.each([
    ['22', '22'],
    ['1000-2000', '1000-2000'],
    [' 80 - 90 ', '80-90'],
    ['*', 'all ports'],
    ['all', 'all ports'],
    ['', 'all ports'],
    ['0-65535', 'all ports'],
    ['1-65535', 'all ports'],
    [443, '443'],
  ])('%j → %s', (spec, expected) => {
    expect(formatPortRanges(mergePortRanges(parsePortSpec(spec)!))).toBe(expected);
  });
  test.each(['x', '70000', '20-10', '-1', 1.5])('%j is not a port spec', (spec) => {
    expect(parsePortSpec(spec)).toBeUndefined();
  });
  test('merging: order, overlap, adjacency', () => {
    const ranges = [...parsePortSpec('443')!, ...parsePortSpec('80')!, ...parsePortSpec('81-90')!, ...parsePortSpec('85-100')!, ...parsePortSpec('22')!];
    expect(formatPortRanges(mergePortRanges(ranges))).toBe('22,80-100,443');
  });
  test('AWS from/to bounds', () => {
    expect(portRange(22, 22)).toEqual([{ from: 22, to: 22 }]);
    expect(portRange('10', '20')).toEqual([{ from: 10, to: 20 }]);
    expect(portRange(-1, -1)).toBeUndefined();
  });
});

describe('addresses: one spelling of anywhere, masked CIDRs', () => {
  test.each([
    ['*', '0.0.0.0/0'],
    ['Internet', '0.0.0.0/0'],
    ['Any', '0.0.0.0/0'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.5', '10.0.0.5/32'],
    ['10.1.2.3/16', '10.1.0.0/16'],
    ['::/0', '::/0'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['VirtualNetwork', undefined],
    ['10.0.0.0/33', undefined],
    ['300.0.0.0/8', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeAddressPrefix(raw)).toBe(expected);
  });
  test('CIDR lists are sets', () => {
    expect(normalizeCidrList(['10.2.0.0/16', '10.1.0.0/16', '10.2.0.0/16'])).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    expect(normalizeCidrList('10.1.0.0/16')).toEqual(['10.1.0.0/16']);
    expect(normalizeCidrList(['nope'])).toBeUndefined();
  });
});
