import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusError } from '../../../api/errors.js';
import { CliError, errorMessage } from '../../errors.js';
import { Aggregate, allowsColor, checkErrError, goDuration } from './go-text.js';

test('goDuration prints as Go time.Duration.String()', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [3000, '3s'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [150_123, '2m30.123s'],
    [300, '300ms'],
  ];
  for (const [ms, want] of cases) assert.equal(goDuration(ms), want, `${ms} ms`);
});

test('aggregates: one error alone, several in brackets without repeats', () => {
  assert.equal(new Aggregate([new Error('a')]).message, 'a');
  assert.equal(new Aggregate([new Error('a'), new Error('b'), new Error('a')]).message, '[a, b]');
  assert.equal(new Aggregate([new Error('a'), new Error('a')]).message, 'a');
});

test('checkErr: an aggregate prints one raw line per error, after unwrapping one level', () => {
  const notFound = statusError(404, 'NotFound', 'nodes "x" not found');
  const cases: Array<[unknown, string]> = [
    [new Aggregate([new Aggregate([new Error('cannot delete a'), new Error('cannot delete b')])]), 'cannot delete a\ncannot delete b'],
    [new Aggregate([new Aggregate([new Error('only one')])]), 'only one'],
    [new Aggregate([new Error('plain')]), 'error: plain'],
    [new Aggregate([new Error('error: already prefixed')]), 'error: already prefixed'],
    [new Aggregate([new Error('a'), notFound]), 'a\nError from server (NotFound): nodes "x" not found'],
    [new Aggregate([notFound]), 'Error from server (NotFound): nodes "x" not found'],
  ];
  for (const [err, want] of cases) assert.equal(errorMessage(checkErrError(err)), want);
  assert.ok(checkErrError(new CliError('x')) instanceof CliError);
});

test('warnings are coloured only on a terminal that allows it', () => {
  assert.equal(allowsColor({ isTTY: true } as never, {}), true);
  assert.equal(allowsColor({ isTTY: false } as never, {}), false);
  assert.equal(allowsColor({ isTTY: true } as never, { TERM: 'dumb' }), false);
  assert.equal(allowsColor({ isTTY: true } as never, { NO_COLOR: '' }), false);
});
