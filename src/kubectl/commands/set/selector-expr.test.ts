import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../client/types.js';
import { formatExpressions, parseSelectorExpression, setSelector, type ParsedSelector } from './selector-expr.js';

test('selector text becomes match labels and expressions, sorted by key, as ParseToLabelSelector builds them', () => {
  const cases: Array<[string, ParsedSelector]> = [
    ['app=web', { matchLabels: { app: 'web' }, matchExpressions: [] }],
    ['a==1,b=', { matchLabels: { a: '1', b: '' }, matchExpressions: [] }],
    ['a=1,a=2', { matchLabels: { a: '2' }, matchExpressions: [] }],
    ['', { matchLabels: {}, matchExpressions: [] }],
    [
      'b in (y,x,x),a notin (z),c,!d',
      {
        matchLabels: {},
        matchExpressions: [
          { key: 'a', operator: 'NotIn', values: ['z'] },
          { key: 'b', operator: 'In', values: ['x', 'y'] },
          { key: 'c', operator: 'Exists', values: [] },
          { key: 'd', operator: 'DoesNotExist', values: [] },
        ],
      },
    ],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseSelectorExpression(text), want, text);
});

test('selector text kubectl refuses is refused with its words', () => {
  // Messages as kubectl 1.32 prints them (after "error: ").
  const cases: Array<[string, string]> = [
    ['tier!=x', '"!=" is not a valid label selector operator'],
    ['a>1', `"gt" isn't supported in label selectors`],
    ['a<1', `"lt" isn't supported in label selectors`],
    // Requirements are visited sorted by key: the `a>1` comes before the `b!=x`.
    ['b!=x,a>1', `"gt" isn't supported in label selectors`],
    ['app in (a', `couldn't parse the selector string "app in (a": unable to parse requirement: found '', expected: ',' or ')'`],
    ['a=b=c', `couldn't parse the selector string "a=b=c": found '=', expected: ',' or 'end of string'`],
    [
      'a=-x',
      `couldn't parse the selector string "a=-x": unable to parse requirement: values[0][a]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
  ];
  for (const [text, want] of cases) assert.throws(() => parseSelectorExpression(text), { message: want }, text);
});

test('match expressions print as Go prints a slice of structs', () => {
  assert.equal(
    formatExpressions([
      { key: 'a', operator: 'NotIn', values: ['y', 'z'] },
      { key: 'c', operator: 'Exists', values: [] },
    ]),
    '[{a NotIn [y z]} {c Exists []}]',
  );
});

const service = (): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { old: 'x' }, ports: [] } }) as KubeObject;
const specOf = (o: KubeObject) => (o as { spec?: Record<string, unknown> }).spec;

test('a Service selector is replaced whole; an empty one is left out', () => {
  const s = service();
  setSelector(s, { matchLabels: { b: '2', a: '1' }, matchExpressions: [] });
  assert.deepEqual(specOf(s)?.['selector'], { a: '1', b: '2' });
  assert.deepEqual(Object.keys(specOf(s)?.['selector'] as object), ['a', 'b']);
  setSelector(s, { matchLabels: {}, matchExpressions: [] });
  assert.equal('selector' in (specOf(s) ?? {}), false);
});

test('other kinds and match expressions are refused', () => {
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } } as KubeObject;
  const exprs: ParsedSelector = { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] };
  assert.throws(() => setSelector(deploy, exprs), { message: 'setting a selector is only supported for Services' });
  assert.throws(() => setSelector(service(), exprs), { message: 'match expression [{app In [a b]}] not supported on this object' });
});
