import { execFileSync } from 'node:child_process';
import { NodeFirewall, renderNodeFirewall, twinProtocol } from './rules';

const firewall: NodeFirewall = {
  resource: 'test_vm.a',
  vmName: 'a',
  rules: [
    { action: 'accept', protocol: 'tcp', fromPort: 6443, toPort: 6443, sources: ['203.0.113.0/24', '2001:db8::/32'], why: 'api' },
    { action: 'drop', protocol: 'udp', fromPort: 30000, toPort: 32767, sources: ['198.51.100.0/24'], why: 'no "udp" nodeports' },
    { action: 'accept', protocol: 4, sources: ['10.0.0.0/16', '10.4.0.0/16'], why: 'ipip' },
    { action: 'accept', protocol: 'all', sources: [], why: 'matches nothing' },
  ],
};

describe('renderNodeFirewall', () => {
  const text = renderNodeFirewall(firewall, { table: 'twin_a', device: 'eth0' });

  test('input and forward hooks send packets from the device to the firewall chain, replies first', () => {
    expect(text).toContain('table inet twin_a {');
    for (const hook of ['input', 'forward']) {
      expect(text).toContain(`  chain ${hook} {\n    type filter hook ${hook} priority filter - 10; policy accept;\n    iifname "eth0" jump firewall\n  }`);
    }
    expect(text).toMatch(/chain firewall \{\n {4}ct state established,related accept\n/);
    expect(text.trimEnd().split('\n').slice(-3)).toEqual(['    drop comment "test_vm.a: implicit drop"', '  }', '}']);
  });

  test('one nft rule per address family, ports and protocol numbers, in order; a rule with no source renders nothing', () => {
    const rules = text.split('\n').filter((line) => line.includes('saddr'));
    expect(rules).toEqual([
      '    ip saddr 203.0.113.0/24 tcp dport 6443 accept comment "api"',
      '    ip6 saddr 2001:db8::/32 tcp dport 6443 accept comment "api"',
      '    ip saddr 198.51.100.0/24 udp dport 30000-32767 drop comment "no _udp_ nodeports"',
      '    ip saddr { 10.0.0.0/16, 10.4.0.0/16 } meta l4proto 4 accept comment "ipip"',
    ]);
  });

  test('outer rules run first: their accepts continue in the inner chain', () => {
    const nested = renderNodeFirewall({ ...firewall, outerRules: [{ action: 'accept', protocol: 'tcp', fromPort: 6443, toPort: 6443, sources: ['203.0.113.0/24'], why: 'subnet' }] }, { table: 't', device: ['eth0', 'eth1'] });
    expect(nested).toContain('iifname { "eth0", "eth1" } jump firewall');
    expect(nested).toContain('    ip saddr 203.0.113.0/24 tcp dport 6443 goto nic comment "subnet"\n    drop comment "test_vm.a: implicit drop"\n  }\n  chain nic {');
  });

  test('nft accepts the text (checked in a throwaway namespace)', () => {
    const namespace = `twfw${process.pid.toString(36)}r`;
    execFileSync('ip', ['netns', 'add', namespace]);
    try {
      const nested = renderNodeFirewall({ ...firewall, outerRules: firewall.rules }, { table: 'twin_a', device: ['eth0', 'eth1'] });
      for (const candidate of [text, nested]) execFileSync('ip', ['netns', 'exec', namespace, 'nft', '-c', '-f', '-'], { input: candidate });
    } finally {
      execFileSync('ip', ['netns', 'del', namespace]);
    }
  });

  test('refuses a bad table name, device or source', () => {
    expect(() => renderNodeFirewall(firewall, { table: 'a b', device: 'eth0' })).toThrow('table must be 1-64 letters');
    expect(() => renderNodeFirewall(firewall, { table: 't', device: 'eth0;drop' })).toThrow('device must name network interfaces');
    expect(() => renderNodeFirewall({ ...firewall, rules: [{ action: 'accept', protocol: 'all', sources: ['VirtualNetwork'], why: 'tag' }] }, { table: 't', device: 'eth0' })).toThrow(
      'tag: sources must be addresses or CIDRs (got VirtualNetwork)',
    );
  });
});

describe('twinProtocol', () => {
  test.each([
    ['-1', 'all'],
    ['*', 'all'],
    ['all', 'all'],
    ['Tcp', 'tcp'],
    ['6', 'tcp'],
    ['udp', 'udp'],
    ['Icmp', 'icmp'],
    ['ipip', 4],
    ['4', 4],
    ['Esp', 50],
    ['gre', 47],
    ['132', 132],
  ])('%s is %s', (raw, expected) => {
    expect(twinProtocol(raw, 'rule')).toBe(expected);
  });

  test('anything else is refused with the rule named', () => {
    expect(() => twinProtocol('bogus', 'google_compute_firewall.x')).toThrow('google_compute_firewall.x: protocol "bogus" is not one the twin models.');
  });
});
