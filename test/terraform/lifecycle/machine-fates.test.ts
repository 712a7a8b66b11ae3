/** The fate of each VM and group from a plan's changes, and the doc's tables as data; no Terraform. */
import { Cloud } from '../../../lib/core/cloud';
import { NodeRole } from '../../../lib/core/node-role';
import type { ResourceChange } from '../harness';
import { readTable } from './lifecycle-doc';
import { groupOutcomes, machineOutcomes, machineRole, summarizeGroups, summarizeMachines, type StateResource } from './machine-fates';

const vm = (type: string, name: string, role: NodeRole): StateResource => {
  const attributes: Record<string, unknown> =
    type === 'aws_instance' ? { tags: { Name: name, 'cast-node-role': role } }
      : type === 'google_compute_instance' ? { name, labels: { 'cast-node-role': role } }
        : type === 'digitalocean_droplet' ? { name, tags: ['prod-worker', `cast-node-role:${role}`] }
          : { name, tags: { 'cast-node-role': role } };
  return { type, address: `${type}.${name}`, attributes };
};

const change = (type: string, name: string, action: ResourceChange['action'], changed: string[] = [], replacePaths: string[] = []): ResourceChange => ({
  address: `${type}.${name}`,
  type,
  action,
  changed,
  replacePaths,
  before: action === 'create' ? null : { name },
  after: action === 'delete' ? null : type === 'aws_instance' ? { tags: { Name: name, 'cast-node-role': 'worker' } } : { name },
});

describe('machineOutcomes', () => {
  test.each([
    ['aws_instance', 'update', ['user_data_base64'], 'restarted'],
    ['aws_instance', 'update', ['instance_type', 'tags'], 'restarted'],
    ['aws_instance', 'update', ['iam_instance_profile', 'tags'], 'updated in place'],
    ['aws_instance', 'replace', ['ami'], 'replaced'],
    ['google_compute_instance', 'update', ['metadata'], 'updated in place'],
    ['google_compute_instance', 'update', ['machine_type'], 'restarted'],
    ['azurerm_linux_virtual_machine', 'update', ['identity'], 'updated in place'],
    ['azurerm_linux_virtual_machine', 'update', ['size'], 'restarted'],
    ['digitalocean_droplet', 'delete', [], 'deleted'],
  ] as const)('%s %s of %j: %s', (type, action, changed, fate) => {
    const [outcome] = machineOutcomes([vm(type, 'n-1', NodeRole.WORKER)], [change(type, 'n-1', action, [...changed])]);
    expect(outcome.fate).toBe(fate);
  });

  test('a VM the plan does not name is untouched; a planned one is created', () => {
    const outcomes = machineOutcomes([vm('aws_instance', 'n-1', NodeRole.CONTROL_PLANE)], [change('aws_instance', 'n-2', 'create')]);
    expect(outcomes.map((o) => [o.node, o.role, o.fate])).toEqual([
      ['n-1', NodeRole.CONTROL_PLANE, 'untouched'],
      ['n-2', NodeRole.WORKER, 'created'],
    ]);
  });

  test('a replaced VM says what forced it', () => {
    const [outcome] = machineOutcomes([vm('azurerm_linux_virtual_machine', 'n-1', NodeRole.WORKER)], [change('azurerm_linux_virtual_machine', 'n-1', 'replace', ['custom_data', 'id'], ['custom_data'])]);
    expect(outcome.because).toEqual(['custom_data']);
  });
});

describe('machineRole', () => {
  test.each([
    ['aws_instance', NodeRole.CONTROL_PLANE],
    ['google_compute_instance', NodeRole.CONTROL_PLANE],
    ['azurerm_linux_virtual_machine', NodeRole.WORKER],
    ['digitalocean_droplet', NodeRole.CONTROL_PLANE],
  ] as const)('%s: %s', (type, role) => {
    expect(machineRole(type, vm(type, 'n', role).attributes)).toBe(role);
  });
});

describe('summarizeMachines', () => {
  test('counts in order, naming control-plane nodes among those that change', () => {
    const outcome = (node: string, role: NodeRole, fate: 'created' | 'restarted' | 'untouched') => ({ cloud: Cloud.AWS, node, role, fate, because: [] });
    expect(summarizeMachines([
      outcome('a', NodeRole.WORKER, 'untouched'),
      outcome('b', NodeRole.CONTROL_PLANE, 'restarted'),
      outcome('c', NodeRole.WORKER, 'restarted'),
      outcome('d', NodeRole.WORKER, 'created'),
      outcome('e', NodeRole.CONTROL_PLANE, 'untouched'),
    ])).toBe('1 created, 2 restarted (1 control plane), 2 untouched');
    expect(summarizeMachines([outcome('b', NodeRole.CONTROL_PLANE, 'restarted')])).toBe('1 restarted (control plane)');
    expect(summarizeMachines([])).toBe('none');
  });
});

describe('groupOutcomes', () => {
  const group = (type: string, name: string): StateResource => ({ type, address: `${type}.${name}`, attributes: { name } });

  test('a changed template, limits, or neither', () => {
    const state = [group('aws_autoscaling_group', 'g-aws'), group('google_compute_instance_group_manager', 'g-gcp'), group('digitalocean_droplet_autoscale', 'g-do')];
    const template: ResourceChange = { ...change('google_compute_instance_template', 'g-gcp-t', 'replace'), before: { name_prefix: 'g-gcp-' }, after: { name_prefix: 'g-gcp-' } };
    const outcomes = groupOutcomes(state, [
      change('aws_launch_template', 'g-aws', 'update', ['user_data']),
      template,
      change('google_compute_instance_group_manager', 'g-gcp', 'update', ['version']),
      change('digitalocean_droplet_autoscale', 'g-do', 'update', ['config']),
    ]);
    expect(outcomes.map((o) => [o.cloud, o.group, summarizeGroups([o])])).toEqual([
      [Cloud.AWS, 'g-aws', 'new template'],
      [Cloud.GCP, 'g-gcp', 'new template'],
      [Cloud.DIGITALOCEAN, 'g-do', 'new limits'],
    ]);
  });

  test('a created group, and none at all', () => {
    expect(groupOutcomes([], [change('azurerm_linux_virtual_machine_scale_set', 'g', 'create')]).map((o) => o.fates)).toEqual([['created']]);
    expect(summarizeGroups([])).toBe('none');
  });
});

describe('readTable', () => {
  const markdown = ['# Doc', '', '## Static nodes', '', 'Text.', '', '| Scenario | AWS | GCP |', '|---|---|---|', '| Add | 1 created | 2 untouched |', '', '## Next', '| x | y |'].join('\n');

  test('the first table under the heading, by its first column', () => {
    expect(readTable(markdown, '## Static nodes')).toEqual(new Map([['Add', { AWS: '1 created', GCP: '2 untouched' }]]));
  });

  test('a missing section says which', () => {
    expect(() => readTable(markdown, '## Autoscaled groups')).toThrow('docs/lifecycle.md must have a "## Autoscaled groups" section');
  });
});
