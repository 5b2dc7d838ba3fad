import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderExplain, truthy, wrap } from './render.js';

const wraps: Array<[string, number, string]> = [
  ['aaa bbb ccc', 7, 'aaa bbb\nccc'],
  ['aaa bbb ccc', 8, 'aaa bbb\nccc'],
  ['averyveryverylongword x', 5, 'averyveryverylongword\nx'],
  ['one\ntwo three', 7, 'one\ntwo\nthree'],
  ['trailing   ', 8, 'trailing'],
  ['a  b', 80, 'a  b'],
  ['ünïcödé wörds', 7, 'ünïcödé\nwörds'],
];

for (const [input, limit, want] of wraps) {
  test(`wrap(${limit}, ${JSON.stringify(input)}) as go-wordwrap`, () => assert.equal(wrap(limit, input), want));
}

test('Go template truthiness', () => {
  for (const v of [undefined, null, false, 0, '', [], {}]) assert.equal(truthy(v), false, JSON.stringify(v));
  for (const v of [true, 1, 'x', [0], { a: 1 }]) assert.equal(truthy(v), true, JSON.stringify(v));
});

const GVK = { group: 'example.com', kind: 'Widget', version: 'v1' };
const DOC = {
  paths: {
    '/apis/example.com/v1/namespaces/{namespace}/widgets/{name}': { get: { 'x-kubernetes-group-version-kind': GVK } },
  },
  components: {
    schemas: {
      'com.example.v1.Widget': {
        description: 'A widget.',
        type: 'object',
        required: ['spec'],
        'x-kubernetes-group-version-kind': [GVK],
        properties: {
          spec: { allOf: [{ $ref: '#/components/schemas/com.example.v1.Spec' }], description: 'The spec.' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
      'com.example.v1.Spec': {
        description: 'Spec of a widget.',
        type: 'object',
        properties: {
          mode: { type: 'string', description: 'How.', enum: ['', 'A', 'B', 'C', 'D', 'E'] },
          child: { $ref: '#/components/schemas/com.example.v1.Spec' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
};
const GVR = { group: 'example.com', version: 'v1', resource: 'widgets' };

test('explain of a resource: header, description, fields with types, -required-', () => {
  const r = renderExplain(DOC, GVR, [], false);
  assert.equal(r.error, undefined);
  assert.equal(
    r.header + (r.body ?? ''),
    'GROUP:      example.com\nKIND:       Widget\nVERSION:    v1\n\nDESCRIPTION:\n    A widget.\n    \nFIELDS:\n  spec\t<Spec> -required-\n    The spec.\n\n  tags\t<[]string>\n    <no description>\n\n\n',
  );
});

test('explain of a field: FIELD line, ENUM in full, enum cut at four in the list, map types, cycles stop --recursive', () => {
  const field = renderExplain(DOC, GVR, ['spec', 'mode'], false);
  assert.equal(field.body, 'FIELD: mode <string>\nENUM:\n    ""\n    A\n    B\n    C\n    D\n    E\n\nDESCRIPTION:\n    How.\n    \n\n');
  const rec = renderExplain(DOC, GVR, ['spec'], true);
  assert.equal(
    rec.body,
    // child is a Spec inside Spec: the $ref was seen on the way down, so its fields are not listed again.
    'FIELD: spec <Spec>\n\n\nDESCRIPTION:\n    The spec.\n    Spec of a widget.\n    \nFIELDS:\n  child\t<Spec>\n  labels\t<map[string]string>\n  mode\t<string>\n  enum: "", A, B, C, ....\n\n',
  );
});

test('explain errors: a missing field (after the header), an unknown resource', () => {
  const missing = renderExplain(DOC, GVR, ['spec', 'nope'], false);
  assert.equal(missing.header, 'GROUP:      example.com\nKIND:       Widget\nVERSION:    v1\n\n');
  assert.equal(missing.error?.message, 'field "nope" does not exist');
  const gone = renderExplain(DOC, { ...GVR, resource: 'gadgets' }, [], false);
  assert.equal(gone.header, '');
  assert.equal(gone.error?.message, 'GVR (example.com/v1, Resource=gadgets) not found in OpenAPI schema');
});
