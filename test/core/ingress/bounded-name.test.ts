import { boundedName } from '../../../lib/core/ingress/bounded-name';

describe('boundedName', () => {
  test('a name that fits is kept', () => {
    expect(boundedName('prod-ingress-https', 32)).toBe('prod-ingress-https');
  });

  test('a long name keeps its head and gets a hash: exactly the limit, stable, distinct', () => {
    const a = boundedName('a-thirty-character-cluster-nam-ingress-https', 32);
    const b = boundedName('a-thirty-character-cluster-nam-ingress-http', 32);
    expect(a).toHaveLength(32);
    expect(a).toMatch(/^a-thirty-character-cluste-[0-9a-f]{6}$/);
    expect(boundedName('a-thirty-character-cluster-nam-ingress-https', 32)).toBe(a);
    expect(a).not.toBe(b);
  });

  test('no double dash before the hash', () => {
    expect(boundedName('abcdefghijklmnopqrstuvwxy-zzzzzzzzzz', 32)).not.toContain('--');
  });
});
