import { cidrProblem, contains, formatAddress, formatCidr, hostAddress, overlaps, parseAddress, parseCidr, subnet } from '../../lib/core/cidr';

describe('cidrProblem', () => {
  test.each([
    ['10.0.0.0/16', undefined],
    ['0.0.0.0/0', undefined],
    ['203.0.113.7/32', undefined],
    ['10.0.0.0', 'is not of the form a.b.c.d/n'],
    ['10.0.0/16', 'is not of the form a.b.c.d/n'],
    ['10.0.0.0/33', 'has a prefix length above 32'],
    ['10.256.0.0/16', 'has an octet outside 0..255 or with a leading zero'],
    ['10.01.0.0/16', 'has an octet outside 0..255 or with a leading zero'],
    ['10.10.1.0/16', 'has host bits set (did you mean 10.10.0.0/16?)'],
    [' 10.0.0.0/16', 'is not of the form a.b.c.d/n'],
  ])('%s', (text, problem) => {
    expect(cidrProblem(text)).toBe(problem);
  });
});

describe('block arithmetic', () => {
  const vpc = parseCidr('10.10.0.0/16');

  test('parse and format round-trip', () => {
    expect(formatCidr(parseCidr('172.16.32.0/20'))).toBe('172.16.32.0/20');
    expect(formatAddress(parseAddress('255.255.255.255'))).toBe('255.255.255.255');
    expect(() => parseCidr('10.0.0.1/8')).toThrow('"10.0.0.1/8" has host bits set (did you mean 10.0.0.0/8?)');
  });

  test.each([
    ['10.10.0.0/24', true],
    ['10.10.255.0/24', true],
    ['10.10.0.0/16', true],
    ['10.11.0.0/24', false],
    ['10.0.0.0/8', false],
  ])('10.10.0.0/16 contains %s: %s', (inner, expected) => {
    expect(contains(vpc, parseCidr(inner))).toBe(expected);
  });

  test.each([
    ['10.96.0.0/12', '10.100.0.0/20', true],
    ['10.96.0.0/12', '10.112.0.0/20', false],
    ['10.4.0.0/16', '10.4.255.0/24', true],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['10.10.0.0/16', '10.20.0.0/16', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(overlaps(parseCidr(a), parseCidr(b))).toBe(expected);
    expect(overlaps(parseCidr(b), parseCidr(a))).toBe(expected);
  });

  test('subnet carves like cidrsubnet', () => {
    expect(formatCidr(subnet(vpc, 24, 0))).toBe('10.10.0.0/24');
    expect(formatCidr(subnet(vpc, 24, 255))).toBe('10.10.255.0/24');
    expect(formatCidr(subnet(parseCidr('10.0.0.0/8'), 20, 1))).toBe('10.0.16.0/20');
    expect(() => subnet(vpc, 24, 256)).toThrow('10.10.0.0/16 holds 256 /24 blocks, index 256 is out of range');
    expect(() => subnet(vpc, 8, 0)).toThrow('cannot carve a /8 from 10.10.0.0/16');
  });

  test('hostAddress like cidrhost', () => {
    expect(formatAddress(hostAddress(parseCidr('10.96.0.0/12'), 10))).toBe('10.96.0.10');
    expect(() => hostAddress(parseCidr('10.0.0.0/30'), 4)).toThrow('10.0.0.0/30 has no host number 4');
  });
});
