import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { queryTcp, queryUdp } from './client.js';
import { listenDns } from './listen.js';

test('the handler gets the client address, IPv4-mapped addresses as plain IPv4 (UDP and TCP)', async (t) => {
  const clients: string[] = [];
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  // Bound on '::' the sockets are dual-stack: an IPv4 client shows up as ::ffff:127.0.0.1.
  const l = await listenDns({
    address: '::',
    port: 0,
    logger: quiet,
    handle: (msg, transport, client) => {
      clients.push(`${transport} ${String(client)}`);
      const q = packet.decode(msg);
      return Promise.resolve(packet.encode({ type: 'response', id: q.id, questions: q.questions, answers: [] }));
    },
  });
  t.after(() => l.close());
  await queryUdp('127.0.0.1', l.port, 'a.example', 'A');
  await queryTcp('127.0.0.1', l.port, 'a.example', 'A');
  assert.deepEqual(clients.slice(0, 2), ['udp 127.0.0.1', 'tcp 127.0.0.1']);
});
