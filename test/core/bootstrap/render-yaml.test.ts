import fc from 'fast-check';
import { parse } from 'yaml';
import { renderYaml, YamlValue } from '../../../lib/core/bootstrap/render-yaml';

describe('renderYaml', () => {
  test('block style, literal block scalars for multi-line text with a Terraform expression, quotes only where needed', () => {
    expect(
      renderYaml({
        write_files: [{ path: '/opt/cast/bin/x.sh', permissions: '0755', content: '#!/bin/bash\necho "${HOME}"\n' }],
        runcmd: [['/opt/cast/bin/x.sh', 'init']],
        flags: { on: true, n: 3, word: 'yes', empty: [], none: {} },
      }),
    ).toBe(
      [
        'write_files:',
        '  - path: /opt/cast/bin/x.sh',
        "    permissions: '0755'",
        '    content: |',
        '      #!/bin/bash',
        '      echo "${HOME}"',
        'runcmd:',
        '  - - /opt/cast/bin/x.sh',
        '    - init',
        'flags:',
        "  'on': true",
        "  'n': 3",
        "  word: 'yes'",
        '  empty: []',
        '  none: {}',
        '',
      ].join('\n'),
    );
  });

  test.each([
    ['nothing but white space', ' \n\t\n', '" \\n\\t\\n"'],
    ['a leading space and a line of spaces', ' a\n \n', '" a\\n \\n"'],
    // Text with a Terraform expression goes in a block scalar (JSON's escapes would break the expression's quotes).
    ['no final line feed', 'a\n${x.y}', '|-'],
    ['one final line feed', 'a\n${x.y}\n', '|'],
    ['several final line feeds', '${x.y}\n\n\n', '|+'],
    ['a leading space', '  indented\n${x.y}\n', '|2'],
    ['a leading empty line', '\n${x.y}\n', '|2'],
    // Any other text on one double-quoted line; Terraform's escapes ($${, %%{) stay as they are.
    ['no expression', '#!/bin/bash\necho "$${HOME}" \\ %%{x}\n', '"#!/bin/bash\\necho \\"$${HOME}\\" \\\\ %%{x}\\n"'],
  ])('keeps text with %s exactly', (_what, text, header) => {
    const out = renderYaml({ content: text });
    expect(out.split('\n')[0]).toBe(`content: ${header}`);
    expect(parse(out)).toEqual({ content: text });
  });

  test("keys YAML 1.1 reads as booleans or null are quoted", () => {
    expect(renderYaml({ on: 1, No: 2, null: 3, only: 4 })).toBe("'on': 1\n'No': 2\n'null': 3\nonly: 4\n");
  });

  test('Terraform expressions stay verbatim, quotes included', () => {
    const value = '${google_compute_address.node["gcp-w-1"].address}';
    expect(renderYaml({ a: value, b: `x\n${value}\n` })).toContain(value);
    expect(renderYaml({ q: "it's" })).toBe("q: 'it''s'\n");
  });

  test.each([
    [{ 'a key': 'x' }, '$: key "a key" is not an identifier.'],
    [{ a: 'bell\u0007' }, '$.a: U+0007 cannot be written in YAML. Remove it from the value.'],
    [{ a: 'crlf\r\n' }, '$.a: U+000d cannot be written in YAML. Remove it from the value.'],
    [{ a: [1, Number.NaN] }, '$.a[1]: NaN is not a finite number.'],
    [{}, 'renderYaml takes a non-empty mapping or sequence at the top level.'],
    [{ a: ' ${x}\n \n' }, '$.a: a text that starts with a space or a line feed and has a line of only white space cannot hold a Terraform expression. Trim the white space.'],
  ])('refuses %j', (value, message) => {
    expect(() => renderYaml(value as YamlValue)).toThrow(new Error(message));
  });

  test('what it emits parses back to the same value (property)', () => {
    const printable = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\n', '\t', '#', ':', '-', "'", '"', '$', '{', '}', '%', '|', '>', '[', ',', '&', '*', '!', '?', 'é', '\u{1F600}') });
    const scalar = fc.oneof(printable, fc.constantFrom('yes', 'No', 'null', '~', '0600', '1e3', '.inf', '- x', 'true', ''), fc.integer(), fc.boolean());
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/);
    const value = fc.letrec<{ node: YamlValue }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    const top = fc.oneof(fc.array(value, { minLength: 1, maxLength: 4 }), fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }));
    fc.assert(
      fc.property(top, (doc) => {
        let text: string;
        try {
          text = renderYaml(doc);
        } catch (error) {
          // The one refusal a printable document can meet (see the test above).
          expect((error as Error).message).toMatch(/cannot hold a Terraform expression/);
          return;
        }
        expect(parse(text)).toEqual(doc);
      }),
      // YAML_RUNS=200000 for a deeper search than the default run needs.
      { numRuns: Number(process.env.YAML_RUNS ?? 500) },
    );
  });
});
