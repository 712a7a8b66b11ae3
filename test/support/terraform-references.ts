/**
 * Finds the traversals (`aws_vpc.main.id`, `data.aws_ami.ubuntu.id`, `var.x`) inside the
 * `${…}` and `%{…}` parts of a Terraform JSON string. Enough of HCL to find references:
 * string literals inside expressions (and the templates nested in them) are skipped,
 * function names and attribute accesses on a call result (`f(x).id`) are not roots,
 * `$${` and `%%{` are escapes. Pure; no schema knowledge.
 */

/** One step after the root: an attribute name, or an index / splat whose value we ignore. */
export type TraversalStep = { readonly kind: 'attribute'; readonly name: string } | { readonly kind: 'index' };

export interface Traversal {
  /** First identifier, e.g. `aws_vpc`, `data`, `var`. */
  readonly root: string;
  readonly steps: readonly TraversalStep[];
  /** The traversal as written, for messages. */
  readonly text: string;
}

/** True when the string holds a template interpolation or directive, i.e. is not a plain literal. */
export function isExpression(value: string): boolean {
  return /(^|[^$])\$\{|(^|[^%])%\{/.test(value);
}

/** Every traversal in the template string `value` (those in nested templates first). */
export function extractTraversals(value: string): Traversal[] {
  const code: Code[] = [];
  scanTemplate(value, 0, code, false);
  return code.flatMap(traversalsInCode);
}

/** An expression as written, and the same with its string literals masked out. */
interface Code {
  readonly original: string;
  readonly masked: string;
}

/** Scans template text from `start`; with `quoted`, stops after the closing quote. */
function scanTemplate(s: string, start: number, code: Code[], quoted: boolean): number {
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (quoted && c === '\\') {
      i += 2;
    } else if (quoted && c === '"') {
      return i + 1;
    } else if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
      i += 3;
    } else if ((c === '$' || c === '%') && s[i + 1] === '{') {
      i = scanExpression(s, i + 2, code);
    } else {
      i++;
    }
  }
  return i;
}

/** Collects the expression from `start` to its closing brace; returns the index after it. */
function scanExpression(s: string, start: number, code: Code[]): number {
  let masked = '';
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      const end = scanTemplate(s, i + 1, code, true);
      masked += '"'.repeat(end - i);
      i = end;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      if (depth === 0) break;
      depth--;
    }
    masked += c;
    i++;
  }
  code.push({ original: s.slice(start, i), masked });
  return i + 1;
}

const IDENTIFIER = /[A-Za-z_][\w-]*/y;

function traversalsInCode({ original, masked: code }: Code): Traversal[] {
  const found: Traversal[] = [];
  const rootStart = /[A-Za-z_]/g;
  for (let match = rootStart.exec(code); match; match = rootStart.exec(code)) {
    const start = match.index;
    const before = code[start - 1] ?? '';
    IDENTIFIER.lastIndex = start;
    const root = IDENTIFIER.exec(code)![0];
    rootStart.lastIndex = start + root.length;
    // Part of a longer token, an attribute of something else, or a provider function namespace.
    if (/[\w.\-)\]]/.test(before) || (before === ':' && code[start - 2] === ':')) continue;
    const { steps, end } = readSteps(code, start + root.length);
    if (steps.length === 0 && /^\s*(\(|::)/.test(code.slice(start + root.length))) continue;
    found.push({ root, steps, text: original.slice(start, end) });
  }
  return found;
}

function readSteps(code: string, start: number): { steps: TraversalStep[]; end: number } {
  const steps: TraversalStep[] = [];
  let i = start;
  for (;;) {
    if (code[i] === '.') {
      IDENTIFIER.lastIndex = i + 1;
      const name = IDENTIFIER.exec(code);
      const index = /\d+|\*/y;
      index.lastIndex = i + 1;
      if (name) {
        steps.push({ kind: 'attribute', name: name[0] });
        i += 1 + name[0].length;
      } else if (index.exec(code)) {
        steps.push({ kind: 'index' });
        i = index.lastIndex;
      } else {
        break;
      }
    } else if (code[i] === '[') {
      const close = matchingBracket(code, i);
      steps.push({ kind: 'index' });
      i = close + 1;
    } else {
      break;
    }
  }
  return { steps, end: i };
}

function matchingBracket(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '[') depth++;
    if (code[i] === ']' && --depth === 0) return i;
  }
  return code.length;
}
