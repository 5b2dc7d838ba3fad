import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../api/generated/core/v1.js';
import { EventRecorder, eventsResource } from './events.js';
import { RestClient } from './rest.js';
import { FakeClock } from './testing/fake-clock.js';
import { fakeOrSkip, serverFactory, uniqueName, type ServerUnderTest } from './testing/harness.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function withRecorder(fn: (r: { rec: EventRecorder; clock: FakeClock; client: RestClient; sut: ServerUnderTest; pod: { apiVersion: string; kind: string; metadata: { name: string; namespace: string; uid: string } } }) => Promise<void>, sut?: ServerUnderTest): Promise<void> {
  const s = sut ?? (await serverFactory()());
  const client = new RestClient(s.config, { qps: 0 });
  const clock = new FakeClock();
  const rec = new EventRecorder({ client, component: 'test-controller', host: 'node-1', clock, logger: quiet });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: uniqueName('pod'), namespace: s.namespace, uid: 'uid-123' } };
  try {
    await fn({ rec, clock, client, sut: s, pod });
  } finally {
    await client.resource(eventsResource).deleteCollection({ namespace: s.namespace, fieldSelector: `involvedObject.name=${pod.metadata.name}` }).catch(() => undefined);
    client.close();
    await s.close();
  }
}

const eventsFor = async (client: RestClient, ns: string, name: string) =>
  (await client.resource<Event>(eventsResource).list({ namespace: ns })).items.filter((e) => e.involvedObject.name === name).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));

test('an event carries the object reference, source, type, reason and timestamps', () =>
  withRecorder(async ({ rec, clock, client, sut, pod }) => {
    rec.record(pod, 'Warning', 'FailedMount', 'volume "data" not found');
    await rec.flush();
    const [ev, ...rest] = await eventsFor(client, sut.namespace, pod.metadata.name);
    assert.equal(rest.length, 0);
    assert.ok(ev);
    assert.deepEqual(ev.involvedObject, { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace: sut.namespace, uid: 'uid-123' });
    assert.deepEqual(ev.source, { component: 'test-controller', host: 'node-1' });
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.reason, 'FailedMount');
    assert.equal(ev.message, 'volume "data" not found');
    assert.equal(ev.count, 1);
    assert.equal(ev.firstTimestamp, new Date(clock.now()).toISOString().replace('.000', ''));
    assert.equal(ev.lastTimestamp, ev.firstTimestamp);
    assert.ok(ev.metadata.name?.startsWith(`${pod.metadata.name}.`));
  }));

test('repeats within 10 minutes bump count and lastTimestamp; other messages and later repeats are new events', () =>
  withRecorder(async ({ rec, clock, client, sut, pod }) => {
    const first = clock.now();
    rec.record(pod, 'Normal', 'Pulled', 'image pulled');
    clock.advance(60_000);
    rec.record(pod, 'Normal', 'Pulled', 'image pulled');
    clock.advance(60_000);
    rec.record(pod, 'Normal', 'Pulled', 'image pulled');
    rec.record(pod, 'Normal', 'Pulled', 'a different message');
    await rec.flush();
    let events = await eventsFor(client, sut.namespace, pod.metadata.name);
    assert.equal(events.length, 2);
    const pulled = events.find((e) => e.message === 'image pulled');
    assert.equal(pulled?.count, 3);
    assert.equal(Date.parse(pulled?.firstTimestamp ?? ''), first);
    assert.equal(Date.parse(pulled?.lastTimestamp ?? ''), first + 120_000);
    clock.advance(11 * 60_000);
    rec.record(pod, 'Normal', 'Pulled', 'image pulled');
    await rec.flush();
    events = await eventsFor(client, sut.namespace, pod.metadata.name);
    assert.equal(events.filter((e) => e.message === 'image pulled').length, 2, 'past the window: a new Event');
  }));

test('repeats are PATCHed; a deleted event is recreated; server errors never reach the caller', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await withRecorder(async ({ rec, client, pod }) => {
    rec.record(pod, 'Normal', 'Started', 'started');
    rec.record(pod, 'Normal', 'Started', 'started');
    await rec.flush();
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    assert.equal(patch?.headers['content-type'], 'application/strategic-merge-patch+json');
    await client.resource(eventsResource).deleteCollection({ namespace: 'default' });
    rec.record(pod, 'Normal', 'Started', 'started');
    await rec.flush();
    const events = await eventsFor(client, 'default', pod.metadata.name);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.count, 1);
    fake.intercept = () => ({ code: 500, text: 'etcd is sad' });
    rec.record(pod, 'Warning', 'Oops', 'x');
    await rec.flush();
  }, sut);
});
