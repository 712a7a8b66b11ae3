import { readTemplateFile } from './template-files';

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

/** `renderTemplate` of a file under the package's `templates/` folder. */
export function renderTemplateFile(relativePath: string, values: Readonly<Record<string, string>>): string {
  return renderTemplate(readTemplateFile(relativePath), values, `templates/${relativePath}`);
}
