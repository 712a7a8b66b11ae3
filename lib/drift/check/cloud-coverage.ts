/**
 * Which of the cluster's clouds `guard-destroy` could look into. The guard
 * sees a foreign VM only in a cloud whose VM list (inventory) it was given; a
 * cloud without one is not known to be safe, so it is an error unless the
 * user accepted it unchecked (`--allow-unchecked <cloud>`).
 */
import { CheckId, Finding, Severity } from './finding';
import { ALL_CLOUDS, Cloud, CLOUD_DISPLAY_NAME, sortClouds } from '../../core/cloud';
import { ActualState, DesiredState } from '../model';

/** The cluster's clouds, split by what the guard could see. */
export interface CloudCoverage {
  /** Clouds of the cluster an inventory was given for. */
  readonly checked: readonly Cloud[];
  /** Clouds of the cluster without an inventory that the user accepted unchecked. */
  readonly allowedUnchecked: readonly Cloud[];
  /** Clouds of the cluster without an inventory, not accepted: each is an error. */
  readonly unchecked: readonly Cloud[];
}

/**
 * The clouds the cluster spans: those of the stacks' cluster description, else
 * of the state's, else the clouds of the resources (and described nodes) the
 * stacks declare.
 */
export function clusterClouds(desired: DesiredState, actual: ActualState): Cloud[] {
  if (desired.description && desired.description.clouds.length > 0) return sortClouds(desired.description.clouds);
  if (actual.description && actual.description.clouds.length > 0) return sortClouds(actual.description.clouds);
  const clouds: Cloud[] = [];
  for (const resource of desired.resources.values()) if (resource.cloud) clouds.push(resource.cloud);
  for (const node of desired.description?.nodes ?? []) if (node.cloud) clouds.push(node.cloud);
  return sortClouds(clouds);
}

/** Splits `clouds` into checked (an inventory was given), allowed unchecked and unchecked. */
export function cloudCoverage(clouds: readonly Cloud[], inventoryClouds: readonly Cloud[], allowUnchecked: readonly Cloud[]): CloudCoverage {
  const checked = clouds.filter((cloud) => inventoryClouds.includes(cloud));
  const missing = clouds.filter((cloud) => !checked.includes(cloud));
  return {
    checked,
    allowedUnchecked: missing.filter((cloud) => allowUnchecked.includes(cloud)),
    unchecked: missing.filter((cloud) => !allowUnchecked.includes(cloud)),
  };
}

/**
 * The command that lists a cloud's VMs in the shape cast-drift reads
 * (lib/drift/read/inventory). `aws ec2 describe-instances` lists one region
 * (https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-instances.html)
 * and its output format follows the user's CLI configuration unless
 * `--output json` is given; `gcloud compute instances list` lists every zone
 * of one project (https://cloud.google.com/sdk/gcloud/reference/compute/instances/list);
 * `az vm list -d` adds the power state and private IPs
 * (https://learn.microsoft.com/cli/azure/vm#az-vm-list).
 */
export const INVENTORY_COMMAND: Readonly<Record<Cloud, string>> = {
  [Cloud.AWS]: 'aws ec2 describe-instances --output json',
  [Cloud.GCP]: 'gcloud compute instances list --format=json',
  [Cloud.AZURE]: 'az vm list -d -o json',
  [Cloud.DIGITALOCEAN]: 'doctl compute droplet list -o json',
};

const SCOPE: Readonly<Record<Cloud, string>> = {
  [Cloud.AWS]: ' (once per region the cluster uses: add --region REGION, and pass each file)',
  [Cloud.GCP]: ' (once per project the cluster uses: add --project PROJECT, and pass each file)',
  [Cloud.AZURE]: ' (in the cluster\'s subscription)',
  [Cloud.DIGITALOCEAN]: '',
};

/** One error per cloud of the cluster the guard could not look into. */
export function checkCloudCoverage(coverage: CloudCoverage): Finding[] {
  return coverage.unchecked.map((cloud) => ({
    check: CheckId.CLEANUP_GUARD,
    rule: 'cleanup-guard/unchecked-cloud',
    severity: Severity.ERROR,
    address: `${cloud}:*`,
    cloud,
    message: `${CLOUD_DISPLAY_NAME[cloud]} was not checked: no --inventory lists its VMs, so a VM there that is not the cluster's (the destroy would fail on it) or a leaked one would go unseen`,
    differences: [{ path: 'inventory', desired: cloud, actual: null }],
    remediation: `List its VMs with \`${INVENTORY_COMMAND[cloud]} > ${cloud}-vms.json\`${SCOPE[cloud]} and pass \`--inventory ${cloud}=${cloud}-vms.json\`; or, to destroy without checking ${CLOUD_DISPLAY_NAME[cloud]}, pass \`--allow-unchecked ${cloud}\`.`,
  }));
}

/** A cloud id as `--allow-unchecked` takes it, or undefined. */
export function parseCloud(text: string): Cloud | undefined {
  return ALL_CLOUDS.find((cloud) => cloud === text.trim().toLowerCase());
}
