import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'cdktf-cast-cluster';

let packageRoot: string | undefined;

/**
 * The package's root directory: the nearest directory above this module whose
 * package.json is this package's. Sources (lib/core/bootstrap) and compiled
 * code (dist/core/bootstrap) sit at different depths, so it is found by walking
 * up, once.
 */
export function packageRootDirectory(): string {
  if (packageRoot !== undefined) return packageRoot;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) {
      packageRoot = dir;
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${__dirname}. The package must ship its templates/ folder next to package.json.`);
    }
  }
}

/** The folder of the node templates shipped with the package. */
export function templatesDirectory(): string {
  return join(packageRootDirectory(), 'templates');
}

const templateTexts = new Map<string, string>();

/**
 * The text of a template file, by its path under `templates/` (e.g.
 * `scripts/bootstrap-node.sh`). Read once per process: a synth renders the same
 * templates for every node.
 */
export function readTemplateFile(relativePath: string): string {
  let text = templateTexts.get(relativePath);
  if (text === undefined) {
    text = readFileSync(join(templatesDirectory(), relativePath), 'utf8');
    templateTexts.set(relativePath, text);
  }
  return text;
}
