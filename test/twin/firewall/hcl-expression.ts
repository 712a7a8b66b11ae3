/**
 * A small parser for the Terraform expressions cdktf writes into a stack's JSON, for the
 * translators that must read one (a droplet's `tags` built with concat and formatlist):
 * string and number literals, references (`a.b.c`, `a.b[0].c`), lists and function calls.
 * Operators, conditionals, `for` and templates inside strings are refused: an expression
 * the twin cannot read is an error, never a guess.
 */

export type Expression =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'reference'; readonly path: string }
  | { readonly kind: 'list'; readonly items: readonly Expression[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expression[] };

/** Parses the JSON string `${…}` holding one expression; throws naming the first thing it cannot read. */
export function parseInterpolation(text: string): Expression {
  if (!text.startsWith('${') || !text.endsWith('}')) throw new Error(`${JSON.stringify(text)} is not one \${…} expression.`);
  const parser = new Parser(text.slice(2, -1));
  const expression = parser.expression();
  parser.end();
  return expression;
}

class Parser {
  private at = 0;

  constructor(private readonly source: string) {}

  expression(): Expression {
    this.space();
    const char = this.source[this.at];
    if (char === '"') return { kind: 'string', value: this.string() };
    if (char === '[') return { kind: 'list', items: this.items('[', ']') };
    const number = /^-?\d+(\.\d+)?/.exec(this.source.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return { kind: 'number', value: Number(number[0]) };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.source.slice(this.at));
    if (!name) return this.fail('an expression');
    this.at += name[0].length;
    this.space();
    if (this.source[this.at] === '(') return { kind: 'call', name: name[0], args: this.items('(', ')') };
    let path = name[0];
    for (;;) {
      const step = /^(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])/.exec(this.source.slice(this.at));
      if (!step) break;
      path += step[0];
      this.at += step[0].length;
    }
    return { kind: 'reference', path };
  }

  end(): void {
    this.space();
    if (this.at !== this.source.length) this.fail('the end');
  }

  private items(open: string, close: string): Expression[] {
    this.expect(open);
    const items: Expression[] = [];
    this.space();
    while (this.source[this.at] !== close) {
      items.push(this.expression());
      this.space();
      if (this.source[this.at] === ',') this.at++;
      else if (this.source[this.at] !== close) this.fail(`"," or "${close}"`);
      this.space();
    }
    this.at++;
    return items;
  }

  private string(): string {
    this.expect('"');
    let value = '';
    while (this.source[this.at] !== '"') {
      if (this.at >= this.source.length) this.fail('a closing quote');
      if (this.source.startsWith('${', this.at) || this.source.startsWith('%{', this.at)) this.fail('a string without templates');
      if (this.source[this.at] === '\\') {
        const escaped = this.source[this.at + 1];
        value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        this.at += 2;
      } else {
        value += this.source[this.at++];
      }
    }
    this.at++;
    return value;
  }

  private expect(char: string): void {
    if (this.source[this.at] !== char) this.fail(`"${char}"`);
    this.at++;
  }

  private space(): void {
    while (/\s/.test(this.source[this.at] ?? '')) this.at++;
  }

  private fail(wanted: string): never {
    throw new Error(`expected ${wanted} at ${this.at} of ${JSON.stringify(this.source)}`);
  }
}
