import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyExists, isAlreadyExists } from '../api/errors.js';
import type { ConfigMap, Namespace } from '../api/generated/core/v1.js';
import { resources } from '../client/resources.js';
import { ROOT_CA_CONFIGMAP, RootCaPublisher } from './root-ca.js';
import { newTestBench } from './testing.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const ns = (name: string, phase = 'Active'): Namespace => ({ metadata: { name, ...(phase === 'Terminating' ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) }, status: { phase } });
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
const cm = (data: Record<string, string>, annotations: Record<string, string> = { 'kubernetes.io/description': DESCRIPTION }): ConfigMap => ({ metadata: { name: ROOT_CA_CONFIGMAP, namespace: 'team', annotations }, data });

test('root-ca-cert-publisher: kube-root-ca.crt holds the CA in every active namespace', async () => {
  const cases: { name: string; namespace?: Namespace; existing?: ConfigMap; writes: string[]; data?: Record<string, string>; annotations?: Record<string, string> }[] = [
    { name: 'missing: created', namespace: ns('team'), writes: ['create configmaps team/kube-root-ca.crt'], data: { 'ca.crt': CA }, annotations: { 'kubernetes.io/description': DESCRIPTION } },
    { name: 'current: nothing to do', namespace: ns('team'), existing: cm({ 'ca.crt': CA }), writes: [] },
    { name: 'changed: put back, other annotations kept', namespace: ns('team'), existing: cm({ 'ca.crt': 'stale', extra: 'x' }, { mine: 'y' }), writes: ['update configmaps team/kube-root-ca.crt'], data: { 'ca.crt': CA }, annotations: { mine: 'y', 'kubernetes.io/description': DESCRIPTION } },
    { name: 'a description of its own is kept', namespace: ns('team'), existing: cm({ 'ca.crt': CA }, { 'kubernetes.io/description': 'ours' }), writes: [] },
    { name: 'terminating namespace: left alone', namespace: ns('team', 'Terminating'), writes: [] },
    { name: 'unknown namespace', writes: [] },
  ];
  for (const c of cases) {
    const b = newTestBench({ rootCaPem: CA });
    if (c.namespace) b.seed(resources.namespaces, c.namespace);
    if (c.existing) b.seed(resources.configmaps, c.existing);
    await new RootCaPublisher(b.ctx).reconcile('team');
    assert.deepEqual(b.transport.writes().map((w) => w.replace(/\/$/, `/${ROOT_CA_CONFIGMAP}`)), c.writes, c.name);
    if (c.data) {
      const got = b.transport.object<ConfigMap>(resources.configmaps, 'team', ROOT_CA_CONFIGMAP);
      assert.deepEqual(got?.data, c.data, c.name);
      assert.deepEqual(got?.metadata?.annotations, c.annotations, c.name);
    }
  }
});

test('root-ca-cert-publisher: one created meanwhile by someone else is retried (then checked)', async () => {
  const b = newTestBench({ rootCaPem: CA });
  b.seed(resources.namespaces, ns('team'));
  b.transport.prependReactor((a) => {
    if (a.verb === 'create') throw alreadyExists({ group: '', resource: 'configmaps' }, ROOT_CA_CONFIGMAP);
    return undefined;
  });
  await assert.rejects(() => new RootCaPublisher(b.ctx).reconcile('team'), (e: unknown) => isAlreadyExists(e));
});

test('root-ca-cert-publisher: without a CA nothing is written', async () => {
  const b = newTestBench();
  b.seed(resources.namespaces, ns('team'));
  const ctl = new RootCaPublisher(b.ctx);
  await ctl.reconcile('team');
  await ctl.run(new AbortController().signal);
  assert.deepEqual(b.transport.writes(), []);
});
