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
