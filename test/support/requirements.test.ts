/**
 * requirements.ts decides what a group does without what it needs (run, fail on CI, skip
 * elsewhere), and is the only place that may skip: a scan of every .ts file under test/ finds
 * any other skip (`describe.skip`, `test.skip`, `it.skip`, any other `.skip`, `xit`, `xtest`,
 * `xdescribe`), so a group cannot skip on CI without going through describeNeeding. The scan
 * reads code only: comments, strings, template text and regular expressions are blanked first,
 * so words about skipping (in a doc comment, a test name, a pattern) are not flagged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isCi, missingBinaries, requirementGate } from './requirements';

describe('isCi: CI set to anything but "", "false" or "0"', () => {
  test.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
  ])('CI=%p: %p', (value, expected) => {
    expect(isCi(value)).toBe(expected);
  });
});

describe('requirementGate: run with nothing missing; without something, fail on CI and skip elsewhere', () => {
  const nothing: string[] = [];
  const something = ['wg is missing (apt-get install wireguard-tools)'];
  test.each([
    [nothing, undefined, 'run'],
    [nothing, '', 'run'],
    [nothing, 'false', 'run'],
    [nothing, '0', 'run'],
    [nothing, 'true', 'run'],
    [nothing, '1', 'run'],
    [something, undefined, 'skip'],
    [something, '', 'skip'],
    [something, 'false', 'skip'],
    [something, '0', 'skip'],
    [something, 'true', 'fail'],
    [something, '1', 'fail'],
  ])('missing %p, CI=%p: %s', (missing, ci, expected) => {
    expect(requirementGate(missing, isCi(ci))).toBe(expected);
  });
});

test('missingBinaries names each binary not on PATH with how to get it', () => {
  expect(missingBinaries(['sh', 'cast-no-such-tool'], 'apt-get install cast-tools')).toEqual(['cast-no-such-tool is missing (apt-get install cast-tools)']);
});

/** What a lexer left: the text with comments, string and template text and regular expressions blanked; whether it ended in code. */
interface Blanked {
  readonly code: string;
  readonly endedInCode: boolean;
}

/** Keywords after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * `source` with every comment, the text of every string and template literal (not the
 * expressions inside `${}`) and every regular expression literal replaced by spaces, newlines
 * kept (so line numbers stay). A small TypeScript lexer: enough for this suite's files, and
 * `endedInCode` false says it lost its way in one.
 */
function blankNonCode(source: string): Blanked {
  const out = source.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  /** Brace depth inside each open `${`; the innermost last. */
  const templates: number[] = [];
  let i = 0;
  /** The last significant code character before i, or the last word, to tell a regex from a division. */
  let previous = '';

  /** From i on the opening backtick or the `}` that ends an expression: the template text up to `${` or the closing backtick. */
  const templateText = (): boolean => {
    let j = i + 1;
    while (j < source.length) {
      if (source[j] === '\\') j += 2;
      else if (source[j] === '`') {
        blank(i + 1, j);
        i = j + 1;
        previous = '`';
        return true;
      } else if (source[j] === '$' && source[j + 1] === '{') {
        blank(i + 1, j);
        templates.push(0);
        i = j + 2;
        previous = '{';
        return true;
      } else j++;
    }
    return false;
  };

  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end === -1) return { code: out.join(''), endedInCode: false };
      blank(i, end + 2);
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      if (source[j] !== c) return { code: out.join(''), endedInCode: false };
      blank(i + 1, j);
      i = j + 1;
      previous = c;
    } else if (c === '`') {
      if (!templateText()) return { code: out.join(''), endedInCode: false };
    } else if (c === '/' && (previous === '' || /[(,=:[!&|?{};+\-*%<>~^]$/.test(previous) || BEFORE_REGEX.has(previous))) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== '\n' && (inClass || source[j] !== '/')) {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        j++;
      }
      if (source[j] !== '/') return { code: out.join(''), endedInCode: false };
      blank(i + 1, j);
      i = j + 1;
      while (i < source.length && /[a-z]/.test(source[i])) i++;
      previous = ')';
    } else if (c === '{' && templates.length > 0) {
      templates[templates.length - 1]++;
      previous = c;
      i++;
    } else if (c === '}' && templates.length > 0 && templates[templates.length - 1] === 0) {
      templates.pop();
      if (!templateText()) return { code: out.join(''), endedInCode: false };
    } else if (c === '}' && templates.length > 0) {
      templates[templates.length - 1]--;
      previous = c;
      i++;
    } else if (/[A-Za-z_$]/.test(c)) {
      const word = /^[A-Za-z0-9_$]+/.exec(source.slice(i, i + 100))![0];
      previous = word;
      i += word.length;
    } else {
      // TypeScript's non-null assertion (`value! / 2`) ends an expression, as `)` does; `!` before one starts it.
      if (c === '!' && next !== '=' && /[\w$)\]]/.test(source[i - 1] ?? '')) previous = ')';
      else if (!/\s/.test(c)) previous = c;
      i++;
    }
  }
  return { code: out.join(''), endedInCode: templates.length === 0 };
}

/** A skip anywhere in code: `.skip` on anything (describe, test, it, test.each(…), test.concurrent…), or jest's x-aliases. */
const SKIPS = [/\.\s*skip\b/, /\b(?:xit|xtest|xdescribe)\b/];

/** `line: text` of every skip in the code of `source`. */
function skipsIn(source: string): string[] {
  const { code } = blankNonCode(source);
  const lines = source.split('\n');
  return code.split('\n').flatMap((line, n) => (SKIPS.some((pattern) => pattern.test(line)) ? [`${n + 1}: ${lines[n].trim()}`] : []));
}

describe('the scan for skips', () => {
  test('finds skips in code, on their line, whatever comes before them', () => {
    const source = [
      "const a = '//'; (cond ? describe.skip : describe)('x', body);",
      "const b = /'/.test(s); test.skip('y', f);",
      "const c = total / count; it.skip('z');",
      'const e = value! / 2; test.skip(`q`);',
      'const d = `${cond ? test.skip : test}`;',
      'xit("w", f); xtest("v", f);',
      'xdescribe("u", f);',
      '(cond ? test : test.skip).each(CASES)("t %s", f);',
      'test.concurrent.skip("s", f);',
    ].join('\n');
    expect(skipsIn(source).map((hit) => hit.split(':')[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  test('ignores the words in comments, strings, template text and regular expressions', () => {
    const source = [
      '/** `describe.skip` is what requirements.ts does */',
      '// test.skip(...) and xit( in a line comment',
      "test('a group that would test.skip goes through describeNeeding', f);",
      'const pattern = /\\.skip\\b|xit\\(/;',
      'const text = `it.skip ${name} xdescribe(`;',
      'const exit = process.exit(1); sys.exit(2);',
    ].join('\n');
    expect(skipsIn(source)).toEqual([]);
  });

  test('every .ts file under test/ lexes to its end, and none but requirements.ts skips', () => {
    const root = join(__dirname, '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === 'node_modules') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile() && entry.name.endsWith('.ts')) files.push(path);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(100);
    const lost: string[] = [];
    const skips: string[] = [];
    for (const file of files) {
      const name = `test/${relative(root, file)}`;
      const source = readFileSync(file, 'utf8');
      if (!blankNonCode(source).endedInCode) lost.push(name);
      if (name === 'test/support/requirements.ts') continue;
      skips.push(...skipsIn(source).map((hit) => `${name}:${hit}`));
    }
    expect(lost).toEqual([]);
    // A group that cannot run without a binary, root, a device or a mirror goes through
    // describeNeeding (test/support/requirements.ts), which fails it on CI instead of skipping it.
    expect(skips).toEqual([]);
  });
});
