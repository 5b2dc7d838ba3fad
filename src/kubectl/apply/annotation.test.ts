// The last-applied annotation as kubectl writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appliedConfiguration, LAST_APPLIED, originalConfiguration, pruneNulls, withLastApplied } from './annotation.js';

test('annotation: sorted Go JSON with a newline, an empty annotations map kept, an old annotation dropped', () => {
  const manifest = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'default' }, data: { b: '<&>', a: null } };
  assert.equal(appliedConfiguration(manifest), '{"apiVersion":"v1","data":{"a":null,"b":"\\u003c\\u0026\\u003e"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"default"}}\n');
  const annotated = withLastApplied(manifest);
  assert.equal(originalConfiguration(annotated), appliedConfiguration(manifest));
  // Re-annotating is stable: the annotation never nests itself.
  assert.equal(originalConfiguration(withLastApplied(annotated)), appliedConfiguration(manifest));
  assert.deepEqual((manifest.metadata as Record<string, unknown>)['annotations'], undefined, 'input unchanged');
  assert.deepEqual(Object.keys((annotated['metadata'] as { annotations: object }).annotations), [LAST_APPLIED]);
});

test('annotation: pruneNulls drops null members at any depth, keeps nulls in lists', () => {
  assert.deepEqual(pruneNulls({ a: null, b: { c: null, d: 1 }, e: [null, { f: null }] }), { b: { d: 1 }, e: [null, {}] });
});
