import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepReadingAfterWriteErrors } from './common.js';

/**
 * The peer writes its last words and closes while we are still writing (containerd's exit status
 * while stdin flows). Our writes then fail with EPIPE; what the peer sent must still be read.
 */
async function lastWords(wrap: boolean): Promise<{ received: string; errors: number }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.end('STATUS', () => s.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const c: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    if (wrap) keepReadingAfterWriteErrors(c);
    let errors = 0;
    c.on('error', () => errors++);
    // Not reading yet: the status waits in the kernel while our writes meet the closed peer.
    c.pause();
    await once(c, 'connect');
    await sleep(100);
    for (let i = 0; i < 5 && !c.destroyed; i++) {
      c.write(Buffer.alloc(1024, 1));
      await sleep(20);
    }
    let received = '';
    c.on('data', (d: Buffer) => (received += d.toString()));
    const ended = new Promise((r) => {
      c.once('close', r);
      c.once('end', r);
    });
    c.resume();
    await Promise.race([ended, sleep(2000)]);
    c.destroy();
    return { received, errors };
  } finally {
    server.close();
  }
}

test('a socket whose writes fail still delivers what the peer sent before closing', async () => {
  const plain = await lastWords(false);
  assert.equal(plain.received, '', 'without the wrapper Node drops the unread data on EPIPE (what the wrapper is for)');
  assert.ok(plain.errors > 0);
  const kept = await lastWords(true);
  assert.equal(kept.received, 'STATUS');
});
