import { ALL_CLOUDS, Cloud, sortClouds } from '../../lib/core/cloud';
import {
  CLOUD_ROUND_TRIPS,
  controlPlaneProblems,
  ELECTION_HEARTBEATS,
  estimateRoundTripMs,
  ETCD_DEFAULT_HEARTBEAT_MS,
  ETCD_MAX_ELECTION_TIMEOUT_MS,
  ETCD_MIN_ELECTION_HEARTBEATS,
  etcdTimingProblems,
  etcdTimings,
  etcdTimingWarnings,
  roundTripMs,
  SAME_ZONE_ROUND_TRIP_MS,
} from '../../lib/core/etcd-timings';
import { PlanError } from '../../lib/core/plan-error';
import { CAST_REGIONS, CastRegionInfo, locationIn } from '../../lib/core/regions';

const { AWS, GCP, AZURE, DIGITALOCEAN } = Cloud;
const servedBy = (region: CastRegionInfo) => ALL_CLOUDS.filter((cloud) => locationIn(region, cloud));
/** Every non-empty set of `clouds`. */
const subsets = (clouds: readonly Cloud[]): Cloud[][] =>
  Array.from({ length: 2 ** clouds.length - 1 }, (_, mask) => clouds.filter((_c, i) => ((mask + 1) >> i) & 1));
const pairsOf = (clouds: readonly Cloud[]) => clouds.flatMap((a, i) => clouds.slice(i + 1).map((b) => [a, b] as const));
/** Every Cast region with every set of clouds serving it. */
const CASES = CAST_REGIONS.flatMap((region) => subsets(servedBy(region)).map((clouds) => [region.id, clouds] as const));

describe('the round-trip table', () => {
  test('has exactly one row for every pair of clouds serving each Cast region, and no other', () => {
    const expected = CAST_REGIONS.flatMap((region) => pairsOf(servedBy(region)).map(([a, b]) => `${region.id} ${a}-${b}`));
    const rows = CLOUD_ROUND_TRIPS.map((row) => `${row.castRegion} ${row.clouds[0]}-${row.clouds[1]}`);
    expect(rows).toEqual(expected);
  });

  test('every row names its basis and is at least a round trip inside a zone', () => {
    for (const row of CLOUD_ROUND_TRIPS) {
      expect(row.basis).toMatch(/^estimated from \d+ km great circle \(.+\)$/);
      expect(row.roundTripMs).toBeGreaterThanOrEqual(SAME_ZONE_ROUND_TRIP_MS);
      expect(sortClouds(row.clouds)).toEqual([...row.clouds]);
    }
  });

  test('the estimate stays above published measurements: Montreal to Virginia (~790 km) measured 14.4 ms; Azure\'s closest pairs 3 to 5 ms', () => {
    expect(estimateRoundTripMs(790)).toBeGreaterThan(14.4);
    expect(Math.min(...CLOUD_ROUND_TRIPS.map((row) => row.roundTripMs))).toBeGreaterThan(5);
  });

  test('the estimate grows with distance', () => {
    for (let km = 0; km < 3000; km += 10) expect(estimateRoundTripMs(km + 10)).toBeGreaterThanOrEqual(estimateRoundTripMs(km));
  });

  test('roundTripMs is symmetric, and inside a zone for one cloud', () => {
    for (const row of CLOUD_ROUND_TRIPS) {
      const [a, b] = row.clouds;
      expect([roundTripMs(row.castRegion, a, b), roundTripMs(row.castRegion, b, a)]).toEqual([row.roundTripMs, row.roundTripMs]);
    }
    expect(roundTripMs('us-east', AWS, AWS)).toBe(SAME_ZONE_ROUND_TRIP_MS);
    expect(roundTripMs('eu-north', AWS, DIGITALOCEAN)).toBeUndefined();
  });
});

describe('etcdTimings', () => {
  test.each(CASES)('%s with control planes on %j: the heartbeat covers the worst round trip, never below 100 ms; the election is 10 heartbeats', (castRegion, clouds) => {
    const timings = etcdTimings({ castRegion, controlPlaneClouds: clouds });
    const worst = Math.max(...pairsOf(clouds).map(([a, b]) => roundTripMs(castRegion, a, b)!), ...(clouds.length === 1 ? [SAME_ZONE_ROUND_TRIP_MS] : []));
    expect(timings.worstRoundTripMs).toBe(worst);
    expect(timings.heartbeatIntervalMs).toBeGreaterThanOrEqual(Math.max(worst, ETCD_DEFAULT_HEARTBEAT_MS));
    expect(timings.heartbeatIntervalMs).toBeLessThan(Math.max(worst, ETCD_DEFAULT_HEARTBEAT_MS) + 10);
    expect(timings.electionTimeoutMs).toBe(Math.min(ELECTION_HEARTBEATS * timings.heartbeatIntervalMs, ETCD_MAX_ELECTION_TIMEOUT_MS));
    expect(timings.electionTimeoutMs).toBeGreaterThanOrEqual(ETCD_MIN_ELECTION_HEARTBEATS * timings.heartbeatIntervalMs);
  });

  test('adding a cloud never lowers the worst round trip or the timers (every region, every set of clouds)', () => {
    for (const [castRegion, clouds] of CASES) {
      const before = etcdTimings({ castRegion, controlPlaneClouds: clouds });
      for (const extra of servedBy(CAST_REGIONS.find((r) => r.id === castRegion)!).filter((c) => !clouds.includes(c))) {
        const after = etcdTimings({ castRegion, controlPlaneClouds: [...clouds, extra] });
        expect(after.worstRoundTripMs).toBeGreaterThanOrEqual(before.worstRoundTripMs);
        expect(after.heartbeatIntervalMs).toBeGreaterThanOrEqual(before.heartbeatIntervalMs);
        expect(after.electionTimeoutMs).toBeGreaterThanOrEqual(before.electionTimeoutMs);
      }
    }
  });

  test('control planes sharing a cloud add the round trip inside a zone; order and repeats do not matter', () => {
    const one = etcdTimings({ castRegion: 'us-central', controlPlaneClouds: [AZURE, AWS, GCP] });
    expect(etcdTimings({ castRegion: 'us-central', controlPlaneClouds: [GCP, AWS, AZURE, AWS, AWS] })).toEqual(one);
    expect(etcdTimings({ castRegion: 'us-east', controlPlaneClouds: [AWS, AWS, AWS] }).worstRoundTripMs).toBe(SAME_ZONE_ROUND_TRIP_MS);
  });

  test('an override wins; a heartbeat alone brings 10 heartbeats of election timeout, capped at 50000', () => {
    const input = { castRegion: 'us-east', controlPlaneClouds: [AWS, GCP, AZURE] };
    const worst = etcdTimings(input).worstRoundTripMs;
    expect(etcdTimings({ ...input, override: { heartbeatIntervalMs: 250, electionTimeoutMs: 2500 } })).toEqual({ heartbeatIntervalMs: 250, electionTimeoutMs: 2500, worstRoundTripMs: worst });
    expect(etcdTimings({ ...input, override: { heartbeatIntervalMs: 300 } }).electionTimeoutMs).toBe(3000);
    expect(etcdTimings({ ...input, override: { heartbeatIntervalMs: 8000 } }).electionTimeoutMs).toBe(ETCD_MAX_ELECTION_TIMEOUT_MS);
    expect(etcdTimings({ ...input, override: { electionTimeoutMs: 5000 } })).toEqual({ ...etcdTimings(input), electionTimeoutMs: 5000 });
    expect(etcdTimings({ ...input, override: {} })).toEqual(etcdTimings(input));
  });
});

describe('etcdTimingProblems', () => {
  const base = { castRegion: 'us-east', controlPlaneClouds: [AWS, GCP, AZURE] };

  test.each([
    [{ heartbeatIntervalMs: 0 }, 'etcd.heartbeatIntervalMs must be a whole number of milliseconds from 1 to 10000 (got 0)'],
    [{ heartbeatIntervalMs: 12.5 }, 'etcd.heartbeatIntervalMs must be a whole number of milliseconds from 1 to 10000 (got 12.5)'],
    [{ heartbeatIntervalMs: 10001 }, 'etcd.heartbeatIntervalMs must be a whole number of milliseconds from 1 to 10000 (got 10001)'],
    [{ electionTimeoutMs: -1 }, 'etcd.electionTimeoutMs must be a whole number of milliseconds from 1 to 50000 (got -1)'],
    [{ electionTimeoutMs: 60000 }, 'etcd.electionTimeoutMs must be a whole number of milliseconds from 1 to 50000 (got 60000)'],
    [{ heartbeatIntervalMs: 200, electionTimeoutMs: 999 }, 'etcd.electionTimeoutMs must be at least 5 heartbeats, 1000 ms (got 999 with a heartbeat of 200 ms)'],
    [{ electionTimeoutMs: 400 }, 'etcd.electionTimeoutMs must be at least 5 heartbeats, 500 ms (got 400 with a heartbeat of 100 ms, computed)'],
  ])('override %j: %s', (override, message) => {
    const problems = etcdTimingProblems({ ...base, override });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(message)).toBe(true);
    expect(problems[0]).toMatch(/\)[.:] .+\.$/);
    expect(() => etcdTimings({ ...base, override })).toThrow(PlanError);
  });

  test('the boundaries etcd accepts are accepted: 5 heartbeats, 50000 ms', () => {
    expect(etcdTimingProblems({ ...base, override: { heartbeatIntervalMs: 200, electionTimeoutMs: 1000 } })).toEqual([]);
    expect(etcdTimingProblems({ ...base, override: { heartbeatIntervalMs: 10000, electionTimeoutMs: 50000 } })).toEqual([]);
    expect(etcdTimingProblems({ ...base, override: { heartbeatIntervalMs: 1, electionTimeoutMs: 5 } })).toEqual([]);
  });

  test('every problem at once: unknown region, no control planes, two bad overrides', () => {
    const problems = etcdTimingProblems({ castRegion: 'mars-1', controlPlaneClouds: [], override: { heartbeatIntervalMs: -5, electionTimeoutMs: 0 } });
    expect(problems.map((p) => p.split(' must ')[0])).toEqual(['castRegion', 'controlPlaneClouds', 'etcd.heartbeatIntervalMs', 'etcd.electionTimeoutMs']);
    expect(problems[0]).toContain('(got "mars-1")');
  });

  test('a cloud that does not serve the region is named, with the clouds that do', () => {
    expect(etcdTimingProblems({ castRegion: 'eu-north', controlPlaneClouds: [AWS, DIGITALOCEAN, GCP] })).toEqual([
      'controlPlaneClouds must be clouds that serve Cast region eu-north (got DigitalOcean). Place control planes on AWS, GCP, Azure.',
    ]);
  });

  test('warnings for an override shorter than the round trips ask for; none for the computed timings', () => {
    const farthest = [...CLOUD_ROUND_TRIPS].sort((a, b) => b.roundTripMs - a.roundTripMs)[0];
    const input = { castRegion: farthest.castRegion, controlPlaneClouds: [...farthest.clouds] };
    expect(etcdTimingWarnings(input)).toEqual([]);
    const warnings = etcdTimingWarnings({ ...input, override: { heartbeatIntervalMs: 5, electionTimeoutMs: 25 } });
    expect(warnings.map((w) => w.split(' should ')[0])).toEqual(['etcd.heartbeatIntervalMs', 'etcd.electionTimeoutMs']);
    expect(warnings[0]).toContain(`${farthest.roundTripMs} ms (got 5)`);
  });
});

describe('controlPlaneProblems', () => {
  test.each([
    [[AWS, GCP, AZURE], []],
    [[AWS, GCP, AZURE, DIGITALOCEAN, AWS], []],
    [[AWS], ['control-plane count should be at least 3 (got 1): no etcd quorum survives losing one. Add control-plane nodes until there are 3.']],
    [
      [AWS, GCP],
      [
        'control-plane count should be at least 3 (got 2): no etcd quorum survives losing one. Add control-plane nodes until there are 3.',
        'control-plane count should be odd (got 2): 2 members tolerate 0 failures, as 1 does. Add or remove one.',
      ],
    ],
    [
      [AWS, AWS, AWS],
      ['control planes should span at least 2 clouds (got all 3 on AWS): a cloud outage takes the API down. Place control planes on other clouds of the Cast region.'],
    ],
    [
      [GCP, AWS, GCP],
      [
        "control planes on one cloud should be fewer than etcd's quorum of 2 (got 2 of 3 on GCP): a GCP outage leaves 1 member, no quorum, and takes the API down. Move control planes to other clouds.",
      ],
    ],
    [[AWS, GCP, AZURE, DIGITALOCEAN], ['control-plane count should be odd (got 4): 4 members tolerate 1 failure, as 3 do. Add or remove one.']],
    [[], []],
  ])('%j', (clouds, expected) => {
    expect(controlPlaneProblems(clouds)).toEqual(expected);
  });
});
