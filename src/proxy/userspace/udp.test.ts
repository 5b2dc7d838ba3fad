import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UdpListener } from './udp.js';
import { quiet, route, udpClient, udpEndpoint } from './testing.js';

async function listener(r: ReturnType<typeof route>, now?: () => number) {
  const l = new UdpListener({ host: '127.0.0.1', port: 0, route: r, logger: quiet, idleMs: 60_000, maxSessions: 2, ...(now && { now }) });
  await l.listen();
  return l;
}

test('UDP: each client gets a session to one endpoint; replies come back from the service socket', async (t) => {
  const a = await udpEndpoint('a');
  const b = await udpEndpoint('b');
  t.after(() => (a.socket.close(), b.socket.close()));
  const l = await listener(route([a.ep, b.ep]));
  t.after(() => l.close());
  const c1 = await udpClient();
  const c2 = await udpClient();
  t.after(() => (c1.close(), c2.close()));
  assert.equal(await c1.ask(l.boundPort, 'p1'), 'a:p1');
  assert.equal(await c1.ask(l.boundPort, 'p2'), 'a:p2', 'same session, same endpoint');
  assert.equal(await c2.ask(l.boundPort, 'q'), 'b:q');
  assert.equal(l.sessionCount, 2);
  const c3 = await udpClient();
  t.after(() => c3.close());
  assert.equal(await c3.ask(l.boundPort, 'r', 200), undefined, 'past maxSessions: dropped');
});

test('UDP: idle sessions expire on the sweep; used ones stay', async (t) => {
  const a = await udpEndpoint('a');
  t.after(() => a.socket.close());
  const clock = { t: 0 };
  const l = await listener(route([a.ep]), () => clock.t);
  t.after(() => l.close());
  const c1 = await udpClient();
  const c2 = await udpClient();
  t.after(() => (c1.close(), c2.close()));
  await c1.ask(l.boundPort, 'x');
  await c2.ask(l.boundPort, 'x');
  clock.t = 59_000;
  assert.equal(await c2.ask(l.boundPort, 'y'), 'a:y');
  clock.t = 60_500;
  l.sweep();
  assert.equal(l.sessionCount, 1);
  clock.t = 200_000;
  l.sweep();
  assert.equal(l.sessionCount, 0);
  assert.equal(await c1.ask(l.boundPort, 'z'), 'a:z', 'a new session after expiry');
});

test('UDP: sessions to an endpoint that left the pool end; the client moves on', async (t) => {
  const a = await udpEndpoint('a');
  const b = await udpEndpoint('b');
  t.after(() => (a.socket.close(), b.socket.close()));
  const l = await listener(route([a.ep]));
  t.after(() => l.close());
  const c = await udpClient();
  t.after(() => c.close());
  assert.equal(await c.ask(l.boundPort, '1'), 'a:1');
  l.route = route([b.ep]);
  l.retainEndpoints();
  assert.equal(l.sessionCount, 0);
  assert.equal(await c.ask(l.boundPort, '2'), 'b:2');
});

test('UDP: sources outside the ranges are dropped', async (t) => {
  const a = await udpEndpoint('a');
  t.after(() => a.socket.close());
  const l = await listener(route([a.ep], { ranges: ['10.0.0.0/8'] }));
  t.after(() => l.close());
  const c = await udpClient();
  t.after(() => c.close());
  assert.equal(await c.ask(l.boundPort, 'x', 200), undefined);
  assert.equal(l.sessionCount, 0);
});
