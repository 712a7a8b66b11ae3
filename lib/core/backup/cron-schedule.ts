/**
 * The schedules a Kubernetes CronJob accepts: five fields (minute, hour, day of month, month,
 * day of week) or one of the macros (Kubernetes, "CronJob": "Schedule syntax"). Each field is
 * `*`, a number, a range `a-b`, either with a step `/n`, or a list of those; months and days
 * of the week may be names (JAN, MON); `?` stands for `*` in the day fields. Time zones go in
 * the CronJob's spec.timeZone, not in the schedule ("CRON_TZ=" is not supported there).
 */

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly question?: boolean;
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 7 is Sunday as well as 0.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], question: true },
];

/** Why `schedule` is not a CronJob schedule, or undefined when it is. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) return MACROS.includes(text) ? undefined : `unknown macro ${text} (known: ${MACROS.join(', ')})`;
  const parts = text.split(/\s+/).filter((part) => part !== '');
  if (parts.length !== FIELDS.length) return `it has ${parts.length} field${parts.length === 1 ? '' : 's'}, not 5`;
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = fieldProblem(parts[i], FIELDS[i]);
    if (problem) return `the ${FIELDS[i].name} field "${parts[i]}" ${problem}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  if (field.question && text === '?') return undefined;
  for (const item of text.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return `has a bad step in "${item}"`;
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `has a bad range "${range}"`;
    const values = bounds.map((bound) => valueOf(bound, field));
    if (values.some((value) => value === undefined)) return `must hold numbers ${field.min}-${field.max}${field.names ? ' or names' : ''} (got "${range}")`;
    if (values.length === 2 && values[0]! > values[1]!) return `has a range that runs backwards ("${range}")`;
  }
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.names!.length === 12 ? named + 1 : named;
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
