import { formatIndexKey, instanceAddress, shellQuoteAddress, topModuleName } from '../../../../lib/drift/read/state/instance-address';

describe('instance addresses', () => {
  test.each([
    [['', 'managed', 'aws_vpc', 'main', undefined], 'aws_vpc.main'],
    [['', 'data', 'aws_ami', 'debian', undefined], 'data.aws_ami.debian'],
    [['module.pool', 'managed', 'aws_instance', 'worker', 0], 'module.pool.aws_instance.worker[0]'],
    [['module.a["x"].module.b', 'managed', 'google_compute_firewall', 'rules', 'ssh'], 'module.a["x"].module.b.google_compute_firewall.rules["ssh"]'],
  ] as const)('%j → %s', (parts, expected) => {
    expect(instanceAddress(...(parts as unknown as Parameters<typeof instanceAddress>))).toBe(expected);
  });
  test('string keys are quoted with escapes', () => {
    expect(formatIndexKey('a"b')).toBe('["a\\"b"]');
  });
  test.each([
    ['module.pool["a"].module.x', 'pool'],
    ['module.addons', 'addons'],
    ['', undefined],
  ])('top module of %s', (module, name) => {
    expect(topModuleName(module)).toBe(name);
  });
  test.each([
    ['aws_vpc.main', 'aws_vpc.main'],
    ['aws_instance.w[0]', "'aws_instance.w[0]'"],
    ['aws_instance.w["it\'s"]', `'aws_instance.w["it'\\''s"]'`],
  ])('shell quoting of %s', (address, quoted) => {
    expect(shellQuoteAddress(address)).toBe(quoted);
  });
});
