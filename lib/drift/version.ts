/** The tool's name and version, for --version and the reports' tool metadata. */

/** The CLI's name. */
export const TOOL_NAME = 'cast-drift';
/** Where the documentation lives (SARIF `informationUri`). */
export const TOOL_URI = 'https://example.invalid/cdktf-cast-cluster/blob/main/docs/drift.md';

/**
 * The package version. Read at run time: both lib/drift (tsx) and
 * dist/drift (compiled) sit two levels below package.json, and importing it
 * would pull package.json into the jsii compilation.
 */
export const TOOL_VERSION: string = readPackageVersion();

function readPackageVersion(): string {
  try {
    const version = (require('../../package.json') as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
