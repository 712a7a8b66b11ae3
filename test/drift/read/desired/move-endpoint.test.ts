import { formatModulePath, MoveKind, parseModulePath, parseMove } from '../../../../lib/drift/read/desired/move-endpoint';

describe('parseMove: the two addresses read together, as Terraform unifies them', () => {
  test.each([
    ['aws_instance.a', 'aws_instance.b', MoveKind.RESOURCE, { modules: [], resource: { type: 'aws_instance', name: 'a', key: undefined } }, { modules: [], resource: { type: 'aws_instance', name: 'b', key: undefined } }],
    ['aws_instance.a', 'aws_instance.a["small"]', MoveKind.RESOURCE_INSTANCE, { modules: [], resource: { type: 'aws_instance', name: 'a', key: undefined } }, { modules: [], resource: { type: 'aws_instance', name: 'a', key: 'small' } }],
    ['aws_instance.d[2]', 'aws_instance.d', MoveKind.RESOURCE_INSTANCE, { modules: [], resource: { type: 'aws_instance', name: 'd', key: 2 } }, { modules: [], resource: { type: 'aws_instance', name: 'd', key: undefined } }],
    ['aws_instance.a', 'module.x[1].aws_instance.a', MoveKind.RESOURCE, { modules: [], resource: { type: 'aws_instance', name: 'a', key: undefined } }, { modules: [{ name: 'x', key: 1 }], resource: { type: 'aws_instance', name: 'a', key: undefined } }],
    ['module.a', 'module.b', MoveKind.MODULE_CALL, { modules: [{ name: 'a', key: undefined }] }, { modules: [{ name: 'b', key: undefined }] }],
    ['module.a', 'module.a[2]', MoveKind.MODULE_INSTANCE, { modules: [{ name: 'a', key: undefined }] }, { modules: [{ name: 'a', key: 2 }] }],
    ['module.p["a\\"b"].module.c', 'module.q.module.c', MoveKind.MODULE_CALL, { modules: [{ name: 'p', key: 'a"b' }, { name: 'c', key: undefined }] }, { modules: [{ name: 'q', key: undefined }, { name: 'c', key: undefined }] }],
  ])('%s → %s', (from, to, kind, source, target) => {
    expect(parseMove(from, to)).toEqual({ kind, from: source, to: target });
  });

  test.each([
    ['module.a', 'aws_instance.b', '"from" and "to" must both name modules or both name resources (got module.a and aws_instance.b)'],
    ['aws_instance', 'aws_instance.b', '"from" is not a module or resource address (aws_instance)'],
    ['aws_instance.a.', 'aws_instance.b', '"from" is not a Terraform address (aws_instance.a.): it ends with "."'],
    ['aws_instance.a-b["k"]x', 'aws_instance.b', '"from" is not a Terraform address (aws_instance.a-b["k"]x): expected "." at character 22'],
    ['aws_instance.a', 'aws_instance[0].b', '"to" is not a module or resource address (aws_instance[0].b)'],
    ['aws_instance.a', 'data.aws_ami.b', '"to" is a data resource (data.aws_ami.b): only managed resources can be moved'],
  ])('refuses %s → %s', (from, to, reason) => {
    expect(parseMove(from, to)).toBe(reason);
  });
});

describe('module paths of a state', () => {
  test.each([
    ['', []],
    ['module.pool', [{ name: 'pool', key: undefined }]],
    ['module.a["x.y"].module.b[3]', [{ name: 'a', key: 'x.y' }, { name: 'b', key: 3 }]],
  ])('%s', (text, steps) => {
    expect(parseModulePath(text)).toEqual(steps);
    expect(formatModulePath(steps)).toBe(text);
  });
  test('a path Terraform does not write is undefined', () => {
    expect(parseModulePath('pool.module')).toBeUndefined();
  });
});
