import { locateJsonError } from '../../../../lib/drift/read/json/locate-json-error';

describe('locateJsonError', () => {
  test.each([
    ['{"a": }', 6, 'expected a value'],
    ['{"a": 1', 7, 'unexpected end of input'],
    ['[1,2,,3]', 5, 'expected a value'],
    ['{"a":"x\u0001"}', 7, 'control character in string'],
    ['{"a" 1}', 5, "expected ':' after property name"],
    ['[1] x', 4, 'unexpected data after the end of the JSON value'],
    ['', 0, 'unexpected end of input'],
    ['{"a":tru}', 8, 'invalid literal (expected true)'],
    ['"\\q"', 2, 'invalid escape in string'],
    ['"\\u12G4"', 1, 'invalid \\u escape'],
    ['{"a":1,}', 7, 'expected a property name in double quotes'],
    ['[1}', 2, "expected ',' or ']'"],
  ])('%j fails at %d: %s', (text, offset, problem) => {
    expect(locateJsonError(text)).toEqual({ offset, problem });
  });

  test.each(['{}', '[]', '0', '-1.5e10', '"\\u00e9\\n"', '{"a":[1,{"b":null}],"c":true}', ' [ [ [ ] ] ] '])('%j is valid', (text) => {
    expect(locateJsonError(text)).toBeUndefined();
  });

  test('a deeply nested input does not overflow the stack', () => {
    expect(locateJsonError('['.repeat(100000))).toEqual({ offset: 100000, problem: 'unexpected end of input' });
  });
});
