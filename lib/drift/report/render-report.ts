/** The output formats behind one call. */
import { githubReportChunks } from './github-report';
import { jsonReportChunks } from './json-report';
import { sarifReportChunks } from './sarif-report';
import { textReportChunks } from './text-report';
import { DriftReport } from '../drift-check';

/** Output formats of `--format`. */
export enum ReportFormat {
  TEXT = 'text',
  JSON = 'json',
  SARIF = 'sarif',
  GITHUB = 'github',
}

/** Options for rendering. */
export interface RenderOptions {
  /** ANSI colour in the text format. @default false */
  readonly color?: boolean;
  /** Directory file URIs are made relative to (SARIF, github). @default process.cwd() */
  readonly cwd?: string;
}

/** Renders `report` in `format` as one string (the chunks of renderReportChunks, joined). */
export function renderReport(report: DriftReport, format: ReportFormat, options: RenderOptions = {}): string {
  return Array.from(renderReportChunks(report, format, options)).join('');
}

/**
 * Renders `report` in `format` in chunks (the header, one per finding, the
 * summary), each produced when the previous one has been consumed: a
 * report of a million findings is hundreds of megabytes, more than one string
 * can hold in V8 (about 512 MiB).
 */
export function renderReportChunks(report: DriftReport, format: ReportFormat, options: RenderOptions = {}): Iterable<string> {
  const cwd = options.cwd ?? process.cwd();
  switch (format) {
    case ReportFormat.JSON:
      return jsonReportChunks(report);
    case ReportFormat.SARIF:
      return sarifReportChunks(report, cwd);
    case ReportFormat.GITHUB:
      return githubReportChunks(report, cwd);
    case ReportFormat.TEXT:
      return textReportChunks(report, { color: options.color });
  }
}
