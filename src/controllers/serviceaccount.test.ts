import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyExists, forbidden } from '../api/errors.js';
import type { Namespace, ServiceAccount } from '../api/generated/core/v1.js';
import { resources } from '../client/resources.js';
import { ServiceAccountController } from './serviceaccount.js';
import { newTestBench } from './testing.js';

const ns = (name: string, phase = 'Active'): Namespace => ({ metadata: { name, ...(phase === 'Terminating' ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) }, status: { phase } });
const sa = (namespace: string, name = 'default'): ServiceAccount => ({ metadata: { name, namespace } });

test('serviceaccount: a default account in every active namespace', async () => {
  const cases: { name: string; namespace?: Namespace; accounts: ServiceAccount[]; fail?: unknown; writes: string[] }[] = [
    { name: 'missing: created', namespace: ns('team'), accounts: [sa('team', 'builder')], writes: ['create serviceaccounts team/'] },
    { name: 'present: nothing to do', namespace: ns('team'), accounts: [sa('team')], writes: [] },
    { name: 'terminating namespace: left alone', namespace: ns('team', 'Terminating'), accounts: [], writes: [] },
    { name: 'unknown namespace', accounts: [], writes: [] },
    { name: 'created meanwhile by someone else', namespace: ns('team'), accounts: [], fail: alreadyExists({ group: '', resource: 'serviceaccounts' }, 'default'), writes: ['create serviceaccounts team/'] },
    {
      name: 'namespace started terminating meanwhile',
      namespace: ns('team'),
      accounts: [],
      fail: forbidden('serviceaccounts "default" is forbidden: unable to create new content in namespace team because it is being terminated'),
      writes: ['create serviceaccounts team/'],
    },
  ];
  for (const c of cases) {
    const b = newTestBench();
    if (c.namespace) b.seed(resources.namespaces, c.namespace);
    b.seed(resources.serviceaccounts, ...c.accounts);
    if (c.fail) {
      b.transport.prependReactor((a) => {
        if (a.verb === 'create') throw c.fail;
        return undefined;
      });
    }
    const ctl = new ServiceAccountController(b.ctx);
    await ctl.reconcile('team');
    assert.deepEqual(b.transport.writes(), c.writes, c.name);
    if (c.writes.length && !c.fail) assert.ok(b.transport.object<ServiceAccount>(resources.serviceaccounts, 'team', 'default'), c.name);
  }
});

test('serviceaccount: any other create failure is retried', async () => {
  const b = newTestBench();
  b.seed(resources.namespaces, ns('team'));
  b.transport.prependReactor((a) => {
    if (a.verb === 'create') throw new Error('connection reset');
    return undefined;
  });
  await assert.rejects(() => new ServiceAccountController(b.ctx).reconcile('team'), /connection reset/);
});
