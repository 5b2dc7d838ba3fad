import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../client/types.js';
import { parseWaitFor, relaxedJsonPath, splitJsonPathInput } from './wait-conditions.js';

const pod = {
  metadata: { name: 'p', generation: 2 },
  status: { phase: 'Running', observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ ready: true }, { ready: false }] },
} as KubeObject;

test('splitJsonPathInput splits on single = and keeps ==', () => {
  assert.deepEqual(splitJsonPathInput('{.a}=b'), ['{.a}', 'b']);
  assert.deepEqual(splitJsonPathInput('{.a[?(@.x=="y")].b}=c'), ['{.a[?(@.x=="y")].b}', 'c']);
  assert.deepEqual(splitJsonPathInput('{.a}'), ['{.a}']);
});

test('relaxedJsonPath accepts the four spellings kubectl does', () => {
  for (const s of ['a.b', '.a.b', '{a.b}', '{.a.b}']) assert.equal(relaxedJsonPath(s), '{.a.b}');
  assert.throws(() => relaxedJsonPath('{a}{b}'), /unexpected path string/);
});

test('conditions and jsonpath checks decide as kubectl wait does', () => {
  const cases: Array<[string, KubeObject, boolean]> = [
    ['condition=Ready', pod, true],
    ['condition=ready', pod, true],
    ['condition=Ready=false', pod, false],
    ['condition=Ready=TRUE', pod, true],
    ['condition=Ready', { ...pod, metadata: { name: 'p', generation: 3 } }, false],
    ['condition=Foo', pod, false],
    ['jsonpath={.status.phase}=Running', pod, true],
    ['jsonpath=.status.phase=Pending', pod, false],
    ['jsonpath={.status.phase}', pod, true],
    ['jsonpath={.status.missing}', pod, false],
    ["jsonpath={.status.phase}='Running'", pod, true],
  ];
  for (const [text, obj, want] of cases) {
    const w = parseWaitFor(text);
    assert.equal(w.kind, 'check', text);
    if (w.kind === 'check') assert.equal(w.check(obj), want, text);
  }
});

test('bad --for values are refused with kubectl\'s words', () => {
  assert.deepEqual(parseWaitFor('Delete'), { kind: 'delete' });
  assert.deepEqual(parseWaitFor('create'), { kind: 'create' });
  assert.throws(() => parseWaitFor(''), /unrecognized condition: ""/);
  assert.throws(() => parseWaitFor('jsonpath={.a}='), /jsonpath wait has to have a value after equal sign/);
  const many = parseWaitFor('jsonpath={.status.containerStatuses[*].ready}=true');
  assert.ok(many.kind === 'check');
  if (many.kind === 'check') assert.throws(() => many.check(pod), /matches more than one value/);
  const nested = parseWaitFor('jsonpath={.status}=x');
  if (nested.kind === 'check') assert.throws(() => nested.check(pod), /nested object or list/);
});
