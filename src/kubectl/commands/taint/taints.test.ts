import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyPresent, conflicts, isTaintArg, parseTaints, reorganize, type Taint } from './taints.js';

// Messages are those kubectl 1.32 printed for the same arguments.
const QN_ERR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const bad: Array<[string[], string]> = [
  [['a=b:Bad'], 'invalid taint effect: Bad, unsupported taint effect'],
  [['a=b'], `invalid taint spec: a=b, ${QN_ERR}`],
  [['a=b=c:NoSchedule'], 'invalid taint spec: a=b=c:NoSchedule'],
  [['a:b:c'], 'invalid taint spec: a:b:c'],
  [
    ['a=-b:NoSchedule'],
    "invalid taint spec: a=-b:NoSchedule, a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ],
  [['a:NoSchedule', 'a=c:NoSchedule'], 'duplicated taints with the same key and effect: {a c NoSchedule <nil>}'],
  [['k'], 'invalid taint spec: k'],
];

for (const [args, message] of bad) {
  test(`taint: ${args.join(' ')} is refused`, () => {
    assert.throws(() => parseTaints(args), { message });
  });
}

test('taint: additions and removals are told apart', () => {
  assert.deepEqual(parseTaints(['dedicated=special:NoSchedule', 'a:NoExecute', 'b-', 'c:PreferNoSchedule-']), {
    add: [
      { key: 'dedicated', value: 'special', effect: 'NoSchedule' },
      { key: 'a', value: '', effect: 'NoExecute' },
    ],
    remove: [
      { key: 'b', effect: '' },
      { key: 'c', effect: 'PreferNoSchedule' },
    ],
  });
  assert.deepEqual(
    ['node', 'n1', 'k=v:NoSchedule', 'k-', 'k:X'].map(isTaintArg),
    [false, false, true, true, true],
  );
});

test('taint: conflicting changes are named key=effect', () => {
  const { add, remove } = parseTaints(['a:NoSchedule', 'a-', 'b:NoSchedule', 'b:NoSchedule-', 'c:NoSchedule', 'c:NoExecute-']);
  assert.deepEqual(conflicts(add, remove), ['a=', 'b=NoSchedule']);
});

const t = (key: string, effect: string, value?: string): Taint => ({ key, effect, ...(value !== undefined ? { value } : {}) });

const cases: Array<{ name: string; existing: Taint[]; args: string[]; overwrite?: boolean; want: { operation: string; taints: Taint[]; errors: string[] } }> = [
  {
    name: 'adding puts new taints first',
    existing: [t('x', 'NoSchedule')],
    args: ['a=1:NoExecute'],
    want: { operation: 'tainted', taints: [t('a', 'NoExecute', '1'), t('x', 'NoSchedule')], errors: [] },
  },
  {
    name: 'removing by key drops every effect',
    existing: [t('a', 'NoSchedule'), t('a', 'NoExecute'), t('b', 'NoSchedule')],
    args: ['a-'],
    want: { operation: 'untainted', taints: [t('b', 'NoSchedule')], errors: [] },
  },
  {
    name: 'removing by key and effect drops only that one',
    existing: [t('a', 'NoSchedule'), t('a', 'NoExecute')],
    args: ['a:NoExecute-'],
    want: { operation: 'untainted', taints: [t('a', 'NoSchedule')], errors: [] },
  },
  {
    name: 'adding and removing together is modified',
    existing: [t('b', 'PreferNoSchedule', 'c')],
    args: ['b:PreferNoSchedule-', 'x=y:NoSchedule'],
    want: { operation: 'modified', taints: [t('x', 'NoSchedule', 'y')], errors: [] },
  },
  {
    name: 'overwrite replaces the value and is modified',
    existing: [t('dedicated', 'NoSchedule', 'special')],
    args: ['dedicated=other:NoSchedule'],
    overwrite: true,
    want: { operation: 'modified', taints: [t('dedicated', 'NoSchedule', 'other')], errors: [] },
  },
  {
    name: 'a removal that matches nothing is an error',
    existing: [t('a', 'NoSchedule')],
    args: ['b:NoSchedule-'],
    want: { operation: 'untainted', taints: [t('a', 'NoSchedule')], errors: ['taint "b:NoSchedule" not found'] },
  },
];

for (const c of cases) {
  test(`taint: ${c.name}`, () => {
    const { add, remove } = parseTaints(c.args);
    const got = reorganize(c.existing, c.overwrite ?? false, add, remove);
    const strip = (x: Taint) => ({ key: x.key, effect: x.effect, ...(x.value ? { value: x.value } : {}) });
    assert.deepEqual({ ...got, taints: got.taints.map(strip) }, { ...c.want, taints: c.want.taints.map(strip) });
  });
}

test('taint: already present lists the keys with the same effect', () => {
  const { add } = parseTaints(['a:NoSchedule', 'b:NoSchedule', 'c:NoExecute']);
  assert.equal(alreadyPresent([t('a', 'NoSchedule'), t('c', 'NoSchedule'), t('b', 'NoSchedule')], add), 'a,b');
  assert.equal(alreadyPresent([], add), '');
});
