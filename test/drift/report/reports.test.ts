import { Cloud } from '../../../lib/core/cloud';
import { CheckId, Finding, Severity } from '../../../lib/drift/check/finding';
import { RULES } from '../../../lib/drift/check/rules';
import { DriftReport } from '../../../lib/drift/drift-check';
import { escapeData, escapeProperty, renderGithubReport } from '../../../lib/drift/report/github-report';
import { jsonReport, JSON_REPORT_SCHEMA } from '../../../lib/drift/report/json-report';
import { renderReport, renderReportChunks, ReportFormat } from '../../../lib/drift/report/render-report';
import { exitCodeOf } from '../../../lib/drift/report/report-summary';
import { sarifReport, sarifUri } from '../../../lib/drift/report/sarif-report';
import { renderTextReport } from '../../../lib/drift/report/text-report';
import { validateSarif } from './sarif-validator';

const findings: Finding[] = [
  { check: CheckId.NETWORK, rule: 'network/firewall', severity: Severity.ERROR, address: 'aws_security_group.sg', cloud: Cloud.AWS, type: 'aws_security_group', message: 'firewall rules differ', differences: [{ path: 'rules', desired: null, actual: 'ingress allow tcp 8080 from 0.0.0.0/0' }], remediation: 'Run `terraform apply`.', location: { file: '/repo/cdktf.out/stacks/prod/cdk.tf.json', line: 42, constructPath: 'prod/cluster/aws/firewall' } },
  { check: CheckId.MISSING_NODES, rule: 'missing-nodes/tainted', severity: Severity.WARNING, address: 'aws_instance.n[0]', cloud: Cloud.AWS, message: 'node is tainted, 100% sure: yes', differences: [{ path: 'user_data', desired: '(sensitive)', actual: '(sensitive)' }], remediation: 'r' },
  { check: CheckId.CLEANUP_GUARD, rule: 'cleanup-guard/no-uuid', severity: Severity.NOTE, address: '-', message: 'uuid unknown', differences: [], remediation: 'pass --cluster-uuid' },
];

function report(list: Finding[] = findings): DriftReport {
  return {
    command: 'check',
    cluster: { uuid: 'u-1', name: 'prod' },
    inputs: { desired: ['/repo/cdktf.out/stacks/prod/cdk.tf.json'], states: [{ file: 'state.json', kind: 'Terraform state', resources: 3 }], plans: [], inventories: [], ignoreFile: undefined },
    findings: list,
    ignored: [{ finding: { ...findings[1], address: 'aws_instance.old' }, entry: 1, reason: 'kept', expires: '2099-01-01' }],
  };
}

describe('exit codes', () => {
  test.each([
    [[], 0],
    [[findings[2]], 0],
    [[findings[1]], 2],
    [findings, 2],
  ])('%#', (list, code) => {
    expect(exitCodeOf(report(list as Finding[]))).toBe(code);
  });
});

describe('text', () => {
  test('a table with details, no colour by default', () => {
    const text = renderTextReport(report());
    expect(text).not.toContain('\u001b[');
    expect(text).toContain('cast-drift check: cluster prod (u-1): 1 error, 1 warning, 1 note, 1 ignored');
    expect(text).toMatch(/SEVERITY +CHECK +CLOUD +ADDRESS +MESSAGE/);
    expect(text).toMatch(/error +network +aws +aws_security_group\.sg +firewall rules differ/);
    expect(text).toContain('    rules: desired (absent), actual ingress allow tcp 8080 from 0.0.0.0/0');
    expect(text).toContain('    declared by prod/cluster/aws/firewall');
    expect(text).toContain('    aws_instance.old [missing-nodes/tainted]: entry #1, kept (until 2099-01-01)');
    expect(text.trimEnd().split('\n').pop()).toBe('Drift found: 1 error, 1 warning, 1 note.');
  });
  test('colour when asked', () => {
    expect(renderTextReport(report(), { color: true })).toContain('\u001b[31merror');
  });
  test('in sync', () => {
    expect(renderTextReport(report([]))).toContain('In sync: no drift found.');
  });
  test('every finding ignored: the ignored findings are still listed, before the last line', () => {
    const lines = renderTextReport(report([])).trimEnd().split('\n');
    expect(lines.slice(-4)).toEqual(['Ignored (1):', '    aws_instance.old [missing-nodes/tainted]: entry #1, kept (until 2099-01-01)', '', 'In sync: no drift found.']);
  });
  test('nothing ignored and nothing found: the header, a blank line and the verdict', () => {
    const text = renderTextReport({ ...report([]), ignored: [] });
    expect(text.endsWith('cdk.tf.json\n\nIn sync: no drift found.\n')).toBe(true);
    expect(text).not.toContain('Ignored');
  });
});

describe('streamed rendering', () => {
  test.each([ReportFormat.TEXT, ReportFormat.JSON, ReportFormat.SARIF, ReportFormat.GITHUB])('%s: the chunks joined are the one-string rendering', (format) => {
    const chunks = Array.from(renderReportChunks(report(), format, { cwd: '/repo' }));
    expect(chunks.length).toBeGreaterThan(findings.length);
    expect(chunks.join('')).toBe(renderReport(report(), format, { cwd: '/repo' }));
  });
  test.each([
    ['json', () => renderReport(report(), ReportFormat.JSON), () => jsonReport(report())],
    ['json, nothing found or ignored', () => renderReport({ ...report([]), ignored: [] }, ReportFormat.JSON), () => jsonReport({ ...report([]), ignored: [] })],
    ['sarif', () => renderReport(report(), ReportFormat.SARIF, { cwd: '/repo' }), () => sarifReport(report(), '/repo')],
  ])('%s: byte for byte JSON.stringify(value, null, 2) of the report object', (_name, streamed, value) => {
    expect(streamed()).toBe(`${JSON.stringify(value(), null, 2)}\n`);
  });
});

describe('json (cast-drift/v1)', () => {
  test('shape', () => {
    const json = JSON.parse(renderReport(report(), ReportFormat.JSON)) as Record<string, unknown>;
    expect(json).toMatchObject({ schema: JSON_REPORT_SCHEMA, tool: { name: 'cast-drift' }, command: 'check', result: 'drift', exitCode: 2, cluster: { uuid: 'u-1', name: 'prod' }, summary: { findings: 3, error: 1, warning: 1, note: 1, ignored: 1 } });
    expect((json.findings as unknown[])[0]).toEqual({
      check: 'network',
      rule: 'network/firewall',
      severity: 'error',
      address: 'aws_security_group.sg',
      cloud: 'aws',
      type: 'aws_security_group',
      message: 'firewall rules differ',
      differences: [{ path: 'rules', desired: null, actual: 'ingress allow tcp 8080 from 0.0.0.0/0' }],
      remediation: 'Run `terraform apply`.',
      location: { file: '/repo/cdktf.out/stacks/prod/cdk.tf.json', line: 42, constructPath: 'prod/cluster/aws/firewall' },
    });
    expect((json.ignored as unknown[])[0]).toMatchObject({ entry: 1, reason: 'kept', expires: '2099-01-01', finding: { address: 'aws_instance.old' } });
  });
  test('in sync', () => {
    expect(jsonReport(report([]))).toMatchObject({ result: 'in-sync', exitCode: 0 });
  });
});

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: { fullyQualifiedName: string }[] }[];
  partialFingerprints: Record<string, string>;
}
interface SarifLog {
  runs: { tool: { driver: { rules: unknown[] } }; results: SarifResult[] }[];
}

describe('sarif 2.1.0', () => {
  const log = JSON.parse(renderReport(report(), ReportFormat.SARIF, { cwd: '/repo' })) as SarifLog;
  const fingerprints = (sarif: SarifLog) => sarif.runs[0].results.map((r) => r.partialFingerprints['castDriftFinding/v1']);
  test('valid against the 2.1.0 required fields and GitHub code scanning’s', () => {
    expect(validateSarif(log)).toEqual([]);
  });
  test('results point at the stack file, relative to the checkout', () => {
    const run = log.runs[0];
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine, r.locations[0].logicalLocations[0].fullyQualifiedName])).toEqual([
      ['network/firewall', 'error', 'cdktf.out/stacks/prod/cdk.tf.json', 42, 'aws_security_group.sg'],
      ['missing-nodes/tainted', 'warning', 'cdktf.out/stacks/prod/cdk.tf.json', 1, 'aws_instance.n[0]'],
      ['cleanup-guard/no-uuid', 'note', 'cdktf.out/stacks/prod/cdk.tf.json', 1, '-'],
    ]);
    expect(run.results[0].message.text).toBe('firewall rules differ\nrules: desired (absent), actual ingress allow tcp 8080 from 0.0.0.0/0\nFix: Run `terraform apply`.');
    expect(fingerprints(log)[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(run.tool.driver.rules.length).toBe(RULES.length);
  });
  test('fingerprints are stable and distinct', () => {
    const again = sarifReport(report(), '/repo') as unknown as SarifLog;
    expect(fingerprints(again)).toEqual(fingerprints(log));
    expect(new Set(fingerprints(log)).size).toBe(fingerprints(log).length);
  });
  test('an empty run is still valid', () => {
    expect(validateSarif(sarifReport(report([]), '/repo'))).toEqual([]);
  });
  test('the validator catches what GitHub would refuse', () => {
    const broken = JSON.parse(JSON.stringify(log)) as SarifLog;
    broken.runs[0].results[0].locations = [];
    broken.runs[0].results[1].ruleId = 'nope';
    expect(validateSarif(broken)).toEqual(['runs[0].results[0].locations: GitHub requires 1 to 10 locations', 'runs[0].results[1].ruleId: must name a rule of the driver', 'runs[0].results[1].ruleIndex: does not point at ruleId']);
  });
  test.each([
    ['/repo/a/b.json', 'a/b.json'],
    ['./a/b.json', 'a/b.json'],
    ['/elsewhere/b.json', '/elsewhere/b.json'],
  ])('uri of %s', (file, uri) => {
    expect(sarifUri(file, '/repo')).toBe(uri);
  });
});

describe('github annotations', () => {
  test('one command per finding, escaped', () => {
    const lines = renderGithubReport(report(), '/repo').trimEnd().split('\n');
    expect(lines[0]).toBe('::error title=network/firewall%3A aws_security_group.sg,file=cdktf.out/stacks/prod/cdk.tf.json,line=42::firewall rules differ%0Arules: desired (absent), actual ingress allow tcp 8080 from 0.0.0.0/0%0AFix: Run `terraform apply`.');
    expect(lines[1]).toBe('::warning title=missing-nodes/tainted%3A aws_instance.n[0]::node is tainted, 100%25 sure: yes%0Auser_data: desired (sensitive), actual (sensitive)%0AFix: r');
    expect(lines[2]).toMatch(/^::notice title=cleanup-guard\/no-uuid%3A -::uuid unknown/);
    expect(lines[3]).toBe('cast-drift check: drift found: 1 error, 1 warning, 1 note, 1 ignored');
  });
  test.each([
    ['a%b\r\nc', 'a%25b%0D%0Ac'],
    ['x:y,z', 'x:y,z'],
  ])('data %j', (text, escaped) => {
    expect(escapeData(text)).toBe(escaped);
  });
  test('properties escape : and ,', () => {
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });
});
