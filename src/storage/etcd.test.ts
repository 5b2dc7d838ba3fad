import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
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
