// Go's printing of decoded JSON: the expectations are Go's own output (fmt, strconv, encoding/json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloatG, goJson, goNumber, goPrint, goQuote, goSyntax, goTypeName, isGoInt } from './gofmt.js';

test('floats print as strconv "g" with the shortest digits; integers as int64', () => {
  const cases: [number, string][] = [
    [0.5, '0.5'],
    [1e21, '1e+21'],
    [1e-7, '1e-07'],
    [1234567.5, '1.2345675e+06'],
    [123456.7, '123456.7'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5e-10, '-2.5e-10'],
    [1e100, '1e+100'],
  ];
  for (const [v, want] of cases) assert.equal(formatFloatG(v), want, String(v));
  assert.equal(goNumber(100000000), '100000000');
  assert.equal(goNumber(1e21), '1e+21');
  assert.ok(isGoInt(3) && !isGoInt(0.5) && !isGoInt(2 ** 64));
});

test('strconv.Quote escapes what Go does not print', () => {
  assert.equal(goQuote('a"b\\c\n\t\x01\x7f\u0085\u2028é😀'), '"a\\"b\\\\c\\n\\t\\x01\\x7f\\u0085\\u2028é😀"');
});

test('%v and %#v of maps, lists and nil', () => {
  const v = { b: [1, 'x', null], a: { c: true }, d: 2.5 };
  assert.equal(goPrint(v), 'map[a:map[c:true] b:[1 x <nil>] d:2.5]');
  assert.equal(goSyntax(v), 'map[string]interface {}{"a":map[string]interface {}{"c":true}, "b":[]interface {}{1, "x", interface {}(nil)}, "d":2.5}');
  assert.deepEqual([goTypeName('x'), goTypeName(1), goTypeName(1.5), goTypeName([]), goTypeName({}), goTypeName(true)], ['string', 'int64', 'float64', '[]interface {}', 'map[string]interface {}', 'bool']);
});

test('encoding/json: sorted keys, HTML-safe and control escapes, indent', () => {
  assert.equal(goJson({ z: '<a&b>', a: '\u2028\b\f\x00é', m: {}, l: [] }), '{"a":"\\u2028\\b\\f\\u0000é","l":[],"m":{},"z":"\\u003ca\\u0026b\\u003e"}');
  assert.equal(goJson({ a: [1, { b: null }] }, '  '), '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ]\n}');
  assert.equal(goJson([1e21, 1e-7, 0.5, 12345678901234]), '[1e+21,1e-7,0.5,12345678901234]');
});
