/**
 * Text from states, plans and the clouds' inventories (a VM's name, a tag) as a report may
 * print it: every control character written as an escape (`\n`, `\t`, `\x1b`, `\u009b`), so
 * that a name cannot move the terminal's cursor, colour it, or start a line of its own (a
 * GitHub workflow command such as `::error::` in a CI log reads as one). Printable text,
 * non-ASCII letters included, is kept as it is.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function visible(text: string): string {
  // Most text has none: a test is cheaper than a replace, which counts at a million findings.
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
