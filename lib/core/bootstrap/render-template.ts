import { readTemplateFile } from './template-files';
import { isInterpolation, terraformTemplateParts } from './terraform-template';

/** `{{name}}`: lowercase letters, digits, `-` and `_`. */
const PLACEHOLDER = /\{\{([a-z0-9_-]+)\}\}/g;
const PLACEHOLDER_NAME = /^[a-z0-9_-]+$/;

/**
 * Escapes text for a Terraform template string, so Terraform leaves it as it
 * is: `${` becomes `$${` and `%{` becomes `%%{`. User-data is embedded in the
 * synthesized JSON, where Terraform interpolates every `${...}`, and bash uses
 * `${...}` all the time.
 */
export function escapeTerraformTemplate(text: string): string {
  // Replacement functions, not strings: in a replacement string `$$` means `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * What Terraform makes of a template string that holds no expressions (after
 * `escapeTerraformTemplate`, or a rendered template whose values are
 * concrete): `$${` becomes `${` and `%%{` becomes `%{`. The node receives this.
 */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}

/**
 * Renders a template whose placeholders are `{{name}}`. The template's own text
 * is escaped for Terraform first (`escapeTerraformTemplate`); then every
 * placeholder is replaced by its value verbatim, so a value may be a Terraform
 * expression (`${base64encode(tls_private_key.ca.private_key_pem)}`) that
 * Terraform resolves at apply time.
 *
 * Placeholders and values must match exactly: a placeholder with no value, or a
 * value no placeholder uses, is an error (plain `Error`, one line per problem).
 *
 * @param templateText the template
 * @param values a value for every placeholder, by name
 * @param templateName how messages name the template (its file)
 */
export function renderTemplate(templateText: string, values: Readonly<Record<string, string>>, templateName = 'text'): string {
  const used = new Set([...templateText.matchAll(PLACEHOLDER)].map((match) => match[1]));
  const problems: string[] = [];
  for (const name of [...used].sort()) {
    if (!Object.prototype.hasOwnProperty.call(values, name)) {
      problems.push(`template ${templateName} uses {{${name}}}, which has no value. Pass it or remove it.`);
    }
  }
  for (const name of Object.keys(values).sort()) {
    if (!PLACEHOLDER_NAME.test(name)) {
      problems.push(`template ${templateName} got a value named ${JSON.stringify(name)}, which cannot be a placeholder (lowercase letters, digits, "-", "_"). Rename it.`);
    } else if (!used.has(name)) {
      problems.push(`template ${templateName} does not use {{${name}}}, which was given a value. Remove the value or add the placeholder.`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  // One pass over the escaped template: a value is never searched for placeholders itself.
  return escapeTerraformTemplate(templateText).replace(PLACEHOLDER, (_match, name: string) => values[name]);
}

/**
 * `renderTemplate` of a file under the package's `templates/` folder. An env file
 * (`*.env`), which the node's scripts source with bash as root, gets every value
 * quoted (`shellSingleQuoted`): there each placeholder must be a whole single-quoted
 * word, `'{{name}}'`.
 */
export function renderTemplateFile(relativePath: string, values: Readonly<Record<string, string>>): string {
  const text = readTemplateFile(relativePath);
  const name = `templates/${relativePath}`;
  if (!relativePath.endsWith('.env')) return renderTemplate(text, values, name);
  const unquoted = [...text.matchAll(PLACEHOLDER)].filter((m) => text[m.index - 1] !== "'" || text[m.index + m[0].length] !== "'");
  if (unquoted.length > 0) throw new Error(`template ${name} uses ${unquoted.map((m) => m[0]).join(', ')} outside single quotes. Write each placeholder as '{{name}}'.`);
  const quoted: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    try {
      quoted[key] = shellSingleQuoted(value);
    } catch (error) {
      throw new Error(`template ${name}: the value of {{${key}}} ${(error as Error).message}. Pass a value without it.`);
    }
  }
  return renderTemplate(text, quoted, name);
}

/** What a literal may not hold in a shell-quoted value (see shellSingleQuoted). */
const UNQUOTABLE = /[\n\r\0]/;

/**
 * `value`, a Terraform template string, as the body of a single-quoted shell word
 * (`'<body>'`) that bash reads back as exactly the value, whatever it holds (bash
 * manual, "Single Quotes": nothing is special inside them, and a single quote may
 * not occur there):
 * - literal text: each `'` becomes `'\''` (close the quote, an escaped quote, reopen);
 * - each `${E}`: `${replace(E, "'", "'\\''")}`, so that Terraform does the same to
 *   the value at apply time (a cdktf token stays whole inside: cdktf then resolves it
 *   without its braces).
 * Throws for a literal line break, carriage return or NUL (an env file is read line by
 * line, by the node's Python tools too, and appended to: a line break would let a value
 * write a line of its own; bash cannot hold NUL), and for text `terraformTemplateParts`
 * cannot take apart (a directive, an unterminated `${`, a strip marker).
 */
export function shellSingleQuoted(value: string): string {
  return terraformTemplateParts(value)
    .map((part) => {
      if (isInterpolation(part)) return `\${replace(${part.token ? `\${${part.expression}}` : part.expression}, "'", "'\\\\''")}`;
      if (UNQUOTABLE.test(part.literal)) throw new Error(`holds a line break, carriage return or NUL (${JSON.stringify(part.literal)})`);
      return part.literal.replace(/'/g, () => "'\\''");
    })
    .join('');
}
