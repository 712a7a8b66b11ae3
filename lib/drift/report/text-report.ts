/**
 * The text report: a header, then one table row per finding with its
 * differences and fix indented below. ANSI colour only when asked for (the
 * CLI asks when stdout is a TTY and NO_COLOR is unset).
 */
import { countSeverities, describeCounts, describeCoverage, formatValue, hasDrift } from './report-summary';
import { Finding, Severity } from '../check/finding';
import { DriftReport } from '../drift-check';
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

/** Renders the report as one string. */
export function renderTextReport(report: DriftReport, options: TextReportOptions = {}): string {
  return Array.from(textReportChunks(report, options)).join('');
}

/**
 * The text report in chunks: the header, then one chunk per finding (its row
 * and details), the ignored findings, and the last line. Joined, what
 * renderTextReport returns.
 */
export function* textReportChunks(report: DriftReport, options: TextReportOptions = {}): Generator<string> {
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
  yield `${lines.join('\n')}\n`;
  if (report.findings.length > 0) {
    // Columns as wide as their longest cell (capped), measured in a first pass that keeps nothing.
    const widths = ['SEVERITY', 'CHECK', 'CLOUD', 'ADDRESS'].map((title) => title.length);
    for (const finding of report.findings) {
      const row = cells(finding);
      for (let column = 0; column < 4; column++) widths[column] = Math.max(widths[column], Math.min(column === 3 ? 60 : 20, row[column].length));
    }
    const pad = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
    yield `${paint(ANSI.bold, [pad('SEVERITY', widths[0]), pad('CHECK', widths[1]), pad('CLOUD', widths[2]), pad('ADDRESS', widths[3]), 'MESSAGE'].join('  '))}\n`;
    for (const finding of report.findings) {
      const row = cells(finding);
      const out = [[paint(SEVERITY_COLOR[finding.severity], pad(row[0], widths[0])), pad(row[1], widths[1]), pad(row[2], widths[2]), row[3].length > widths[3] ? row[3] : pad(row[3], widths[3]), visible(finding.message)].join('  ')];
      for (const line of details(finding)) out.push(paint(ANSI.dim, `    ${visible(line)}`));
      yield `${out.join('\n')}\n`;
    }
  }
  // Listed even when every finding is ignored: what is hidden stays visible.
  if (report.ignored.length > 0) {
    if (report.findings.length > 0) yield '\n';
    yield `${paint(ANSI.dim, `Ignored (${report.ignored.length}):`)}\n`;
    for (const entry of report.ignored) {
      yield `${paint(ANSI.dim, `    ${visible(`${entry.finding.address} [${entry.finding.rule}]: entry #${entry.entry}, ${entry.reason}${entry.expires ? ` (until ${entry.expires})` : ''}`)}`)}\n`;
    }
  }
  if (report.findings.length > 0 || report.ignored.length > 0) yield '\n';
  yield `${lastLine(report, counts, paint)}\n`;
}

/** The verdict, and for guard-destroy the clouds checked and allowed unchecked. */
function lastLine(report: DriftReport, counts: string, paint: (color: string, text: string) => string): string {
  const coverage = describeCoverage(report);
  const clouds = coverage === undefined ? '' : ` (${coverage})`;
  if (report.findings.length === 0) {
    return paint(ANSI.green, report.command === 'guard-destroy' ? `Safe to destroy: no foreign or leaked VMs in the cluster networks${clouds}.` : 'In sync: no drift found.');
  }
  if (hasDrift(report)) return paint(ANSI.bold, `${report.command === 'guard-destroy' ? 'Unsafe to destroy' : 'Drift found'}: ${counts}${clouds}.`);
  return report.command === 'guard-destroy' ? `Safe to destroy (notes only)${clouds}.` : 'No drift (notes only).';
}

/** A finding's table cells: severity, check, cloud, address (escaped). */
function cells(finding: Finding): readonly [string, string, string, string] {
  return [finding.severity, finding.check, finding.cloud ?? '-', visible(finding.address)];
}

function details(finding: Finding): string[] {
  const out = finding.differences
    .filter((difference) => difference.path !== '')
    .map((difference) => `${difference.path}: desired ${formatValue(difference.desired)}, actual ${formatValue(difference.actual)}`);
  if (finding.location?.constructPath) out.push(`declared by ${finding.location.constructPath}`);
  out.push(`fix: ${finding.remediation}`);
  return out;
}
