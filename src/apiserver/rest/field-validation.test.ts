import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.js';
import type { Resource } from '../registry.js';
import { typeMismatch } from './field-validation.js';

const pod = { group: '', version: 'v1', kind: 'Pod' } as Resource;
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' } as Resource;
const secret = { group: '', version: 'v1', kind: 'Secret' } as Resource;

function podWith(container: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...meta }, spec: { containers: [{ name: 'c', image: 'nginx', ...container }] } };
}

test('well-typed objects pass, null anywhere and the types that take several JSON kinds included', () => {
  assert.equal(typeMismatch(pod, podWith({ ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1, memory: '1Gi' } }, readinessProbe: { httpGet: { port: 'http' } }, livenessProbe: { tcpSocket: { port: 8080 } }, env: null })), undefined);
  assert.equal(typeMismatch(deployment, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', managedFields: [{ fieldsV1: { 'f:spec': {} } }] }, spec: { replicas: 3, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } } }), undefined);
  assert.equal(typeMismatch({ ...pod, crd: { name: 'x' } }, { apiVersion: 'v1', kind: 'Pod', spec: 'anything' }), undefined);
});

test('a value of the wrong JSON kind is named as Go names it', () => {
  assert.equal(typeMismatch(pod, podWith({ env: [{ name: 5, value: 'x' }] })), 'json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.name of type string');
  assert.equal(typeMismatch(pod, podWith({}, { labels: { a: 'b', on: true } })), 'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(typeMismatch(pod, podWith({ args: ['a', 1] })), 'json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string');
  assert.equal(typeMismatch(pod, podWith({ ports: [{ containerPort: 80.5 }] })), 'json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  assert.equal(typeMismatch(pod, podWith({ ports: { containerPort: 80 } })), 'json: cannot unmarshal object into Go struct field Container.spec.containers.ports of type []v1.ContainerPort');
  assert.equal(typeMismatch(pod, podWith({ stdin: 'yes' })), 'json: cannot unmarshal string into Go struct field Container.spec.containers.stdin of type bool');
  assert.equal(typeMismatch(pod, podWith({ readinessProbe: { httpGet: { port: true } } })), 'json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.readinessProbe.httpGet.port of type int32');
  assert.equal(typeMismatch(pod, { apiVersion: 'v1', kind: 'Pod', spec: { containers: ['nginx'] } }), 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container');
  assert.equal(typeMismatch(deployment, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: '3' } }), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(typeMismatch(deployment, { apiVersion: 'apps/v1', kind: 'Deployment', spec: ['x'] }), 'json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec');
  assert.equal(typeMismatch(secret, { apiVersion: 'v1', kind: 'Secret', data: { k: 1 } }), 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
});

test('types that decode themselves: IntOrString and Time name their inner type, Quantity words its own error, []byte takes numbers', () => {
  assert.equal(typeMismatch(pod, podWith({ ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80.5 } } })), 'json: cannot unmarshal number 80.5 into Go struct field HTTPGetAction.spec.containers.readinessProbe.httpGet.port of type int32');
  assert.equal(typeMismatch(pod, podWith({}, { creationTimestamp: 5 })), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string');
  assert.match(typeMismatch(pod, podWith({ resources: { limits: { cpu: true } } })) ?? '', /^quantities must match the regular expression/);
  assert.equal(typeMismatch(secret, { apiVersion: 'v1', kind: 'Secret', data: { k: [104, 105] } }), undefined);
  assert.match(typeMismatch(secret, { apiVersion: 'v1', kind: 'Secret', data: { k: ['h'] } }) ?? '', /Secret\.data of type \[\]uint8/);
});

test('the first mismatch in document order is the one reported', () => {
  assert.match(typeMismatch(pod, podWith({ stdin: 1, tty: 2 })) ?? '', /Container\.spec\.containers\.stdin of type bool/);
  assert.match(typeMismatch(pod, podWith({ tty: 2, stdin: 1 })) ?? '', /Container\.spec\.containers\.tty of type bool/);
});
