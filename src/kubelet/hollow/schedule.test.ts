import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/testing/fake-clock.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/log.js';
import { work } from './schedule.js';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

// Shutdown must not wait for (and write) every pod still queued: thousands at scale.
test('work: items still queued when the queue shuts down are dropped, not handled', async () => {
  const ac = new AbortController();
  const queue = new WorkQueue<string>({ clock: new FakeClock(), signal: ac.signal });
  const handled: string[] = [];
  let release = () => {};
  const blocked = new Promise<void>((r) => (release = r));
  for (const k of ['a', 'b', 'c']) queue.add(k);
  const done = work({
    queue,
    workers: 1,
    logger: quiet,
    what: 'test',
    handle: async (k) => {
      handled.push(k);
      if (k === 'a') await blocked;
    },
  });
  await new Promise((r) => setImmediate(r));
  ac.abort();
  release();
  await done;
  assert.deepEqual(handled, ['a']);
});
