import fc from 'fast-check';
import { contains, parseAddress, parseCidr } from '../../../lib/core/cidr';
import { allocateMeshAddresses, homeMeshAddress, MeshAddressRequest } from '../../../lib/core/mesh';

const nodeName = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const names = (max: number) => fc.uniqueArray(nodeName, { minLength: 1, maxLength: max });
const addressMap = (requests: readonly MeshAddressRequest[], cidr: string) =>
  new Map(allocateMeshAddresses(requests, cidr).map((a) => [a.name, a.address]));

describe('allocateMeshAddresses', () => {
  test('home addresses are frozen: changing the hash would move every node of every cluster', () => {
    expect(['aws-cp-0', 'gcp-w-1', 'node-a'].map((name) => homeMeshAddress(name, '10.4.0.0/16'))).toEqual(['10.4.13.211', '10.4.176.200', '10.4.220.159']);
    expect(['aws-cp-0', 'gcp-w-1', 'node-a'].map((name) => homeMeshAddress(name, '10.4.0.0/29'))).toEqual(['10.4.0.1', '10.4.0.4', '10.4.0.1']);
  });

  test('a collision probes to the next free address, the tie going to the lower name', () => {
    // aws-cp-0 and node-a share the home 10.4.0.1 in a /29.
    expect(allocateMeshAddresses([{ name: 'node-a' }, { name: 'aws-cp-0' }], '10.4.0.0/29')).toEqual([
      { name: 'aws-cp-0', address: '10.4.0.1', pinned: false },
      { name: 'node-a', address: '10.4.0.2', pinned: false },
    ]);
  });

  test('a lone node gets its home address; the result is sorted by name', () => {
    const result = allocateMeshAddresses([{ name: 'b' }, { name: 'a' }], '10.4.0.0/16');
    expect(result.map((a) => a.name)).toEqual(['a', 'b']);
    expect(result[0]).toEqual({ name: 'a', address: homeMeshAddress('a', '10.4.0.0/16'), pinned: false });
  });

  test('pinned addresses are honored and win their slot over an unpinned home', () => {
    const home = homeMeshAddress('x', '10.4.0.0/29');
    const result = allocateMeshAddresses([{ name: 'x' }, { name: 'y', meshAddress: home }], '10.4.0.0/29');
    expect(result).toEqual([
      { name: 'x', address: expect.not.stringMatching(`^${home.replace(/\./g, '\\.')}$`), pinned: false },
      { name: 'y', address: home, pinned: true },
    ]);
  });

  test('linear probing wraps from the last host address to the first', () => {
    // Two names whose home is the last host address of a /29 (10.4.0.6): the second wraps to 10.4.0.1.
    const lastHome = Array.from({ length: 200 }, (_, i) => `n${i}`).filter((name) => homeMeshAddress(name, '10.4.0.0/29') === '10.4.0.6');
    const [first, second] = lastHome;
    expect(allocateMeshAddresses([{ name: second }, { name: first }], '10.4.0.0/29').map((a) => a.address)).toEqual(['10.4.0.6', '10.4.0.1']);
  });

  test('property: addresses are distinct host addresses inside the range and pinned ones are kept', () => {
    fc.assert(
      fc.property(names(40), fc.integer({ min: 0, max: 2 ** 31 }), (list, seed) => {
        const requests: MeshAddressRequest[] = list.map((name, i) => (i % 5 === 0 ? { name, meshAddress: `10.4.0.${1 + ((i + seed) % 59)}` } : { name }));
        const pins = new Set(requests.filter((r) => r.meshAddress).map((r) => r.meshAddress));
        fc.pre(pins.size === requests.filter((r) => r.meshAddress).length);
        const result = allocateMeshAddresses(requests, '10.4.0.0/26');
        const block = parseCidr('10.4.0.0/26');
        expect(new Set(result.map((a) => a.address)).size).toBe(list.length);
        for (const a of result) {
          const address = parseAddress(a.address);
          expect(contains(block, { network: address, prefix: 32 })).toBe(true);
          expect([block.network, block.network + 63]).not.toContain(address);
          // Never in the scaling zone 10.4.0.60/30, which scaled nodes claim from at boot.
          expect(address).toBeLessThan(block.network + 60);
        }
        for (const r of requests.filter((q) => q.meshAddress)) {
          expect(result.find((a) => a.name === r.name)).toEqual({ name: r.name, address: r.meshAddress, pinned: true });
        }
      }),
    );
  });

  test('property: input order never matters', () => {
    fc.assert(
      fc.property(names(60).chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))), ([list, reordered]) => {
        const cidr = '10.4.0.0/25'; // small, so collisions and probing happen
        expect(allocateMeshAddresses(reordered.map((name) => ({ name })), cidr)).toEqual(allocateMeshAddresses(list.map((name) => ({ name })), cidr));
      }),
    );
  });

  test('property: adding or removing a node whose home slot is free moves no other node', () => {
    // A /26 (62 hosts) with up to 40 nodes: both colliding and free home slots are common.
    const cidr = '10.4.0.0/26';
    let checked = 0;
    fc.assert(
      fc.property(names(40), nodeName, (list, extra) => {
        fc.pre(!list.includes(extra));
        const without = addressMap(list.map((name) => ({ name })), cidr);
        const withExtra = addressMap([...list, extra].map((name) => ({ name })), cidr);
        const homeIsFree = ![...without.values()].includes(homeMeshAddress(extra, cidr));
        if (!homeIsFree) return;
        checked++;
        expect(withExtra.get(extra)).toBe(homeMeshAddress(extra, cidr));
        for (const name of list) expect(withExtra.get(name)).toBe(without.get(name));
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(50);
  });

  describe('bad input: each message names the value and the fix', () => {
    const cases: [string, MeshAddressRequest[], string, string][] = [
      ['duplicate names', [{ name: 'a' }, { name: 'a' }], '10.4.0.0/16', 'node names must be unique (got "a" 2 times). Give each node its own name.'],
      [
        'more nodes than addresses',
        [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
        '10.4.0.0/30',
        'meshCidr must hold one host address per node (got 10.4.0.0/30: 2 host addresses for 3 nodes). Use a larger mesh range, such as a /16.',
      ],
      [
        'malformed range',
        [{ name: 'a' }],
        '10.4.0.1/16',
        'meshCidr must be a canonical IPv4 CIDR such as 10.4.0.0/16 (got "10.4.0.1/16", which has host bits set (did you mean 10.4.0.0/16?)). Pass the network address and prefix length of the mesh range.',
      ],
      [
        'range given as a token',
        [{ name: 'a' }],
        '${var.mesh_cidr}',
        'meshCidr must be a concrete IPv4 CIDR (got the token ${var.mesh_cidr}). Pass the literal range; the planner allocates addresses from it.',
      ],
      [
        'range without host addresses',
        [{ name: 'a' }],
        '10.4.0.0/31',
        'meshCidr must be a /30 or larger, to leave host addresses after the network and broadcast addresses (got 10.4.0.0/31). Use a larger range such as 10.4.0.0/16.',
      ],
      [
        'pinned address outside the range',
        [{ name: 'a', meshAddress: '10.5.0.1' }],
        '10.4.0.0/16',
        'nodes["a"].meshAddress must be a host address inside 10.4.0.0/16, not its network address or its scaling zone 10.4.240.0/20, kept for autoscaled nodes (got "10.5.0.1"). Pick an address in the mesh range, or leave meshAddress out to have one allocated.',
      ],
      [
        'pinned broadcast address',
        [{ name: 'a', meshAddress: '10.4.255.255' }],
        '10.4.0.0/16',
        'nodes["a"].meshAddress must be a host address inside 10.4.0.0/16, not its network address or its scaling zone 10.4.240.0/20, kept for autoscaled nodes (got "10.4.255.255"). Pick an address in the mesh range, or leave meshAddress out to have one allocated.',
      ],
      [
        'pinned address twice',
        [{ name: 'a', meshAddress: '10.4.0.9' }, { name: 'b', meshAddress: '10.4.0.9' }],
        '10.4.0.0/16',
        'nodes["b"].meshAddress must be unique (got 10.4.0.9, already pinned by "a"). Pin a different address, or leave one of them out.',
      ],
    ];
    test.each(cases)('%s', (_, requests, cidr, message) => {
      expect(() => allocateMeshAddresses(requests, cidr)).toThrow(new Error(message));
    });

    test('every problem is reported, not only the first', () => {
      expect(() => allocateMeshAddresses([{ name: 'a' }, { name: 'a' }, { name: 'b', meshAddress: '1.2.3.4' }], '10.4.0.0/16')).toThrow(
        /node names must be unique[^\n]*\nnodes\["b"\]\.meshAddress must be a host address/,
      );
    });
  });
});
