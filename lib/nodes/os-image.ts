/**
 * The Ubuntu 24.04 LTS image each cloud's nodes boot from, pinned: looked up once, when the
 * cluster's first node group on that cloud is deployed, and kept in Terraform state until the
 * user names another release (CastClusterProps.osImage). A cloud publishing a newer image then
 * changes nothing; naming a release changes what new nodes, replaced nodes and autoscaled groups'
 * templates boot from, and never a running VM, whose image attribute is in its `ignore_changes`
 * (docs/decisions/0009).
 *
 * How it is kept: a `terraform_data` per cloud whose `input` is the lookup's answer, with `input`
 * in `ignore_changes` and the named release in `triggers_replace`. Terraform plans an ignored
 * attribute at its value in the state (developer.hashicorp.com/terraform/language/meta-arguments/lifecycle,
 * `ignore_changes`), so `output` keeps the first answer; a new release replaces the resource,
 * whose new `output` is the new lookup's answer.
 */
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAzurermPlatformImage } from '@cdktf/provider-azurerm/lib/data-azurerm-platform-image';
import { DataDigitaloceanImage } from '@cdktf/provider-digitalocean/lib/data-digitalocean-image';
import { DataGoogleComputeImage } from '@cdktf/provider-google/lib/data-google-compute-image';
import { TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { Cloud, CLOUD_DISPLAY_NAME } from '../core/cloud';
import { TerraformData } from './terraform-data';

/**
 * Which release of Ubuntu 24.04 LTS the nodes of each cloud boot from. Naming a release (or a
 * newer one) changes what new nodes, replaced nodes and autoscaled groups' templates boot from;
 * running VMs keep theirs. To move a running node to it, replace that node (NodeGroupOptions.replacements).
 */
export interface OsImageOptions {
  /**
   * AWS: Canonical's build serial, the end of the AMI name
   * `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-<serial>` (owner 099720109477),
   * e.g. `20250115`.
   * @default - the newest such AMI when the cluster's first AWS node group is deployed, kept from then on
   */
  readonly aws?: string;
  /**
   * GCP: the serial of the image `ubuntu-os-cloud/ubuntu-2404-noble-amd64-v<serial>`, e.g. `20250214`.
   * @default - the image of the family `ubuntu-2404-lts-amd64` when the cluster's first GCP node group is deployed, kept from then on
   */
  readonly gcp?: string;
  /**
   * Azure: the version of the platform image `Canonical:ubuntu-24_04-lts:server`, Major.Minor.Build,
   * e.g. `24.04.202411030` (`az vm image list --publisher Canonical --offer ubuntu-24_04-lts --sku server --all`).
   * @default - the latest version when the cluster's first Azure node group is deployed, kept from then on
   */
  readonly azure?: string;
  /**
   * DigitalOcean: the id of a DigitalOcean image, e.g. the one the slug `ubuntu-24-04-x64` names
   * (`doctl compute image get ubuntu-24-04-x64` shows it).
   * @default - the image of the slug `ubuntu-24-04-x64` when the cluster's first DigitalOcean node group is deployed, kept from then on
   */
  readonly digitalocean?: string;
}

/** The OsImageOptions field of each cloud. */
const FIELD: Readonly<Record<Cloud, keyof OsImageOptions>> = {
  [Cloud.AWS]: 'aws',
  [Cloud.GCP]: 'gcp',
  [Cloud.AZURE]: 'azure',
  [Cloud.DIGITALOCEAN]: 'digitalocean',
};

// Canonical's account and AMI names on AWS: ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-<serial>
// (the names Canonical publishes, e.g. ...-server-20250115; the previous most-recent lookup's filter).
const CANONICAL_OWNER = '099720109477';
const AMI_NAME_PREFIX = 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-';
// GCP: Canonical's public image project, the 24.04 family, and its images' names (ubuntu-2404-noble-amd64-v<serial>).
const GCP_IMAGE_PROJECT = 'ubuntu-os-cloud';
const GCP_IMAGE_FAMILY = 'ubuntu-2404-lts-amd64';
const GCP_IMAGE_NAME_PREFIX = 'ubuntu-2404-noble-amd64-v';
// Azure: Canonical's 24.04 LTS platform image; a version is Major.Minor.Build ("The allowed formats are
// Major.Minor.Build or 'latest'", ImageReference.version, learn.microsoft.com).
const AZURE_IMAGE = { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server' } as const;
// DigitalOcean's slug for Ubuntu 24.04 x64; digitalocean_image finds an image by id, name or slug
// (docs.digitalocean.com/reference/terraform/reference/data-sources/image).
const DIGITALOCEAN_SLUG = 'ubuntu-24-04-x64';

/** What each cloud's release looks like, and an example for the message. */
const RELEASE_FORMAT: Readonly<Record<Cloud, { pattern: RegExp; rule: string; example: string }>> = {
  [Cloud.AWS]: { pattern: /^\d{8}$/, rule: "Canonical's build serial (8 digits)", example: '20250115' },
  [Cloud.GCP]: { pattern: /^\d{8}$/, rule: "the image's serial (8 digits)", example: '20250214' },
  [Cloud.AZURE]: { pattern: /^\d+\.\d+\.\d+$/, rule: 'a platform image version Major.Minor.Build (not "latest")', example: '24.04.202411030' },
  [Cloud.DIGITALOCEAN]: { pattern: /^\d+$/, rule: 'a DigitalOcean image id (digits)', example: '386734086' },
};

/**
 * Problems with `osImage`, each `<prop> must be <rule> (got <value>). <fix>`; `clouds`: the clouds
 * the cluster spans (a release for another cloud would be ignored, which hides a typo).
 */
export function osImageProblems(osImage: OsImageOptions | undefined, clouds?: readonly Cloud[], prop = 'osImage'): string[] {
  const problems: string[] = [];
  for (const cloud of Object.keys(FIELD) as Cloud[]) {
    const value = osImage?.[FIELD[cloud]];
    if (value === undefined) continue;
    const format = RELEASE_FORMAT[cloud];
    if (clouds !== undefined && !clouds.includes(cloud)) {
      problems.push(`${prop}.${FIELD[cloud]} must name a release for a cloud the cluster spans (got ${JSON.stringify(value)}; the cluster spans ${clouds.join(', ')}). Remove it, or add ${CLOUD_DISPLAY_NAME[cloud]} to clouds.`);
    } else if (Token.isUnresolved(value)) {
      problems.push(`${prop}.${FIELD[cloud]} must be known at synth, to name the ${CLOUD_DISPLAY_NAME[cloud]} image (got a Token). Pass the release as a plain string, e.g. "${format.example}".`);
    } else if (!format.pattern.test(value)) {
      problems.push(`${prop}.${FIELD[cloud]} must be ${format.rule} (got ${JSON.stringify(value)}). Use e.g. "${format.example}", or leave it out to keep the image the cluster was deployed with.`);
    }
  }
  return problems;
}

/** What pinnedImage needs to know about the cluster. */
export interface OsImageContext {
  /** Where the cluster keeps one pinned image per cloud (the cluster construct). */
  readonly home: Construct;
  readonly provider?: TerraformProvider;
  /** The cloud region (Azure looks its platform images up per location). */
  readonly region: string;
  readonly osImage?: OsImageOptions;
}

/**
 * The cloud's pinned image as its node builders take it (an AMI id, a GCP image self link, an
 * Azure `publisher:offer:sku:version`, a DigitalOcean image id): a Terraform reference to the
 * cloud's one `terraform_data`, made on first use.
 */
export function pinnedImage(cloud: Cloud, context: OsImageContext): string {
  const id = `os-image-${cloud}`;
  const known = context.home.node.tryFindChild(id) as TerraformData | undefined;
  const pin = known ?? createPin(cloud, context, id);
  const image = pin.outputString('image');
  return cloud === Cloud.AZURE ? `${AZURE_IMAGE.publisher}:${AZURE_IMAGE.offer}:${AZURE_IMAGE.sku}:${image}` : image;
}

function createPin(cloud: Cloud, context: OsImageContext, id: string): TerraformData {
  const release = context.osImage?.[FIELD[cloud]];
  return new TerraformData(context.home, id, {
    input: { image: lookup(cloud, context, `${id}-lookup`, release) },
    // The release the user named, or none: naming one (or another) replaces the pin, and with it
    // what the templates and new nodes boot from.
    triggersReplace: { release: release ?? 'first-deployed' },
    // The first answer stays: a newer image published later changes nothing.
    lifecycle: { ignoreChanges: ['input'] },
  });
}

/** The lookup of `release` (or of the newest image) on `cloud`: its answer as the builders take it. */
function lookup(cloud: Cloud, context: OsImageContext, id: string, release: string | undefined): string {
  const { home, provider } = context;
  switch (cloud) {
    case Cloud.AWS:
      return new DataAwsAmi(home, id, {
        provider,
        mostRecent: true,
        owners: [CANONICAL_OWNER],
        filter: [
          { name: 'name', values: [`${AMI_NAME_PREFIX}${release ?? '*'}`] },
          { name: 'virtualization-type', values: ['hvm'] },
        ],
      }).id;
    case Cloud.GCP:
      return new DataGoogleComputeImage(home, id, {
        provider,
        project: GCP_IMAGE_PROJECT,
        ...(release === undefined ? { family: GCP_IMAGE_FAMILY } : { name: `${GCP_IMAGE_NAME_PREFIX}${release}` }),
      }).selfLink;
    case Cloud.AZURE:
      // Without a version the provider answers with the latest one (azurerm, data source platform_image).
      return new DataAzurermPlatformImage(home, id, { provider, location: context.region, ...AZURE_IMAGE, version: release }).version;
    case Cloud.DIGITALOCEAN:
      // Its `id`, as the provider's own example gives a droplet's `image` (the same page); Terraform turns the number into a string.
      return Token.asString(new DataDigitaloceanImage(home, id, { provider, ...(release === undefined ? { slug: DIGITALOCEAN_SLUG } : { id: Number(release) }) }).id);
  }
}
