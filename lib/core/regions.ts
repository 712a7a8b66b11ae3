/**
 * Cast regions: one name for a place, mapped to the region (and zone) each cloud
 * has there. The seed's example is US East (Ashburn) → us-east-1 / us-east4 /
 * eastus / nyc1. The cluster is single-zone per cloud, as the seed says, so each
 * mapping names the one zone used on that cloud.
 */
import { Cloud } from './cloud';

/** Where a Cast region lands on one cloud. */
export interface CloudLocation {
  /** The cloud's own region name, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * The zone used on that cloud (single-zone clusters).
   * DigitalOcean has no zones inside a region, so its zone is the region itself.
   */
  readonly zone: string;
}

/** A Cast region and the region and zone it maps to on each cloud that serves it. */
export interface CastRegionInfo {
  /** Stable identifier, e.g. `us-east`. */
  readonly id: string;
  /** Human name, e.g. `US East (Ashburn)`. */
  readonly displayName: string;
  /** Region and zone on AWS. @default - AWS does not serve this region */
  readonly aws?: CloudLocation;
  /** Region and zone on GCP. @default - GCP does not serve this region */
  readonly gcp?: CloudLocation;
  /** Region and zone on Azure. @default - Azure does not serve this region */
  readonly azure?: CloudLocation;
  /** Region on DigitalOcean (its zone is the region). @default - DigitalOcean does not serve this region */
  readonly digitalocean?: CloudLocation;
}

const aws = (region: string, zoneLetter = 'a'): CloudLocation => ({ region, zone: `${region}${zoneLetter}` });
const gcp = (region: string, zoneLetter = 'a'): CloudLocation => ({ region, zone: `${region}-${zoneLetter}` });
// Azure names availability zones "1", "2", "3" inside each region.
const azure = (region: string, zone = '1'): CloudLocation => ({ region, zone });
const digitalocean = (region: string): CloudLocation => ({ region, zone: region });

/**
 * Every Cast region, sorted by id. Locations are paired by metro area; where a
 * cloud has no region in that metro, the nearest one is used and the display
 * name says which metro the region is named after.
 */
export const CAST_REGIONS: readonly CastRegionInfo[] = [
  {
    id: 'asia-india',
    displayName: 'Asia Pacific (India)',
    aws: aws('ap-south-1'), gcp: gcp('asia-south1'), azure: azure('centralindia'), digitalocean: digitalocean('blr1'),
  },
  {
    id: 'asia-singapore',
    displayName: 'Asia Pacific (Singapore)',
    aws: aws('ap-southeast-1'), gcp: gcp('asia-southeast1'), azure: azure('southeastasia'), digitalocean: digitalocean('sgp1'),
  },
  {
    id: 'asia-sydney',
    displayName: 'Asia Pacific (Sydney)',
    aws: aws('ap-southeast-2'), gcp: gcp('australia-southeast1'), azure: azure('australiaeast'), digitalocean: digitalocean('syd1'),
  },
  {
    id: 'ca-central',
    displayName: 'Canada Central (Toronto)',
    // AWS's Canadian region is Montreal.
    aws: aws('ca-central-1'), gcp: gcp('northamerica-northeast2'), azure: azure('canadacentral'), digitalocean: digitalocean('tor1'),
  },
  {
    id: 'eu-central',
    displayName: 'Europe Central (Frankfurt)',
    aws: aws('eu-central-1'), gcp: gcp('europe-west3'), azure: azure('germanywestcentral'), digitalocean: digitalocean('fra1'),
  },
  {
    id: 'eu-north',
    displayName: 'Europe North (Stockholm)',
    // DigitalOcean has no Nordic region.
    aws: aws('eu-north-1'), gcp: gcp('europe-north1'), azure: azure('swedencentral'),
  },
  {
    id: 'eu-west',
    displayName: 'Europe West (London)',
    aws: aws('eu-west-2'), gcp: gcp('europe-west2'), azure: azure('uksouth'), digitalocean: digitalocean('lon1'),
  },
  {
    id: 'us-central',
    displayName: 'US Central (Iowa)',
    // AWS's closest region is Ohio; DigitalOcean has none in the central US.
    aws: aws('us-east-2'), gcp: gcp('us-central1'), azure: azure('centralus'),
  },
  {
    id: 'us-east',
    displayName: 'US East (Ashburn)',
    aws: aws('us-east-1'), gcp: gcp('us-east4'), azure: azure('eastus'), digitalocean: digitalocean('nyc1'),
  },
  {
    id: 'us-west',
    displayName: 'US West (Oregon)',
    // DigitalOcean's west-coast region is San Francisco.
    aws: aws('us-west-2'), gcp: gcp('us-west1'), azure: azure('westus2'), digitalocean: digitalocean('sfo3'),
  },
];

/** Looks a Cast region up by id; undefined when there is none. */
export function findCastRegion(id: string): CastRegionInfo | undefined {
  return CAST_REGIONS.find((region) => region.id === id);
}

/** The ids of every Cast region, sorted. */
export function castRegionIds(): string[] {
  return CAST_REGIONS.map((region) => region.id);
}

/** The Cast regions that serve every one of `clouds`. */
export function castRegionsServing(clouds: readonly Cloud[]): CastRegionInfo[] {
  return CAST_REGIONS.filter((region) => clouds.every((cloud) => locationIn(region, cloud) !== undefined));
}

/** Where `region` lands on `cloud`; undefined when that cloud does not serve it. */
export function locationIn(region: CastRegionInfo, cloud: Cloud): CloudLocation | undefined {
  return region[cloud];
}
