import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expand, lookupIn } from './expansion.js';

test('$(VAR) expansion follows the Kubernetes rules', () => {
  const lookup = lookupIn(new Map([['A', 'alpha'], ['EMPTY', '']]), { B: 'beta', A: 'shadowed' });
  const cases: [string, string][] = [
    ['$(A)', 'alpha'],
    ['x-$(A)-$(B)-y', 'x-alpha-beta-y'],
    ['$(EMPTY)|', '|'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$alpha'],
    ['$$', '$'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$(A', '$(A'],
    ['$(A$(B)', '$(A$(B)'],
    ['$a$(A)', '$aalpha'],
    ['$()', '$()'],
    ['(A)', '(A)'],
    ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(expand(input, lookup), want, input);
});
