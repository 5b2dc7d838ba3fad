// The string form of label selectors: what parses, what it matches, how it prints, and the exact
// error texts kube-apiserver returns for bad input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabelSelector } from './label-parser.js';
import type { Labels } from './label-selector.js';

const KEY_RE = "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'";
const NAME_MSG = `must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is ${KEY_RE})`;
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const PREFIX_MSG =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

interface Good {
  input: string;
  canonical: string;
  matches: Labels[];
  misses: Labels[];
}

const GOOD: Good[] = [
  { input: '', canonical: '', matches: [undefined, {}, { a: 'b' }], misses: [] },
  { input: '   ', canonical: '', matches: [{}], misses: [] },
  { input: 'x=a', canonical: 'x=a', matches: [{ x: 'a' }, { x: 'a', y: 'b' }], misses: [{ x: 'b' }, {}, undefined] },
  { input: 'x==a', canonical: 'x==a', matches: [{ x: 'a' }], misses: [{ x: 'A' }] },
  { input: 'x!=a', canonical: 'x!=a', matches: [{ x: 'b' }, {}, undefined], misses: [{ x: 'a' }] },
  { input: 'x in (a,b)', canonical: 'x in (a,b)', matches: [{ x: 'a' }, { x: 'b' }], misses: [{ x: 'c' }, {}] },
  { input: 'x in (b, a ,a)', canonical: 'x in (a,b)', matches: [{ x: 'a' }], misses: [{ x: ' a' }] },
  { input: 'x notin (a,b)', canonical: 'x notin (a,b)', matches: [{ x: 'c' }, {}], misses: [{ x: 'a' }] },
  { input: 'x', canonical: 'x', matches: [{ x: '' }, { x: 'v' }], misses: [{}, undefined, { y: 'x' }] },
  { input: '!x', canonical: '!x', matches: [{}, undefined, { y: '1' }], misses: [{ x: '' }] },
  { input: 'x=', canonical: 'x=', matches: [{ x: '' }], misses: [{}, { x: 'a' }] },
  { input: 'x in ()', canonical: 'x in ()', matches: [{ x: '' }], misses: [{}, { x: 'a' }] },
  { input: 'x in (,a)', canonical: 'x in (,a)', matches: [{ x: '' }, { x: 'a' }], misses: [{ x: 'b' }] },
  { input: 'x in (a,)', canonical: 'x in (,a)', matches: [{ x: '' }], misses: [] },
  { input: 'x in (a,,b)', canonical: 'x in (,a,b)', matches: [{ x: '' }, { x: 'b' }], misses: [] },
  { input: 'x>5', canonical: 'x>5', matches: [{ x: '6' }, { x: '100' }], misses: [{ x: '5' }, { x: 'a' }, {}] },
  { input: 'x<10', canonical: 'x<10', matches: [{ x: '9' }, { x: '-2' }, { x: '+3' }], misses: [{ x: '10' }, { x: '1e1' }] },
  { input: 'z=1,a=2', canonical: 'a=2,z=1', matches: [{ a: '2', z: '1' }], misses: [{ a: '2' }, { z: '1' }] },
  { input: ' z = 1 ,\ta\n!= 2 , b ', canonical: 'a!=2,b,z=1', matches: [{ z: '1', b: '' }], misses: [{ z: '1', b: '', a: '2' }] },
  { input: 'in in (in,notin)', canonical: 'in in (in,notin)', matches: [{ in: 'notin' }], misses: [{ in: 'x' }] },
  { input: 'notin=in', canonical: 'notin=in', matches: [{ notin: 'in' }], misses: [] },
  { input: 'app.kubernetes.io/name=web', canonical: 'app.kubernetes.io/name=web', matches: [{ 'app.kubernetes.io/name': 'web' }], misses: [{ name: 'web' }] },
  { input: 'a=b,a!=b', canonical: 'a=b,a!=b', matches: [], misses: [{ a: 'b' }, {}] },
  { input: 'a!=b,a=b', canonical: 'a!=b,a=b', matches: [], misses: [{ a: 'b' }] },
  { input: 'x=a.B_c-9', canonical: 'x=a.B_c-9', matches: [{ x: 'a.B_c-9' }], misses: [] },
  { input: `k=${'v'.repeat(63)}`, canonical: `k=${'v'.repeat(63)}`, matches: [{ k: 'v'.repeat(63) }], misses: [] },
  { input: `${'a'.repeat(253)}/${'n'.repeat(63)}`, canonical: `${'a'.repeat(253)}/${'n'.repeat(63)}`, matches: [{ [`${'a'.repeat(253)}/${'n'.repeat(63)}`]: '' }], misses: [] },
];

for (const c of GOOD) {
  test(`labelSelector ${JSON.stringify(c.input)} parses to ${JSON.stringify(c.canonical)}`, () => {
    const r = parseLabelSelector(c.input);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.value.toString(), c.canonical);
    for (const l of c.matches) assert.equal(r.value.matches(l), true, `should match ${JSON.stringify(l)}`);
    for (const l of c.misses) assert.equal(r.value.matches(l), false, `should not match ${JSON.stringify(l)}`);
    // The canonical form is a fixed point: it parses back to itself.
    const again = parseLabelSelector(c.canonical);
    assert.ok(again.ok);
    assert.equal(again.value.toString(), c.canonical);
  });
}

const BAD: Array<[string, string]> = [
  ['x=a b', "found 'b', expected: ',' or 'end of string'"],
  ['x=a,', "found '', expected: identifier after ','"],
  ['x,,y', "found ',', expected: identifier after ','"],
  [',x', "found ',', expected: !, identifier, or 'end of string'"],
  ['=a', "found '=', expected: !, identifier, or 'end of string'"],
  ['(x)', "found '(', expected: !, identifier, or 'end of string'"],
  ['!x=a', "found '=', expected: ',' or 'end of string'"],
  ['!', "unable to parse requirement: found '', expected: identifier"],
  ['!!x', "unable to parse requirement: found '!', expected: identifier"],
  ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
  ['x (a)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
  ['x in a', "unable to parse requirement: found 'a' expected: '('"],
  ['x in', "unable to parse requirement: found '' expected: '('"],
  ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
  ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
  ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
  ['x in (a,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
  ['x=(', "unable to parse requirement: found '(', expected: identifier"],
  ['x==!=', "unable to parse requirement: found '!=', expected: identifier"],
  ['a/b/c=d', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
  ['-x', `unable to parse requirement: <nil>: Invalid value: "-x": name part ${NAME_MSG}`],
  ['/x', 'unable to parse requirement: <nil>: Invalid value: "/x": prefix part must be non-empty'],
  ['x/', `unable to parse requirement: <nil>: Invalid value: "x/": name part must be non-empty; name part ${NAME_MSG}`],
  ['Example.com/x', `unable to parse requirement: <nil>: Invalid value: "Example.com/x": ${PREFIX_MSG}`],
  [`${'k'.repeat(64)}`, `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`],
  ['x=-a', `unable to parse requirement: values[0][x]: Invalid value: "-a": ${VALUE_MSG}`],
  // Values are sorted before validation, so the index is the sorted position ("b@d" < "ok").
  ['x in (ok,b@d)', `unable to parse requirement: values[0][x]: Invalid value: "b@d": ${VALUE_MSG}`],
  [`x=${'v'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
  ['x<1.5', `unable to parse requirement: values[0]: Invalid value: "1.5": for 'Gt', 'Lt' operators, the value must be an integer`],
  // A negative bound is an integer but not a label value, so upstream rejects `x<-1` too.
  ['x<-1', `unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_MSG}`],
  ['x>-a', `unable to parse requirement: [values[0]: Invalid value: "-a": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "-a": ${VALUE_MSG}]`],
  ['x>99999999999999999999', `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`],
];

for (const [input, message] of BAD) {
  test(`labelSelector ${JSON.stringify(input)} fails like kube-apiserver`, () => {
    const r = parseLabelSelector(input);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.error, message);
  });
}

test('the selector pins a key only through =, == or a single-value in', () => {
  const r = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5,e');
  assert.ok(r.ok);
  assert.equal(r.value.requiresExactMatch('a'), '1');
  assert.equal(r.value.requiresExactMatch('b'), '2');
  assert.equal(r.value.requiresExactMatch('c'), undefined);
  assert.equal(r.value.requiresExactMatch('d'), undefined);
  assert.equal(r.value.requiresExactMatch('e'), undefined);
  assert.equal(r.value.requiresExactMatch('zz'), undefined);
});

test('labels inherited from Object.prototype are not labels', () => {
  const r = parseLabelSelector('constructor');
  assert.ok(r.ok);
  assert.equal(r.value.matches({}), false);
  const neg = parseLabelSelector('toString!=x');
  assert.ok(neg.ok);
  assert.equal(neg.value.matches({}), true);
});
