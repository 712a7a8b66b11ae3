import { Cloud } from '../core/cloud';
import { CAST_REGIONS, CastRegionInfo, castRegionIds, castRegionsServing, findCastRegion } from '../core/regions';

/** The Cast regions and where each lands on every cloud. */
export class CastRegions {
  /** Every Cast region, sorted by id. */
  public static list(): CastRegionInfo[] {
    return [...CAST_REGIONS];
  }

  /** The id of every Cast region, sorted. */
  public static ids(): string[] {
    return castRegionIds();
  }

  /** The Cast region with this id; throws naming the valid ids when there is none. */
  public static get(id: string): CastRegionInfo {
    const region = findCastRegion(id);
    if (!region) throw new Error(`"${id}" is not a Cast region. Use one of: ${castRegionIds().join(', ')}.`);
    return region;
  }

  /** The Cast regions that every one of `clouds` serves. */
  public static serving(clouds: Cloud[]): CastRegionInfo[] {
    return castRegionsServing(clouds);
  }

  private constructor() {}
}
