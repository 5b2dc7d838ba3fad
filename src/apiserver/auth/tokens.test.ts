import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ensureTokenFile, parseCsv, StaticTokens } from './tokens.js';
import { tempDir } from './test-helpers.js';

describe('parseCsv', () => {
  const cases: Array<[string, string[][]]> = [
    ['a,b,c', [['a', 'b', 'c']]],
    ['a,b,c,"g1,g2"\n\nd,e,f\n', [['a', 'b', 'c', 'g1,g2'], ['d', 'e', 'f']]],
    ['t, u, id, "x"', [['t', 'u', 'id', 'x']]],
    ['"q""uote",u,,', [['q"uote', 'u', '', '']]],
    ['a,b,c\r\nd,e,f', [['a', 'b', 'c'], ['d', 'e', 'f']]],
  ];
  for (const [input, want] of cases) test(JSON.stringify(input), () => assert.deepEqual(parseCsv(input), want));
  test('unterminated quote is an error', () => assert.throws(() => parseCsv('a,"b'), /unterminated/));
});

describe('StaticTokens', () => {
  const table = StaticTokens.parse('tok1,alice,uid-a,"dev,ops"\ntok2,bob,uid-b\n,empty,x\ntok1,carol,uid-c,qa\n');
  test('finds users, later duplicates win, empty tokens are skipped', () => {
    assert.deepEqual(table.lookup('tok2'), { name: 'bob', uid: 'uid-b', groups: [] });
    assert.deepEqual(table.lookup('tok1'), { name: 'carol', uid: 'uid-c', groups: ['qa'] });
    assert.equal(table.lookup(''), undefined);
    assert.equal(table.lookup('tok'), undefined);
    assert.equal(table.size, 2);
  });
  test('callers cannot change the table through a result', () => {
    table.lookup('tok2')?.groups.push('system:masters');
    assert.deepEqual(table.lookup('tok2')?.groups, []);
  });
  test('records need three columns', () => assert.throws(() => StaticTokens.parse('tok,user\n'), /at least 3 columns/));
});

describe('ensureTokenFile', () => {
  test('keeps an existing file and adds a missing join row', async () => {
    const tmp = await tempDir();
    try {
      const path = join(tmp.dir, 'tokens.csv');
      await writeFile(path, 'mytoken,admin,admin,"system:masters"');
      const tf = await ensureTokenFile(path);
      assert.equal(tf.adminToken, 'mytoken');
      assert.equal(tf.written, true);
      const text = await readFile(path, 'utf8');
      assert.match(text, /^mytoken,admin,admin,"system:masters"\n[0-9a-f]{64},system:bootstrap:k8ts-agent,/);
      const again = await ensureTokenFile(path);
      assert.equal(again.written, false);
      assert.equal(again.joinToken, tf.joinToken);
      assert.equal(again.tokens.lookup(tf.joinToken)?.name, 'system:bootstrap:k8ts-agent');
    } finally {
      await tmp.cleanup();
    }
  });
});
