import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/testing/fake-clock.js';
import { WorkQueue } from '../client/workqueue.js';
import type { Logger } from '../util/log.js';
import { runWorkers } from './controller.js';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

// After the signal aborts (shutdown, or the Lease lost to another manager) no new reconcile may
// start: keys still queued would otherwise be written by a process that no longer leads.
test('runWorkers: no reconcile starts after the signal aborts, queued keys are dropped', async () => {
  const queue = new WorkQueue<string>({ clock: new FakeClock() });
  const ac = new AbortController();
  const reconciled: string[] = [];
  let release = () => {};
  const blocked = new Promise<void>((r) => (release = r));
  for (const k of ['a', 'b', 'c', 'd']) queue.add(k);
  const done = runWorkers({
    name: 'test',
    queue,
    workers: 1,
    logger: quiet,
    signal: ac.signal,
    reconcile: async (key) => {
      reconciled.push(key);
      if (key === 'a') await blocked;
    },
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(reconciled, ['a']);
  ac.abort();
  release();
  await done;
  assert.deepEqual(reconciled, ['a'], 'keys queued before the abort must not be reconciled after it');
});

test('runWorkers: reconciles every key while running, retries a failure', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock });
  const ac = new AbortController();
  const seen: string[] = [];
  let failOnce = true;
  const done = runWorkers({
    name: 'test',
    queue,
    workers: 2,
    logger: quiet,
    signal: ac.signal,
    reconcile: (key) => {
      seen.push(key);
      if (key === 'x' && failOnce) {
        failOnce = false;
        return Promise.reject(new Error('boom'));
      }
      return Promise.resolve();
    },
  });
  queue.add('x');
  queue.add('y');
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  clock.advance(1_000);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  ac.abort();
  await done;
  assert.deepEqual([...seen].sort(), ['x', 'x', 'y']);
});
