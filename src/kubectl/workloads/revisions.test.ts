import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isImageReference } from './image-ref.js';
import { revisionTable, selectorString, semanticEqual } from './revisions.js';

test('selectorString writes a label selector as LabelSelectorAsSelector(...).String() does', () => {
  assert.equal(selectorString({ matchLabels: { b: '1', a: '2' } }), 'a=2,b=1');
  assert.equal(selectorString({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }, { key: 'a', operator: 'Exists' }] }), 'a,app=x,tier in (api,web)');
});

test('semanticEqual ignores key order and Go zero values, not real differences', () => {
  assert.ok(semanticEqual({ a: 1, b: { c: [] } }, { b: {}, a: 1, d: '' }));
  assert.ok(!semanticEqual({ a: 1 }, { a: 2 }));
});

test('revisionTable sorts revisions and pads like kubectl\'s tabwriter', () => {
  assert.equal(revisionTable([{ revision: 10, changeCause: '' }, { revision: 2, changeCause: 'kubectl set image' }]), 'REVISION  CHANGE-CAUSE\n2         kubectl set image\n10        <none>\n');
});

test('image references follow the distribution grammar', () => {
  for (const ok of ['nginx', 'nginx:1.27', 'docker.io/library/nginx:latest', 'localhost:5000/a/b', 'a@sha256:0123456789abcdef0123456789abcdef']) assert.ok(isImageReference(ok), ok);
  for (const bad of ['Bad Image', 'UPPER', 'nginx:', ':tag', 'a//b']) assert.ok(!isImageReference(bad), bad);
});
