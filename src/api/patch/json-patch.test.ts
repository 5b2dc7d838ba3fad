// JSON Patch (RFC 6902): the RFC's appendix A examples, JSON Pointer escapes, Kubernetes-style
// operations, atomicity and the error codes the API server maps to HTTP statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPatchError, type PatchErrorCode } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { arrayIndex, formatPointer, parsePointer } from './pointer.js';

interface OkCase {
  name: string;
  doc: unknown;
  patch: unknown;
  want: unknown;
}

interface ErrCase {
  name: string;
  doc: unknown;
  patch: unknown;
  code: PatchErrorCode;
  message: RegExp;
}

// RFC 6902 appendix A, in the RFC's own numbering (A.13, a duplicate-key document, cannot be
// expressed once JSON is parsed).
const rfcOk: OkCase[] = [
  { name: 'A.1 add an object member', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz', value: 'qux' }], want: { baz: 'qux', foo: 'bar' } },
  { name: 'A.2 add an array element', doc: { foo: ['bar', 'baz'] }, patch: [{ op: 'add', path: '/foo/1', value: 'qux' }], want: { foo: ['bar', 'qux', 'baz'] } },
  { name: 'A.3 remove an object member', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'remove', path: '/baz' }], want: { foo: 'bar' } },
  { name: 'A.4 remove an array element', doc: { foo: ['bar', 'qux', 'baz'] }, patch: [{ op: 'remove', path: '/foo/1' }], want: { foo: ['bar', 'baz'] } },
  { name: 'A.5 replace a value', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'replace', path: '/baz', value: 'boo' }], want: { baz: 'boo', foo: 'bar' } },
  {
    name: 'A.6 move a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  {
    name: 'A.7 move an array element',
    doc: { foo: ['all', 'grass', 'cows', 'eat'] },
    patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    want: { foo: ['all', 'cows', 'eat', 'grass'] },
  },
  {
    name: 'A.8 test a value: success',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  {
    name: 'A.10 add a nested member object',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    want: { foo: 'bar', child: { grandchild: {} } },
  },
  {
    name: 'A.11 ignore unrecognized elements',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
    want: { foo: 'bar', baz: 'qux' },
  },
  { name: 'A.14 ~ escape ordering', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: 10 }], want: { '/': 9, '~1': 10 } },
  {
    name: 'A.16 add an array value',
    doc: { foo: ['bar'] },
    patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    want: { foo: ['bar', ['abc', 'def']] },
  },
];

const moreOk: OkCase[] = [
  {
    name: 'kubectl patch --type=json replace /spec/replicas',
    doc: { kind: 'Deployment', spec: { replicas: 1, paused: false } },
    patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    want: { kind: 'Deployment', spec: { replicas: 3, paused: false } },
  },
  {
    name: 'add a label whose key needs ~1 escaping',
    doc: { metadata: { labels: { app: 'web' } } },
    patch: [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' }],
    want: { metadata: { labels: { app: 'web', 'app.kubernetes.io/name': 'web' } } },
  },
  {
    name: 'add replaces an existing member',
    doc: { a: 1 },
    patch: [{ op: 'add', path: '/a', value: 2 }],
    want: { a: 2 },
  },
  {
    name: 'add at the end index of an array appends',
    doc: { a: [1, 2] },
    patch: [{ op: 'add', path: '/a/2', value: 3 }],
    want: { a: [1, 2, 3] },
  },
  { name: 'replace the whole document', doc: { a: 1 }, patch: [{ op: 'replace', path: '', value: { b: 2 } }], want: { b: 2 } },
  { name: 'add the whole document', doc: { a: 1 }, patch: [{ op: 'add', path: '', value: [1] }], want: [1] },
  {
    name: 'copy deep-copies the value',
    doc: { a: { b: [1] } },
    patch: [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'add', path: '/c/b/-', value: 2 },
    ],
    want: { a: { b: [1] }, c: { b: [1, 2] } },
  },
  {
    name: 'move to the same path is a no-op',
    doc: { a: 1 },
    patch: [{ op: 'move', from: '/a', path: '/a' }],
    want: { a: 1 },
  },
  {
    name: 'test compares objects regardless of key order',
    doc: { a: { x: 1, y: [1, { z: null }] } },
    patch: [{ op: 'test', path: '/a', value: { y: [1, { z: null }], x: 1 } }],
    want: { a: { x: 1, y: [1, { z: null }] } },
  },
  {
    name: 'operations apply in order',
    doc: { list: [] },
    patch: [
      { op: 'add', path: '/list/-', value: 'a' },
      { op: 'add', path: '/list/0', value: 'b' },
      { op: 'remove', path: '/list/1' },
    ],
    want: { list: ['b'] },
  },
  { name: 'an empty patch changes nothing', doc: { a: 1 }, patch: [], want: { a: 1 } },
  {
    name: '__proto__ is an ordinary member',
    doc: {},
    patch: [{ op: 'add', path: '/__proto__', value: { polluted: true } }],
    want: JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  },
];

const errCases: ErrCase[] = [
  { name: 'A.9 test a value: error', doc: { baz: 'qux' }, patch: [{ op: 'test', path: '/baz', value: 'bar' }], code: 'Invalid', message: /testing value \/baz failed/ },
  { name: 'A.12 add to a nonexistent target', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }], code: 'Invalid', message: /add operation does not apply: doc is missing path: \/baz\/bat/ },
  { name: 'A.15 compare strings and numbers', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: '10' }], code: 'Invalid', message: /testing value/ },
  { name: 'the patch is not an array', doc: {}, patch: { op: 'add' }, code: 'BadRequest', message: /cannot unmarshal object/ },
  { name: 'an operation is not an object', doc: {}, patch: ['add'], code: 'BadRequest', message: /cannot unmarshal string/ },
  { name: 'unknown op', doc: {}, patch: [{ op: 'frobnicate', path: '/a' }], code: 'Invalid', message: /Unexpected kind: frobnicate/ },
  { name: 'missing op', doc: {}, patch: [{ path: '/a' }], code: 'Invalid', message: /Unexpected kind/ },
  { name: 'path is not a string', doc: {}, patch: [{ op: 'add', path: 3, value: 1 }], code: 'Invalid', message: /missing a string "path"/ },
  { name: 'add without value', doc: {}, patch: [{ op: 'add', path: '/a' }], code: 'Invalid', message: /missing "value"/ },
  { name: 'pointer without leading slash', doc: { a: 1 }, patch: [{ op: 'remove', path: 'a' }], code: 'Invalid', message: /invalid JSON pointer/ },
  { name: 'bad ~ escape', doc: { a: 1 }, patch: [{ op: 'remove', path: '/a~2' }], code: 'Invalid', message: /"~" must be followed/ },
  { name: 'remove a missing member', doc: { a: 1 }, patch: [{ op: 'remove', path: '/b' }], code: 'Invalid', message: /nonexistent key: b/ },
  { name: 'replace a missing member', doc: { a: 1 }, patch: [{ op: 'replace', path: '/b', value: 1 }], code: 'Invalid', message: /doc is missing key: \/b/ },
  { name: 'add past the end of an array', doc: { a: [1] }, patch: [{ op: 'add', path: '/a/2', value: 1 }], code: 'Invalid', message: /invalid index/ },
  { name: 'index with a leading zero', doc: { a: [1, 2] }, patch: [{ op: 'remove', path: '/a/01' }], code: 'Invalid', message: /invalid index/ },
  { name: 'remove with "-"', doc: { a: [1] }, patch: [{ op: 'remove', path: '/a/-' }], code: 'Invalid', message: /invalid index/ },
  { name: 'replace past the end', doc: { a: [1] }, patch: [{ op: 'replace', path: '/a/1', value: 2 }], code: 'Invalid', message: /invalid index/ },
  { name: 'descend into a scalar', doc: { a: 1 }, patch: [{ op: 'add', path: '/a/b', value: 2 }], code: 'Invalid', message: /missing path/ },
  { name: 'move into its own child', doc: { a: { b: {} } }, patch: [{ op: 'move', from: '/a', path: '/a/b/c' }], code: 'Invalid', message: /is a prefix of/ },
  { name: 'move from a missing path', doc: {}, patch: [{ op: 'move', from: '/x', path: '/y' }], code: 'Invalid', message: /missing from path: \/x/ },
  { name: 'copy from a missing path', doc: {}, patch: [{ op: 'copy', from: '/x', path: '/y' }], code: 'Invalid', message: /missing from path: \/x/ },
  { name: 'remove the whole document', doc: {}, patch: [{ op: 'remove', path: '' }], code: 'Invalid', message: /whole document/ },
  { name: 'test a missing path', doc: {}, patch: [{ op: 'test', path: '/x', value: null }], code: 'Invalid', message: /testing value \/x failed/ },
];

for (const c of [...rfcOk, ...moreOk]) {
  test(`json patch: ${c.name}`, () => {
    const before = JSON.stringify(c.doc);
    const patchBefore = JSON.stringify(c.patch);
    assert.deepEqual(applyJsonPatch(c.doc, c.patch), c.want);
    assert.equal(JSON.stringify(c.doc), before, 'the document is not changed');
    assert.equal(JSON.stringify(c.patch), patchBefore, 'the patch is not changed');
  });
}

for (const c of errCases) {
  test(`json patch error: ${c.name}`, () => {
    assert.throws(
      () => applyJsonPatch(c.doc, c.patch),
      (e: unknown) => isPatchError(e, c.code) && c.message.test(e.message),
    );
  });
}

test('json patch: a failing operation leaves the input untouched (atomic)', () => {
  const doc = { a: [1, 2], b: { c: 1 } };
  assert.throws(() =>
    applyJsonPatch(doc, [
      { op: 'remove', path: '/a/0' },
      { op: 'add', path: '/b/c', value: 2 },
      { op: 'test', path: '/a/0', value: 99 },
    ]),
  );
  assert.deepEqual(doc, { a: [1, 2], b: { c: 1 } });
});

test('json patch: the result shares no objects with the patch', () => {
  const value = { x: [1] };
  const out = applyJsonPatch({}, [{ op: 'add', path: '/v', value }]) as { v: { x: number[] } };
  out.v.x.push(2);
  assert.deepEqual(value, { x: [1] });
});

test('json patch: __proto__ does not change prototypes', () => {
  const out = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('JSON pointers parse and format', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['/', ['']],
    ['/a/b', ['a', 'b']],
    ['/a~1b', ['a/b']],
    ['/m~0n', ['m~n']],
    ['/~01', ['~1']],
    ['/ ', [' ']],
  ];
  for (const [pointer, tokens] of cases) {
    assert.deepEqual(parsePointer(pointer), tokens, pointer);
    assert.equal(formatPointer(tokens), pointer);
  }
  const indices: [string, number | undefined][] = [['0', 0], ['10', 10], ['01', undefined], ['-', undefined], ['-1', undefined], ['1e2', undefined], ['', undefined]];
  for (const [token, want] of indices) assert.equal(arrayIndex(token), want, token);
});
