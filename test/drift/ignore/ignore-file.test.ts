import { CheckId, Finding, Severity } from '../../../lib/drift/check/finding';
import { applyIgnores } from '../../../lib/drift/ignore/apply-ignores';
import { parseIgnoreFile, readIgnoreFile } from '../../../lib/drift/ignore/ignore-file';
import { fixture } from '../helpers';

const finding = (address: string, extra: Partial<Finding> = {}): Finding => ({ check: CheckId.UNUSED_RESOURCES, rule: 'unused-resources/not-desired', severity: Severity.WARNING, address, type: address.split('.')[0], message: 'm', differences: [], remediation: 'r', ...extra });

describe('ignore file', () => {
  const parse = (ignore: unknown[]) => parseIgnoreFile(JSON.stringify({ ignore }), 'ignore.json');

  test.each([
    ['address glob', { address: 'aws_instance.bastion*' }, 'aws_instance.bastion_1', true],
    ['address glob with brackets', { address: 'aws_instance.n[*]' }, 'aws_instance.n[3]', true],
    ['address glob does not match a prefix only', { address: 'aws_instance.b' }, 'aws_instance.bastion', false],
    ['type', { type: 'aws_instance' }, 'aws_instance.x', true],
    ['type glob', { type: 'google_*' }, 'aws_instance.x', false],
    ['tag key=value', { tag: 'team=ops' }, 'aws_instance.x', true],
    ['tag key only', { tag: 'team' }, 'aws_instance.x', true],
    ['tag other value', { tag: 'team=dev' }, 'aws_instance.x', false],
    ['check narrows', { type: 'aws_instance', check: 'network' }, 'aws_instance.x', false],
    ['rule id narrows', { type: 'aws_instance', check: 'unused-resources/not-desired' }, 'aws_instance.x', true],
  ])('%s', (_name, selector, address, matched) => {
    const file = parse([{ ...selector, reason: 'because' }]);
    const result = applyIgnores([finding(address, { tags: { team: 'ops' } })], file, new Date('2025-01-01T00:00:00Z'));
    expect(result.ignored.length).toBe(matched ? 1 : 0);
    expect(result.findings.length).toBe(matched ? 0 : 1);
  });

  test('expiry: valid through the day it names, then reported instead of ignoring', () => {
    const file = parse([{ address: 'aws_instance.*', reason: 'migration', expires: '2025-06-30' }]);
    expect(applyIgnores([finding('aws_instance.x')], file, new Date('2025-06-30T23:00:00Z')).ignored).toHaveLength(1);
    const after = applyIgnores([finding('aws_instance.x')], file, new Date('2025-07-01T00:00:01Z'));
    expect(after.ignored).toEqual([]);
    expect(after.findings.map((f) => [f.rule, f.severity, f.address])).toEqual([
      ['unused-resources/not-desired', Severity.WARNING, 'aws_instance.x'],
      ['ignore-file/expired', Severity.WARNING, 'ignore.json#1'],
    ]);
    expect(after.findings[1].message).toBe('ignore entry #1 (address aws_instance.*) expired on 2025-06-30; it no longer hides findings (its reason: migration)');
  });

  test('an ISO timestamp expiry is exact', () => {
    const file = parse([{ type: 'aws_instance', reason: 'r', expires: '2025-06-30T12:00:00Z' }]);
    expect(applyIgnores([finding('aws_instance.x')], file, new Date('2025-06-30T12:00:01Z')).ignored).toEqual([]);
  });

  test('the fixture file', () => {
    const file = readIgnoreFile(fixture('ignore/ignore.json'));
    expect(file.entries.map((e) => [e.number, e.address ?? e.type, e.expires])).toEqual([
      [1, 'aws_instance.cluster_aws_old_bastion_*', '2099-12-31'],
      [2, 'module.legacy.*', undefined],
      [3, 'digitalocean_firewall', '2020-01-31'],
    ]);
  });

  test('a bare list is accepted', () => {
    expect(parseIgnoreFile('[{"type": "x", "reason": "r"}]', 'f').entries).toHaveLength(1);
  });

  test('YAML needs the optional yaml package (installed here as a dev dependency)', () => {
    expect(parseIgnoreFile('ignore:\n  - type: aws_instance\n    reason: kept by hand\n', 'f.yaml').entries[0]).toMatchObject({ type: 'aws_instance', reason: 'kept by hand' });
  });

  test.each([
    ['no reason', [{ address: 'x' }], 'ignore.json: ignore entry #1 has no "reason": say why the drift is accepted'],
    ['a blank reason', [{ address: 'x', reason: '  ' }], 'ignore entry #1 has no "reason"'],
    ['no selector', [{ reason: 'r' }], 'ignore.json: ignore entry #1 selects nothing: give "address", "type" or "tag"'],
    ['an unknown key', [{ adress: 'x', reason: 'r' }], 'ignore.json: ignore entry #1 has an unknown key "adress"'],
    ['a bad date', [{ type: 'x', reason: 'r', expires: '30.06.2025' }], 'ignore.json: ignore entry #1: "expires" must be an ISO date like 2026-06-30 (got "30.06.2025")'],
    ['an impossible date', [{ type: 'x', reason: 'r', expires: '2025-02-30' }], '"expires" must be an ISO date'],
    ['a number where a string belongs', [{ type: 'x', reason: 5 }], 'ignore.json: ignore entry #1: "reason" must be a string'],
    ['not an object', ['x'], 'ignore.json: ignore entry #1 is not an object'],
  ])('refuses %s', (_name, entries, message) => {
    expect(() => parse(entries)).toThrow(message);
  });

  test.each([
    ['an empty file', '', 'f: is empty'],
    ['no list', '{"entries": []}', 'f: has no "ignore" list'],
    ['another schema', '{"schema": "cast-drift-ignore/v9", "ignore": []}', 'has schema "cast-drift-ignore/v9"'],
    ['invalid JSON', '{"ignore": [', 'f: invalid JSON at byte 12 (line 1, column 13): unexpected end of input'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseIgnoreFile(text, 'f')).toThrow(message);
  });
});
