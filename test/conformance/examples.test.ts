/**
 * Every stack of every example (examples/<name>/app.ts, which exports buildApp) must
 * conform to the real provider schemas: the closest we get to `terraform validate`
 * without terraform. New examples are covered as soon as they appear.
 */
import { exampleNames, synthExampleStacks } from '../support/example-stacks';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

const examples = exampleNames();

describe('examples conform to the provider schemas', () => {
  test('the default example and one per cloud are all checked', () => {
    expect(examples).toEqual(expect.arrayContaining(['multi-cloud', 'aws', 'gcp', 'azure', 'digitalocean']));
  });

  for (const name of examples) {
    test(`examples/${name}`, () => {
      const stacks = synthExampleStacks(name);
      expect(stacks.length).toBeGreaterThan(0);

      const schemas = loadVendoredSchemas();
      const report = stacks
        .map((stack) => [stack.id, formatProblems(checkStackConformance(stack.config, schemas))])
        .filter(([, problems]) => problems !== '')
        .map(([id, problems]) => `stack ${id}:\n${problems}`)
        .join('\n\n');
      expect(report).toBe('');
    });
  }
});
