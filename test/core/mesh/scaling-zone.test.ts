import fc from 'fast-check';
import { contains, parseAddress, parseCidr } from '../../../lib/core/cidr';
import { allocateMeshAddresses, assignClaimBlocks, meshScalingZone } from '../../../lib/core/mesh';

describe('meshScalingZone', () => {
  test('the last 1/16 of the range, cut into /24 claim blocks', () => {
    const zone = meshScalingZone('10.4.0.0/16')!;
    expect(zone.cidr).toBe('10.4.240.0/20');
    expect(zone.blocks).toHaveLength(16);
    expect(zone.blocks[0]).toBe('10.4.240.0/24');
    expect(zone.blocks[15]).toBe('10.4.255.0/24');
  });

  test('a zone smaller than a /24 is one block; ranges smaller than a /26 have none', () => {
    expect(meshScalingZone('10.4.0.0/22')).toEqual({ cidr: '10.4.3.192/26', blocks: ['10.4.3.192/26'] });
    expect(meshScalingZone('10.4.0.0/26')).toEqual({ cidr: '10.4.0.60/30', blocks: ['10.4.0.60/30'] });
    expect(meshScalingZone('10.4.0.0/27')).toBeUndefined();
  });

  test('property: no static address ever falls in the zone', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), { minLength: 1, maxLength: 200 }), (names) => {
        const zone = parseCidr(meshScalingZone('10.4.0.0/20')!.cidr);
        for (const { address } of allocateMeshAddresses(names.map((name) => ({ name })), '10.4.0.0/20')) {
          expect(contains(zone, { network: parseAddress(address), prefix: 32 })).toBe(false);
        }
      }),
    );
  });
});

describe('assignClaimBlocks', () => {
  test('one distinct block of the zone per group, the same on every call', () => {
    const keys = ['prod-burst', 'prod-batch', 'prod-spot'];
    const blocks = assignClaimBlocks(keys, '10.4.0.0/16');
    const zone = parseCidr('10.4.240.0/20');
    expect(new Set(blocks.values()).size).toBe(3);
    for (const block of blocks.values()) expect(contains(zone, parseCidr(block))).toBe(true);
    expect(assignClaimBlocks([...keys].reverse(), '10.4.0.0/16')).toEqual(blocks);
  });

  test('property: adding a group whose home block is free moves no other group', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 2, maxLength: 10 }), (keys) => {
        const [added, ...others] = keys;
        const before = assignClaimBlocks(others, '10.4.0.0/16');
        const after = assignClaimBlocks(keys, '10.4.0.0/16');
        const addedBlock = after.get(added)!;
        if ([...before.values()].includes(addedBlock)) return; // collided: probing may reorder
        for (const key of others) expect(after.get(key)).toBe(before.get(key));
      }),
    );
  });

  test('more groups than blocks, or no zone: a message with the fix', () => {
    const keys = Array.from({ length: 17 }, (_, i) => `g${i}`);
    expect(() => assignClaimBlocks(keys, '10.4.0.0/16')).toThrow(
      'meshCidr must leave a claim block per autoscaled group (got 10.4.0.0/16: 16 claim blocks in 10.4.240.0/20 for 17 groups). Use a larger mesh range, such as a /16 (16 blocks), or fewer autoscaled groups.',
    );
    expect(() => assignClaimBlocks(['g'], '10.4.0.0/28')).toThrow('no scaling zone (a /26 or larger has one)');
  });
});
