import type { SchemaBlock } from '../../support/provider-schema';
import { UNKNOWN } from './cty';
import { replacePaths, unknownComputed, unknownDerived, unknownRecomputed, valuesAt } from './plan';

const BLOCK: SchemaBlock = {
  attributes: {
    id: { type: 'string', computed: true },
    ami: { type: 'string', required: true },
    private_ip: { type: 'string', optional: true, computed: true },
    user_data: { type: 'string', optional: true },
    tags: { type: ['map', 'string'], optional: true },
    tags_all: { type: ['map', 'string'], computed: true },
  },
  block_types: {
    root_block_device: {
      nesting_mode: 'list',
      block: { attributes: { volume_id: { type: 'string', computed: true }, volume_size: { type: 'number', optional: true } } },
    },
  },
};

describe('planning', () => {
  test('on create, every computed attribute without a value is unknown, in nested blocks too; set values stay', () => {
    const planned = unknownComputed({ id: null, ami: 'ami-1', private_ip: '10.0.0.5', user_data: null, tags: null, tags_all: null, root_block_device: [{ volume_id: null, volume_size: 20 }] }, BLOCK) as any;
    expect(planned.id).toBe(UNKNOWN);
    expect(planned.private_ip).toBe('10.0.0.5');
    expect(planned.user_data).toBeNull(); // optional, not computed: stays null
    expect(planned.root_block_device[0]).toEqual({ volume_id: UNKNOWN, volume_size: 20 });
  });

  test('a derived attribute is recomputed only when its source changes', () => {
    const prior = { tags: { a: '1' }, tags_all: { a: '1', cluster: 'x' } };
    expect(unknownDerived(prior, { tags: { a: '2' }, tags_all: prior.tags_all }).tags_all).toBe(UNKNOWN);
    expect(unknownDerived(prior, { tags: { a: '1' }, tags_all: prior.tags_all }).tags_all).toEqual(prior.tags_all);
  });

  const rules = [
    { path: ['ami'], source: 'test' },
    { path: ['user_data'], when: { attribute: 'user_data_replace_on_change', equals: true }, source: 'test' },
    { path: ['root_block_device', '*', 'volume_size'], source: 'test' },
  ];

  test('only the rules whose values changed force a replacement, as the path up to the first wildcard', () => {
    const prior = { ami: 'ami-1', user_data: 'a', user_data_replace_on_change: false, root_block_device: [{ volume_size: 20 }] };
    expect(replacePaths(prior, { ...prior }, rules)).toEqual([]);
    expect(replacePaths(prior, { ...prior, ami: 'ami-2' }, rules)).toEqual([['ami']]);
    expect(replacePaths(prior, { ...prior, root_block_device: [{ volume_size: 30 }] }, rules)).toEqual([['root_block_device']]);
  });

  test('a conditional rule applies only when its condition holds (aws_instance user_data)', () => {
    const prior = { ami: 'ami-1', user_data: 'a', user_data_replace_on_change: false, root_block_device: [] };
    expect(replacePaths(prior, { ...prior, user_data: 'b' }, rules)).toEqual([]);
    expect(replacePaths({ ...prior, user_data_replace_on_change: true }, { ...prior, user_data: 'b', user_data_replace_on_change: true }, rules)).toEqual([['user_data']]);
  });

  test('set elements are compared as a multiset: reordering is no change', () => {
    const setRule = [{ path: ['ports', '*'], source: 'test' }];
    expect(replacePaths({ ports: [1, 2] }, { ports: [2, 1] }, setRule)).toEqual([]);
    expect(replacePaths({ ports: [1, 2] }, { ports: [1, 3] }, setRule)).toEqual([['ports']]);
  });

  test('valuesAt walks lists and maps with wildcards and ignores missing steps', () => {
    expect(valuesAt({ a: [{ b: 1 }, { b: 2 }] }, ['a', '*', 'b'])).toEqual([1, 2]);
    expect(valuesAt({ m: { x: { b: 1 } } }, ['m', '*', 'b'])).toEqual([1]);
    expect(valuesAt({ a: null }, ['a', '*', 'b'])).toEqual([]);
  });

  test('a launch template change makes a new version: latest_version unknown, unless only its description changed', () => {
    const prior = { name: 'lt', description: 'a', user_data: 'x', latest_version: 3, default_version: 3, update_default_version: true };
    const changed = unknownRecomputed('aws_launch_template', prior, { ...prior, user_data: 'y' });
    expect([changed.latest_version, changed.default_version]).toEqual([UNKNOWN, UNKNOWN]);
    const described = unknownRecomputed('aws_launch_template', prior, { ...prior, description: 'b' });
    expect([described.latest_version, described.default_version]).toEqual([3, 3]);
    const noDefault = unknownRecomputed('aws_launch_template', { ...prior, update_default_version: false }, { ...prior, update_default_version: false, user_data: 'y' });
    expect([noDefault.latest_version, noDefault.default_version]).toEqual([UNKNOWN, 3]);
  });
});
