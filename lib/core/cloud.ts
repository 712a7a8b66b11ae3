/** The clouds a cluster can span. */
export enum Cloud {
  /** Amazon Web Services. */
  AWS = 'aws',
  /** Google Cloud Platform. */
  GCP = 'gcp',
  /** Microsoft Azure. */
  AZURE = 'azure',
  /** DigitalOcean. */
  DIGITALOCEAN = 'digitalocean',
}

/** Every cloud, in the order the library emits and reports them. */
export const ALL_CLOUDS: readonly Cloud[] = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];

/** Human name of a cloud, for messages and docs. */
export const CLOUD_DISPLAY_NAME: Readonly<Record<Cloud, string>> = {
  [Cloud.AWS]: 'AWS',
  [Cloud.GCP]: 'GCP',
  [Cloud.AZURE]: 'Azure',
  [Cloud.DIGITALOCEAN]: 'DigitalOcean',
};

/** Sorts clouds into the library's canonical order and drops duplicates. */
export function sortClouds(clouds: readonly Cloud[]): Cloud[] {
  return ALL_CLOUDS.filter((cloud) => clouds.includes(cloud));
}
