/** The output formats behind one call. */
import { renderGithubReport } from './github-report';
import { renderJsonReport } from './json-report';
import { renderSarifReport } from './sarif-report';
import { renderTextReport } from './text-report';
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

/** Renders `report` in `format`. */
export function renderReport(report: DriftReport, format: ReportFormat, options: RenderOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  switch (format) {
    case ReportFormat.JSON:
      return renderJsonReport(report);
    case ReportFormat.SARIF:
      return renderSarifReport(report, cwd);
    case ReportFormat.GITHUB:
      return renderGithubReport(report, cwd);
    case ReportFormat.TEXT:
      return renderTextReport(report, { color: options.color });
  }
}
