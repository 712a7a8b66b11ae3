/**
 * A YAML emitter for the subset the cloud-config documents use: mappings with
 * identifier keys, sequences, strings, numbers and booleans. Block style only.
 *
 * Why an emitter and not a template: which files a node receives depends on its
 * kind, cloud and options, and each file's content is itself a rendered
 * template. Why not a YAML library: lib/ has no runtime dependency for it.
 *
 * Multi-line strings go on one double-quoted line (JSON's escapes, which YAML
 * reads the same), because Terraform parses every node's user data at every
 * plan and its template parser spends per line; one that holds a Terraform
 * expression becomes a literal block scalar (`|`) instead, emitted verbatim
 * (only `'` is doubled in single-quoted scalars), so the expression reaches
 * Terraform unchanged. cloud-init writes the same files either way.
 */

/** A value `renderYaml` can emit. */
export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
// Plain (unquoted) only when no YAML 1.1 reader can take it for something else:
// starts with a letter or "/", so never a number, and not a boolean or null word.
const PLAIN = /^[A-Za-z/][A-Za-z0-9_./-]*$/;
const RESERVED_WORDS = /^(y|n|yes|no|true|false|on|off|null)$/i;
// Outside YAML's printable set (tab and line feed are allowed; carriage return is not,
// a reader would turn it into a line break).
const NOT_PRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u0084\u0086-\u009f\ud800-\udfff\ufffe\uffff]/u;

/** Emits `value` (a mapping or a sequence) as a YAML block document, ending with a line feed. */
export function renderYaml(value: YamlValue): string {
  if (typeof value !== 'object' || isEmpty(value)) throw new Error('renderYaml takes a non-empty mapping or sequence at the top level.');
  return `${emitNode(value, 0, '$').join('\n')}\n`;
}

/** Lines of a mapping or sequence whose entries start at column `indent`. */
function emitNode(value: YamlValue, indent: number, path: string): string[] {
  const pad = ' '.repeat(indent);
  if (isSequence(value)) {
    return value.flatMap((item, i) => {
      const itemPath = `${path}[${i}]`;
      if (isCollection(item) && !isEmpty(item)) {
        // The item's own lines start two columns in; its first line shares the "- ".
        const lines = emitNode(item, indent + 2, itemPath);
        return [`${pad}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1)];
      }
      return emitEntry(`${pad}-`, item, indent + 2, itemPath);
    });
  }
  return Object.entries(value).flatMap(([key, item]) => {
    if (!KEY.test(key)) throw new Error(`${path}: key ${JSON.stringify(key)} is not an identifier.`);
    const itemPath = `${path}.${key}`;
    // YAML 1.1 (PyYAML, so cloud-init) reads a bare `on` or `no` key as a boolean.
    const emittedKey = RESERVED_WORDS.test(key) ? `'${key}'` : key;
    if (isCollection(item) && !isEmpty(item)) return [`${pad}${emittedKey}:`, ...emitNode(item, indent + 2, itemPath)];
    return emitEntry(`${pad}${emittedKey}:`, item, indent + 2, itemPath);
  });
}

/** `lead` followed by a scalar or an empty collection; a block scalar's lines go at `indent`. */
function emitEntry(lead: string, value: YamlValue, indent: number, path: string): string[] {
  if (typeof value === 'string' && value.includes('\n')) {
    // One line where it can be: Terraform's template parser spends per line (validate of the multi-cloud
    // example: 1.14 CPU-s with the node files as block scalars, 0.68 on one line each), and every plan of
    // a cluster parses every node's user data. A text holding a Terraform expression stays a block scalar:
    // JSON's escapes would break the expression's own quotes.
    return isAmbiguousAsBlock(value) || !holdsTerraformSyntax(value) ? [`${lead} ${emitDoubleQuoted(value, path)}`] : emitBlockScalar(lead, value, indent, path);
  }
  return [`${lead} ${emitInline(value, path)}`];
}

function emitInline(value: YamlValue, path: string): string {
  if (value === undefined || value === null) throw new Error(`${path}: no value (leave the key out instead).`);
  if (isSequence(value)) return '[]';
  if (typeof value === 'object') return '{}';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path}: ${value} is not a finite number.`);
    return String(value);
  }
  checkPrintable(value, path);
  if (PLAIN.test(value) && !RESERVED_WORDS.test(value)) return value;
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A literal block scalar: the text, line by line, indented. The chomping
 * indicator keeps the trailing line feeds exactly (`|-` none, `|` one, `|+`
 * more); an indentation indicator is added when the text starts with a space
 * or an empty line, which a reader would otherwise take for the indentation.
 */
function emitBlockScalar(lead: string, text: string, indent: number, path: string): string[] {
  checkPrintable(text, path);
  const body = text.replace(/\n+$/, '');
  const trailing = text.length - body.length;
  // Clipping would drop the line feeds of a text that is only line feeds.
  const chomp = trailing === 0 ? '-' : trailing === 1 && body !== '' ? '' : '+';
  const indicator = /^[ \n]/.test(text) ? '2' : '';
  const pad = ' '.repeat(indent);
  const lines = `${body}${'\n'.repeat(Math.max(0, trailing - 1))}`.split('\n');
  // Indentation indicators count from the parent's indentation, which is two less.
  return [`${lead} |${indicator}${chomp}`, ...lines.map((line) => (line === '' ? '' : `${pad}${line}`))];
}

/**
 * Text that YAML readers do not all read back the same from a block scalar:
 * nothing but white space, or an indentation indicator together with a line of
 * only spaces or tabs (the yaml package drops such a last line; PyYAML keeps it).
 */
function isAmbiguousAsBlock(text: string): boolean {
  return !/\S/.test(text) || (/^[ \n]/.test(text) && /(^|\n)[ \t]+(\n|$)/.test(text));
}

/** JSON's string escapes are valid YAML double-quoted escapes. */
function emitDoubleQuoted(text: string, path: string): string {
  checkPrintable(text, path);
  // JSON would escape the quotes inside a Terraform expression and break it.
  if (holdsTerraformSyntax(text)) {
    throw new Error(`${path}: a text that starts with a space or a line feed and has a line of only white space cannot hold a Terraform expression. Trim the white space.`);
  }
  return JSON.stringify(text);
}

/** Whether `text` holds a Terraform interpolation or directive (`${`, `%{`), not counting the escaped `$${` and `%%{`. */
function holdsTerraformSyntax(text: string): boolean {
  return /(^|[^$])\$\{|(^|[^%])%\{/.test(text);
}

function checkPrintable(text: string, path: string): void {
  const bad = NOT_PRINTABLE.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).padStart(4, '0');
    throw new Error(`${path}: U+${code} cannot be written in YAML. Remove it from the value.`);
  }
}

function isSequence(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

function isCollection(value: YamlValue): value is readonly YamlValue[] | { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: readonly YamlValue[] | { readonly [key: string]: YamlValue }): boolean {
  return isSequence(value) ? value.length === 0 : Object.keys(value).length === 0;
}
