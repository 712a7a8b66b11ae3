/**
 * A Terraform template string taken apart: its literal text and its `${...}`
 * interpolations, which Terraform fills in at apply time. The node bootstrap
 * reads values this way to quote them for a shell (render-template.ts) and to
 * bound the size of a document before apply (user-data-size.ts).
 *
 * Syntax: Terraform language, "Strings and Templates" (developer.hashicorp.com/
 * terraform/language/expressions/strings): `${` opens an interpolation, `$${`
 * and `%%{` are literal `${` and `%{`, `%{` opens a directive, `~` next to a
 * brace strips whitespace, and an expression may hold quoted strings (with
 * their own interpolations) and braces (object constructors).
 */

/** Literal template text, its escapes (`$${`, `%%{`) as written. */
export interface TemplateLiteral {
  readonly literal: string;
}

/** One `${...}` interpolation. */
export interface TemplateInterpolation {
  /** The expression between the braces, without strip markers, e.g. `aws_eip.n1.public_ip`. */
  readonly expression: string;
  /**
   * The expression is an unresolved cdktf token (`${TfToken[TOKEN.12]}`), which cdktf turns
   * into a reference at synth. Nested inside another interpolation it must be written whole
   * (`${f(${TfToken[TOKEN.12]})}`): cdktf then resolves it without its braces.
   */
  readonly token: boolean;
}

export type TemplatePart = TemplateLiteral | TemplateInterpolation;

/** A cdktf string token as it appears in a string before synth. */
const CDKTF_TOKEN = /^TfToken\[[^\]]+\]$/;

/**
 * The parts of a template string, in order. Throws a plain Error when the text holds a
 * directive (`%{ if }`), an unterminated `${`, or a strip marker (`${~`): text the node
 * bootstrap cannot quote for a shell.
 */
export function terraformTemplateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; ) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      literal += text.slice(i, i + 3);
      i += 3;
    } else if (text.startsWith('%{', i)) {
      throw new Error(`holds a Terraform template directive at character ${i} (${JSON.stringify(text.slice(i, i + 20))})`);
    } else if (text.startsWith('${', i)) {
      const end = interpolationEnd(text, i);
      const inner = text.slice(i + 2, end);
      if (inner.startsWith('~') || inner.endsWith('~')) throw new Error(`holds a Terraform strip marker (~) at character ${i}`);
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ expression: inner.trim(), token: CDKTF_TOKEN.test(inner) });
      i = end + 1;
    } else {
      // On to the next `$` or `%`, the only characters that can begin an escape, an
      // interpolation or a directive: a slice, not a character at a time (user-data
      // templates run to 60 KB, mostly literal).
      const next = nextSpecial(text, i + 1);
      literal += text.slice(i, next);
      i = next;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

/** The index of the first `$` or `%` at or after `from`, or the text's length. */
function nextSpecial(text: string, from: number): number {
  const dollar = text.indexOf('$', from);
  const percent = text.indexOf('%', from);
  if (dollar < 0) return percent < 0 ? text.length : percent;
  return percent < 0 ? dollar : Math.min(dollar, percent);
}

/** True when `part` is an interpolation. */
export function isInterpolation(part: TemplatePart): part is TemplateInterpolation {
  return 'expression' in part;
}

/**
 * The index of the `}` that closes the interpolation opened at `start` (`${`): braces of
 * object constructors nest, quoted strings are skipped with their escapes and their own
 * interpolations.
 */
function interpolationEnd(text: string, start: number): number {
  // What is open: an expression (closed by `}`) or a quoted string (closed by `"`).
  const open: ('expression' | 'string')[] = ['expression'];
  for (let i = start + 2; i < text.length; ) {
    const inString = open[open.length - 1] === 'string';
    if (inString) {
      if (text[i] === '\\') i += 2;
      else if (text.startsWith('$${', i) || text.startsWith('%%{', i)) i += 3;
      else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
        open.push('expression');
        i += 2;
      } else {
        if (text[i] === '"') open.pop();
        i++;
      }
    } else if (text[i] === '"') {
      open.push('string');
      i++;
    } else if (text[i] === '{') {
      open.push('expression');
      i++;
    } else if (text[i] === '}') {
      open.pop();
      if (open.length === 0) return i;
      i++;
    } else {
      i++;
    }
  }
  throw new Error(`holds an unterminated Terraform interpolation at character ${start} (${JSON.stringify(text.slice(start, start + 20))})`);
}
