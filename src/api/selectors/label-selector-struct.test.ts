// metav1.LabelSelector: null vs {} semantics, conversion to the matcher and its canonical string,
// conversion errors, and API validation messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabelSelector, newRequirement } from './label-selector.js';
import { labelSelectorFromSpec, validateLabelSelectorSpec, type LabelSelectorSpec } from './label-selector-struct.js';

const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('a null selector matches nothing, an empty one everything', () => {
  for (const spec of [null, undefined]) {
    const r = labelSelectorFromSpec(spec);
    assert.ok(r.ok);
    assert.equal(r.value.matches({}), false);
    assert.equal(r.value.matches({ a: 'b' }), false);
    assert.equal(r.value.matchesNothing, true);
    assert.equal(r.value.isEmpty(), false);
    assert.equal(r.value.toString(), '');
  }
  for (const spec of [{}, { matchLabels: {} }, { matchExpressions: [] }, { matchLabels: null, matchExpressions: null }] as LabelSelectorSpec[]) {
    const r = labelSelectorFromSpec(spec);
    assert.ok(r.ok);
    assert.equal(r.value.matches(undefined), true);
    assert.equal(r.value.matches({ a: 'b' }), true);
    assert.equal(r.value.isEmpty(), true);
    assert.equal(r.value.toString(), '');
  }
  // Adding to "nothing" stays nothing: a null selector can never be widened by accident.
  const req = newRequirement('a', 'exists', []);
  assert.ok(req.ok);
  assert.equal(LabelSelector.nothing().add(req.value).matches({ a: 'x' }), false);
  assert.equal(LabelSelector.everything().add(req.value).matches({ a: 'x' }), true);
});

const CONVERT: Array<{ name: string; spec: LabelSelectorSpec; str: string; yes: Record<string, string>[]; no: Record<string, string>[] }> = [
  { name: 'matchLabels', spec: { matchLabels: { tier: 'fe', app: 'web' } }, str: 'app=web,tier=fe', yes: [{ app: 'web', tier: 'fe', x: 'y' }], no: [{ app: 'web' }] },
  {
    name: 'every operator',
    spec: {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'owner', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    },
    str: 'app=web,env in (dev,prod),!legacy,owner,track notin (canary)',
    yes: [{ app: 'web', env: 'dev', owner: '' }, { app: 'web', env: 'prod', owner: 'x', track: 'stable' }],
    no: [{ app: 'web', env: 'dev' }, { app: 'web', env: 'qa', owner: '' }, { app: 'web', env: 'dev', owner: '', legacy: '1' }, { app: 'web', env: 'dev', owner: '', track: 'canary' }],
  },
  { name: 'prefixed keys', spec: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, str: 'app.kubernetes.io/name=web', yes: [{ 'app.kubernetes.io/name': 'web' }], no: [{ name: 'web' }] },
];

for (const c of CONVERT) {
  test(`LabelSelector → selector: ${c.name}`, () => {
    const r = labelSelectorFromSpec(c.spec);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.value.toString(), c.str);
    for (const l of c.yes) assert.equal(r.value.matches(l), true, JSON.stringify(l));
    for (const l of c.no) assert.equal(r.value.matches(l), false, JSON.stringify(l));
  });
}

const CONVERT_BAD: Array<[string, LabelSelectorSpec, string]> = [
  ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }, '"Equals" is not a valid label selector operator'],
  ['lower-case operator', { matchExpressions: [{ key: 'a', operator: 'in', values: ['b'] }] }, '"in" is not a valid label selector operator'],
  ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
  ['NotIn with values omitted', { matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
  ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] }, 'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist'],
  ['bad matchLabels value', { matchLabels: { a: 'b c' } }, `values[0][a]: Invalid value: "b c": ${VALUE_MSG}`],
  ['bad key and value', { matchExpressions: [{ key: '_a', operator: 'In', values: ['-'] }] }, `[key: Invalid value: "_a": ${NAME_MSG}, values[0][_a]: Invalid value: "-": ${VALUE_MSG}]`],
];

for (const [name, spec, message] of CONVERT_BAD) {
  test(`LabelSelector → selector fails: ${name}`, () => {
    const r = labelSelectorFromSpec(spec);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.error, message);
  });
}

test('validateLabelSelectorSpec reports every problem with its field path', () => {
  const errs = validateLabelSelectorSpec(
    {
      matchLabels: { 'bad key!': 'ok', good: '-bad' },
      matchExpressions: [
        { key: 'a', operator: 'In', values: [] },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt', values: ['1'] },
        { key: 'd', operator: 'NotIn', values: ['ok', 'b@d'] },
      ],
    },
    'spec.selector',
  );
  assert.deepEqual(errs, [
    `spec.selector.matchLabels: Invalid value: "bad key!": ${NAME_MSG}`,
    `spec.selector.matchLabels: Invalid value: "-bad": ${VALUE_MSG}`,
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator',
    `spec.selector.matchExpressions[3].values[1]: Invalid value: "b@d": ${VALUE_MSG}`,
  ]);
});

test('validateLabelSelectorSpec accepts valid, null and tolerated selectors', () => {
  assert.deepEqual(validateLabelSelectorSpec(null, 'spec.selector'), []);
  assert.deepEqual(validateLabelSelectorSpec({}, 'spec.selector'), []);
  assert.deepEqual(validateLabelSelectorSpec({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, 'spec.selector'), []);
  const tolerant = { matchExpressions: [{ key: 'x', operator: 'In', values: ['not valid'] }] };
  assert.equal(validateLabelSelectorSpec(tolerant, 's').length, 1);
  assert.deepEqual(validateLabelSelectorSpec(tolerant, 's', { allowInvalidLabelValueInSelector: true }), []);
});
