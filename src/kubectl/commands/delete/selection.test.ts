import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSelection, singleItemImplied } from './selection.js';
import { effectiveGracePeriod, kindString, parseCascade } from '../delete.js';

const none = { all: false, selector: '', fieldSelector: '', filenames: [] as string[] };

test('builder errors for arguments that select nothing or mix names and selectors', () => {
  const cases: Array<[string[], Partial<typeof none>, RegExp | undefined]> = [
    [[], {}, /You must provide one or more resources by argument or filename/],
    [['pods'], {}, /resource\(s\) were provided, but no name was specified/],
    [['pods', 'x'], { selector: 'a=b' }, /name cannot be provided when a selector is specified/],
    [['pods', 'x'], { all: true }, /name cannot be provided when a selector is specified/],
    [['pods'], { all: true, selector: 'a=b' }, /setting 'all' parameter but found a non empty selector. $/],
    [['pods'], { all: true }, undefined],
    [['pods'], { fieldSelector: 'metadata.name=x' }, undefined],
    [['pod/x'], {}, undefined],
    [[], { filenames: ['f.yaml'] }, undefined],
  ];
  for (const [args, o, want] of cases) {
    if (want) assert.throws(() => checkSelection(args, { ...none, ...o }), want, args.join(' '));
    else assert.doesNotThrow(() => checkSelection(args, { ...none, ...o }), args.join(' '));
  }
});

test('single item implied', () => {
  const dir = (p: string) => p === 'd';
  assert.equal(singleItemImplied(['pod', 'x'], [], dir), true);
  assert.equal(singleItemImplied(['pod', 'x', 'y'], [], dir), false);
  assert.equal(singleItemImplied(['pod/x'], [], dir), true);
  assert.equal(singleItemImplied(['pod/x', 'pod/y'], [], dir), false);
  assert.equal(singleItemImplied(['pods'], [], dir), false);
  assert.equal(singleItemImplied([], ['f.yaml'], dir), true);
  assert.equal(singleItemImplied([], ['d'], dir), false);
  assert.equal(singleItemImplied([], ['-'], dir), false);
});

test('--cascade values, with the deprecated booleans warning', () => {
  const warnings: string[] = [];
  const warn = (t: string) => warnings.push(t);
  assert.equal(parseCascade('background', warn), 'Background');
  assert.equal(parseCascade('foreground', warn), 'Foreground');
  assert.equal(parseCascade('orphan', warn), 'Orphan');
  assert.equal(parseCascade('false', warn), 'Orphan');
  assert.equal(parseCascade('true', warn), 'Background');
  assert.deepEqual(warnings, [
    'warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n',
    'warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\n',
  ]);
  assert.throws(() => parseCascade('foo', warn), /invalid cascade value \(foo\). Must be "background", "foreground", or "orphan"/);
});

test('grace period adjustments', () => {
  assert.equal(effectiveGracePeriod({ grace: -1, now: false, force: false }), -1);
  assert.equal(effectiveGracePeriod({ grace: -1, now: true, force: false }), 1);
  assert.equal(effectiveGracePeriod({ grace: 0, now: false, force: false }), 1);
  assert.equal(effectiveGracePeriod({ grace: -1, now: false, force: true }), 0);
  assert.equal(effectiveGracePeriod({ grace: 5, now: false, force: false }), 5);
  assert.throws(() => effectiveGracePeriod({ grace: 3, now: true, force: false }), /--now and --grace-period cannot be specified together/);
  assert.equal(kindString({ kind: 'Deployment', group: 'apps' }), 'deployment.apps');
  assert.equal(kindString({ kind: 'Pod', group: '' }), 'pod');
});
