/**
 * The userspace backend's sync logic, without root: Services get addresses in 127.0.0.0/8 (which
 * the host already owns, so a fake `exec` stands in for `ip`) and endpoints are loopback servers.
 * NodePorts (0.0.0.0) are left to the kernel tests in a lab, so nothing here listens beyond loopback.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { NodeNetwork, SyncRequest } from './model.js';
import { servicePort, snapshotOf, type SnapshotEntry } from './testing/fixtures.js';
import { UserspaceBackend } from './userspace.js';
import { TcpListener } from './userspace/tcp.js';
import { deadPort, exchange, quiet, tcpEndpoint, udpClient, udpEndpoint } from './userspace/testing.js';
import type { Logger } from '../util/log.js';

/** Loopback addresses per test file run, so parallel runs of other suites do not collide. */
const base = `127.${80 + (process.pid % 40)}.${process.pid % 250}`;

function fakeNet(): NodeNetwork & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    nodeIPs: ['127.0.0.1'],
    clusterCIDR: '10.244.0.0/16',
    serviceCIDR: '10.96.0.0/16',
    prefix: 'KTEST',
    link: 'k8tstest0',
    exec: (file, args) => {
      calls.push([file, ...args].join(' '));
      // No link yet, no addresses on it: the backend must create both.
      return Promise.resolve({ code: args[0] === 'link' && args[1] === 'show' ? 1 : 0, stdout: '', stderr: '' });
    },
  };
}

const req = (entries: SnapshotEntry[], changed: string[] | 'all'): SyncRequest => ({ snapshot: snapshotOf(entries), changed: changed === 'all' ? 'all' : new Set(changed) });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...quiet, warnings, warn: (msg, f) => warnings.push(`${msg} ${JSON.stringify(f)}`) };
}

async function setup(t: TestContext) {
  const net = fakeNet();
  const logger = recordingLogger();
  const backend = new UserspaceBackend({ net, logger });
  t.after(() => backend.close());
  const a = await tcpEndpoint('a');
  const b = await tcpEndpoint('b');
  t.after(() => (a.server.close(), b.server.close()));
  const listens = t.mock.method(TcpListener.prototype, 'listen');
  return { net, logger, backend, a, b, listens };
}

test('sync: the link is set up once; addresses follow the Services; ClusterIP serves both endpoints', async (t) => {
  const { net, backend, a, b } = await setup(t);
  const p = await deadPort();
  const web = servicePort({ id: 'web', clusterIP: `${base}.1`, port: p, externalIPs: [`${base}.2`] });
  await backend.sync(req([[web, [a.ep, b.ep]]], 'all'));
  assert.deepEqual(backend.listening(), [`TCP/${base}.1:${p}`, `TCP/${base}.2:${p}`]);
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add((await exchange(p, '', `${base}.1`)).data);
  assert.deepEqual([...seen].sort(), ['a\n', 'b\n']);
  assert.equal((await exchange(p, '', `${base}.2`)).data.length, 2);
  assert.ok(net.calls.includes('ip link add k8tstest0 type bridge'));
  assert.ok(net.calls.includes(`ip addr add ${base}.2/32 dev k8tstest0`));

  net.calls.length = 0;
  await backend.sync(req([[web, [a.ep]]], ['web']));
  assert.deepEqual(net.calls, [], 'same addresses, link ready: no ip command');
});

test('sync: only changed ports are touched; an endpoint change keeps the listener', async (t) => {
  const { backend, a, b, listens } = await setup(t);
  const p = await deadPort();
  const one = servicePort({ id: 'one', clusterIP: `${base}.11`, port: p });
  const two = servicePort({ id: 'two', clusterIP: `${base}.12`, port: p });
  await backend.sync(req([[one, [a.ep]], [two, [a.ep]]], 'all'));
  assert.equal(listens.mock.callCount(), 2);
  // `two` changes in the snapshot but is not named as changed: it must keep its old endpoints.
  await backend.sync(req([[one, [b.ep]], [two, [b.ep]]], ['one']));
  assert.equal(listens.mock.callCount(), 2, 'no listener reopened');
  assert.equal((await exchange(p, '', `${base}.11`)).data, 'b\n');
  assert.equal((await exchange(p, '', `${base}.12`)).data, 'a\n');
  await backend.sync(req([[one, []]], ['one', 'two']));
  assert.deepEqual(backend.listening(), [`TCP/${base}.11:${p}`]);
  const none = await exchange(p, '', `${base}.11`);
  assert.equal(none.error, 'ECONNRESET', 'no endpoints: reset');
  assert.equal((await exchange(p, '', `${base}.12`)).error, 'ECONNREFUSED', 'removed Service: nothing listens');
});

test('sync: a busy port is logged, the rest applies, and it is retried at the next sync', async (t) => {
  const { backend, logger, a } = await setup(t);
  const p = await deadPort();
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(p, `${base}.21`, r));
  const busy = servicePort({ id: 'busy', clusterIP: `${base}.21`, port: p });
  const fine = servicePort({ id: 'fine', clusterIP: `${base}.22`, port: p });
  await backend.sync(req([[busy, [a.ep]], [fine, [a.ep]]], 'all'));
  assert.deepEqual(backend.listening(), [`TCP/${base}.22:${p}`]);
  assert.match(logger.warnings.join('\n'), /cannot listen.*EADDRINUSE/);
  await new Promise((r) => squatter.close(r));
  await backend.sync(req([[busy, [a.ep]], [fine, [a.ep]]], []));
  assert.deepEqual(backend.listening(), [`TCP/${base}.21:${p}`, `TCP/${base}.22:${p}`]);
  assert.equal((await exchange(p, '', `${base}.21`)).data, 'a\n');
});

test('sync: two Service ports on one address:port: the first keeps it, the second takes over when it goes', async (t) => {
  const { backend, logger, a, b } = await setup(t);
  const p = await deadPort();
  const first = servicePort({ id: 'first', clusterIP: `${base}.31`, port: p, externalIPs: [`${base}.33`] });
  const second = servicePort({ id: 'second', clusterIP: `${base}.32`, port: p, externalIPs: [`${base}.33`] });
  await backend.sync(req([[first, [a.ep]], [second, [b.ep]]], 'all'));
  assert.equal((await exchange(p, '', `${base}.33`)).data, 'a\n');
  assert.match(logger.warnings.join('\n'), /already served by another Service port/);
  await backend.sync(req([[second, [b.ep]]], ['first']));
  assert.equal((await exchange(p, '', `${base}.33`)).data, 'b\n');
});

test('sync: a UDP port listens only while it has endpoints', async (t) => {
  const { backend } = await setup(t);
  const e = await udpEndpoint('u');
  t.after(() => e.socket.close());
  const c = await udpClient();
  t.after(() => c.close());
  const p = await deadPort();
  const dns = servicePort({ id: 'dns', protocol: 'UDP', clusterIP: '127.0.0.1', port: p });
  await backend.sync(req([[dns]], 'all'));
  assert.deepEqual(backend.listening(), []);
  await backend.sync(req([[dns, [e.ep]]], ['dns']));
  assert.deepEqual(backend.listening(), [`UDP/127.0.0.1:${p}`]);
  assert.equal(await c.ask(p, 'q'), 'u:q');
  await backend.sync(req([[dns, []]], ['dns']));
  assert.deepEqual(backend.listening(), []);
});

test('close() ends listeners and connections; cleanup() also removes the link', async (t) => {
  const { net, backend, a } = await setup(t);
  const p = await deadPort();
  const web = servicePort({ id: 'web', clusterIP: `${base}.41`, port: p });
  await backend.sync(req([[web, [a.ep]]], 'all'));
  const open = connect(p, `${base}.41`);
  await new Promise((r) => open.once('data', r));
  const closed = new Promise((r) => open.once('close', r));
  open.on('error', () => {});
  await backend.cleanup();
  await closed;
  assert.deepEqual(backend.listening(), []);
  assert.ok(net.calls.includes('ip link del k8tstest0'));
});
