/**
 * Proof with real etcd: three members in three "clouds" (network namespaces, etcd-lab.ts)
 * of Cast region us-central, over the WireGuard mesh each node runs itself (its own
 * mesh-up.sh and cast-mesh-agent, synced once over the records directory standing in for
 * the API), with the table's round trips on the wire and the timers `etcdTimings` computes
 * for them. The tests share one cluster and run in order: it forms; it keeps writing when
 * its leader dies, without an election storm; the dead member reboots while the API is
 * unreachable (its mesh from its own copy of the last sync through `mesh-up.sh interface`,
 * etcd on the same data directory) and catches up; every member reboots at once, the API
 * still unreachable, and the cluster comes back with a leader and its data;
 * etcd-remove-member.sh refuses a removal that breaks quorum and removes a stopped member.
 *
 * Needs root, /dev/net/tun, etcd and etcdctl (Debian's etcd-server and etcd-client),
 * wireguard-go, wg, ip, ss, ping and python3: without them the group is skipped with the reason
 * printed, and fails on CI, where .ci/run installs them (etcd-lab.ts, test/support/requirements.ts). Waits are
 * for events (lab-waits.ts); nothing asserts how long anything took. afterAll ends every
 * process this file started and deletes its namespaces, even after a failure.
 */
import { Cloud } from '../../lib/core/cloud';
import { roundTripMs } from '../../lib/core/etcd-timings';
import { BUILD_LIMIT_MS, jestTimeout, PATH_LIMIT_MS, READY_LIMIT_MS, sleep, waitFor } from '../mesh/lab-waits';
import { run } from '../mesh/namespace-lab';
import { MESH_UP_LIMIT_MS } from '../mesh/agent-lab';
import { describeEtcdLab, EtcdLab } from './etcd-lab';

const CAST_REGION = 'us-central';
const CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE];
/** A member elected, a write committed, a member healthy: over a mesh that may still be handshaking (lab-waits.ts). */
const SETTLE_MS = PATH_LIMIT_MS;
/** How long writes keep going after the leader died, to see whether elections keep coming. */
const JITTER_WINDOW_MS = 3000;

describeEtcdLab('etcd over the WireGuard mesh in network namespaces', () => {
  let lab: EtcdLab;
  /** The member killed in (b) and rebooted in (c). */
  let killed: string;
  /** Whether the cluster formed: later tests need it, and without it would only wait out their limits. */
  let formed = false;
  const names = () => lab.nodes.map((node) => node.name);
  const put = async (on: string, key: string, value: string, timeout = '5s') => (await lab.etcdctl(on, ['put', key, value], timeout)).code === 0;
  /** A serializable read, answered from the member's own store. */
  const localValue = async (on: string, key: string) => (await lab.etcdctl(on, ['get', key, '--print-value-only', '--consistency=s'])).stdout.trim();
  /**
   * How many keys under `prefix` the member's own store holds, or (linearizable) the cluster holds; undefined when it
   * does not answer. (Debian's etcdctl 3.4 has no --count-only: the range response's count, without the values.)
   */
  const localCount = async (on: string, prefix: string, consistency: 's' | 'l' = 's') =>
    (await lab.etcdctl(on, ['get', prefix, '--prefix', '--keys-only', `--consistency=${consistency}`, '-w', 'fields'])).stdout.match(/^"Count" : (\d+)$/m)?.[1];
  /** The counts of `prefixes`, as one string to compare. */
  const counts = async (on: string, prefixes: readonly string[], consistency: 's' | 'l' = 's') =>
    JSON.stringify(await Promise.all(prefixes.map(async (prefix) => [prefix, await localCount(on, prefix, consistency)])));

  beforeAll(async () => {
    lab = await EtcdLab.create(CAST_REGION, CLOUDS);
  }, BUILD_LIMIT_MS + READY_LIMIT_MS + MESH_UP_LIMIT_MS + PATH_LIMIT_MS);

  afterAll(async () => {
    await lab?.cleanup();
  }, BUILD_LIMIT_MS);

  test('the lab: the library\'s timers, the table\'s delays on the wire', async () => {
    expect(lab.timings.heartbeatIntervalMs).toBeGreaterThanOrEqual(lab.timings.worstRoundTripMs);
    const pairs = CLOUDS.flatMap((a, i) => CLOUDS.slice(i + 1).map((b) => roundTripMs(CAST_REGION, a, b)!));
    expect(lab.timings.worstRoundTripMs).toBe(Math.max(...pairs));
    // Every node reaches every other one over the mesh, through the delay line.
    const meshPairs = lab.nodes.flatMap((a) => lab.nodes.filter((b) => b !== a).map((b) => [a.ns, lab.meshAddress(b.name)] as const));
    expect(await lab.lab.unreachable(meshPairs, SETTLE_MS)).toEqual([]);
    // The delay is on the wire: no echo comes back sooner than the table's round trip less the jitter
    // (a floor, which load can only raise).
    for (const [a, b] of lab.nodes.flatMap((x, i) => lab.nodes.slice(i + 1).map((y) => [x, y] as const))) {
      const { stdout } = await run('ip', ['netns', 'exec', a.ns, 'ping', '-n', '-q', '-c', '3', '-i', '0.2', lab.meshAddress(b.name)]);
      const fastest = Number(stdout.match(/= ([\d.]+)\//)?.[1]);
      expect({ pair: `${a.name}-${b.name}`, atLeast: fastest >= 0.8 * roundTripMs(CAST_REGION, a.cloud, b.cloud)! }).toEqual({ pair: `${a.name}-${b.name}`, atLeast: true });
    }
  }, jestTimeout(SETTLE_MS));

  test('(a) the cluster forms over the mesh; a put on one member is read on every other', async () => {
    for (const name of names()) lab.startMember(name);
    await lab.waitHealthy(names(), SETTLE_MS);
    formed = true;
    const [first, ...others] = names();
    expect(await put(first, 'cast/a', 'formed')).toBe(true);
    for (const name of others) expect((await lab.etcdctl(name, ['get', 'cast/a', '--print-value-only'])).stdout.trim()).toBe('formed');
    for (const name of names()) expect(await lab.memberNames(name)).toEqual([...names()].sort());
  }, jestTimeout(SETTLE_MS));

  test('(b) the leader dies: writes still commit on the other two, and no election storm follows', async () => {
    if (!formed) throw new Error('the cluster did not form (see the test before)');
    const statuses = await Promise.all(names().map(async (name) => ({ name, status: await lab.status(name) })));
    const leader = statuses.find((s) => s.status?.leader);
    expect(leader).toBeDefined();
    killed = leader!.name;
    const survivors = names().filter((name) => name !== killed);
    const termBefore = Math.max(...statuses.map((s) => s.status?.term ?? 0));

    await lab.stopMember(killed, 'SIGKILL');
    // Short attempts: a put sent before the election waits for a leader that is gone until it times out.
    await waitFor('no write committed after the leader died', () => put(survivors[0], 'cast/b/0', 'after the leader died', '1s'), { limitMs: SETTLE_MS, pollMs: 100 });
    const termElected = (await lab.status(survivors[0]))!.term;

    // Writes keep committing while jittered delays go on; a storm would move the term once per election timeout.
    const started = performance.now();
    let writes = 1;
    while (performance.now() - started < JITTER_WINDOW_MS) {
      expect({ write: writes, committed: await put(survivors[writes % 2], `cast/b/${writes}`, String(writes)) }).toEqual({ write: writes, committed: true });
      writes++;
      await sleep(100);
    }
    const termAfter = Math.max(...(await Promise.all(survivors.map((name) => lab.status(name)))).map((s) => s!.term));
    console.log(
      `etcd lab: leader ${killed} killed at term ${termBefore}; new leader at term ${termElected}; ${writes} writes over ${JITTER_WINDOW_MS} ms of jitter; term ${termAfter} after ` +
        `(heartbeat ${lab.timings.heartbeatIntervalMs} ms, election ${lab.timings.electionTimeoutMs} ms, worst round trip ${lab.timings.worstRoundTripMs} ms)`,
    );
    // Replacing the leader takes one term, and one more per split vote: raft draws each follower's timeout
    // from 10 to 19 ticks, so the two survivors tie about one time in ten (a bound of 5 fails one run in 10^4).
    // Once a leader is elected, the term stays put: a storm would move it once per election timeout.
    expect(termElected - termBefore).toBeGreaterThanOrEqual(1);
    expect(termElected - termBefore).toBeLessThanOrEqual(5);
    expect(termAfter - termElected).toBeLessThanOrEqual(1);
  }, jestTimeout(SETTLE_MS, JITTER_WINDOW_MS));

  test('(c) the dead member reboots while the API is unreachable: its peers come back from its own copy through mesh-up.sh interface; etcd restarts on its data directory, rejoins and catches up', async () => {
    if (!killed) throw new Error('no member was killed (see the test before)');
    const other = names().find((n) => n !== killed)!;
    await lab.powerOffMesh(killed);
    lab.apiOffline();
    expect(await lab.hasInterface(killed)).toBe(false);
    expect(await lab.lab.ping(lab.node(killed).ns, lab.meshAddress(other), 1)).toBe(false);
    expect(lab.apiReachable()).toBe(false);

    const restored = await lab.restoreMesh(killed);
    expect({ code: restored.code, output: restored.stdout + restored.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining(`restored ${names().length - 1} peers from ${lab.mesh.cachePath(killed)}`),
    });
    lab.startMember(killed, 'existing');
    await lab.waitHealthy(names(), SETTLE_MS);
    // A serializable read is answered from the member's own store: it has the writes it missed.
    await waitFor(`${killed} did not catch up`, async () => (await localValue(killed, 'cast/b/0')) === 'after the leader died', { limitMs: SETTLE_MS, pollMs: 100 });
    const written = await localCount(other, 'cast/b/', 'l');
    expect(Number(written)).toBeGreaterThan(1);
    await waitFor(`${killed} has not every write`, async () => (await localCount(killed, 'cast/b/')) === written, { limitMs: SETTLE_MS, pollMs: 100 });
    expect(await lab.memberNames(killed)).toEqual([...names()].sort());
  }, jestTimeout(MESH_UP_LIMIT_MS, SETTLE_MS, SETTLE_MS, SETTLE_MS));

  test('(d) every member reboots at once, the API still unreachable: each mesh comes back from its own copy, the cluster elects a leader and has every write of before', async () => {
    if (!formed) throw new Error('the cluster did not form (see the tests before)');
    expect(await put(names()[0], 'cast/d/before', 'written before the reboot')).toBe(true);
    const prefixes = ['cast/a', 'cast/b/', 'cast/d/'];
    const before = await counts(names()[0], prefixes, 'l');
    expect(before).not.toContain('null');
    const termBefore = Math.max(...(await Promise.all(names().map((name) => lab.status(name)))).map((s) => s?.term ?? 0));

    // Power goes on every node at once: etcd keeps only what it synced to its WAL. (A SIGTERM to every member
    // at once would only add the leader's wait to hand its leadership to a follower that is stopping too.)
    await Promise.all(names().map((name) => lab.stopMember(name, 'SIGKILL')));
    await Promise.all(names().map((name) => lab.powerOffMesh(name)));
    lab.apiOffline();
    for (const name of names()) expect({ name, wg0: await lab.hasInterface(name) }).toEqual({ name, wg0: false });
    expect(lab.apiReachable()).toBe(false);

    const bootedAt = performance.now();
    // All boot together: each runs mesh-up.sh interface, then its etcd starts (kubelet's static pod), without waiting for the others.
    const booted = await Promise.all(
      names().map(async (name) => {
        const result = await lab.restoreMesh(name);
        if (result.code === 0) lab.startMember(name, 'existing');
        return { name, code: result.code, output: result.stdout + result.stderr };
      }),
    );
    for (const { name, code, output } of booted) {
      expect({ name, code, output }).toEqual({ name, code: 0, output: expect.stringContaining(`restored ${names().length - 1} peers from ${lab.mesh.cachePath(name)}`) });
    }
    const restoredAt = performance.now();
    await lab.waitHealthy(names(), SETTLE_MS);
    const healthyAt = performance.now();
    // One leader, which every member follows: all in its term.
    let statuses: ({ leader: boolean; term: number } | undefined)[] = [];
    await waitFor(
      'the members do not agree on one leader',
      async () => {
        statuses = await Promise.all(names().map((name) => lab.status(name)));
        return statuses.every((s) => s?.term === statuses[0]?.term) && statuses.filter((s) => s?.leader).length === 1;
      },
      { limitMs: SETTLE_MS, pollMs: 100 },
    );
    console.log(
      `etcd lab: every member rebooted at once without the API: meshes restored from their copies in ${Math.round(restoredAt - bootedAt)} ms; ` +
        `every member healthy ${Math.round(healthyAt - bootedAt)} ms after boot, with a leader at term ${statuses[0]!.term} (term ${termBefore} before)`,
    );
    expect(statuses[0]!.term).toBeGreaterThan(termBefore);
    // Every member has every write of before in its own store, and the cluster takes new ones.
    await Promise.all(names().map((name) => waitFor(`${name} has not every write of before ${before}`, async () => (await counts(name, prefixes)) === before, { limitMs: SETTLE_MS, pollMs: 100 })));
    for (const name of names()) {
      expect(await localValue(name, 'cast/d/before')).toBe('written before the reboot');
      expect(await lab.memberNames(name)).toEqual([...names()].sort());
    }
    expect(await put(names()[2], 'cast/d/after', 'written after the reboot')).toBe(true);
    expect((await lab.etcdctl(names()[1], ['get', 'cast/d/after', '--print-value-only'])).stdout.trim()).toBe('written after the reboot');
    for (const name of names()) expect({ name, peers: (await lab.lab.wgShow(lab.node(name), 'peers')).length }).toEqual({ name, peers: names().length - 1 });
  }, jestTimeout(MESH_UP_LIMIT_MS, SETTLE_MS, SETTLE_MS, SETTLE_MS));

  test('(e) etcd-remove-member.sh refuses a removal that breaks quorum, then removes a stopped member and leaves two healthy', async () => {
    if (!formed) throw new Error('the cluster did not form (see the tests before)');
    const [runner, keeper, stopped] = names();
    // Both survivors answer before the script judges them: after (d) one may still be catching
    // up, and stopping the leader leaves no leader until the two have elected one.
    await lab.waitHealthy([runner, keeper], SETTLE_MS);
    await lab.stopMember(stopped);
    await lab.waitHealthy([runner, keeper], SETTLE_MS);

    // Removing a healthy member while another is down would leave 1 of 2: no quorum. On a
    // loaded machine a survivor can miss its health check for a moment (an election); the
    // script then refuses for that reason instead, which is asked again until both answer.
    const quorumRefusal = `refusing to remove ${keeper}: it would leave 1 healthy of 2 voting members, fewer than their quorum of 2.`;
    let refused = await lab.removeMember(runner, keeper);
    await waitFor(`the script never judged both survivors healthy: ${refused.stderr}`, async () => {
      if (refused.stderr.includes(quorumRefusal) || !refused.stderr.includes('voting members are healthy and etcd needs')) return true;
      refused = await lab.removeMember(runner, keeper);
      return false;
    }, { limitMs: SETTLE_MS, pollMs: 200 });
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: expect.stringContaining(quorumRefusal) });
    expect(await lab.memberNames(runner)).toEqual([...names()].sort());

    const removed = await lab.removeMember(runner, stopped);
    expect({ code: removed.code, stderr: removed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(removed.stdout).toContain(`removed ${stopped}; all 2 remaining members are healthy`);
    expect(await lab.memberNames(runner)).toEqual([runner, keeper].sort());
    await lab.waitHealthy([runner, keeper], SETTLE_MS);
    expect(await put(keeper, 'cast/d', 'two members')).toBe(true);

    // A member that is not there, and the member the script talks to, are refused.
    expect(await lab.removeMember(runner, stopped)).toMatchObject({ code: 1, stderr: expect.stringContaining(`no etcd member is named ${stopped}`) });
    expect(await lab.removeMember(runner, runner)).toMatchObject({ code: 1, stderr: expect.stringContaining('Run it on another control plane.') });
  }, jestTimeout(READY_LIMIT_MS, SETTLE_MS, SETTLE_MS));
});
