// JSON Merge Patch (RFC 7386): the RFC's appendix A table and section 3 example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';

// RFC 7386 appendix A: [original, patch, result].
const rfcCases: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

rfcCases.forEach(([original, patch, want], i) => {
  test(`merge patch: RFC 7386 appendix A case ${i + 1}`, () => {
    const before = JSON.stringify(original);
    assert.deepEqual(applyMergePatch(original, patch), want);
    assert.equal(JSON.stringify(original), before, 'the target is not changed');
  });
});

test('merge patch: RFC 7386 section 3 example', () => {
  const target = {
    title: 'Goodbye!',
    author: { givenName: 'John', familyName: 'Doe' },
    tags: ['example', 'sample'],
    content: 'This will be unchanged',
  };
  const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
  assert.deepEqual(applyMergePatch(target, patch), {
    title: 'Hello!',
    author: { givenName: 'John' },
    tags: ['example'],
    content: 'This will be unchanged',
    phoneNumber: '+01-123-456-7890',
  });
});

test('merge patch: kubectl patch --type=merge on a Deployment', () => {
  const deploy = { metadata: { name: 'web', labels: { app: 'web', tier: 'front' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } } };
  const out = applyMergePatch(deploy, { metadata: { labels: { tier: null } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'c' }] } } } });
  assert.deepEqual(out, { metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'c' }] } } } });
});

test('merge patch: the result shares no objects with its inputs', () => {
  const target = { a: { b: 1 }, keep: { k: [1] } };
  const patch = { c: { d: [1] } };
  const out = applyMergePatch(target, patch) as { a: { b: number }; keep: { k: number[] }; c: { d: number[] } };
  out.a.b = 2;
  out.keep.k.push(2);
  out.c.d.push(2);
  assert.deepEqual(target, { a: { b: 1 }, keep: { k: [1] } });
  assert.deepEqual(patch, { c: { d: [1] } });
});

test('merge patch: __proto__ in a patch is a plain key', () => {
  const patch = JSON.parse('{"__proto__":{"polluted":true}}') as unknown;
  const out = applyMergePatch({}, patch) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
