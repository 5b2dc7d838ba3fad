import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnv, readEnvLines, splitEnvironmentFromResources, updateEnv } from './env-parse.js';

test('resources come first, then KEY=VALUE and KEY- arguments', () => {
  assert.deepEqual(splitEnvironmentFromResources(['deploy/web', 'A=1', 'B-']), { resources: ['deploy/web'], envArgs: ['A=1', 'B-'] });
  assert.deepEqual(splitEnvironmentFromResources(['deploy', 'web', 'A=']), { resources: ['deploy', 'web'], envArgs: ['A='] });
  assert.equal(splitEnvironmentFromResources(['deploy/web', 'A=1', 'other']), undefined);
});

test('parseEnv reads settings, removals and stdin, and refuses bad names and contradictions', () => {
  assert.deepEqual(parseEnv(['A=1', 'B-', 'C=x=y'], () => ''), { env: [{ name: 'A', value: '1' }, { name: 'C', value: 'x=y' }], remove: ['B'], usedStdin: false });
  assert.deepEqual(parseEnv(['-'], () => 'X=1 # comment\n# only a comment\nY=2\n').env, [{ name: 'X', value: '1 ' }, { name: 'Y', value: '2' }]);
  assert.throws(() => parseEnv(['1A=x'], () => ''), /"1A" is not a valid key name/);
  assert.throws(() => parseEnv(['A=1', 'A-'], () => ''), /can not both modify and remove/);
  assert.deepEqual(readEnvLines('A=1\nnot a setting\n'), [{ name: 'A', value: '1' }]);
});

test('updateEnv replaces in place, appends new, drops removed, and removal wins', () => {
  const existing = [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }];
  assert.deepEqual(updateEnv(existing, [{ name: 'B', value: 'x' }, { name: 'D', value: '4' }], ['C']), [{ name: 'A', value: '1' }, { name: 'B', value: 'x' }, { name: 'D', value: '4' }]);
  assert.deepEqual(updateEnv(existing, [{ name: 'A', value: 'x' }], ['A']), [{ name: 'B', value: '2' }, { name: 'C', value: '3' }]);
});
