/**
 * A worker's API seeds per cloud, from the control planes in the cluster's order (no App):
 * on AWS, GCP and Azure its cloud's control planes by private address first, then the
 * others' public addresses; on DigitalOcean, and on a cloud without a control plane, every
 * control plane's public address in order, as control planes carry them.
 */
import { joinApiSeeds, SeedControlPlane, workerApiSeeds } from '../../lib/core/api-seeds';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';

/** Two control planes on Azure around one on each other cloud, out of the clouds' order. */
const CONTROL_PLANES: SeedControlPlane[] = [
  { cloud: Cloud.AZURE, publicAddress: 'az1.pub', privateAddress: 'az1.priv' },
  { cloud: Cloud.DIGITALOCEAN, publicAddress: 'do1.pub', privateAddress: 'do1.priv' },
  { cloud: Cloud.AWS, publicAddress: 'aws1.pub', privateAddress: 'aws1.priv' },
  { cloud: Cloud.AZURE, publicAddress: 'az2.pub', privateAddress: 'az2.priv' },
  { cloud: Cloud.GCP, publicAddress: 'gcp1.pub', privateAddress: 'gcp1.priv' },
];
const PUBLIC = ['az1.pub', 'do1.pub', 'aws1.pub', 'az2.pub', 'gcp1.pub'];

describe('workerApiSeeds', () => {
  test.each<[Cloud, string[]]>([
    [Cloud.AWS, ['aws1.priv', 'az1.pub', 'do1.pub', 'az2.pub', 'gcp1.pub']],
    [Cloud.GCP, ['gcp1.priv', 'az1.pub', 'do1.pub', 'aws1.pub', 'az2.pub']],
    // Both Azure control planes privately, in the cluster's order, before the others.
    [Cloud.AZURE, ['az1.priv', 'az2.priv', 'do1.pub', 'aws1.pub', 'gcp1.pub']],
    // No private address: a DigitalOcean pool's template carries these, and a replaced control-plane droplet keeps only its reserved IP.
    [Cloud.DIGITALOCEAN, PUBLIC],
  ])('workers on %s', (cloud, expected) => {
    expect(workerApiSeeds(CONTROL_PLANES, cloud)).toEqual(expected);
  });

  test.each(ALL_CLOUDS)('workers on %s, with no control plane there: every control plane\'s public address, in order', (cloud) => {
    const elsewhere = CONTROL_PLANES.filter((cp) => cp.cloud !== cloud);
    expect(workerApiSeeds(elsewhere, cloud)).toEqual(elsewhere.map((cp) => cp.publicAddress));
  });

  test('DigitalOcean: a control plane\'s new private address (its droplet replaced) leaves the seeds as they were', () => {
    const replaced = CONTROL_PLANES.map((cp) => (cp.cloud === Cloud.DIGITALOCEAN ? { ...cp, privateAddress: 'do1.priv.new' } : cp));
    expect(joinApiSeeds(workerApiSeeds(replaced, Cloud.DIGITALOCEAN))).toBe(joinApiSeeds(workerApiSeeds(CONTROL_PLANES, Cloud.DIGITALOCEAN)));
    // Where workers seed privately, a new private address (an AWS instance replaced) is a new seed list, which their tags take in place.
    const onAws = CONTROL_PLANES.map((cp) => (cp.cloud === Cloud.AWS ? { ...cp, privateAddress: 'aws1.priv.new' } : cp));
    expect(workerApiSeeds(onAws, Cloud.AWS)[0]).toBe('aws1.priv.new');
  });

  test('every list names each control plane once (MAX_API_SERVER_SEEDS bounds them all)', () => {
    for (const cloud of ALL_CLOUDS) expect(workerApiSeeds(CONTROL_PLANES, cloud)).toHaveLength(CONTROL_PLANES.length);
  });
});
