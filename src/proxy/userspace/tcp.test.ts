import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { TcpListener } from './tcp.js';
import { deadPort, endpoint, exchange, quiet, route, tcpEndpoint } from './testing.js';

async function listener(r: ReturnType<typeof route>) {
  const sockets = new Set<Socket>();
  const l = new TcpListener({ host: '127.0.0.1', port: 0, route: r, logger: quiet, connectTimeoutMs: 1000, maxTries: 3, sockets });
  await l.listen();
  return { l, sockets };
}

test('TCP: connections go round robin and carry data both ways', async (t) => {
  const a = await tcpEndpoint('a');
  const b = await tcpEndpoint('b');
  t.after(() => (a.server.close(), b.server.close()));
  const { l } = await listener(route([a.ep, b.ep]));
  t.after(() => l.close());
  const got = [];
  for (let i = 0; i < 4; i++) got.push((await exchange(l.boundPort, `hello${i}`)).data);
  assert.deepEqual(got, ['a\nhello0', 'b\nhello1', 'a\nhello2', 'b\nhello3']);
});

test('TCP: a large transfer arrives whole (backpressure) and the half-close reaches the endpoint', async (t) => {
  const a = await tcpEndpoint('a');
  t.after(() => a.server.close());
  const { l } = await listener(route([a.ep]));
  t.after(() => l.close());
  const big = Buffer.alloc(8 * 1024 * 1024, 'x');
  // The endpoint only ends its side after it sees our FIN, so a reply that ends proves the FIN got through.
  const r = await exchange(l.boundPort, big);
  assert.equal(r.error, undefined);
  assert.equal(r.data.length, 2 + big.length);
});

test('TCP: an endpoint that refuses is skipped for the next one', async (t) => {
  const a = await tcpEndpoint('a');
  t.after(() => a.server.close());
  const dead = endpoint('127.0.0.1', await deadPort());
  const { l } = await listener(route([dead, a.ep, dead]));
  t.after(() => l.close());
  for (let i = 0; i < 3; i++) assert.equal((await exchange(l.boundPort, 'x')).data, 'a\nx');
});

test('TCP: no endpoints, all dead, or a source outside the ranges: the client is reset', async (t) => {
  const dead = endpoint('127.0.0.1', await deadPort());
  const a = await tcpEndpoint('a');
  t.after(() => a.server.close());
  for (const r of [route([]), route([dead, dead]), route([a.ep], { ranges: ['10.0.0.0/8'] })]) {
    const { l } = await listener(r);
    t.after(() => l.close());
    const got = await exchange(l.boundPort, 'x');
    assert.equal(got.data, '');
    assert.equal(got.error, 'ECONNRESET');
  }
});

test('TCP: a route swap applies to new connections while an open one keeps its endpoint', async (t) => {
  const a = await tcpEndpoint('a');
  const b = await tcpEndpoint('b');
  t.after(() => (a.server.close(), b.server.close()));
  const { l } = await listener(route([a.ep]));
  t.after(() => l.close());
  const open = connect(l.boundPort, '127.0.0.1');
  const first = await new Promise<string>((r) => open.once('data', (d: Buffer) => r(d.toString())));
  assert.equal(first, 'a\n');
  l.route = route([b.ep]);
  assert.equal((await exchange(l.boundPort, 'y')).data, 'b\ny');
  open.write('still');
  assert.equal(await new Promise<string>((r) => open.once('data', (d: Buffer) => r(d.toString()))), 'still');
  open.destroy();
});

test('TCP: close() frees the port but spliced connections carry on; the socket set sees them', async (t) => {
  const a = await tcpEndpoint('a');
  t.after(() => a.server.close());
  const { l, sockets } = await listener(route([a.ep]));
  const open = connect(l.boundPort, '127.0.0.1');
  await new Promise((r) => open.once('data', r));
  assert.equal(sockets.size, 2, 'client and upstream');
  l.close();
  const refused = await exchange(l.boundPort, 'x');
  assert.equal(refused.error, 'ECONNREFUSED');
  open.write('after');
  assert.equal(await new Promise<string>((r) => open.once('data', (d: Buffer) => r(d.toString()))), 'after');
  open.destroy();
});
