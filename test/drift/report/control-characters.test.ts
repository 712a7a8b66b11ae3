/**
 * A VM's name or a tag from a cloud inventory or a state is the report's data, never its
 * formatting: terminal escapes, line breaks and a GitHub workflow command hidden in one are
 * printed escaped by the text and GitHub reports.
 */
import { Cloud } from '../../../lib/core/cloud';
import { CheckId, Finding, Severity } from '../../../lib/drift/check/finding';
import { DriftReport } from '../../../lib/drift/drift-check';
import { renderGithubReport } from '../../../lib/drift/report/github-report';
import { renderTextReport } from '../../../lib/drift/report/text-report';
import { visible } from '../../../lib/drift/report/visible';

const HOSTILE = 'vm-\u001b[2J\u001b[31mred\u0007\r\n::error::pwned\u009b\u2028é';

const finding: Finding = {
  check: CheckId.CLEANUP_GUARD,
  rule: 'cleanup-guard/foreign-vm',
  severity: Severity.ERROR,
  address: `aws_instance.${HOSTILE}`,
  cloud: Cloud.AWS,
  message: `a VM named ${HOSTILE} is not the cluster's`,
  differences: [{ path: 'tags.Name', desired: null, actual: HOSTILE }],
  remediation: 'r',
};
const report: DriftReport = {
  command: 'check',
  cluster: { uuid: 'u-1', name: 'prod' },
  inputs: { desired: ['cdk.tf.json'], states: [{ file: 'state.json', kind: 'Terraform state', resources: 1 }], plans: [], inventories: [], ignoreFile: undefined },
  findings: [finding],
  ignored: [{ finding: { ...finding, address: `aws_instance.${HOSTILE}-old` }, entry: 1, reason: `kept ${HOSTILE}`, expires: undefined }],
};

test('visible escapes every control character, and nothing else', () => {
  expect(visible(HOSTILE)).toBe('vm-\\x1b[2J\\x1b[31mred\\x07\\r\\n::error::pwned\\x9b\\u2028é');
  expect(visible('plain, ünïcode: ok')).toBe('plain, ünïcode: ok');
});

test.each([
  ['text', () => renderTextReport(report)],
  ['text with colour', () => renderTextReport(report, { color: true }).replace(/\u001b\[[0-9;]*m/g, '')],
  ['GitHub annotations', () => renderGithubReport(report, '/repo')],
])('%s: no control character of the input reaches the output, and no line starts a workflow command of its own', (_format, render) => {
  const output = render();
  expect(output.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(output).toContain('pwned');
  for (const line of output.split('\n')) expect(line.startsWith('::error::pwned')).toBe(false);
});
