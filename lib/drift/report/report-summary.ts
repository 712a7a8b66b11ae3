/**
 * Counting findings and the exit code, shared by every output format.
 * Exit codes follow `terraform plan -detailed-exitcode`: 0 in sync, 2 drift
 * (an error or warning finding; notes are informational), 1 error.
 */
import { Finding, Severity } from '../check/finding';
import { DriftReport } from '../drift-check';

/** Exit code: no drift. */
export const EXIT_IN_SYNC = 0;
/** Exit code: bad input or a failure; nothing was written. */
export const EXIT_ERROR = 1;
/** Exit code: drift found (or, for guard-destroy, destroying is unsafe). */
export const EXIT_DRIFT = 2;

/** Findings per severity. */
export interface SeverityCounts {
  readonly error: number;
  readonly warning: number;
  readonly note: number;
}

/** Counts findings per severity (one pass, no copies: a report may hold a million). */
export function countSeverities(findings: readonly Finding[]): SeverityCounts {
  const counts = { error: 0, warning: 0, note: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** True when a finding other than a note remains. */
export function hasDrift(report: DriftReport): boolean {
  return report.findings.some((finding) => finding.severity !== Severity.NOTE);
}

/** The process exit code for a report. */
export function exitCodeOf(report: DriftReport): number {
  return hasDrift(report) ? EXIT_DRIFT : EXIT_IN_SYNC;
}

/** "2 errors, 1 warning" (empty parts dropped), or "no findings". */
export function describeCounts(counts: SeverityCounts): string {
  const parts = [
    counts.error && `${counts.error} error${counts.error === 1 ? '' : 's'}`,
    counts.warning && `${counts.warning} warning${counts.warning === 1 ? '' : 's'}`,
    counts.note && `${counts.note} note${counts.note === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return parts.length === 0 ? 'no findings' : parts.join(', ');
}

/**
 * guard-destroy's clouds in words: "clouds checked: aws, gcp; allowed unchecked:
 * azure; not checked: digitalocean" (empty parts dropped); undefined for `check`.
 */
export function describeCoverage(report: DriftReport): string | undefined {
  if (!report.clouds) return undefined;
  const parts = [
    `clouds checked: ${report.clouds.checked.join(', ') || 'none'}`,
    report.clouds.allowedUnchecked.length > 0 && `allowed unchecked: ${report.clouds.allowedUnchecked.join(', ')}`,
    report.clouds.unchecked.length > 0 && `not checked: ${report.clouds.unchecked.join(', ')}`,
  ].filter(Boolean);
  return parts.join('; ');
}

/** A difference value as printed: JSON for non-strings, "(absent)" for null. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(absent)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
