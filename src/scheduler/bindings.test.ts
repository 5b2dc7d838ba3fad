import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { resources } from '../client/resources.js';
import { SharedInformers } from '../client/shared-informers.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import type { RestRequest, Transport } from '../client/types.js';
import type { Logger } from '../util/log.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './testing.js';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Holds every pods/binding POST until the test answers it (serve or fail). */
class HeldBindings implements Transport {
  readonly held: { pod: string; serve: () => void; fail: (e: Error) => void }[] = [];
  constructor(readonly inner: FakeTransport) {}
  get namespace(): string {
    return this.inner.namespace;
  }
  request<T>(req: RestRequest): Promise<T> {
    if (req.method !== 'POST' || !req.path.endsWith('/binding')) return this.inner.request<T>(req);
    return new Promise<T>((resolve, reject) => {
      this.held.push({ pod: req.path.split('/')[6] ?? '', serve: () => resolve(this.inner.request<T>(req)), fail: reject });
    });
  }
  stream(req: RestRequest): Promise<IncomingMessage> {
    return this.inner.stream(req);
  }
}

/** Lets the loop run until `cond` holds (bounded by turns of the event loop, not by time). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached');
}

test('at most maxBindingsInFlight bindings run at once; the rest stay queued', async () => {
  const clock = new FakeClock();
  const fake = new FakeTransport({ clock });
  fake.seed(resources.nodes, makeNode('n1', { cpu: '100' }));
  fake.seed(resources.pods, ...['a', 'b', 'c', 'd'].map((n) => makePod(n, { cpu: '1' })));
  const transport = new HeldBindings(fake);
  const informers = new SharedInformers({ transport, clock, logger: quiet });
  const s = new Scheduler({ transport, informers, clock, logger: quiet, events: { record: () => {} }, schedulerName: 'default-scheduler', random: () => 0, maxBindingsInFlight: 2 });
  const ac = new AbortController();
  informers.start(ac.signal);
  const done = s.run(ac.signal);
  await until(() => transport.held.length === 2);
  // The loop waits for a slot: two pods are assumed, two still wait in activeQ.
  assert.equal(s.bindingsInFlight, 2);
  assert.equal(s.queue.dump().active.length, 2);
  assert.equal(s.cache.podCount, 2);

  // A failed binding frees its slot, forgets the assumed pod and sends it to backoff.
  const failed = transport.held.shift();
  failed?.fail(new Error('boom'));
  await until(() => transport.held.length === 2);
  assert.equal(s.cache.has(`default/${failed?.pod ?? ''}`), false);
  assert.deepEqual(s.queue.dump().backoff, [`default/${failed?.pod ?? ''}`]);
  assert.equal(s.queue.dump().active.length, 1);

  // A served binding frees a slot for the last queued pod.
  transport.held.shift()?.serve();
  await until(() => transport.held.length === 2 && s.queue.dump().active.length === 0);
  assert.equal(s.bindingsInFlight, 2);

  // Shutdown waits for the bindings still in flight.
  ac.abort();
  for (const h of transport.held.splice(0)) h.serve();
  await done;
  await informers.stopped();
  assert.equal(s.bindingsInFlight, 0);
});
