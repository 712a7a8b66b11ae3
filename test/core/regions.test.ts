import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { CAST_REGIONS, castRegionIds, castRegionsServing, findCastRegion, locationIn } from '../../lib/core/regions';

describe('Cast regions', () => {
  test('US East (Ashburn) maps as the seed says', () => {
    const region = findCastRegion('us-east')!;
    expect(region.displayName).toBe('US East (Ashburn)');
    expect([Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN].map((cloud) => locationIn(region, cloud)?.region)).toEqual([
      'us-east-1',
      'us-east4',
      'eastus',
      'nyc1',
    ]);
  });

  test('at least six regions are served by all four clouds, across America, Europe and Asia', () => {
    const everywhere = castRegionsServing(ALL_CLOUDS).map((r) => r.id);
    expect(everywhere.length).toBeGreaterThanOrEqual(6);
    expect(everywhere).toEqual(expect.arrayContaining(['us-east', 'us-west', 'eu-central', 'eu-west', 'asia-singapore']));
  });

  test('ids are unique and listed sorted', () => {
    const ids = castRegionIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
  });

  test.each(CAST_REGIONS.map((r) => [r.id, r] as const))('%s: each zone belongs to its region, in the cloud\'s own naming', (_id, region) => {
    const patterns: Record<Cloud, (r: string) => RegExp> = {
      [Cloud.AWS]: (r) => new RegExp(`^${r}[a-f]$`),
      [Cloud.GCP]: (r) => new RegExp(`^${r}-[a-f]$`),
      [Cloud.AZURE]: () => /^[1-3]$/,
      [Cloud.DIGITALOCEAN]: (r) => new RegExp(`^${r}$`),
    };
    for (const cloud of ALL_CLOUDS) {
      const location = locationIn(region, cloud);
      if (location) expect(location.zone).toMatch(patterns[cloud](location.region));
    }
  });

  test('a region not served by a cloud says so', () => {
    expect(locationIn(findCastRegion('eu-north')!, Cloud.DIGITALOCEAN)).toBeUndefined();
    expect(castRegionsServing([Cloud.DIGITALOCEAN]).map((r) => r.id)).not.toContain('eu-north');
    expect(findCastRegion('mars-1')).toBeUndefined();
  });
});
