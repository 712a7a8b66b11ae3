import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { escapeTerraformTemplate, renderTemplate, renderTemplateFile, unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { packageRootDirectory, templatesDirectory } from '../../../lib/core/bootstrap/template-files';

describe('renderTemplate', () => {
  test("escapes the template's own ${ and %{, then puts values in verbatim", () => {
    const template = 'echo "${HOME}" %{if} {{name}} {{key_b64}}';
    const rendered = renderTemplate(template, { name: 'n-1', key_b64: '${base64encode(tls_private_key.ca.private_key_pem)}' });
    expect(rendered).toBe('echo "$${HOME}" %%{if} n-1 ${base64encode(tls_private_key.ca.private_key_pem)}');
  });

  test('a value is not searched for placeholders', () => {
    expect(renderTemplate('{{a}}{{b}}', { a: '{{b}}', b: 'x' })).toBe('{{b}}x');
  });

  test('a placeholder used twice takes the same value; other braces are text', () => {
    expect(renderTemplate('{{v}}-{{v}} {{ v }} {{.Name}}', { v: '1' })).toBe('1-1 {{ v }} {{.Name}}');
  });

  test('a placeholder without a value is an error naming the template and the placeholder', () => {
    expect(() => renderTemplate('{{a}} {{b}}', { a: '1' }, 'templates/x.sh')).toThrow(
      new Error('template templates/x.sh uses {{b}}, which has no value. Pass it or remove it.'),
    );
  });

  test('a value no placeholder uses is an error, and all problems are listed', () => {
    expect(() => renderTemplate('{{a}} {{c}}', { a: '1', b: '2', 'Bad Name': '3' }, 'templates/x.sh')).toThrow(
      new Error(
        [
          'template templates/x.sh uses {{c}}, which has no value. Pass it or remove it.',
          'template templates/x.sh got a value named "Bad Name", which cannot be a placeholder (lowercase letters, digits, "-", "_"). Rename it.',
          'template templates/x.sh does not use {{b}}, which was given a value. Remove the value or add the placeholder.',
        ].join('\n'),
      ),
    );
  });
});

describe('Terraform template escaping', () => {
  test.each([
    ['${x} and %{ if } and $${y}', '$${x} and %%{ if } and $$${y}'],
    ['$ {x} % {y} $x %s', '$ {x} % {y} $x %s'],
    ['', ''],
  ])('escape %j', (text, escaped) => {
    expect(escapeTerraformTemplate(text)).toBe(escaped);
  });

  test('unescape undoes escape for text with no $${ of its own', () => {
    const text = 'a=${b:-c}; printf "%{x}"; echo ${#arr[@]}';
    expect(unescapeTerraformTemplate(escapeTerraformTemplate(text))).toBe(text);
  });
});

describe('template files', () => {
  test('are found from the package root, which holds package.json and templates/', () => {
    expect(existsSync(join(packageRootDirectory(), 'package.json'))).toBe(true);
    expect(templatesDirectory()).toBe(join(packageRootDirectory(), 'templates'));
    expect(existsSync(join(templatesDirectory(), 'scripts', 'bootstrap-node.sh'))).toBe(true);
  });

  test('errors name the file under templates/', () => {
    expect(() => renderTemplateFile('kubernetes/discovery-kubeconfig.yaml', {})).toThrow(/^template templates\/kubernetes\/discovery-kubeconfig.yaml uses \{\{ca_cert_b64\}\}/);
  });
});
