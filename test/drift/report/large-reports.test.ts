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
import { renderReportChunks, ReportFormat } from '../../../lib/drift/report/render-report';

const MANY = 300_000;

test('the crash is real: a spread of that many arguments overflows the stack; appendAll and maxOf take them', () => {
  const many = Array.from({ length: MANY }, (_, i) => i);
  expect(() => [].push(...(many as never[]))).toThrow(RangeError);
  expect(() => Math.max(...many)).toThrow(RangeError);
  expect(appendAll([-1], many)).toHaveLength(MANY + 1);
  expect(maxOf(many, 0)).toBe(MANY - 1);
  expect(maxOf([], 7)).toBe(7);
});

/**
 * A million findings, in JSON and text, streamed: no chunk is more than a few kilobytes (one
 * string of the whole JSON report would be over 400 MB, near V8's string limit of about
 * 512 MiB), and every finding is there, in order. Parsing all 430 MB back would cost seconds
 * of CPU for nothing the smaller test below does not show: every chunk is checked to be the
 * next finding's JSON object, every 100th is parsed, and the frame around them parses to the
 * report with its summary. The renderers' output is byte for byte JSON.stringify's
 * (reports.test.ts), and a report of 10,000 findings parses back whole.
 */
describe('a report of 1,000,000 findings is rendered in small chunks', () => {
  const MILLION = 1_000_000;
  const reportOf = (count: number): DriftReport => {
    const findings: Finding[] = [];
    for (let i = 0; i < count; i++) {
      findings.push({ check: CheckId.UNUSED_RESOURCES, rule: 'unused-resources/not-desired', severity: Severity.WARNING, address: `aws_instance.orphan_${i}`, cloud: Cloud.AWS, type: 'aws_instance', message: 'not declared', differences: [], remediation: 'r' });
    }
    return {
      command: 'check',
      cluster: { uuid: 'u-1', name: 'prod' },
      inputs: { desired: ['cdk.tf.json'], states: [{ file: 'state.json', kind: 'Terraform state', resources: count }], plans: [], inventories: [], ignoreFile: undefined },
      findings,
      ignored: [],
    };
  };
  const report = reportOf(MILLION);

  test('json: every chunk small and the next finding, in order; the frame is the report', () => {
    let largest = 0;
    let found = 0;
    const frame: string[] = [];
    for (const chunk of renderReportChunks(report, ReportFormat.JSON)) {
      largest = Math.max(largest, chunk.length);
      // A finding's chunk: the separator, then the finding's own JSON object.
      if (chunk.startsWith(found === 0 ? '[\n    {\n' : ',\n    {\n') && chunk.endsWith('\n    }')) {
        // Plain checks, not expect(): a million expect() calls would cost more than the rendering.
        if (!chunk.includes(`"address": "aws_instance.orphan_${found}",`)) throw new Error(`chunk ${found} is not finding ${found}: ${chunk}`);
        if (found % 100 === 0 && (JSON.parse(chunk.slice(6)) as { address: string }).address !== `aws_instance.orphan_${found}`) throw new Error(`finding ${found} does not parse back: ${chunk}`);
        if (found === 0) frame.push('[');
        found++;
      } else {
        frame.push(chunk);
      }
    }
    expect(largest).toBeLessThan(1024);
    expect(found).toBe(MILLION);
    expect(JSON.parse(frame.join(''))).toMatchObject({ schema: 'cast-drift/v1', exitCode: 2, summary: { findings: MILLION, warning: MILLION }, findings: [], ignored: [] });
  });

  // The text renderer streams the same way; 100,000 rows show it (the 130,000-orphan test in
  // test/drift/scale renders a text report of that many through the CLI's path as well).
  test('text: every chunk small, a row per finding, in order', () => {
    const TEXT_ROWS = 100_000;
    let largest = 0;
    let rows = 0;
    for (const chunk of renderReportChunks(reportOf(TEXT_ROWS), ReportFormat.TEXT)) {
      largest = Math.max(largest, chunk.length);
      if (chunk.startsWith('warning')) {
        if (!chunk.includes(` aws_instance.orphan_${rows} `)) throw new Error(`row ${rows} out of order: ${chunk}`);
        rows++;
      }
    }
    expect(largest).toBeLessThan(1024);
    expect(rows).toBe(TEXT_ROWS);
  });

  test('json of 10,000 findings parses back whole', () => {
    const parsed = JSON.parse(Array.from(renderReportChunks(reportOf(10_000), ReportFormat.JSON)).join('')) as { findings: { address: string }[] };
    expect(parsed.findings.map((finding) => finding.address)).toEqual(Array.from({ length: 10_000 }, (_, i) => `aws_instance.orphan_${i}`));
  });
});
