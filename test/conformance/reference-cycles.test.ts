/**
 * No stack of any example has a dependency cycle: what `terraform validate` reports as
 * `Error: Cycle: …` (e.g. a node's user-data reading an attribute of the node's own VM),
 * found here without terraform from the references in the synthesized JSON.
 */
import { exampleNames, synthExampleStacks } from '../support/example-stacks';
import { buildReferenceGraph, findCycles, formatCycle } from '../support/terraform-graph';

const examples = exampleNames();

describe('examples have no reference cycles', () => {
  test('the default example and one per cloud are all checked', () => {
    expect(examples).toEqual(expect.arrayContaining(['multi-cloud', 'aws', 'gcp', 'azure', 'digitalocean', 'autoscaling']));
  });

  test.each(examples)('examples/%s', (name) => {
    const stacks = synthExampleStacks(name);
    expect(stacks.length).toBeGreaterThan(0);
    const report = stacks
      .map((stack) => ({ id: stack.id, cycles: findCycles(buildReferenceGraph(stack.config)) }))
      .filter((s) => s.cycles.length > 0)
      .map((s) => `stack ${s.id}: ${s.cycles.length} cycle(s)\n${s.cycles.map(formatCycle).join('\n')}`)
      .join('\n\n');
    expect(report).toBe('');
  });
});
