/**
 * The API server on etcd (`k8ts server --etcd-servers`), and restarts: a server killed with
 * SIGKILL and started again on the same data loses no acknowledged write, on SQLite and on etcd.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startEtcd, type EtcdProcess } from '../../src/storage/etcd/process.js';
import { kubectl, startServer, type Cluster } from './harness.js';

let etcd: EtcdProcess | undefined;
const etcdDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-etcd-'));
before(async () => {
  etcd = await startEtcd({ dataDir: etcdDir, name: `k8ts-e2e-${process.pid}` });
});
after(async () => {
  await etcd?.stop();
  rmSync(etcdDir, { recursive: true, force: true });
});

const ok = (c: Cluster, args: string[], input?: string) => {
  const r = kubectl(c, args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

async function crashAndRestart(backend: 'sqlite' | 'etcd'): Promise<void> {
  const etcdServers = backend === 'etcd' ? etcd?.endpoint : undefined;
  let c = await startServer({ etcdServers });
  try {
    const n = 30;
    for (let i = 0; i < n; i++) ok(c, ['create', 'configmap', `cm-${i}`, `--from-literal=i=${i}`]);
    ok(c, ['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    ok(c, ['scale', 'deployment', 'web', '--replicas=5']);
    const svcIp = ok(c, ['create', 'service', 'clusterip', 'db', '--tcp=6379:6379', '-o', 'jsonpath={.spec.clusterIP}']);
    await c.kill();
    c = await startServer({ etcdServers, dir: c.dir, port: c.port });
    const names = ok(c, ['get', 'configmaps', '-o', 'name']).split('\n').filter((l) => l.startsWith('configmap/cm-'));
    assert.equal(names.length, n, 'every acknowledged configmap survived the crash');
    assert.equal(ok(c, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
    assert.equal(ok(c, ['get', 'svc', 'db', '-o', 'jsonpath={.spec.clusterIP}']), svcIp);
    // Allocations were rebuilt: a new service does not get the same address.
    const other = ok(c, ['create', 'service', 'clusterip', 'cache', '--tcp=11211:11211', '-o', 'jsonpath={.spec.clusterIP}']);
    assert.notEqual(other, svcIp);
    // And the server keeps working for writes and watches after the restart.
    ok(c, ['label', 'deploy', 'web', 'restarted=yes']);
    assert.equal(ok(c, ['get', 'deploy', '-l', 'restarted=yes', '-o', 'name']).trim(), 'deployment.apps/web');
  } finally {
    await c.stop();
  }
}

test('k8ts server on SQLite: SIGKILL and restart lose no acknowledged write', () => crashAndRestart('sqlite'));

test('k8ts server on etcd: the same verbs, and SIGKILL of the API server loses nothing', () => crashAndRestart('etcd'));
