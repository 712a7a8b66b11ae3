/**
 * A report with hundreds of thousands of findings (a state with 130,000 resources the stack
 * does not declare made that many): no step may pass them as the arguments of one call, which
 * V8 refuses ("Maximum call stack size exceeded"). The lint rule of eslint.config.mjs keeps
 * spread arguments out of lib/drift; this shows the kind of crash is real and gone.
 */
import { Cloud } from '../../../lib/core/cloud';
import { appendAll, maxOf } from '../../../lib/drift/append';
import { CheckId, Finding, Severity } from '../../../lib/drift/check/finding';
import { DriftReport } from '../../../lib/drift/drift-check';
import { renderTextReport } from '../../../lib/drift/report/text-report';

const MANY = 300_000;

test('the crash is real: a spread of that many arguments overflows the stack; appendAll and maxOf take them', () => {
  const many = Array.from({ length: MANY }, (_, i) => i);
  expect(() => [].push(...(many as never[]))).toThrow(RangeError);
  expect(() => Math.max(...many)).toThrow(RangeError);
  expect(appendAll([-1], many)).toHaveLength(MANY + 1);
  expect(maxOf(many, 0)).toBe(MANY - 1);
  expect(maxOf([], 7)).toBe(7);
});

test(`the text report of ${MANY.toLocaleString('en')} findings: every finding listed, the columns as wide as their longest cell`, () => {
  const findings: Finding[] = Array.from({ length: MANY }, (_, i) => ({
    check: CheckId.UNUSED_RESOURCES,
    rule: 'unused-resources/orphan',
    severity: Severity.WARNING,
    address: `aws_instance.orphan_${i}`,
    cloud: Cloud.AWS,
    message: 'not declared by the stack',
    differences: [],
    remediation: 'r',
  }));
  const report: DriftReport = {
    command: 'check',
    cluster: { uuid: 'u-1', name: 'prod' },
    inputs: { desired: ['cdk.tf.json'], states: [{ file: 'state.json', kind: 'Terraform state', resources: MANY }], plans: [], inventories: [], ignoreFile: undefined },
    findings,
    ignored: [],
  };
  const text = renderTextReport(report);
  expect(text).toContain(`aws_instance.orphan_${MANY - 1}`);
  expect(text.split('\n').filter((line) => line.includes('aws_instance.orphan_')).length).toBe(MANY);
});
