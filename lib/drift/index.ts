/**
 * The drift check as a library (Node only; not part of the jsii API):
 * `import { checkDrift } from 'cdktf-cast-cluster/dist/drift'`. See docs/drift.md.
 */
export { checkDrift, guardDestroy, parseInventoryArgument } from './drift-check';
export type { DriftCheckInputs, DriftReport, InventoryInput } from './drift-check';
export type { CloudCoverage } from './check/cloud-coverage';
export { runCli } from './cli/run-cli';
export { processIo } from './cli/cli-io';
export type { CliIo, CliOutput } from './cli/cli-io';
export { runChecks } from './check/run-checks';
export type { RunChecksOptions } from './check/run-checks';
export { CheckId, Severity, SENSITIVE } from './check/finding';
export type { Difference, Finding } from './check/finding';
export { RULES } from './check/rules';
export type { RuleDescriptor } from './check/rules';
export { readDesired } from './read/desired/read-desired';
export { readInput, readBuffer } from './read/read-input';
export type { ReadInputOptions, ReadProgress } from './read/read-input';
export { InputKind } from './read/input-document';
export type { InputDocument } from './read/input-document';
export { assembleActualState } from './read/assemble-actual-state';
export { applyIgnores } from './ignore/apply-ignores';
export type { IgnoredFinding, IgnoreResult } from './ignore/apply-ignores';
export { readIgnoreFile, parseIgnoreFile } from './ignore/ignore-file';
export type { IgnoreEntry, IgnoreFile } from './ignore/ignore-file';
export { renderReport, renderReportChunks, ReportFormat } from './report/render-report';
export type { RenderOptions } from './report/render-report';
export { exitCodeOf, EXIT_DRIFT, EXIT_ERROR, EXIT_IN_SYNC } from './report/report-summary';
export { DriftInputError, isDriftInputError } from './errors';
export * from './model';
