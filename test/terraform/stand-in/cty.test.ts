import { encode } from '@msgpack/msgpack';
import { canonical, DynamicValue, fromJson, fromMsgpack, hasUnknown, toMsgpack, UNKNOWN, type CtyType, type Value } from './cty';

const OBJECT: CtyType = ['object', {
  name: 'string',
  count: 'number',
  enabled: 'bool',
  tags: ['map', 'string'],
  ports: ['set', 'number'],
  rules: ['list', ['object', { cidr: 'string' }]],
  manifest: 'dynamic',
}];

describe('cty msgpack (the plugin protocol wire format)', () => {
  test('a value goes through encode and decode unchanged, unknowns and dynamic values included', () => {
    const value: Value = {
      name: 'node-1', count: 3, enabled: true, tags: { team: 'platform' }, ports: [443, 6443],
      rules: [{ cidr: UNKNOWN }], manifest: new DynamicValue(['object', { kind: 'string' }], { kind: 'Namespace' }),
    };
    const back = fromMsgpack(toMsgpack(value, OBJECT), OBJECT) as any;
    expect(back.rules[0].cidr).toBe(UNKNOWN);
    expect(back.manifest).toBeInstanceOf(DynamicValue);
    expect(back.manifest.type).toEqual(['object', { kind: 'string' }]);
    expect(canonical(back)).toBe(canonical(value));
  });

  test('unknown is extension 0 on the way out, and refined unknowns (extension 12) are read as unknown', () => {
    const bytes = toMsgpack(UNKNOWN, 'string');
    expect([...bytes]).toEqual([0xd4, 0x00, 0x00]); // fixext1, type 0: what cty writes
    const refined = new Uint8Array([0xd5, 0x0c, 0x81, 0x01]); // fixext2, type 12, a one-entry map of refinements
    expect(fromMsgpack(refined, 'string')).toBe(UNKNOWN);
  });

  test('an object missing an attribute on the wire decodes with that attribute null', () => {
    const decoded = fromMsgpack(encode({ name: 'x' }), OBJECT) as any;
    expect(decoded.count).toBeNull();
    expect(Object.keys(decoded).sort()).toEqual(Object.keys((OBJECT as any)[1]).sort());
  });

  test('numbers sent as strings (beyond float64) decode as numbers', () => {
    expect(fromMsgpack(encode('42'), 'number')).toBe(42);
  });

  test('state JSON: a dynamic value is {value, type}', () => {
    const decoded = fromJson({ name: 'a', manifest: { value: { kind: 'Secret' }, type: ['object', { kind: 'string' }] } }, OBJECT) as any;
    expect(decoded.manifest).toEqual(new DynamicValue(['object', { kind: 'string' }], { kind: 'Secret' }));
  });

  test('hasUnknown finds an unknown at any depth and nothing in a known value', () => {
    expect(hasUnknown({ a: [{ b: UNKNOWN }] })).toBe(true);
    expect(hasUnknown({ a: [{ b: 'x' }], c: null })).toBe(false);
  });
});
