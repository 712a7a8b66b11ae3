/**
 * Every stack of every example (examples/<name>/app.ts, which exports buildApp), synthesized
 * once, against what `terraform validate` and a reviewer would refuse, without terraform:
 * - it conforms to the real provider schemas;
 * - it has no dependency cycle (`Error: Cycle: …`, e.g. a node's user-data reading an
 *   attribute of the node's own VM), found from the references in the synthesized JSON;
 * - it carries no secret in plain text (test/security/secret-scan.ts, whose own test plants some);
 * - cast-drift can name every resource it declares for a person (lib/drift/catalog/resource-roles.ts),
 *   so a missing one is reported by its role, not as an unknown type.
 * New examples are covered as soon as they appear.
 */
import { hasKnownRole } from '../../lib/drift/catalog/resource-roles';
import { findSecrets } from '../security/secret-scan';
import { ExampleStack, exampleNames, synthExampleStacks } from '../support/example-stacks';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { buildReferenceGraph, findCycles, formatCycle } from '../support/terraform-graph';

const examples = exampleNames();

test('the default example, one per cloud and the autoscaled one are all checked', () => {
  expect(examples).toEqual(expect.arrayContaining(['multi-cloud', 'aws', 'gcp', 'azure', 'digitalocean', 'autoscaling']));
});

describe.each(examples)('examples/%s', (name) => {
  let synthesized: ExampleStack[] | undefined;
  const stacks = () => (synthesized ??= synthExampleStacks(name));
  /** One report line per stack with problems. */
  const report = (problemsOf: (stack: ExampleStack) => string) => stacks()
    .map((stack) => [stack.id, problemsOf(stack)])
    .filter(([, problems]) => problems !== '')
    .map(([id, problems]) => `stack ${id}:\n${problems}`)
    .join('\n\n');

  test('conforms to the provider schemas', () => {
    expect(stacks().length).toBeGreaterThan(0);
    const schemas = loadVendoredSchemas();
    expect(report((stack) => formatProblems(checkStackConformance(stack.config, schemas)))).toBe('');
  });

  test('has no reference cycle', () => {
    expect(report((stack) => {
      const cycles = findCycles(buildReferenceGraph(stack.config));
      return cycles.length === 0 ? '' : `${cycles.length} cycle(s)\n${cycles.map(formatCycle).join('\n')}`;
    })).toBe('');
  });

  test('holds no secret in plain text', () => {
    for (const stack of stacks()) expect({ stack: stack.id, secrets: findSecrets(stack.config) }).toEqual({ stack: stack.id, secrets: [] });
  });

  test('declares only resource types cast-drift knows the role of', () => {
    const unknown = stacks().flatMap((stack) => Object.keys(stack.config.resource ?? {}).filter((type) => !hasKnownRole(type)).map((type) => `${stack.id}: ${type}`));
    expect(unknown).toEqual([]);
  });
});
