import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../client/types.js';
import { goTypeOf, podSpecOf, selectContainers, selectString } from './podspec.js';

test('selectString matches names with kubectl\'s non-greedy * wildcard', () => {
  const cases: Array<[string, string, boolean]> = [
    ['nginx', '*', true],
    ['nginx', 'nginx', true],
    ['nginx', 'ngin', false],
    ['nginx', 'ng*', true],
    ['nginx', '*inx', true],
    ['nginx', 'n*x', true],
    ['sidecar', 'n*x', false],
    ['web-app', 'web*', true],
  ];
  for (const [s, spec, want] of cases) assert.equal(selectString(s, spec), want, `${s} ~ ${spec}`);
});

test('podSpecOf finds the pod spec of each workload kind, and nothing for others', () => {
  const cases: Array<[string, string, string[]]> = [
    ['v1', 'Pod', ['spec']],
    ['v1', 'ReplicationController', ['spec', 'template', 'spec']],
    ['apps/v1', 'Deployment', ['spec', 'template', 'spec']],
    ['batch/v1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
  ];
  for (const [apiVersion, kind, path] of cases) {
    const obj = { apiVersion, kind } as KubeObject;
    const spec = podSpecOf(obj);
    let at: unknown = obj;
    for (const k of path) at = (at as Record<string, unknown>)[k];
    assert.equal(spec, at, kind);
  }
  assert.equal(podSpecOf({ apiVersion: 'v1', kind: 'Service' }), undefined);
  assert.equal(goTypeOf({ apiVersion: 'v1', kind: 'Service' }), '*v1.Service');
  assert.equal(goTypeOf({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' }), '*v1.Ingress');
  assert.equal(goTypeOf({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }), '*v2.HorizontalPodAutoscaler');
});

test('selectContainers returns matching containers, then matching init containers', () => {
  const spec = { containers: [{ name: 'app' }, { name: 'sidecar' }], initContainers: [{ name: 'app-init' }] };
  assert.deepEqual(selectContainers(spec, 'app*').map((c) => c.name), ['app', 'app-init']);
  assert.deepEqual(selectContainers(spec, 'nope'), []);
});
