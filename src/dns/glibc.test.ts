/**
 * The real stub resolver: glibc's getent, in a network namespace of its own whose resolv.conf
 * (`ip netns exec` mounts /etc/netns/NAME/resolv.conf) names our server on 127.0.0.1:53 with a
 * pod's search path, resolves the short name `redis` the way a pod's process does. A stand-in
 * upstream in the namespace answers NXDOMAIN to everything, so an unknown name is proven NXDOMAIN
 * at every step of the search walk (not a SERVFAIL, which glibc also reports as "not found").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { run, runOk } from '../util/exec.js';

const moduleUrl = (rel: string) => JSON.stringify(new URL(rel, import.meta.url).href);

/** The server, in the namespace, fed by a FakeTransport holding one Service; its upstream says NXDOMAIN to all. */
const serverScript = `
import { startDns } from ${moduleUrl('./run.js')};
import { listenDns } from ${moduleUrl('./listen.js')};
import { FakeTransport } from ${moduleUrl('../client/testing/fake-transport.js')};
import { resources } from ${moduleUrl('../client/resources.js')};
const transport = new FakeTransport();
transport.seed(resources.services, { metadata: { name: 'redis', namespace: 'default' }, spec: { clusterIP: '10.96.0.10' } });
const ac = new AbortController();
process.once('SIGTERM', () => ac.abort());
const quiet = { info() {}, warn() {}, error() {} };
// The query back with QR, RA and NXDOMAIN set (opcode, RD and the question kept).
const nxdomain = (msg) => {
  const out = Buffer.from(msg);
  out.writeUInt16BE((msg.readUInt16BE(2) & 0x7900) | 0x8000 | 0x80 | 3, 2);
  return Promise.resolve(out);
};
const upstream = await listenDns({ address: '127.0.0.1', port: 0, handle: nxdomain, logger: quiet });
const dns = await startDns({ transport, address: '127.0.0.1', port: 53, upstreams: ['127.0.0.1:' + upstream.port], logger: quiet }, ac.signal);
console.log('ready ' + dns.port);
await dns.done;
await upstream.close();
`;

test('glibc (getent) resolves a short Service name through the pod search path', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root for a network namespace');
  const ns = `k8tsdns-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const etc = `/etc/netns/${ns}`;
  t.after(async () => {
    rmSync(etc, { recursive: true, force: true });
    await run('ip', ['netns', 'del', ns]);
  });
  await runOk('ip', ['netns', 'add', ns]);
  await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  mkdirSync(etc, { recursive: true });
  writeFileSync(`${etc}/resolv.conf`, 'nameserver 127.0.0.1\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5 timeout:2 attempts:1\n');

  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', serverScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the DNS server exited (${code})`)));
  });
  assert.equal(line, 'ready 53');

  const getent = (...args: string[]) => run('ip', ['netns', 'exec', ns, 'getent', ...args], { timeoutMs: 10_000 });
  const short = await getent('ahosts', 'redis');
  assert.equal(short.code, 0, short.stderr);
  assert.match(short.stdout, /^10\.96\.0\.10\s/m);
  const qualified = await getent('hosts', 'redis.default');
  assert.match(qualified.stdout, /^10\.96\.0\.10\s+redis\.default\.svc\.cluster\.local/);
  assert.equal((await getent('hosts', 'no-such-service')).code, 2, 'an unknown name is not found');
  // What glibc was told at each step of its walk (ndots:5: the search domains, then the bare name).
  for (const name of ['no-such-service.default.svc.cluster.local', 'no-such-service.svc.cluster.local', 'no-such-service.cluster.local', 'no-such-service']) {
    const dig = await run('ip', ['netns', 'exec', ns, 'dig', '@127.0.0.1', '+time=2', '+tries=1', `${name}.`, 'A'], { timeoutMs: 10_000 });
    assert.match(dig.stdout, /status: NXDOMAIN/, `${name}: ${dig.stdout}`);
  }
});
