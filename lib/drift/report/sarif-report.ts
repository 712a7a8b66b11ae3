/**
 * SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif).
 *
 * GitHub needs, per result, a ruleId, a message and a physical location with
 * an artifact URI and `region.startLine`; findings about a configured
 * resource point at its block in cdk.tf.json, others at the first stack file
 * (line 1), with the Terraform address as a logical location.
 * `partialFingerprints` key on check, rule and address so an alert survives
 * unrelated edits of the synthesized file.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { formatValue } from './report-summary';
import { Finding, Severity } from '../check/finding';
import { RULES } from '../check/rules';
import { DriftReport } from '../drift-check';
import { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version';
import { jsonChunks, StreamedJsonArray } from './json-chunks';

/** The SARIF JSON schema URI GitHub accepts. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Readonly<Record<Severity, string>> = { [Severity.ERROR]: 'error', [Severity.WARNING]: 'warning', [Severity.NOTE]: 'note' };

/** A file path as a SARIF URI relative to `cwd` (forward slashes, no leading ./). */
export function sarifUri(file: string, cwd: string): string {
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  const uri = (relative.startsWith('..') ? file : relative).split(path.sep).join('/');
  return uri.replace(/^\.\//, '');
}

function resultText(finding: Finding): string {
  const lines = [finding.message];
  for (const difference of finding.differences) {
    if (difference.path) lines.push(`${difference.path}: desired ${formatValue(difference.desired)}, actual ${formatValue(difference.actual)}`);
  }
  lines.push(`Fix: ${finding.remediation}`);
  return lines.join('\n');
}

/** The report as a SARIF log object; `cwd` makes file URIs relative. */
export function sarifReport(report: DriftReport, cwd: string): Record<string, unknown> {
  return sarifValue(report, cwd, false);
}

/** The SARIF log in chunks (one per result): joined, what renderSarifReport returns. */
export function* sarifReportChunks(report: DriftReport, cwd: string): Generator<string> {
  yield* jsonChunks(sarifValue(report, cwd, true));
  yield '\n';
}

function sarifValue(report: DriftReport, cwd: string, streamed: boolean): Record<string, unknown> {
  const fallbackFile = report.inputs.desired[0] ?? 'cdk.tf.json';
  const ruleIndexes = new Map<string, number>(RULES.map((rule, index) => [rule.id, index]));
  const result = (finding: Finding) => {
    const ruleIndex = ruleIndexes.get(finding.rule) ?? -1;
    const file = finding.location?.file ?? fallbackFile;
    return {
      ruleId: finding.rule,
      ...(ruleIndex === -1 ? {} : { ruleIndex }),
      level: LEVEL[finding.severity],
      message: { text: resultText(finding) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: sarifUri(file, cwd) }, region: { startLine: finding.location?.line ?? 1 } },
          logicalLocations: [{ name: finding.address, fullyQualifiedName: finding.address, kind: 'resource' }],
        },
      ],
      partialFingerprints: { 'castDriftFinding/v1': crypto.createHash('sha256').update(`${finding.rule}\u0000${finding.cloud ?? ''}\u0000${finding.address}`).digest('hex') },
      properties: {
        check: finding.check,
        cloud: finding.cloud ?? null,
        resourceType: finding.type ?? null,
        differences: finding.differences,
        remediation: finding.remediation,
      },
    };
  };
  const results = streamed ? new StreamedJsonArray(report.findings, result) : report.findings.map(result);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: TOOL_URI,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.name,
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.help },
              help: { text: rule.help },
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
              properties: { tags: ['drift', rule.check] },
            })),
          },
        },
        automationDetails: { id: `${TOOL_NAME}/${report.command}/${report.cluster.uuid ?? 'unknown'}/` },
        results,
        invocations: [{ executionSuccessful: true }],
        // guard-destroy: which of the cluster's clouds were checked (SARIF 2.1.0 §3.8, property bags).
        ...(report.clouds ? { properties: { clouds: { checked: report.clouds.checked, allowedUnchecked: report.clouds.allowedUnchecked, unchecked: report.clouds.unchecked } } } : {}),
      },
    ],
  };
}

/** Renders the SARIF log as one string. */
export function renderSarifReport(report: DriftReport, cwd: string): string {
  return Array.from(sarifReportChunks(report, cwd)).join('');
}
