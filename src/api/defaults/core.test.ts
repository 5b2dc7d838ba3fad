import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultObject } from '../defaults.js';
import type { Namespace, Pod, Secret } from '../generated/core/v1.js';
import { applyPodAdmissionDefaults, defaultPullPolicy } from './core.js';

test('defaults: pull policy by tag', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('nginx:1.27'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
});

test('defaults: pod as kube-apiserver stores it', () => {
  const pod = defaultObject<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'd' },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'nginx',
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: '1', memory: '1Gi' } },
          readinessProbe: { httpGet: { port: 80 } },
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
      ],
      volumes: [{ name: 'v', secret: { secretName: 's' } }, { name: 'e' }],
    },
  });
  const c = pod.spec?.containers[0];
  assert.equal(c?.imagePullPolicy, 'Always');
  assert.equal(c?.terminationMessagePath, '/dev/termination-log');
  assert.equal(c?.terminationMessagePolicy, 'File');
  assert.deepEqual(c?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c?.resources?.requests, { cpu: '1', memory: '1Gi' });
  assert.deepEqual(c?.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(c?.env?.[0]?.valueFrom?.fieldRef?.apiVersion, 'v1');
  assert.deepEqual(pod.spec?.volumes, [{ name: 'v', secret: { secretName: 's', defaultMode: 420 } }, { name: 'e', emptyDir: {} }]);
  assert.equal(pod.spec?.restartPolicy, 'Always');
  assert.equal(pod.spec?.dnsPolicy, 'ClusterFirst');
  assert.equal(pod.spec?.schedulerName, 'default-scheduler');
  assert.equal(pod.spec?.terminationGracePeriodSeconds, 30);
  assert.deepEqual(pod.spec?.securityContext, {});
  assert.equal(pod.spec?.enableServiceLinks, true);
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  applyPodAdmissionDefaults(pod);
  assert.equal(pod.spec?.serviceAccountName, 'default');
  assert.equal(pod.spec?.priority, 0);
  assert.equal(pod.spec?.tolerations?.length, 2);
});

test('defaults: namespace and secret', () => {
  const ns = defaultObject<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
  assert.deepEqual(ns, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  const s = defaultObject<Secret>({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } });
  assert.deepEqual(s, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { k: 'dg==' } });
});

test('defaults: unknown kinds are left alone', () => {
  const obj = { apiVersion: 'example.com/v1', kind: 'Widget', spec: {} };
  assert.deepEqual(defaultObject(obj), { apiVersion: 'example.com/v1', kind: 'Widget', spec: {} });
});
