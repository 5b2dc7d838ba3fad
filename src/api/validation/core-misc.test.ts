import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultObject } from '../defaults.js';
import { fieldErrorString } from '../errors.js';
import { validateCreate, validateUpdate } from '../validation.js';

const errs = (key: string, obj: object): string[] => validateCreate(key, defaultObject(obj)).map(fieldErrorString);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const cases: [string, string, object, string[]][] = [
  ['namespace ok', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, []],
  [
    'namespace name is a label',
    'Namespace',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } },
    [
      `metadata.name: Invalid value: "team.a": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ],
  ],
  ['configmap ok', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd' }, data: { 'a.b': '1' } }, []],
  [
    'configmap bad key',
    'ConfigMap',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd' }, data: { 'a b': '1' } },
    [
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ],
  ],
  ['configmap too big', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd' }, data: { a: 'x'.repeat(1024 * 1024 + 1) } }, ['Too long: must have at most 1048576 bytes']],
  ['secret tls needs keys', 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'd' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('x') } }, ['data[tls.key]: Required value']],
  ['serviceaccount name', 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'd' } }, ['metadata.name: Required value: name or generateName is required']],
  [
    'endpoints loopback',
    'Endpoints',
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'd' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }] }] },
    ['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
  ],
  ['endpoints need addresses', 'Endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'd' }, subsets: [{}] }, ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']],
  [
    'event namespace mismatch',
    'Event',
    { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'a' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'b' } },
    ['involvedObject.namespace: Invalid value: "b": does not match event.namespace'],
  ],
  ['node namespace forbidden', 'Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'd' } }, ['metadata.namespace: Forbidden: not allowed on this type']],
  [
    'node taint effect',
    'Node',
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { taints: [{ key: 'k', effect: 'Never' }] } },
    ['metadata.taints[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'],
  ],
  ['pvc needs storage', 'PersistentVolumeClaim', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p', namespace: 'd' }, spec: { accessModes: ['ReadWriteOnce'] } }, ['spec.resources[storage]: Required value']],
  [
    'limitrange min above max',
    'LimitRange',
    { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'd' }, spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] } },
    [
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1',
      'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default value 1',
    ],
  ],
  ['resourcequota negative', 'ResourceQuota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'd' }, spec: { hard: { pods: '-1' } } }, ['spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0']],
];

for (const [name, key, obj, want] of cases) test(`core create: ${name}`, () => assert.deepEqual(errs(key, obj), want));

test('secret update: type is immutable; immutable data frozen', () => {
  const old = defaultObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'd', resourceVersion: '1' }, data: { a: b64('1') }, immutable: true });
  const changed = { ...old, type: 'kubernetes.io/basic-auth', data: { username: b64('u') } };
  assert.deepEqual(validateUpdate('Secret', changed, old).map(fieldErrorString), [
    'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});
