import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Payload, validatePayloadPath, writeAtomic } from './atomic-writer.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));

const payload = (files: Record<string, string>, mode = 0o644): Payload => new Map(Object.entries(files).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

test('writes through ..data symlinks and swaps atomically', async () => {
  const dir = join(root, 'v1');
  assert.equal(await writeAtomic(dir, payload({ a: 'one', 'sub/b': 'two' })), true);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'one');
  assert.equal(readFileSync(join(dir, 'sub/b'), 'utf8'), 'two');
  assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
  assert.equal(readlinkSync(join(dir, 'sub')), '..data/sub');
  assert.match(readlinkSync(join(dir, '..data')), /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./);
  assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o644);

  assert.equal(await writeAtomic(dir, payload({ a: 'one', 'sub/b': 'two' })), false, 'unchanged content is not rewritten');
  assert.equal(await writeAtomic(dir, payload({ a: 'one', 'sub/b': 'two' }, 0o600)), true, 'a mode change is a change');

  // Until the swap, readers still see the old content; afterwards, only the new.
  let seenDuring = '';
  await writeAtomic(dir, payload({ a: 'new', c: 'three' }), {
    beforeSwap: () => {
      seenDuring = readFileSync(join(dir, 'a'), 'utf8');
      assert.equal(lstatSync(join(dir, 'c'), { throwIfNoEntry: false }), undefined);
      return Promise.resolve();
    },
  });
  assert.equal(seenDuring, 'one');
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'new');
  assert.equal(readFileSync(join(dir, 'c'), 'utf8'), 'three');
  assert.equal(lstatSync(join(dir, 'sub'), { throwIfNoEntry: false }), undefined, 'paths that left the payload are removed');
  const tsDirs = readdirSync(dir).filter((n) => /^\.\.\d{4}_/.test(n));
  assert.equal(tsDirs.length, 1, 'old data directories are removed');
});

test('payload paths may not escape or clash with the writer', async () => {
  for (const bad of ['/abs', '../up', 'a/../../b', '..hidden', '']) assert.throws(() => validatePayloadPath(bad), bad);
  await assert.rejects(writeAtomic(join(root, 'v2'), payload({ '../x': 'no' })), /must not contain '\.\.'/);
});
