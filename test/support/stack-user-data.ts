/**
 * A synthesized stack's configuration as Terraform renders its user-data: each
 * `${file("user-data/<digest>")}` a node's template reads (lib/core/bootstrap/user-data-lines.ts)
 * put back from the stack's folder, so tests that read what a node receives see it whole.
 * Terraform itself reads the files; test/terraform/user-data-files.test.ts shows it renders
 * the same text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inlineStaticLines, USER_DATA_FOLDER } from '../../lib/core/bootstrap/user-data-lines';

/** The files of a stack folder's `user-data/`, by the path a template reads them at. */
export function userDataFiles(stackDir: string): Map<string, string> {
  const folder = path.join(stackDir, USER_DATA_FOLDER);
  if (!fs.existsSync(folder)) return new Map();
  return new Map(fs.readdirSync(folder).map((name) => [`${USER_DATA_FOLDER}/${name}`, fs.readFileSync(path.join(folder, name), 'utf8')]));
}

/** `config` (parsed cdk.tf.json of `stackDir`) with its string locals' file reads put back. */
export function withUserDataInline<T extends { locals?: Record<string, unknown> }>(config: T, stackDir: string): T {
  const files = userDataFiles(stackDir);
  if (files.size === 0 || !config.locals) return config;
  const locals = Object.fromEntries(Object.entries(config.locals).map(([name, value]) => [name, typeof value === 'string' ? inlineStaticLines(value, files) : value]));
  return { ...config, locals };
}
