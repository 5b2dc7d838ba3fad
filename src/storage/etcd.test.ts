import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { counterLoad, type Ack, verifyAcked } from './crash-check.js';
import { openEtcdStore } from './etcd.js';
import { startEtcd, type EtcdProcess } from './etcd/process.js';
import { storeSuite } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-test-'));
let etcd: EtcdProcess | undefined;
before(async () => {
  etcd = await startEtcd({ dataDir: dir, name: `k8ts-test-${process.pid}` });
});
after(async () => {
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

storeSuite('etcd', {
  strictLagExpiry: false,
  open: (opts) => {
    if (!etcd) throw new Error('etcd did not start');
    return Promise.resolve(openEtcdStore({ endpoints: [etcd.endpoint], ...opts }));
  },
});

test('etcd: SIGKILL of the etcd server during a write load loses no acknowledged write', async () => {
  const crashDir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-crash-'));
  let server = await startEtcd({ dataDir: crashDir, name: `k8ts-crash-${process.pid}` });
  try {
    const store = openEtcdStore({ endpoints: [server.endpoint], timeoutMs: 5000 });
    const acks: Ack[] = [];
    const stop = new AbortController();
    let reached: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (reached = resolve));
    const load = counterLoad(store, '/registry/crash/', 16, (a) => {
      acks.push(a);
      if (acks.length === 1500) reached();
    }, stop.signal);
    await Promise.race([enough, load]);
    await server.kill(); // a crash in the middle of the load
    stop.abort();
    await load;
    await store.close();
    assert.ok(acks.length >= 1500, `the load ran (${acks.length} acks)`);
    server = await startEtcd({ ...server.options });
    const reopened = openEtcdStore({ endpoints: [server.endpoint] });
    try {
      assert.equal(await verifyAcked(reopened, acks), 16);
    } finally {
      await reopened.close();
    }
  } finally {
    await server.kill();
    rmSync(crashDir, { recursive: true, force: true });
  }
});

test('etcd: a watch resuming over more history than one gRPC message holds gets all of it', async () => {
  if (!etcd) throw new Error('etcd did not start');
  const store = openEtcdStore({ endpoints: [etcd.endpoint] });
  try {
    const p = `/registry/big${process.pid}/`;
    const start = await store.currentRevision();
    const value = Buffer.alloc(1024 * 1024, 'b'); // 1 MiB, under etcd's request limit
    for (let i = 0; i < 90; i++) await store.create(`${p}${i}`, value); // ~90 MiB of history
    const w = store.watch(p, { afterRevision: start });
    let n = 0;
    for await (const batch of w) {
      n += batch.length;
      if (n >= 90) break;
    }
    assert.equal(n, 90);
  } finally {
    await store.close();
  }
});
