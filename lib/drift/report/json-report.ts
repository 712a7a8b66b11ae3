/**
 * The JSON report, schema `cast-drift/v1` (documented in docs/drift.md).
 * Additive changes keep v1; removing or renaming a field makes v2.
 */
import { countSeverities, exitCodeOf, hasDrift } from './report-summary';
import { Finding } from '../check/finding';
import { DriftReport } from '../drift-check';
import { TOOL_NAME, TOOL_VERSION } from '../version';

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

/** The report as a `cast-drift/v1` object. */
export function jsonReport(report: DriftReport): Record<string, unknown> {
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
    summary: { findings: report.findings.length, ...counts, ignored: report.ignored.length },
    findings: report.findings.map(findingJson),
    ignored: report.ignored.map((ignored) => ({ entry: ignored.entry, reason: ignored.reason, expires: ignored.expires ?? null, finding: findingJson(ignored.finding) })),
  };
}

/** Renders the JSON report (two-space indented, trailing newline). */
export function renderJsonReport(report: DriftReport): string {
  return `${JSON.stringify(jsonReport(report), null, 2)}\n`;
}
