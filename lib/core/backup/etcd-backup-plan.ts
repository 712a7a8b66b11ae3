/**
 * The etcd backup settings with their defaults, checked: which clouds hold the snapshots,
 * when they are taken, how many each keeps, and until when the Azure SAS is valid. Pure;
 * every problem is reported at once, each `<prop> must be <rule> (got <value>). <fix>`.
 */
import { Cloud, CLOUD_DISPLAY_NAME, sortClouds } from '../cloud';
import { PlanError } from '../plan-error';
import { cronScheduleProblem } from './cron-schedule';

/** Hourly, at a minute off the hour (many jobs start at :00). */
export const DEFAULT_BACKUP_SCHEDULE = '17 * * * *';
/** Two days of hourly snapshots. */
export const DEFAULT_BACKUP_KEEP = 48;
/** How many clouds hold the snapshots when the targets are not given. */
export const DEFAULT_BACKUP_TARGET_COUNT = 2;
/**
 * When the Azure SAS becomes valid: a fixed date in the past, so that the token depends on
 * nothing but its expiry (a start of "now" would change it on every plan).
 */
export const AZURE_SAS_START = '2020-01-01T00:00:00Z';

/** What the user gives (EtcdBackupOptions). */
export interface EtcdBackupInput {
  readonly enabled?: boolean;
  readonly targets?: readonly Cloud[];
  readonly schedule?: string;
  readonly keep?: number;
  readonly azureSasExpiry?: string;
}

/** The settings the backup is built from. */
export interface EtcdBackupPlan {
  readonly enabled: boolean;
  /** In the library's cloud order, no duplicates. */
  readonly targets: readonly Cloud[];
  readonly schedule: string;
  readonly keep: number;
  /** `YYYY-MM-DDT00:00:00Z`; used when Azure is a target. */
  readonly azureSasExpiry: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The default SAS expiry: 1 January of the year after next, from the year of `now` (the
 * synth). Between one and two years ahead; a deploy in a new year moves it a year on, which
 * renews the token (docs/etcd-backup.md).
 */
export function defaultAzureSasExpiry(now: Date): string {
  return `${now.getUTCFullYear() + 2}-01-01`;
}

/**
 * Resolves the defaults and checks the input against the clouds the cluster spans.
 * Throws a PlanError with every problem.
 */
export function planEtcdBackup(input: EtcdBackupInput, clusterClouds: readonly Cloud[], now: Date, prop = 'etcdBackup'): EtcdBackupPlan {
  const problems: string[] = [];
  const spanned = sortClouds(clusterClouds);
  const names = (clouds: readonly Cloud[]) => `[${clouds.map((cloud) => CLOUD_DISPLAY_NAME[cloud] ?? String(cloud)).join(', ')}]`;

  let targets: Cloud[];
  if (input.targets === undefined) {
    targets = spanned.slice(0, DEFAULT_BACKUP_TARGET_COUNT);
  } else {
    targets = sortClouds(input.targets);
    const foreign = input.targets.filter((cloud) => !spanned.includes(cloud));
    if (input.targets.length === 0) {
      problems.push(`${prop}.targets must name at least one cloud (got []). Name one or two of the cluster's clouds ${names(spanned)}, leave targets out for the first two, or set enabled: false.`);
    }
    for (const cloud of [...new Set(foreign)]) {
      problems.push(
        `${prop}.targets must only name clouds the cluster spans (got ${CLOUD_DISPLAY_NAME[cloud] ?? JSON.stringify(cloud)}; the cluster spans ${names(spanned)}). Pick from those, or add the cloud to the cluster's clouds.`,
      );
    }
    targets = targets.filter((cloud) => spanned.includes(cloud));
  }

  const schedule = input.schedule ?? DEFAULT_BACKUP_SCHEDULE;
  const scheduleProblem = cronScheduleProblem(schedule);
  if (scheduleProblem) problems.push(`${prop}.schedule must be a cron schedule of five fields or an @hourly-style macro (got ${JSON.stringify(schedule)}): ${scheduleProblem}. E.g. "17 * * * *" for hourly at :17.`);

  const keep = input.keep ?? DEFAULT_BACKUP_KEEP;
  if (!Number.isInteger(keep) || keep < 1) {
    problems.push(`${prop}.keep must be a whole number of at least 1 (got ${keep}). It is how many snapshots each target keeps; ${DEFAULT_BACKUP_KEEP} is two days of hourly ones.`);
  }

  let azureSasExpiry = defaultAzureSasExpiry(now);
  if (input.azureSasExpiry !== undefined) {
    const match = DATE.exec(input.azureSasExpiry);
    const date = match ? new Date(`${input.azureSasExpiry}T00:00:00Z`) : undefined;
    if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== input.azureSasExpiry) {
      problems.push(`${prop}.azureSasExpiry must be a date written YYYY-MM-DD (got ${JSON.stringify(input.azureSasExpiry)}). Set a date within the validity your storage account's SAS policy allows, or leave it out.`);
    } else if (date.getTime() <= now.getTime()) {
      problems.push(`${prop}.azureSasExpiry must be in the future (got ${input.azureSasExpiry}): an expired SAS makes every Azure upload fail. Set a later date, or leave it out for 1 January of the year after next.`);
    }
    azureSasExpiry = input.azureSasExpiry;
  }

  if (problems.length > 0) throw new PlanError(problems);
  return { enabled: input.enabled ?? true, targets, schedule, keep, azureSasExpiry: `${azureSasExpiry}T00:00:00Z` };
}
