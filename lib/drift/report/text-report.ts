/**
 * The text report: a header, then one table row per finding with its
 * differences and fix indented below. ANSI colour only when asked for (the
 * CLI asks when stdout is a TTY and NO_COLOR is unset).
 */
import { countSeverities, describeCounts, formatValue, hasDrift } from './report-summary';
import { Finding, Severity } from '../check/finding';
import { DriftReport } from '../drift-check';
import { appendAll, maxOf } from '../append';
import { visible } from './visible';

/** Options for the text report. */
export interface TextReportOptions {
  /** Use ANSI colours. @default false */
  readonly color?: boolean;
  /** Width to truncate message columns to. @default 120 */
  readonly width?: number;
}

const ANSI = { red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m', green: '\u001b[32m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };
const SEVERITY_COLOR: Readonly<Record<Severity, string>> = { [Severity.ERROR]: ANSI.red, [Severity.WARNING]: ANSI.yellow, [Severity.NOTE]: ANSI.cyan };

/** Renders the report as text. */
export function renderTextReport(report: DriftReport, options: TextReportOptions = {}): string {
  const paint = (color: string, text: string) => (options.color ? `${color}${text}${ANSI.reset}` : text);
  const lines: string[] = [];
  // What comes from the inputs is printed with its control characters escaped (visible.ts).
  const cluster = visible(report.cluster.uuid ? `cluster ${report.cluster.name ?? '?'} (${report.cluster.uuid})` : `cluster ${report.cluster.name ?? '?'} (uuid unknown)`);
  const counts = describeCounts(countSeverities(report.findings));
  const ignored = report.ignored.length > 0 ? `, ${report.ignored.length} ignored` : '';
  lines.push(paint(ANSI.bold, `cast-drift ${report.command}: ${cluster}: ${counts}${ignored}`));
  for (const state of report.inputs.states) lines.push(paint(ANSI.dim, visible(`  state      ${state.file}: ${state.kind}, ${state.resources} resource instance(s)`)));
  for (const plan of report.inputs.plans) lines.push(paint(ANSI.dim, `  plan       ${plan}`));
  for (const inventory of report.inputs.inventories) lines.push(paint(ANSI.dim, visible(`  inventory  ${inventory.file}: ${inventory.cloud}, ${inventory.items} VM(s)`)));
  lines.push(paint(ANSI.dim, `  desired    ${report.inputs.desired.join(', ')}`));
  lines.push('');
  if (report.findings.length === 0) {
    lines.push(paint(ANSI.green, report.command === 'guard-destroy' ? 'Safe to destroy: no foreign or leaked VMs in the cluster networks.' : 'In sync: no drift found.'));
    return `${lines.join('\n')}\n`;
  }
  const rows = report.findings.map((finding) => [finding.severity, finding.check, finding.cloud ?? '-', visible(finding.address)]);
  const widths = [0, 1, 2, 3].map((column) => Math.min(column === 3 ? 60 : 20, maxOf(rows.map((row) => row[column].length), ['SEVERITY', 'CHECK', 'CLOUD', 'ADDRESS'][column].length)));
  const pad = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  lines.push(paint(ANSI.bold, [pad('SEVERITY', widths[0]), pad('CHECK', widths[1]), pad('CLOUD', widths[2]), pad('ADDRESS', widths[3]), 'MESSAGE'].join('  ')));
  report.findings.forEach((finding, i) => {
    const row = rows[i];
    lines.push([paint(SEVERITY_COLOR[finding.severity], pad(row[0], widths[0])), pad(row[1], widths[1]), pad(row[2], widths[2]), row[3].length > widths[3] ? row[3] : pad(row[3], widths[3]), visible(finding.message)].join('  '));
    appendAll(lines, details(finding).map((line) => paint(ANSI.dim, `    ${visible(line)}`)));
  });
  if (report.ignored.length > 0) {
    lines.push('');
    lines.push(paint(ANSI.dim, `Ignored (${report.ignored.length}):`));
    for (const ignored of report.ignored) lines.push(paint(ANSI.dim, `    ${visible(`${ignored.finding.address} [${ignored.finding.rule}]: entry #${ignored.entry}, ${ignored.reason}${ignored.expires ? ` (until ${ignored.expires})` : ''}`)}`));
  }
  lines.push('');
  lines.push(hasDrift(report) ? paint(ANSI.bold, `Drift found: ${counts}.`) : 'No drift (notes only).');
  return `${lines.join('\n')}\n`;
}

function details(finding: Finding): string[] {
  const out = finding.differences
    .filter((difference) => difference.path !== '')
    .map((difference) => `${difference.path}: desired ${formatValue(difference.desired)}, actual ${formatValue(difference.actual)}`);
  if (finding.location?.constructPath) out.push(`declared by ${finding.location.constructPath}`);
  out.push(`fix: ${finding.remediation}`);
  return out;
}
