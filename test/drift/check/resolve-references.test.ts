import { containsUnknown, parseReference, resolveReferences, UnknownValue } from '../../../lib/drift/check/resolve-references';
import { actualState, stateResource } from '../helpers';

describe('resolveReferences', () => {
  const actual = actualState([
    stateResource('aws_vpc.main', { id: 'vpc-1', cidr_block: '10.10.0.0/16' }),
    stateResource('aws_subnet.s[0]', { id: 'subnet-1', cidr_block: '10.10.1.0/24' }),
    stateResource('terraform_data.pin', { id: 'p', output: { image: 'ami-0abc' } }),
  ]);
  test.each([
    ['plain values stay', { a: 1, b: ['x'] }, { a: 1, b: ['x'] }],
    ['a reference to a kept attribute', '${aws_vpc.main.cidr_block}', '10.10.0.0/16'],
    ['an indexed reference', '${aws_subnet.s[0].id}', 'subnet-1'],
    ['inside lists', ['${aws_vpc.main.cidr_block}', '0.0.0.0/0'], ['10.10.0.0/16', '0.0.0.0/0']],
    ['a reference into an object attribute (an OS image pin)', '${terraform_data.pin.output.image}', 'ami-0abc'],
  ])('%s', (_name, value, expected) => {
    expect(resolveReferences(value, actual)).toEqual(expected);
  });
  test.each([
    ['a variable', '${var.cidr}', undefined],
    ['an interpolation', 'prefix-${aws_vpc.main.id}', undefined],
    ['a dropped attribute', '${aws_vpc.main.arn}', { address: 'aws_vpc.main', attribute: 'arn' }],
    ['a resource not in state', '${aws_security_group.sg.id}', { address: 'aws_security_group.sg', attribute: 'id' }],
    ['a data source', '${data.aws_ami.x.id}', { address: 'data.aws_ami.x', attribute: 'id' }],
    ['a key an object attribute lacks', '${terraform_data.pin.output.name}', { address: 'terraform_data.pin', attribute: 'output', path: ['name'] }],
  ])('%s is unknown', (_name, value, reference) => {
    const resolved = resolveReferences(value, actual);
    expect(resolved).toBeInstanceOf(UnknownValue);
    expect((resolved as UnknownValue).reference).toEqual(reference);
  });
  test('containsUnknown looks deep', () => {
    expect(containsUnknown({ a: [{ b: new UnknownValue() }] })).toBe(true);
    expect(containsUnknown({ a: [{ b: 1 }] })).toBe(false);
  });
  test('parseReference', () => {
    expect(parseReference('${module.x.y}')).toEqual({ address: 'module.x', attribute: 'y' });
    expect(parseReference('${aws_instance.n["k"].id}')).toEqual({ address: 'aws_instance.n["k"]', attribute: 'id' });
    expect(parseReference('${terraform_data.pin.output.image}')).toEqual({ address: 'terraform_data.pin', attribute: 'output', path: ['image'] });
  });
});
