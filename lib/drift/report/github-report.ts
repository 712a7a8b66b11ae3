/**
 * GitHub Actions workflow commands: one `::error` / `::warning` / `::notice`
 * annotation per finding, placed on the stack file when the resource's block
 * was found, then a one-line summary.
 * Escaping per https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts.
 */
import { countSeverities, describeCounts, describeCoverage, formatValue, hasDrift } from './report-summary';
import { sarifUri } from './sarif-report';
import { Finding, Severity } from '../check/finding';
import { DriftReport } from '../drift-check';
import { visible } from './visible';

const COMMAND: Readonly<Record<Severity, string>> = { [Severity.ERROR]: 'error', [Severity.WARNING]: 'warning', [Severity.NOTE]: 'notice' };

/** Escapes a workflow command's message. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(finding: Finding, cwd: string): string {
  // Control characters from the inputs escaped first (visible.ts), then the workflow command's own escapes.
  const properties = [`title=${escapeProperty(visible(`${finding.rule}: ${finding.address}`))}`];
  if (finding.location?.file) {
    properties.push(`file=${escapeProperty(sarifUri(finding.location.file, cwd))}`);
    if (finding.location.line) properties.push(`line=${finding.location.line}`);
  }
  const lines = [finding.message];
  for (const difference of finding.differences) {
    if (difference.path) lines.push(`${difference.path}: desired ${formatValue(difference.desired)}, actual ${formatValue(difference.actual)}`);
  }
  lines.push(`Fix: ${finding.remediation}`);
  return `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(lines.map(visible).join('\n'))}`;
}

/** Annotations and a summary line, one chunk per line. */
export function* githubReportChunks(report: DriftReport, cwd: string): Generator<string> {
  for (const finding of report.findings) yield `${annotation(finding, cwd)}\n`;
  const counts = describeCounts(countSeverities(report.findings));
  const ignored = report.ignored.length > 0 ? `, ${report.ignored.length} ignored` : '';
  const coverage = describeCoverage(report);
  const clouds = coverage === undefined ? '' : `; ${coverage}`;
  yield hasDrift(report) ? `cast-drift ${report.command}: drift found: ${counts}${ignored}${clouds}\n` : `cast-drift ${report.command}: in sync (${counts}${ignored})${clouds}\n`;
}

/** Renders annotations and a summary line as one string. */
export function renderGithubReport(report: DriftReport, cwd: string): string {
  return Array.from(githubReportChunks(report, cwd)).join('');
}
