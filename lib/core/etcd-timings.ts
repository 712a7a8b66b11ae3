/**
 * etcd's two timers for a cluster whose control planes sit on different clouds
 * of one Cast region, from a table of round-trip times between those clouds'
 * regions, and the checks that go with them. Pure: no cdktf, no I/O.
 *
 * The rule, from etcd's tuning guide (https://etcd.io/docs/v3.5/tuning/): the
 * heartbeat interval should be "around the maximum of average round-trip time
 * (RTT) between members", never below etcd's 100 ms default; the election
 * timeout about ten heartbeats ("at least 10 times the round-trip time"), at
 * most 50 000 ms. etcd itself refuses an election timeout under 5 heartbeats or
 * over 50 000 ms (embed/config.go, `Validate`).
 *
 * ```
 *   worst RTT between the control planes' clouds ──► heartbeat = max(100, RTT rounded up to 10 ms)
 *   (one cloud only: RTT inside a zone)              election  = min(50 000, 10 × heartbeat)
 * ```
 */
import { ALL_CLOUDS, Cloud, CLOUD_DISPLAY_NAME, sortClouds } from './cloud';
import { PlanError } from './plan-error';
import { castRegionIds, findCastRegion, locationIn } from './regions';

/** etcd's defaults (https://etcd.io/docs/v3.5/tuning/): the floor of the computed heartbeat. */
export const ETCD_DEFAULT_HEARTBEAT_MS = 100;
/** etcd's `maxElectionMs`: it refuses a longer election timeout. */
export const ETCD_MAX_ELECTION_TIMEOUT_MS = 50_000;
/** etcd refuses an election timeout shorter than this many heartbeats. */
export const ETCD_MIN_ELECTION_HEARTBEATS = 5;
/** What the tuning guide recommends, and what the computed timings use. */
export const ELECTION_HEARTBEATS = 10;

/**
 * Round trip between two machines of one cloud in one zone. Conservative: cloudping.co's
 * AWS matrix shows about 1 ms between instances of one region (0.96 ms af-south-1,
 * 1.08 ms ap-east-1); Simon Painter measured 0.9 ms inside one Azure zone
 * (https://www.simonpainter.com/azure-latency-1/); xkyle.com found 0.25 to 3.37 ms
 * between AWS zones (https://www.xkyle.com/Measuring-AWS-Region-and-AZ-Latency/).
 */
export const SAME_ZONE_ROUND_TRIP_MS = 2;

/** One row of the table: the round trip between two clouds' regions in a Cast region. */
export interface CloudRoundTrip {
  /** Cast region id, e.g. `us-east`. */
  readonly castRegion: string;
  /** The two clouds, in the library's cloud order. */
  readonly clouds: readonly [Cloud, Cloud];
  /** Round trip in milliseconds, conservative (see `estimateRoundTripMs`). */
  readonly roundTripMs: number;
  /** Where the number comes from. */
  readonly basis: string;
}

/**
 * No per-pair measurement between two providers' regions could be read in public
 * sources (the cross-cloud heat maps of bigbitbus.com, 2018, and ThousandEyes'
 * Cloud Performance Reports are images or paywalled), so every cross-cloud row is
 * an estimate from the great-circle distance between the data-centre metros:
 * light in fibre covers 100 km in 0.5 ms (1 ms per 100 km of round trip); fibre
 * routes are taken as twice the great circle; 5 ms more covers the edges of two
 * providers and the internet between them (the mesh runs over public addresses).
 * Metros 0 km apart count as 50 km (campuses spread around a metro).
 *
 * Calibrated against published single-provider measurements, which it must exceed:
 * ca-central-1 (Montreal) to us-east-1 (Virginia), about 790 km, measured 14.1 and
 * 14.4 ms (https://gist.github.com/caius/21eca095ba281393f0616e2325410278), estimated
 * 21 ms; Azure's own figures put the closest North American region pairs at 5 ms and
 * European ones at 3 ms (https://learn.microsoft.com/azure/networking/azure-network-latency,
 * October 2019), estimated no lower than 6 ms.
 */
export function estimateRoundTripMs(greatCircleKm: number): number {
  return Math.ceil((2 * Math.max(50, greatCircleKm)) / 100) + 5;
}

function estimated(castRegion: string, a: Cloud, b: Cloud, km: number, where: string): CloudRoundTrip {
  return { castRegion, clouds: [a, b], roundTripMs: estimateRoundTripMs(km), basis: `estimated from ${km} km great circle (${where})` };
}

const { AWS, GCP, AZURE, DIGITALOCEAN } = Cloud;

/**
 * Every pair of clouds serving each Cast region (lib/core/regions.ts), sorted by
 * region. Metros: where the providers say their region is (AWS us-east-2 Columbus,
 * GCP us-central1 Council Bluffs, Azure centralus Des Moines; Azure eastus is taken
 * at Boydton, Virginia, the farther of its Virginia campuses; DigitalOcean blr1
 * Bangalore, sfo3 San Francisco Bay).
 */
export const CLOUD_ROUND_TRIPS: readonly CloudRoundTrip[] = [
  estimated('asia-india', AWS, GCP, 0, 'both Mumbai'),
  estimated('asia-india', AWS, AZURE, 120, 'Mumbai to Pune'),
  estimated('asia-india', AWS, DIGITALOCEAN, 845, 'Mumbai to Bangalore'),
  estimated('asia-india', GCP, AZURE, 120, 'Mumbai to Pune'),
  estimated('asia-india', GCP, DIGITALOCEAN, 845, 'Mumbai to Bangalore'),
  estimated('asia-india', AZURE, DIGITALOCEAN, 735, 'Pune to Bangalore'),
  ...sameMetro('asia-singapore', 'Singapore', [AWS, GCP, AZURE, DIGITALOCEAN]),
  ...sameMetro('asia-sydney', 'Sydney', [AWS, GCP, AZURE, DIGITALOCEAN]),
  estimated('ca-central', AWS, GCP, 504, 'Montreal to Toronto'),
  estimated('ca-central', AWS, AZURE, 504, 'Montreal to Toronto'),
  estimated('ca-central', AWS, DIGITALOCEAN, 504, 'Montreal to Toronto'),
  ...sameMetro('ca-central', 'Toronto', [GCP, AZURE, DIGITALOCEAN]),
  ...sameMetro('eu-central', 'Frankfurt', [AWS, GCP, AZURE, DIGITALOCEAN]),
  estimated('eu-north', AWS, GCP, 526, 'Stockholm to Hamina'),
  estimated('eu-north', AWS, AZURE, 158, 'Stockholm to Gävle'),
  estimated('eu-north', GCP, AZURE, 548, 'Hamina to Gävle'),
  ...sameMetro('eu-west', 'London', [AWS, GCP, AZURE, DIGITALOCEAN]),
  estimated('us-central', AWS, GCP, 1094, 'Columbus to Council Bluffs'),
  estimated('us-central', AWS, AZURE, 912, 'Columbus to Des Moines'),
  estimated('us-central', GCP, AZURE, 190, 'Council Bluffs to Des Moines'),
  estimated('us-east', AWS, GCP, 0, 'both Ashburn'),
  estimated('us-east', AWS, AZURE, 275, 'Ashburn to Boydton'),
  estimated('us-east', AWS, DIGITALOCEAN, 350, 'Ashburn to New York'),
  estimated('us-east', GCP, AZURE, 275, 'Ashburn to Boydton'),
  estimated('us-east', GCP, DIGITALOCEAN, 350, 'Ashburn to New York'),
  estimated('us-east', AZURE, DIGITALOCEAN, 588, 'Boydton to New York'),
  estimated('us-west', AWS, GCP, 118, 'Boardman to The Dalles'),
  estimated('us-west', AWS, AZURE, 155, 'Boardman to Quincy'),
  estimated('us-west', AWS, DIGITALOCEAN, 925, 'Boardman to San Francisco'),
  estimated('us-west', GCP, AZURE, 209, 'The Dalles to Quincy'),
  estimated('us-west', GCP, DIGITALOCEAN, 876, 'The Dalles to San Francisco'),
  estimated('us-west', AZURE, DIGITALOCEAN, 1073, 'Quincy to San Francisco'),
];

function sameMetro(castRegion: string, metro: string, clouds: readonly Cloud[]): CloudRoundTrip[] {
  return clouds.flatMap((a, i) => clouds.slice(i + 1).map((b) => estimated(castRegion, a, b, 0, `all ${metro}`)));
}

/** The table's round trip between `a` and `b` in `castRegion` (same cloud: inside a zone); undefined when the table has none. */
export function roundTripMs(castRegion: string, a: Cloud, b: Cloud): number | undefined {
  if (a === b) return SAME_ZONE_ROUND_TRIP_MS;
  const [first, second] = sortClouds([a, b]);
  return CLOUD_ROUND_TRIPS.find((row) => row.castRegion === castRegion && row.clouds[0] === first && row.clouds[1] === second)?.roundTripMs;
}

/** A user's choice of etcd's timers, for clusters whose network the table does not describe. */
export interface EtcdTimingOptions {
  /**
   * etcd's `--heartbeat-interval`, in milliseconds.
   * @default - the worst round trip between the control planes' clouds, rounded up to 10 ms, at least 100
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * etcd's `--election-timeout`, in milliseconds: at least 5 heartbeats, at most 50000.
   * @default - 10 heartbeats, at most 50000
   */
  readonly electionTimeoutMs?: number;
}

/** What `etcdTimings` needs. */
export interface EtcdTimingInput {
  /** The cluster's Cast region id. */
  readonly castRegion: string;
  /** The cloud of each control-plane node (one entry per node; order does not matter). */
  readonly controlPlaneClouds: readonly Cloud[];
  /** The user's override; checked by `etcdTimingProblems`. @default - computed from the table */
  readonly override?: EtcdTimingOptions;
}

/** etcd's timers for the cluster, and the round trip they were computed for. */
export interface EtcdTimings {
  /** etcd `--heartbeat-interval` (ms). */
  readonly heartbeatIntervalMs: number;
  /** etcd `--election-timeout` (ms). */
  readonly electionTimeoutMs: number;
  /** The worst round trip between two control planes, from the table (ms). */
  readonly worstRoundTripMs: number;
}

/**
 * Every problem with `input`, one `<prop> must be <rule> (got <value>). <fix>` line
 * each; empty when it is valid. Overrides are named as the prop `etcd.<field>`.
 * The construct refuses a Token before calling this: the values land in user-data.
 */
export function etcdTimingProblems(input: EtcdTimingInput): string[] {
  const problems: string[] = [];
  const region = findCastRegion(input.castRegion);
  if (!region) {
    problems.push(`castRegion must be one of ${castRegionIds().join(', ')} (got "${input.castRegion}"). Pick a Cast region id.`);
  } else {
    const unserved = sortClouds(input.controlPlaneClouds).filter((cloud) => !locationIn(region, cloud));
    if (unserved.length > 0) {
      problems.push(
        `controlPlaneClouds must be clouds that serve Cast region ${region.id} (got ${unserved.map((c) => CLOUD_DISPLAY_NAME[c]).join(', ')}). ` +
          `Place control planes on ${ALL_CLOUDS.filter((c) => locationIn(region, c)).map((c) => CLOUD_DISPLAY_NAME[c]).join(', ')}.`,
      );
    }
  }
  if (input.controlPlaneClouds.length === 0) problems.push('controlPlaneClouds must name at least one control plane (got none). Add a control-plane node group.');
  const heartbeat = input.override?.heartbeatIntervalMs;
  const election = input.override?.electionTimeoutMs;
  const maxHeartbeat = ETCD_MAX_ELECTION_TIMEOUT_MS / ETCD_MIN_ELECTION_HEARTBEATS;
  checkWholeMs(problems, 'etcd.heartbeatIntervalMs', heartbeat, maxHeartbeat, `etcd wants a positive heartbeat, and ${ETCD_MIN_ELECTION_HEARTBEATS} of them must fit in its longest election timeout`);
  checkWholeMs(problems, 'etcd.electionTimeoutMs', election, ETCD_MAX_ELECTION_TIMEOUT_MS, 'etcd refuses longer ones');
  // The ratio once both values are known to be valid (the computed heartbeat needs a valid region and clouds too).
  if (problems.length === 0 && election !== undefined) {
    const resolvedHeartbeat = heartbeat ?? computedTimings(input).heartbeatIntervalMs;
    if (election < ETCD_MIN_ELECTION_HEARTBEATS * resolvedHeartbeat) {
      problems.push(
        `etcd.electionTimeoutMs must be at least ${ETCD_MIN_ELECTION_HEARTBEATS} heartbeats, ${ETCD_MIN_ELECTION_HEARTBEATS * resolvedHeartbeat} ms ` +
          `(got ${election} with a heartbeat of ${resolvedHeartbeat} ms${heartbeat === undefined ? ', computed' : ''}). ` +
          `etcd refuses to start otherwise; use ${Math.min(ETCD_MAX_ELECTION_TIMEOUT_MS, ELECTION_HEARTBEATS * resolvedHeartbeat)} (${ELECTION_HEARTBEATS} heartbeats).`,
      );
    }
  }
  return problems;
}

/** Records a problem unless `value` is absent or a whole number of ms from 1 to `max`. */
function checkWholeMs(problems: string[], prop: string, value: number | undefined, max: number, why: string): void {
  if (value === undefined || (Number.isInteger(value) && value >= 1 && value <= max)) return;
  problems.push(`${prop} must be a whole number of milliseconds from 1 to ${max} (got ${value}): ${why}. Leave it unset to use the value computed from the round trips.`);
}

/**
 * etcd's heartbeat interval and election timeout for control planes on
 * `controlPlaneClouds` in `castRegion`, or the user's override where given.
 * Throws a PlanError with every problem of `etcdTimingProblems`.
 */
export function etcdTimings(input: EtcdTimingInput): EtcdTimings {
  const problems = etcdTimingProblems(input);
  if (problems.length > 0) throw new PlanError(problems);
  const computed = computedTimings(input);
  const heartbeatIntervalMs = input.override?.heartbeatIntervalMs ?? computed.heartbeatIntervalMs;
  const electionTimeoutMs =
    input.override?.electionTimeoutMs ?? (input.override?.heartbeatIntervalMs === undefined ? computed.electionTimeoutMs : electionFor(heartbeatIntervalMs));
  return { heartbeatIntervalMs, electionTimeoutMs, worstRoundTripMs: computed.worstRoundTripMs };
}

/** The timings from the table alone (input already checked). */
function computedTimings(input: EtcdTimingInput): EtcdTimings {
  const clouds = sortClouds(input.controlPlaneClouds);
  // Two control planes on one cloud talk inside its zone.
  const sharesCloud = clouds.length < input.controlPlaneClouds.length;
  const pairs = clouds.flatMap((a, i) => clouds.slice(i + 1).map((b) => roundTripMs(input.castRegion, a, b)!));
  const worstRoundTripMs = Math.max(...pairs, ...(sharesCloud || clouds.length === 1 ? [SAME_ZONE_ROUND_TRIP_MS] : []));
  const heartbeatIntervalMs = Math.max(ETCD_DEFAULT_HEARTBEAT_MS, Math.ceil(worstRoundTripMs / 10) * 10);
  return { heartbeatIntervalMs, electionTimeoutMs: electionFor(heartbeatIntervalMs), worstRoundTripMs };
}

function electionFor(heartbeatIntervalMs: number): number {
  return Math.min(ETCD_MAX_ELECTION_TIMEOUT_MS, ELECTION_HEARTBEATS * heartbeatIntervalMs);
}

/**
 * Soft problems of an override: timers shorter than the tuning guide asks for
 * the cluster's worst round trip. Warnings, in the house shape; empty without
 * an override or when `input` has problems.
 */
export function etcdTimingWarnings(input: EtcdTimingInput): string[] {
  if (!input.override || etcdTimingProblems(input).length > 0) return [];
  const { heartbeatIntervalMs, electionTimeoutMs, worstRoundTripMs } = etcdTimings(input);
  const warnings: string[] = [];
  if (input.override.heartbeatIntervalMs !== undefined && heartbeatIntervalMs < worstRoundTripMs) {
    warnings.push(
      `etcd.heartbeatIntervalMs should be at least the worst round trip between control planes, ${worstRoundTripMs} ms (got ${heartbeatIntervalMs}): ` +
        'followers miss heartbeats and call elections. Raise it or leave it unset.',
    );
  }
  if (electionTimeoutMs < ELECTION_HEARTBEATS * worstRoundTripMs) {
    warnings.push(
      `etcd.electionTimeoutMs should be at least ${ELECTION_HEARTBEATS} round trips, ${ELECTION_HEARTBEATS * worstRoundTripMs} ms (got ${electionTimeoutMs}): ` +
        'network jitter then starts needless elections. Raise it or leave it unset.',
    );
  }
  return warnings;
}

/**
 * Soft problems of where the control planes are, as warnings in the house shape
 * (the construct adds them at synth): fewer than three, a cloud whose outage
 * leaves no quorum (all on one cloud being the plain case), an even count. Empty
 * for no control planes (other checks report that).
 */
export function controlPlaneProblems(controlPlaneClouds: readonly Cloud[]): string[] {
  const count = controlPlaneClouds.length;
  if (count === 0) return [];
  const quorum = Math.floor(count / 2) + 1;
  const warnings: string[] = [];
  if (count < 3) {
    warnings.push(`control-plane count should be at least 3 (got ${count}): no etcd quorum survives losing one. Add control-plane nodes until there are 3.`);
  }
  const clouds = sortClouds(controlPlaneClouds);
  if (count >= 2 && clouds.length === 1) {
    warnings.push(
      `control planes should span at least 2 clouds (got all ${count} on ${CLOUD_DISPLAY_NAME[clouds[0]]}): a cloud outage takes the API down. ` +
        'Place control planes on other clouds of the Cast region.',
    );
  } else if (count >= 3) {
    for (const cloud of clouds) {
      const here = controlPlaneClouds.filter((c) => c === cloud).length;
      if (count - here < quorum) {
        warnings.push(
          `control planes on one cloud should be fewer than etcd's quorum of ${quorum} (got ${here} of ${count} on ${CLOUD_DISPLAY_NAME[cloud]}): ` +
            `${/^[AEIOU]/.test(CLOUD_DISPLAY_NAME[cloud]) ? 'an' : 'a'} ${CLOUD_DISPLAY_NAME[cloud]} outage leaves ${count - here} member${count - here === 1 ? '' : 's'}, no quorum, and takes the API down. Move control planes to other clouds.`,
        );
      }
    }
  }
  if (count % 2 === 0) {
    warnings.push(
      `control-plane count should be odd (got ${count}): ${count} members tolerate ${count - quorum} failure${count - quorum === 1 ? '' : 's'}, as ${count - 1} ${count - 1 === 1 ? 'does' : 'do'}. Add or remove one.`,
    );
  }
  return warnings;
}
