import { readTemplateFile } from './template-files';

/**
 * The node's copy of a script: its full-line comments dropped. User-data is
 * capped (AWS 16 KB after gzip, Azure and DigitalOcean 64 KB), and the
 * comments are for people reading the templates, not for the node.
 *
 * Only lines whose first non-blank character is `#` go, never the shebang or a
 * `# shellcheck` directive (the tests check the node's copy too), so
 * code is untouched: a `#` inside a line (a string, `${#x}`, `$#`) stays. A
 * script must therefore not rely on a full-line `#` inside a here-document or
 * a multi-line string; the templates' tests run the compacted copies.
 */
export function compactScript(text: string): string {
  return text
    .split('\n')
    .filter((line, index) => index === 0 || !/^\s*#/.test(line) || /^\s*# shellcheck /.test(line))
    .join('\n');
}

/**
 * `compactScript` of a template file as it is (`templates/<relativePath>`), made once per
 * process: the same files go to every node, and the same string coming back lets the
 * compressed copies (write-file.ts) be found at once.
 */
export function compactTemplateFile(relativePath: string): string {
  let text = COMPACTED.get(relativePath);
  if (text === undefined) COMPACTED.set(relativePath, (text = compactScript(readTemplateFile(relativePath))));
  return text;
}

const COMPACTED = new Map<string, string>();
