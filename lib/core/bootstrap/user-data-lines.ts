/**
 * A node's user-data template with its long static lines moved into files, which
 * Terraform reads back with `file()` when it renders the template. Pure; the caller
 * writes the files beside the synthesized stack (lib/cluster/user-data-folder.ts).
 *
 * Why: Terraform parses every string of a JSON configuration as a template, on
 * every plan and apply, and the user-data locals are most of a cluster's
 * configuration (the archive of node files, 30 to 50 KB of base64 on one line per
 * node; on AWS the node scripts, one line each). A `file()` call costs a read;
 * the text it returns is not parsed (Terraform language, "file Function": the
 * contents are returned as they are, "without interpreting templates").
 *
 * What the node receives does not change: each line's text is the file's content,
 * with the template's escapes (`$${`, `%%{`) turned back into what they stand for.
 */
import { createHash } from 'node:crypto';
import { escapeTerraformTemplate, unescapeTerraformTemplate } from './render-template';
import { terraformTemplateParts } from './terraform-template';

/** The folder of the files, relative to the stack's working directory, where Terraform runs. */
export const USER_DATA_FOLDER = 'user-data';

/**
 * Lines at least this long move. The archive and the AWS scripts are 3,800 to 52,000
 * characters; the lines left (YAML keys, short files, lines with references) are a
 * few hundred at most, where a file would cost more than the parse it saves.
 */
export const MIN_EXTERNAL_LINE = 2048;

export interface UserDataFile {
  /** The path Terraform reads, relative to the stack's working directory: `user-data/<sha256 of the content>`. */
  readonly path: string;
  readonly content: string;
}

export interface ExternalizedUserData {
  readonly template: string;
  /** One per distinct content, in order of first use. */
  readonly files: readonly UserDataFile[];
}

/**
 * `template` with each line of at least `minLength` characters that holds no
 * interpolation or directive replaced by `${file("<path>")}`. A template none of
 * whose lines qualifies comes back as it is, with no files.
 */
export function externalizeStaticLines(template: string, minLength = MIN_EXTERNAL_LINE): ExternalizedUserData {
  // A line is judged alone (isStatic); an interpolation over several lines, or text the
  // template parser refuses (a directive), would make that wrong: then nothing moves.
  if (!linesStandAlone(template)) return { template, files: [] };
  const files = new Map<string, UserDataFile>();
  const lines = template.split('\n').map((line) => {
    if (line.length < minLength || !isStatic(line)) return line;
    const content = unescapeTerraformTemplate(line);
    const path = `${USER_DATA_FOLDER}/${createHash('sha256').update(content).digest('hex')}`;
    if (!files.has(path)) files.set(path, { path, content });
    return `\${file("${path}")}`;
  });
  return { template: files.size > 0 ? lines.join('\n') : template, files: [...files.values()] };
}

function linesStandAlone(template: string): boolean {
  // Only a line with an interpolation can open one that runs on; such lines are short.
  return template.split('\n').every((line) => isStatic(line) || closesOnItsLine(line));
}

function closesOnItsLine(line: string): boolean {
  try {
    terraformTemplateParts(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when the line is literal text only: no `${` or `%{` but as the escapes `$${` and
 * `%%{` (a `{` after two `$` is always the end of an escape, whatever comes before).
 */
function isStatic(line: string): boolean {
  return !/(?:^|[^$])\$\{|(?:^|[^%])%\{/.test(line);
}

/** What `externalizeStaticLines` took out, put back: each `${file("<path>")}` of `files` replaced by its content, escaped. */
export function inlineStaticLines(template: string, files: ReadonlyMap<string, string>): string {
  return template.replace(/\$\{file\("([^"]+)"\)\}/g, (call, path: string) => {
    const content = files.get(path);
    return content === undefined ? call : escapeTerraformTemplate(content);
  });
}
