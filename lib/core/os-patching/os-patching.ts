/**
 * OS patching: Ubuntu's unattended-upgrades installs security updates on every
 * node (its images have it on; the node's user-data says so explicitly, with
 * automatic reboots off), and kured reboots a node that needs it, in the
 * cluster's window, one node at a time, drained first. Pure; no cdktf import.
 *
 * kured's flags (github.com/kubereboot/kured, cmd/kured/main.go, release
 * 1.23.0): `--reboot-days` (su, mo, tu, we, th, fr, sa, or three letters),
 * `--start-time` and `--end-time` (15:04 and other layouts), `--time-zone` (a
 * Go location name), `--period` (how often it checks, default 1h),
 * `--lock-ttl` (after how long a lock held by a node that never came back is
 * taken over; default 0, never), `--concurrency` (default 1).
 */
import { renderTemplateFile } from '../bootstrap/render-template';
import { splitDocuments } from '../in-cluster/documents';

/** kured's image: the release whose manifests templates/os-patching/kured.yaml follows. */
export const KURED_IMAGE = 'ghcr.io/kubereboot/kured:1.23.0';

/** The Helm release of the OS patching objects (lib/core/in-cluster). */
export const OS_PATCHING_RELEASE = 'cast-os-patching';

/** The days kured takes, as it spells them. */
export const WEEKDAYS = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When and whether nodes are rebooted for OS updates. */
export interface OsPatchingOptions {
  /**
   * Whether kured reboots nodes that need it. Security updates install either
   * way (Ubuntu's default); without kured, the nodes that need a reboot wait for
   * yours.
   * @default true
   */
  readonly rebootNodes?: boolean;
  /**
   * The days a node may be rebooted: `su`, `mo`, `tu`, `we`, `th`, `fr`, `sa`.
   * @default - every day
   */
  readonly rebootDays?: string[];
  /**
   * The start of the window, `HH:MM` (24 hours) in `timeZone`.
   * @default '01:00'
   */
  readonly windowStart?: string;
  /**
   * The end of the window, `HH:MM` (24 hours) in `timeZone`.
   * @default '05:00'
   */
  readonly windowEnd?: string;
  /**
   * The window's time zone, an IANA name such as `Europe/Berlin`.
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/** The options with their defaults. */
export interface OsPatchingPlan {
  readonly rebootNodes: boolean;
  readonly rebootDays: readonly Weekday[];
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly timeZone: string;
}

export const OS_PATCHING_DEFAULTS: OsPatchingPlan = { rebootNodes: true, rebootDays: WEEKDAYS, windowStart: '01:00', windowEnd: '05:00', timeZone: 'UTC' };

const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** The plan, or every problem with the options (`<prop> must be <rule> (got <value>). <fix>`), prefixed with `prefix`. */
export function planOsPatching(options: OsPatchingOptions = {}, prefix = 'osPatching'): { plan?: OsPatchingPlan; problems: string[] } {
  const problems: string[] = [];
  const days = options.rebootDays ?? [...OS_PATCHING_DEFAULTS.rebootDays];
  const unknown = days.filter((day) => !(WEEKDAYS as readonly string[]).includes(day));
  if (unknown.length > 0 || days.length === 0) {
    problems.push(`${prefix}.rebootDays must name days as ${WEEKDAYS.join(', ')} (got ${JSON.stringify(days)}). Use those two-letter names, or leave it out for every day.`);
  }
  const windowStart = options.windowStart ?? OS_PATCHING_DEFAULTS.windowStart;
  const windowEnd = options.windowEnd ?? OS_PATCHING_DEFAULTS.windowEnd;
  for (const [name, value] of [['windowStart', windowStart], ['windowEnd', windowEnd]] as const) {
    if (!CLOCK.test(value)) problems.push(`${prefix}.${name} must be a time of day as HH:MM, 24 hours (got ${JSON.stringify(value)}). Use e.g. "02:30".`);
  }
  if (problems.length === 0 && windowStart === windowEnd) {
    problems.push(`${prefix}.windowEnd must differ from windowStart (got both ${JSON.stringify(windowStart)}): the window would be empty. Widen it, or set rebootNodes: false.`);
  }
  const timeZone = options.timeZone ?? OS_PATCHING_DEFAULTS.timeZone;
  if (!isTimeZone(timeZone)) problems.push(`${prefix}.timeZone must be an IANA time zone (got ${JSON.stringify(timeZone)}). Use e.g. "UTC" or "Europe/Berlin".`);
  if (problems.length > 0) return { problems };
  return {
    plan: { rebootNodes: options.rebootNodes ?? true, rebootDays: WEEKDAYS.filter((day) => days.includes(day)), windowStart, windowEnd, timeZone },
    problems,
  };
}

/** kured's command line for the plan. */
export function kuredCommand(plan: OsPatchingPlan): string[] {
  return [
    '/usr/bin/kured',
    '--reboot-sentinel=/sentinel/reboot-required',
    `--reboot-days=${plan.rebootDays.join(',')}`,
    `--start-time=${plan.windowStart}`,
    `--end-time=${plan.windowEnd}`,
    `--time-zone=${plan.timeZone}`,
    '--period=1h',
    '--concurrency=1',
    // A node that took the lock and never came back (a lost VM) blocks every other
    // reboot until the lock is released: after 2 hours the next node may go.
    '--lock-ttl=2h',
  ];
}

/** The OS patching objects the in-cluster stack installs: kured, or nothing when reboots are off. */
export function renderOsPatchingManifests(plan: OsPatchingPlan): string[] {
  if (!plan.rebootNodes) return [];
  const text = renderTemplateFile('os-patching/kured.yaml', {
    image: KURED_IMAGE,
    command: `[${kuredCommand(plan).map((arg) => JSON.stringify(arg)).join(', ')}]`,
  });
  return splitDocuments(text);
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}
