import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './rate-limiter.js';
import { RestClient } from './rest.js';
import { FakeClock, flush, until } from './testing/fake-clock.js';
import { fakeServerFactory } from './testing/harness.js';

test('token bucket: burst at once, then qps', () => {
  const clock = new FakeClock();
  const b = new TokenBucket({ qps: 5, burst: 10, clock });
  for (let i = 0; i < 10; i++) assert.ok(b.tryAccept(), `token ${i}`);
  assert.equal(b.tryAccept(), false);
  clock.advance(199);
  assert.equal(b.tryAccept(), false);
  clock.advance(1);
  assert.ok(b.tryAccept());
  // Reservations queue up: each next one 200 ms later.
  assert.equal(b.reserve(), 200);
  assert.equal(b.reserve(), 400);
  clock.advance(10_000);
  assert.equal(b.reserve(), 0);
});

test('token bucket: qps <= 0 is unlimited', () => {
  const b = new TokenBucket({ qps: 0, burst: 1, clock: new FakeClock() });
  for (let i = 0; i < 100; i++) assert.ok(b.tryAccept());
});

test('the REST client holds requests past its burst until tokens refill', async () => {
  const sut = await fakeServerFactory();
  const clock = new FakeClock();
  const client = new RestClient(sut.config, { qps: 1, burst: 2, clock });
  try {
    let done = 0;
    const all = [0, 1, 2].map(() => client.request({ method: 'GET', path: '/version' }).then(() => done++));
    await until(() => done === 2, 2000, 'the burst');
    await flush(20);
    assert.equal(done, 2, 'the third request waits for a token');
    assert.equal(sut.fake?.requests.length, 2);
    clock.advance(1000);
    await Promise.all(all);
    assert.equal(done, 3);
  } finally {
    client.close();
    await sut.close();
  }
});
