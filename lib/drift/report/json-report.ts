/**
 * The JSON report, schema `cast-drift/v1` (documented in docs/drift.md).
 * Additive changes keep v1; removing or renaming a field makes v2.
 */
import { countSeverities, exitCodeOf, hasDrift } from './report-summary';
import { Finding } from '../check/finding';
import { DriftReport } from '../drift-check';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { jsonChunks, StreamedJsonArray } from './json-chunks';

/** The schema id written in every JSON report. */
export const JSON_REPORT_SCHEMA = 'cast-drift/v1';

function findingJson(finding: Finding): Record<string, unknown> {
  return {
    check: finding.check,
    rule: finding.rule,
    severity: finding.severity,
    address: finding.address,
    cloud: finding.cloud ?? null,
    type: finding.type ?? null,
    message: finding.message,
    differences: finding.differences.map((difference) => ({ path: difference.path, desired: difference.desired ?? null, actual: difference.actual ?? null })),
    remediation: finding.remediation,
    location: finding.location ? { file: finding.location.file, line: finding.location.line ?? null, constructPath: finding.location.constructPath ?? null } : null,
  };
}

/** How a report's long lists are represented: arrays, or arrays streamed element by element. */
type ListOf = <T>(items: readonly T[], map: (item: T) => unknown) => unknown;

/** The report as a `cast-drift/v1` object. */
export function jsonReport(report: DriftReport): Record<string, unknown> {
  return reportValue(report, (items, map) => items.map(map));
}

/** The JSON report in chunks (one per finding): joined, what renderJsonReport returns. */
export function* jsonReportChunks(report: DriftReport): Generator<string> {
  yield* jsonChunks(reportValue(report, (items, map) => new StreamedJsonArray(items, map)));
  yield '\n';
}

function reportValue(report: DriftReport, list: ListOf): Record<string, unknown> {
  const counts = countSeverities(report.findings);
  return {
    schema: JSON_REPORT_SCHEMA,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    command: report.command,
    result: hasDrift(report) ? 'drift' : 'in-sync',
    exitCode: exitCodeOf(report),
    cluster: { uuid: report.cluster.uuid ?? null, name: report.cluster.name ?? null },
    inputs: {
      desired: report.inputs.desired,
      states: report.inputs.states,
      plans: report.inputs.plans,
      inventories: report.inputs.inventories,
      ignoreFile: report.inputs.ignoreFile ?? null,
    },
    clouds: report.clouds ? { checked: report.clouds.checked, allowedUnchecked: report.clouds.allowedUnchecked, unchecked: report.clouds.unchecked } : null,
    summary: { findings: report.findings.length, ...counts, ignored: report.ignored.length },
    findings: list(report.findings, findingJson),
    ignored: list(report.ignored, (ignored) => ({ entry: ignored.entry, reason: ignored.reason, expires: ignored.expires ?? null, finding: findingJson(ignored.finding) })),
  };
}

/** Renders the JSON report (two-space indented, trailing newline) as one string. */
export function renderJsonReport(report: DriftReport): string {
  return Array.from(jsonReportChunks(report)).join('');
}
