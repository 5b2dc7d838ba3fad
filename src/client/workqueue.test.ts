import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flush } from './testing/fake-clock.js';
import { BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter, WorkQueue } from './workqueue.js';

/** Takes whatever get() yields right now (undefined if it would wait). */
async function tryGet<K>(q: WorkQueue<K>): Promise<K | undefined> {
  let got: K | undefined;
  let settled = false;
  const p = q.get().then((v) => {
    got = v;
    settled = true;
  });
  await flush(2);
  if (!settled) {
    q.add('__unblock__' as K);
    await p;
    q.done('__unblock__' as K);
    return undefined;
  }
  return got;
}

test('FIFO, de-duplication of queued items', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('an item is never handed out twice at once; adds while processing re-queue after done', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  assert.equal(await q.get(), 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'held back while a worker has it');
  assert.equal(await tryGet(q), undefined);
  q.done('a');
  assert.equal(q.len(), 1, 'coalesced into one re-queue');
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.equal(q.len(), 0);
});

test('a waiting get is woken by add, and by done of a re-added item', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const first = q.get();
  q.add('x');
  assert.equal(await first, 'x');
  const second = q.get();
  q.add('x');
  await flush(2);
  q.done('x');
  assert.equal(await second, 'x');
});

test('addAfter fires on the clock; the earliest pending time wins', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('a', 1000);
  q.addAfter('a', 5000); // later: ignored
  q.addAfter('b', 3000);
  q.addAfter('b', 500); // earlier: moves b up
  q.addAfter('now', 0);
  assert.equal(await q.get(), 'now');
  clock.advance(499);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(await q.get(), 'b');
  clock.advance(500);
  assert.equal(await q.get(), 'a');
  clock.advance(10_000);
  assert.equal(q.len(), 0, 'no duplicate from the ignored later add');
});

test('addRateLimited backs off per item 5ms, 10ms, 20ms…; forget resets', () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter(5, 1_000_000) });
  const readyAfter = (item: string) => {
    q.addRateLimited(item);
    const next = clock.nextAt();
    assert.ok(next !== undefined);
    const delay = next - clock.now();
    clock.advance(delay);
    return delay;
  };
  assert.deepEqual([readyAfter('a'), readyAfter('a'), readyAfter('a'), readyAfter('a')], [5, 10, 20, 40]);
  assert.equal(q.numRequeues('a'), 4);
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  assert.equal(readyAfter('a'), 5);
});

test('the exponential limiter caps at its maximum', () => {
  const l = new ItemExponentialRateLimiter<string>(5, 1_000_000);
  let last = 0;
  for (let i = 0; i < 40; i++) last = l.when('x');
  assert.equal(last, 1_000_000);
});

test('the default controller limiter also applies the overall bucket (10 qps, burst 100)', () => {
  const clock = new FakeClock();
  const l = defaultControllerRateLimiter<string>(clock);
  for (let i = 0; i < 100; i++) assert.equal(l.when(`item-${i}`), 5);
  assert.equal(l.when('item-100'), 100, 'bucket empty: 1/10 s');
  const max = new MaxOfRateLimiter<string>(new ItemExponentialRateLimiter(1, 10), new BucketRateLimiter({ qps: 1, burst: 1, clock }));
  assert.equal(max.when('a'), 1);
  assert.equal(max.when('a'), 1000);
});

test('shutdown: waiting gets return undefined, queued items drain, adds are ignored, timers are cancelled', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.add('queued');
  q.addAfter('later', 1000);
  assert.equal(clock.pending, 1);
  q.shutDown();
  assert.equal(clock.pending, 0);
  q.add('ignored');
  assert.equal(await q.get(), 'queued');
  assert.equal(await q.get(), undefined);
  const q2 = new WorkQueue<string>({ clock });
  const waiting = q2.get();
  q2.shutDown();
  assert.equal(await waiting, undefined);
});

test('an aborted signal shuts the queue down', async () => {
  const ac = new AbortController();
  const q = new WorkQueue<string>({ clock: new FakeClock(), signal: ac.signal });
  const waiting = q.get();
  ac.abort();
  assert.equal(await waiting, undefined);
  assert.ok(q.shuttingDown);
});

test('two workers never process the same key concurrently', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const active = new Set<string>();
  let overlaps = 0;
  let processed = 0;
  const worker = async () => {
    for (let key = await q.get(); key !== undefined; key = await q.get()) {
      if (active.has(key)) overlaps++;
      active.add(key);
      await flush(1);
      if (Math.random() < 0.5) q.add(key); // a change arrives mid-processing
      active.delete(key);
      processed++;
      q.done(key);
    }
  };
  const workers = [worker(), worker(), worker()];
  for (let i = 0; i < 200; i++) q.add(`k${i % 5}`);
  while (q.len() > 0) await flush(1);
  await flush(20);
  q.shutDown();
  await Promise.all(workers);
  assert.equal(overlaps, 0);
  assert.ok(processed >= 5);
});
