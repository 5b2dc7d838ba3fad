// Field selectors: parsing with escapes, canonical printing, matching over flat field sets, and
// upstream's error texts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldSelector, escapeFieldValue, parseFieldSelector, unescapeFieldValue, type Fields } from './field-selector.js';

const GOOD: Array<{ input: string; str: string; yes: Fields[]; no: Fields[] }> = [
  { input: '', str: '', yes: [{}, { a: 'b' }], no: [] },
  { input: ',', str: '', yes: [{}], no: [] },
  { input: 'metadata.name=web', str: 'metadata.name=web', yes: [{ 'metadata.name': 'web' }], no: [{ 'metadata.name': 'db' }, {}] },
  { input: 'metadata.name==web', str: 'metadata.name=web', yes: [{ 'metadata.name': 'web' }], no: [{}] },
  { input: 'status.phase!=Running', str: 'status.phase!=Running', yes: [{ 'status.phase': 'Pending' }, {}], no: [{ 'status.phase': 'Running' }] },
  { input: 'spec.nodeName=', str: 'spec.nodeName=', yes: [{ 'spec.nodeName': '' }, {}], no: [{ 'spec.nodeName': 'n1' }] },
  { input: 'b=1,a=2', str: 'a=2,b=1', yes: [{ a: '2', b: '1' }], no: [{ a: '2' }] },
  { input: 'a=1,,b=2,', str: 'a=1,b=2', yes: [{ a: '1', b: '2' }], no: [] },
  { input: 'a=x\\,y', str: 'a=x\\,y', yes: [{ a: 'x,y' }], no: [{ a: 'x' }] },
  { input: 'a=k\\=v', str: 'a=k\\=v', yes: [{ a: 'k=v' }], no: [] },
  { input: 'a=back\\\\slash', str: 'a=back\\\\slash', yes: [{ a: 'back\\slash' }], no: [] },
  { input: 'a!=x\\,y,b=1', str: 'a!=x\\,y,b=1', yes: [{ b: '1' }], no: [{ a: 'x,y', b: '1' }] },
  // No trimming: the space belongs to the field name and the value.
  { input: ' a = b', str: ' a = b', yes: [{ ' a ': ' b' }], no: [{ a: 'b' }] },
  { input: 'a=b c', str: 'a=b c', yes: [{ a: 'b c' }], no: [] },
  { input: 'a=b,a!=b', str: 'a!=b,a=b', yes: [], no: [{ a: 'b' }, {}] },
  { input: 'a=ünï', str: 'a=ünï', yes: [{ a: 'ünï' }], no: [] },
];

for (const c of GOOD) {
  test(`fieldSelector ${JSON.stringify(c.input)} parses to ${JSON.stringify(c.str)}`, () => {
    const r = parseFieldSelector(c.input);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.value.toString(), c.str);
    for (const f of c.yes) assert.equal(r.value.matches(f), true, JSON.stringify(f));
    for (const f of c.no) assert.equal(r.value.matches(f), false, JSON.stringify(f));
    const again = parseFieldSelector(c.str);
    assert.ok(again.ok);
    assert.equal(again.value.toString(), c.str);
  });
}

const BAD: Array<[string, string]> = [
  ['a', "invalid selector: 'a'; can't understand 'a'"],
  ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
  ['a=b,!c', "invalid selector: 'a=b,!c'; can't understand '!c'"],
  ['a=x\\y', 'invalid field selector: invalid escape sequence: \\y'],
  ['a=x\\', 'invalid field selector: invalid escape sequence: \\'],
  // Upstream prints the offending rune with %v, i.e. as its code point.
  ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ['a!==b', 'invalid field selector: unescaped character in value: 61'],
  ['a===b', 'invalid field selector: unescaped character in value: 61'],
];

for (const [input, message] of BAD) {
  test(`fieldSelector ${JSON.stringify(input)} fails like kube-apiserver`, () => {
    const r = parseFieldSelector(input);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.error, message);
  });
}

test('escape and unescape are inverse for any literal', () => {
  for (const s of ['', 'plain', 'a,b', 'k=v', '\\', '\\,=', 'x\\\\,,==y', 'ünï,=']) {
    const esc = escapeFieldValue(s);
    const back = unescapeFieldValue(esc);
    assert.ok(back.ok);
    assert.equal(back.value, s);
    const sel = parseFieldSelector(`f=${esc}`);
    assert.ok(sel.ok);
    assert.equal(sel.value.requiresExactMatch('f'), s);
  }
  assert.equal(escapeFieldValue('a\\b,c=d'), 'a\\\\b\\,c\\=d');
});

test('requiresExactMatch ignores != terms', () => {
  const r = parseFieldSelector('metadata.name=web,metadata.namespace!=kube-system');
  assert.ok(r.ok);
  assert.equal(r.value.requiresExactMatch('metadata.name'), 'web');
  assert.equal(r.value.requiresExactMatch('metadata.namespace'), undefined);
  assert.equal(FieldSelector.everything().isEmpty(), true);
  assert.equal(FieldSelector.fromSet({ b: '1', a: 'x,y' }).toString(), 'a=x\\,y,b=1');
});

test('transform renames fields, drops empty terms and stops at the first error', () => {
  const r = parseFieldSelector('old=1,keep!=2,drop=');
  assert.ok(r.ok);
  const t = r.value.transform((field, value) => {
    if (field === 'bad') return { ok: false, error: `no ${field}` };
    if (field === 'drop') return { ok: true, value: { field: '', value: '' } };
    return { ok: true, value: { field: field === 'old' ? 'new' : field, value } };
  });
  assert.ok(t.ok);
  assert.equal(t.value.toString(), 'keep!=2,new=1');
  const bad = parseFieldSelector('a=1,bad=2');
  assert.ok(bad.ok);
  assert.deepEqual(bad.value.transform((f) => (f === 'bad' ? { ok: false, error: 'no bad' } : { ok: true, value: { field: f, value: '' } })), { ok: false, error: 'no bad' });
});
