import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsErrorText, glob, isInside, joinLocal, parseFileSpec, stripPathShortcuts, type FileSpec } from './cp-paths.js';

const specs: { arg: string; want: FileSpec | RegExp }[] = [
  { arg: '/tmp/foo', want: { podNamespace: '', podName: '', file: '/tmp/foo' } },
  { arg: 'dir/', want: { podNamespace: '', podName: '', file: 'dir' } },
  { arg: '/', want: { podNamespace: '', podName: '', file: '/' } },
  { arg: 'web:/tmp/x', want: { podNamespace: '', podName: 'web', file: '/tmp/x' } },
  { arg: 'team/web:/tmp/x/', want: { podNamespace: 'team', podName: 'web', file: '/tmp/x' } },
  { arg: 'web:C:\\dir\\f', want: { podNamespace: '', podName: 'web', file: 'C:/dir/f' } },
  { arg: 'web:', want: { podNamespace: '', podName: 'web', file: '' } },
  { arg: ':/tmp', want: /^CliError: filespec must match the canonical format: \[\[namespace\/\]pod:\]file\/path$/ },
  { arg: 'a/b/c:/tmp', want: /filespec must match the canonical format/ },
];

for (const c of specs) {
  test(`parseFileSpec(${JSON.stringify(c.arg)})`, () => {
    if (c.want instanceof RegExp) assert.throws(() => parseFileSpec(c.arg), c.want);
    else assert.deepEqual(parseFileSpec(c.arg), c.want);
  });
}

test('stripPathShortcuts drops leading ../ runs, bare dots and one leading slash', () => {
  const cases: [string, string][] = [['../../etc/passwd', 'etc/passwd'], ['..', ''], ['.', ''], ['/abs', 'abs'], ['a/../b', 'a/../b'], ['tmp/x', 'tmp/x']];
  for (const [input, want] of cases) assert.equal(stripPathShortcuts(input), want, input);
});

test('isInside: members may not escape the destination', () => {
  assert.equal(isInside('/dest', '/dest'), true);
  assert.equal(isInside('/dest', '/dest/a/b'), true);
  assert.equal(isInside('/dest', joinLocal('/dest', '../etc/passwd')), false);
  assert.equal(isInside('rel', 'rel/x'), true);
  assert.equal(joinLocal('/dest', ''), '/dest');
});

test('glob: literal paths match themselves when they exist; patterns match per element', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-glob-'));
  try {
    for (const f of ['a.txt', 'b.txt', 'c.log']) writeFileSync(join(dir, f), '');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'd.txt'), '');
    assert.deepEqual(glob(join(dir, 'a.txt'), existsSync), [join(dir, 'a.txt')]);
    assert.deepEqual(glob(join(dir, 'nope'), existsSync), []);
    assert.deepEqual(glob(join(dir, '*.txt'), existsSync), [join(dir, 'a.txt'), join(dir, 'b.txt')]);
    assert.deepEqual(glob(join(dir, '[bc].*'), existsSync), [join(dir, 'b.txt'), join(dir, 'c.log')]);
    assert.deepEqual(glob(join(dir, '[^a]?txt'), existsSync), [join(dir, 'b.txt')]);
    assert.deepEqual(glob(join(dir, 's*', '*.txt'), existsSync), [join(dir, 'sub', 'd.txt')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fsErrorText words errors as Go does', () => {
  assert.equal(fsErrorText('open', '/x', Object.assign(new Error('EISDIR: illegal operation'), { code: 'EISDIR' })), 'open /x: is a directory');
  assert.equal(fsErrorText('mkdir', '/y', Object.assign(new Error('x'), { code: 'ENOTDIR' })), 'mkdir /y: not a directory');
});
