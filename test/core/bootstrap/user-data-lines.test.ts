/**
 * Long static lines of a node's user-data move into files and come back unchanged: the
 * round trip on every node of every example, and the rules on made-up templates. That
 * Terraform's file() returns the text as it is: test/terraform/user-data-files.test.ts.
 */
import { Testing } from 'cdktf';
import { externalizeStaticLines, inlineStaticLines, MIN_EXTERNAL_LINE } from '../../../lib/core/bootstrap/user-data-lines';
import { exampleApp, exampleNames } from '../../support/example-stacks';

const long = (fill: string) => fill.repeat(Math.ceil(MIN_EXTERNAL_LINE / fill.length));

describe('externalizeStaticLines', () => {
  test('a long line of text moves, with the template\'s escapes turned into what they stand for; short lines stay', () => {
    const line = `    content: '${long('ab$${HOME}%%{x}')}'`;
    const { template, files } = externalizeStaticLines(`#cloud-config\n${line}\nruncmd: []\n`);
    expect(files).toHaveLength(1);
    expect(template).toBe(`#cloud-config\n\${file("${files[0].path}")}\nruncmd: []\n`);
    expect(files[0].path).toMatch(/^user-data\/[0-9a-f]{64}$/);
    expect(files[0].content).toBe(line.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
  });

  test('a long line with a reference or a directive stays: its value is Terraform\'s to fill in', () => {
    for (const line of [`x: '${long('a')}\${aws_eip.a.public_ip}'`, `x: '${long('a')}%{ if true }y%{ endif }'`, `x: '$$\${${long('a')}\${var.v}'`]) {
      expect(externalizeStaticLines(`${line}\n`)).toEqual({ template: `${line}\n`, files: [] });
    }
  });

  test('the same line twice is one file; a line one character short of the bound stays', () => {
    const line = long('z');
    const { template, files } = externalizeStaticLines(`${line}\n${line}\n${'y'.repeat(MIN_EXTERNAL_LINE - 1)}`);
    expect(files).toHaveLength(1);
    expect(template.split('\n')).toEqual([`\${file("${files[0].path}")}`, `\${file("${files[0].path}")}`, 'y'.repeat(MIN_EXTERNAL_LINE - 1)]);
  });

  test('an interpolation over several lines leaves the whole template as it is', () => {
    const template = `\${jsonencode({\n  a = "${long('b')}"\n})}\n${long('c')}\n`;
    expect(externalizeStaticLines(template)).toEqual({ template, files: [] });
  });
});

describe('every node of every example: the round trip gives back the template', () => {
  // Testing.synth writes no folder, so the stack keeps every line inline: the text to move.
  const documents = exampleNames().flatMap((name) => {
    const app = Testing.app();
    exampleApp(name)(app);
    return app.node.children.filter((c): c is any => 'toTerraform' in c).flatMap((stack) => {
      const locals = JSON.parse(Testing.synth(stack)).locals ?? {};
      return Object.entries<string>(locals).filter(([id]) => /-user-data_[0-9A-F]{8}$/.test(id)).map(([id, template]) => [`${name} ${id}`, template] as const);
    });
  });

  test('every example with nodes has user-data', () => {
    expect(documents.length).toBeGreaterThan(20);
  });

  test.each(documents)('%s', (_id, template) => {
    const { template: moved, files } = externalizeStaticLines(template);
    expect(files.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(template.length / 2);
    expect(inlineStaticLines(moved, new Map(files.map((f) => [f.path, f.content])))).toBe(template);
  });
});
