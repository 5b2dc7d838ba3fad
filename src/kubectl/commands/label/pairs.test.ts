import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregateCliError } from '../../errors.js';
import { applyChanges, checkAnnotationConflicts, createMergePatch, parseAnnotationChanges, parseLabelChanges, splitResourcesAndPairs } from './pairs.js';

test('arguments split into resources, then changes', () => {
  assert.deepEqual(splitResourcesAndPairs(['pod', 'x', 'a=b', 'c-'], 'label'), { resources: ['pod', 'x'], pairs: ['a=b', 'c-'] });
  assert.deepEqual(splitResourcesAndPairs(['pod', '=x', '-', 'a=1'], 'annotation'), { resources: ['pod', '=x', '-'], pairs: ['a=1'] });
  assert.throws(() => splitResourcesAndPairs(['pod', 'x', 'a=b', 'c'], 'label'), /all resources must be specified before label changes: c/);
});

test('label changes: one "=", valid values, no set-and-remove', () => {
  const c = parseLabelChanges(['a=1', 'b-']);
  assert.deepEqual([...c.set], [['a', '1']]);
  assert.deepEqual(c.remove, ['b']);
  assert.throws(() => parseLabelChanges(['a=b=c']), /^Error: invalid label spec: a=b=c$|invalid label spec: a=b=c/);
  assert.throws(() => parseLabelChanges(['a=b c']), /invalid label value: "a=b c": a valid label must be an empty string/);
  assert.throws(() => parseLabelChanges(['a=1', 'a-']), /can not both modify and remove a label in the same command/);
});

test('annotation changes: the value may hold "=", conflicts are listed', () => {
  const c = parseAnnotationChanges(['a=b=c', 'd=', 'e-']);
  assert.deepEqual([...c.set], [['a', 'b=c'], ['d', '']]);
  assert.deepEqual(c.remove, ['e']);
  assert.throws(() => checkAnnotationConflicts(parseAnnotationChanges(['a=1', 'a-', 'b=2', 'b-'])), /following annotation\(s\) in the same command: a, b/);
});

test('--overwrite=false refuses to change an existing value', () => {
  const cur = { app: 'web', x: '1' };
  assert.deepEqual(applyChanges('label', cur, parseLabelChanges(['app=web', 'new=1', 'x-']), false), { app: 'web', new: '1' });
  assert.throws(() => applyChanges('label', cur, parseLabelChanges(['app=db']), false), /'app' already has a value \(web\), and --overwrite is false/);
  assert.throws(() => applyChanges('label', cur, parseLabelChanges(['app=db', 'x=2']), false), (e) => e instanceof AggregateCliError && e.errors.length === 2);
  assert.deepEqual(applyChanges('label', cur, parseLabelChanges(['app=db']), true), { app: 'db', x: '1' });
  assert.throws(
    () => applyChanges('annotate', { b: '2', a: '1' }, parseAnnotationChanges(['a=3', 'b=4']), false),
    /--overwrite is false but found the following declared annotation\(s\): 'a' already has a value \(1\); 'b' already has a value \(2\)/,
  );
  assert.deepEqual(applyChanges('annotate', { 'kubernetes.io/change-cause': 'x' }, parseAnnotationChanges(['kubernetes.io/change-cause=y']), false), { 'kubernetes.io/change-cause': 'y' });
});

test('merge patch between two objects', () => {
  const cases: Array<[Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
    [{ metadata: { name: 'x', labels: { a: '1', b: '2' } } }, { metadata: { name: 'x', labels: { a: '1', c: '3' } } }, { metadata: { labels: { b: null, c: '3' } } }],
    [{ metadata: { name: 'x' } }, { metadata: { name: 'x', labels: {} } }, { metadata: { labels: {} } }],
    [{ metadata: { name: 'x' }, spec: { list: [1] } }, { metadata: { name: 'x' }, spec: { list: [1] } }, {}],
    [{ metadata: { resourceVersion: '5' } }, { metadata: { resourceVersion: '5' } }, {}],
    [{ metadata: {} }, { metadata: { resourceVersion: '7' } }, { metadata: { resourceVersion: '7' } }],
  ];
  for (const [a, b, want] of cases) assert.deepEqual(createMergePatch(a, b), want);
});
