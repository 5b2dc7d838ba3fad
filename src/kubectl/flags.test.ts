import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseFlags } from './flags.js';
import { UsageError } from './errors.js';
import type { FlagSpec } from './types.js';

const specs: FlagSpec[] = [
  { name: 'output', short: 'o', type: 'string', help: '' },
  { name: 'stdin', short: 'i', type: 'bool', help: '' },
  { name: 'tty', short: 't', type: 'bool', help: '' },
  { name: 'replicas', type: 'int', default: -1, help: '' },
  { name: 'label-columns', short: 'L', type: 'strings', help: '' },
  { name: 'env', short: 'e', type: 'stringArray', help: '' },
  { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background', help: '' },
  { name: 'timeout', type: 'duration', default: '30s', help: '' },
];

test('pflag forms: =value, separate value, attached shorthand, grouped bools, interspersed positionals, --', () => {
  const p = parseFlags(['get', '-oyaml', 'pods', '--replicas', '3', '-it', 'x', '-L', 'a,b', '-L=c', '-n', 'ns', '--', 'sh', '-c', 'echo'], specs);
  assert.deepEqual(p.args, ['get', 'pods', 'x']);
  assert.deepEqual(p.dashArgs, ['sh', '-c', 'echo']);
  assert.equal(p.flags.string('output'), 'yaml');
  assert.equal(p.flags.int('replicas'), 3);
  assert.equal(p.flags.bool('stdin'), true);
  assert.equal(p.flags.bool('tty'), true);
  assert.deepEqual(p.flags.strings('label-columns'), ['a', 'b', 'c']);
  assert.equal(p.flags.string('namespace'), 'ns');
  assert.equal(p.flags.has('namespace'), true);
});

test('defaults, stringArray keeps commas, bool=false, NoOptDefVal, durations', () => {
  const p = parseFlags(['-e', 'A=1,2', '--env=B=3', '--stdin=false', '--cascade', 'x'], specs);
  assert.deepEqual(p.flags.strings('env'), ['A=1,2', 'B=3']);
  assert.equal(p.flags.bool('stdin'), false);
  assert.equal(p.flags.string('cascade'), 'background');
  assert.deepEqual(p.args, ['x']);
  assert.equal(p.flags.int('replicas'), -1);
  assert.equal(p.flags.duration('timeout'), 30_000);
  assert.equal(p.flags.has('replicas'), false);
});

test('unknown flags and missing values are usage errors worded as pflag', () => {
  assert.throws(() => parseFlags(['--nope'], specs), (e) => e instanceof UsageError && e.message === 'unknown flag: --nope');
  assert.throws(() => parseFlags(['-z'], specs), (e) => e instanceof UsageError && e.message === "unknown shorthand flag: 'z' in -z");
  assert.throws(() => parseFlags(['--output'], specs), (e) => e instanceof UsageError && e.message === 'flag needs an argument: --output');
  assert.throws(() => parseFlags(['--replicas=x'], specs).flags.int('replicas'), UsageError);
});

test('parseDuration reads Go durations', () => {
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.throws(() => parseDuration('30'), UsageError);
  assert.throws(() => parseDuration('1x'), UsageError);
});
