/**
 * Applies an ignore file to findings. A finding matched by a live entry moves
 * to `ignored` with the entry's reason; an entry past its expiry matches
 * nothing and is itself reported, so accepted drift cannot hide forever.
 */
import { IgnoreEntry, IgnoreFile } from './ignore-file';
import { CheckId, Finding, Severity } from '../check/finding';

/** A finding hidden by an ignore entry. */
export interface IgnoredFinding {
  readonly finding: Finding;
  readonly entry: number;
  readonly reason: string;
  readonly expires?: string;
}

/** Findings after ignoring, and what was ignored. */
export interface IgnoreResult {
  readonly findings: readonly Finding[];
  readonly ignored: readonly IgnoredFinding[];
}

/** Describes an entry's selectors: "address aws_instance.x*, tag team=ops". */
export function describeEntry(entry: IgnoreEntry): string {
  return [entry.address && `address ${entry.address}`, entry.type && `type ${entry.type}`, entry.tag && `tag ${entry.tag}`, entry.check && `check ${entry.check}`].filter(Boolean).join(', ');
}

/** Splits findings into kept and ignored as of `now`; expired entries become findings. */
export function applyIgnores(findings: readonly Finding[], ignore: IgnoreFile | undefined, now: Date): IgnoreResult {
  if (!ignore) return { findings, ignored: [] };
  const live = ignore.entries.filter((entry) => !entry.expiresAt || entry.expiresAt.getTime() >= now.getTime());
  const expired = ignore.entries.filter((entry) => entry.expiresAt && entry.expiresAt.getTime() < now.getTime());
  const kept: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const finding of findings) {
    const entry = live.find((candidate) => candidate.matches(finding));
    if (entry) ignored.push({ finding, entry: entry.number, reason: entry.reason, expires: entry.expires });
    else kept.push(finding);
  }
  for (const entry of expired) {
    kept.push({
      check: CheckId.IGNORE_FILE,
      rule: 'ignore-file/expired',
      severity: Severity.WARNING,
      address: `${ignore.file}#${entry.number}`,
      message: `ignore entry #${entry.number} (${describeEntry(entry)}) expired on ${entry.expires}; it no longer hides findings (its reason: ${entry.reason})`,
      differences: [{ path: 'expires', desired: `later than ${now.toISOString().slice(0, 10)}`, actual: entry.expires }],
      remediation: 'Fix the drift it hid, or renew the entry with a new expiry date and a current reason.',
      location: { file: ignore.file },
    });
  }
  return { findings: kept, ignored };
}
