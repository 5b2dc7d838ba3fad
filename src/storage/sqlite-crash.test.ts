/** A SQLite store killed with SIGKILL in the middle of a write load loses no acknowledged write. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAck, verifyAcked, type Ack } from './crash-check.js';
import { openSqliteStore } from './sqlite.js';

const writer = fileURLToPath(new URL('./testdata/crash-writer.js', import.meta.url));

test('sqlite: SIGKILL during a write load loses no acknowledged write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-crash-'));
  const path = join(dir, 'state.db');
  try {
    // Several rounds on one database: each reopens what the previous crash left.
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [writer, path, `/registry/crash/r${round}/`], { stdio: ['ignore', 'pipe', 'inherit'] });
      const acks: Ack[] = [];
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      const target = 2000 + round * 500;
      for await (const line of createInterface({ input: child.stdout })) {
        const a = parseAck(line);
        if (a) acks.push(a);
        if (acks.length === target) child.kill('SIGKILL');
      }
      assert.equal(await exited, 'SIGKILL', 'the writer was killed, not finished');
      assert.ok(acks.length >= target);
      const store = openSqliteStore({ path });
      try {
        const keys = await verifyAcked(store, acks);
        assert.equal(keys, 16);
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
