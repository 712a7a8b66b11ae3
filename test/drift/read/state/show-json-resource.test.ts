import { readShowJsonResource } from '../../../../lib/drift/read/state/show-json-resource';

describe('readShowJsonResource', () => {
  test('module path from the address, index, taint, sensitive_values', () => {
    const resource = readShowJsonResource(
      { address: 'module.a["x"].aws_security_group.sg[2]', mode: 'managed', type: 'aws_security_group', name: 'sg', index: 2, provider_name: 'registry.terraform.io/hashicorp/aws', values: { id: 'sg-1', ingress: [] }, sensitive_values: { ingress: true }, tainted: true },
      'values.root_module.child_modules.0.resources.0',
      'show.json',
    );
    expect(resource).toMatchObject({ address: 'module.a["x"].aws_security_group.sg[2]', module: 'module.a["x"]', indexKey: 2, tainted: true, sensitivePaths: [['ingress']] });
  });
  test('a deposed object is read with its key (Terraform writes one entry per deposed object, at the instance\'s address)', () => {
    const deposed = readShowJsonResource({ address: 'aws_instance.n[1]', mode: 'managed', type: 'aws_instance', name: 'n', index: 1, values: { id: 'i-old' }, deposed_key: 'abcd1234' }, 'x', 'f');
    expect(deposed).toMatchObject({ address: 'aws_instance.n[1]', indexKey: 1, id: 'i-old', deposedKey: 'abcd1234' });
    expect(readShowJsonResource({ address: 'aws_instance.n[1]', type: 'aws_instance', name: 'n', index: 1, values: { id: 'i-new' } }, 'x', 'f')).not.toHaveProperty('deposedKey');
  });
  test('a resource without type refuses', () => {
    expect(() => readShowJsonResource({ address: 'a.b' }, 'values.root_module.resources.4', 'show.json')).toThrow('show.json: values.root_module.resources.4 is not a resource');
  });
});
