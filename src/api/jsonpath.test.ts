// Kubernetes JSONPath templates: each case's expected output (or error) is what kubectl 1.32 printed
// for `kubectl get -o jsonpath=<template>` on this object, with and without
// --allow-missing-template-keys=false (a second expectation when the two differ).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonPath, JsonPathError } from './jsonpath.js';
import { fx } from './jsonpath/test-fixture.js';


type Expect = string | { error: string } | { parseError: string };

const cases: [string, Expect, Expect?][] = [
  ["{.spec.replicas}", "3"],
  ["{.spec.ratio} {.spec.big} {.spec.tiny} {.spec.mid}", "0.5 1e+21 1e-07 1.2345675e+06"],
  ["{.spec.enabled}{.spec.nothing}", "truenull"],
  ["{.spec.names}", "[\"a\",\"b\",\"c\",\"d\"]"],
  ["{.spec.names[*]}", "a b c d"],
  ["{.spec.names[0]}{.spec.names[-1]}", "ad"],
  ["{.spec.names[1:3]}", "b c"],
  ["{.spec.names[::2]}", "a c"],
  ["{.spec.names[-2:]}", "c d"],
  ["{.spec.names[0,2]}", "a c"],
  ["{.spec['names','replicas']}", "[\"a\",\"b\",\"c\",\"d\"] 3"],
  ["{.spec.labels}", "{\"a.b/c\":\"dot\",\"app\":\"web\",\"tier\":\"\\u003cfront\\u003e\\u0026\"}"],
  ["{.spec.labels.app}", "web"],
  ["{.spec.labels.a\\.b/c}", "dot"],
  ["{.spec.labels['a.b/c']}", "", { error: "a is not found" }],
  ["{.spec.empty}{.spec.emptymap}", "[]{}"],
  ["{.spec.conditions[?(@.type==\"Ready\")].status}", "True"],
  ["{.spec.conditions[?(@.type!='Ready')].type}", "Synced Old"],
  ["{.spec.conditions[?(@.status)].type}", "Ready Synced"],
  ["{.spec.conditions[?(@.n>1)].type}", "Synced Old"],
  ["{.spec.conditions[?(@.n<=2)].type}", "Ready Synced"],
  ["{.spec.conditions[?(@.n==2.0)].type}", { error: "incompatible types for comparison" }],
  ["{..b}", "x"],
  ["{.spec.nested[*][*]}", "1 2 {\"a\":1} {\"a\":2,\"b\":\"x\"}"],
  ["{.spec.nested[1][*].a}", "1 2"],
  ["{range .spec.conditions[*]}{.type}={.status}{\"\\n\"}{end}", "Ready=True\nSynced=False\nOld=\n", { error: "status is not found" }],
  ["{range .spec.nested[*]}[{range @[*]}<{@}>{end}]{end}", "[<1><2>][<{\"a\":1}><{\"a\":2,\"b\":\"x\"}>]"],
  ["{range .spec.empty[*]}x{end}done", "done"],
  ["{.kind}{'\\t'}{$.metadata.name}", "Thing\tfx"],
  ["{.spec.missing}", "", { error: "missing is not found" }],
  ["{.spec.names[4]}", { error: "array index out of bounds: index 4, length 4" }],
  ["{.spec.empty[0]}", { error: "array index out of bounds: index 0, length 0" }],
  ["{.spec.names[2:1]}", { error: "starting index 2 is greater than ending index 1" }],
  ["{.spec.names[0:4:0]}", { error: "step must be > 0" }],
  ["{.spec.replicas[0]}", { error: "int64 is not array or slice" }],
  ["{.spec.labels[?(@.x)]}", { error: "map[a.b/c:dot app:web tier:<front>&] is not array or slice and cannot be filtered" }],
  ["{end}", { error: "not in range, nothing to end" }],
  ["{.spec.names[0] foo}", { error: "unrecognized identifier foo" }],
  ["{.spec.text}", "multi\nline"],
  ["{.spec.labels.tier}", "<front>&"],
  ["plain text only", "plain text only"],
  ["{", { parseError: "unclosed action" }],
  ["{.spec.names[}", { parseError: "unterminated array" }],
  ["{.spec.names[a]}", { parseError: "invalid array index a" }],
  ["{.spec\t}", { parseError: "unrecognized character in action: U+0009" }],
  ["{.spec.conditions[?(@.type==\"Ready\"}", { parseError: "unterminated filter" }],
  ["{\"unterminated}", { parseError: "unterminated quoted string" }],
  ["{.spec.x == 1}", { parseError: "unrecognized character in action: U+003D '='" }],
  ["{.spec..names..x}", "", { error: "x is not found" }],
];

function run(template: string, allowMissingKeys: boolean): Expect {
  let path: JsonPath;
  try {
    path = new JsonPath(template, { allowMissingKeys });
  } catch (e) {
    assert.ok(e instanceof JsonPathError, String(e));
    return { parseError: e.message };
  }
  try {
    return path.execute(fx);
  } catch (e) {
    assert.ok(e instanceof JsonPathError, String(e));
    return { error: e.message };
  }
}

test('templates print what kubectl prints, with missing keys allowed and not', () => {
  for (const [template, allowed, strict] of cases) {
    assert.deepEqual(run(template, true), allowed, `${template} (missing keys allowed)`);
    assert.deepEqual(run(template, false), strict ?? allowed, `${template} (missing keys not allowed)`);
  }
});

test('findResults gives each action its own list, range bodies once per item', () => {
  const p = new JsonPath('x{.spec.names[0:2]}{range .spec.conditions[0:2]}{.n}{end}', { allowMissingKeys: true });
  assert.deepEqual(p.findResults(fx), [['x'], ['a', 'b'], [1], [2]]);
  assert.deepEqual(new JsonPath('{.spec.missing}', { allowMissingKeys: true }).findResults(fx), [[]]);
});

test('jsonpath-as-json prints each action as an indented JSON array', () => {
  const p = new JsonPath('{.spec.names[0:2]}{.metadata.name}', { outputJson: true });
  assert.equal(p.execute(fx), '[\n    "a",\n    "b"\n]\n[\n    "fx"\n]\n');
});

test('CRD printer column paths (wrapped in braces as the apiextensions server does)', () => {
  const cert = {
    spec: { secretName: 'web-tls', dnsNames: ['a.example.com', 'b.example.com'] },
    status: { conditions: [{ type: 'Issuing', status: 'False' }, { type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T11:00:00Z' }] },
  };
  const cases: [string, unknown[]][] = [
    ['.spec.secretName', ['web-tls']],
    ['.spec.dnsNames[-1]', ['b.example.com']],
    ['.spec.dnsNames.*', ['a.example.com', 'b.example.com']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    [".status.conditions[?(@.type == 'Issuing')].status", ['False']],
    ['.status.conditions[?(@.lastTransitionTime)].type', ['Ready']],
    ["['spec']['secretName']", ['web-tls']],
    ['$.spec.secretName', ['web-tls']],
    ['.spec.missing.deeper', []],
  ];
  for (const [path, want] of cases) assert.deepEqual(new JsonPath(`{${path}}`, { allowMissingKeys: true }).findResults(cert)[0], want, path);
});
