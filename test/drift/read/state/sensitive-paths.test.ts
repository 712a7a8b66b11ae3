import { isSensitivePath, projectSensitivePaths, sensitivePathsFromMirror, sensitivePathsFromState, WHOLE_OBJECT } from '../../../../lib/drift/read/state/sensitive-paths';

describe('sensitivePathsFromState (state v4 sensitive_attributes)', () => {
  test.each([
    ['absent', undefined, []],
    ['empty', [], []],
    ['one attribute', [[{ type: 'get_attr', value: 'password' }]], [['password']]],
    [
      'a map key and a list index',
      [
        [
          { type: 'get_attr', value: 'tags' },
          { type: 'index', value: { value: 'secret', type: 'string' } },
        ],
        [
          { type: 'get_attr', value: 'disks' },
          { type: 'index', value: { value: 0, type: 'number' } },
          { type: 'get_attr', value: 'key' },
        ],
      ],
      [
        ['tags', 'secret'],
        ['disks', 0, 'key'],
      ],
    ],
    ['an index of unknown shape stops at the collection', [[{ type: 'get_attr', value: 'tags' }, { type: 'index', value: { value: [1], type: ['list', 'number'] } }]], [['tags']]],
    ['an unknown step type marks everything', [[{ type: 'splat' }]], [WHOLE_OBJECT]],
    ['not a list of paths marks everything', 'password', [WHOLE_OBJECT]],
    ['a mirror object (a future format) is read as a mirror', { password: true }, [['password']]],
  ])('%s', (_name, raw, expected) => {
    expect(sensitivePathsFromState(raw)).toEqual(expected);
  });
});

describe('sensitivePathsFromMirror (show -json sensitive_values)', () => {
  test.each([
    ['false', false, []],
    ['true: everything', true, [WHOLE_OBJECT]],
    ['nested', { user_data: true, tags: { token: true, name: false }, disks: [{}, { key: true }] }, [['user_data'], ['tags', 'token'], ['disks', 1, 'key']]],
  ])('%s', (_name, mirror, expected) => {
    expect(sensitivePathsFromMirror(mirror)).toEqual(expected);
  });
});

describe('isSensitivePath', () => {
  const paths = [['tags', 'token'], ['password']];
  test.each([
    [['password'], true],
    [['password', 'x'], true],
    [['tags'], true],
    [['tags', 'token'], true],
    [['tags', 'name'], false],
    [['cidr_block'], false],
  ])('%j → %s', (path, expected) => {
    expect(isSensitivePath(paths, path)).toBe(expected);
  });
  test('the whole-object mark covers every path', () => {
    expect(isSensitivePath([WHOLE_OBJECT], ['cidr_block'])).toBe(true);
  });
  test('projection keeps paths of kept attributes and the whole-object mark', () => {
    expect(projectSensitivePaths([['ingress', 0], ['user_data'], WHOLE_OBJECT], ['ingress'])).toEqual([['ingress', 0], WHOLE_OBJECT]);
  });
});
