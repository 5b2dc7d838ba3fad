import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as appsV1 from '../generated/apps/v1.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaults/apps.js';
import { validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate } from './apps.js';
import { validateDaemonSet, validateDaemonSetUpdate, validateStatefulSet, validateStatefulSetUpdate } from './apps-sets.js';
import { edited, messages } from './test-util.js';

const meta = { name: 'web', namespace: 'default' };
const template = () => ({ metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'nginx' }] } });
const selector = () => ({ matchLabels: { app: 'web' } });

const deployment: appsV1.Deployment = defaultDeployment({ metadata: meta, spec: { selector: selector(), template: template() } });
const replicaSet: appsV1.ReplicaSet = defaultReplicaSet({ metadata: meta, spec: { selector: selector(), template: template() } });
const daemonSet: appsV1.DaemonSet = defaultDaemonSet({ metadata: meta, spec: { selector: selector(), template: template() } });
const statefulSet: appsV1.StatefulSet = defaultStatefulSet({ metadata: meta, spec: { selector: selector(), template: template(), serviceName: 'web' } });

test('apps defaults fill what upstream fills', () => {
  assert.deepEqual(deployment.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(deployment.spec?.replicas, 1);
  assert.equal(deployment.spec?.revisionHistoryLimit, 10);
  assert.equal(deployment.spec?.progressDeadlineSeconds, 600);
  assert.equal(replicaSet.spec?.replicas, 1);
  assert.deepEqual(daemonSet.spec?.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(daemonSet.spec?.revisionHistoryLimit, 10);
  assert.equal(statefulSet.spec?.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(statefulSet.spec?.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(statefulSet.spec?.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(statefulSet.spec?.replicas, 1);
  // A Recreate deployment gets no rollingUpdate; an OnDelete StatefulSet no partition.
  const recreate = defaultDeployment({ metadata: meta, spec: { selector: selector(), template: template(), strategy: { type: 'Recreate' } } });
  assert.deepEqual(recreate.spec?.strategy, { type: 'Recreate' });
  const onDelete = defaultStatefulSet({ metadata: meta, spec: { selector: selector(), template: template(), serviceName: '', updateStrategy: { type: 'OnDelete' } } });
  assert.deepEqual(onDelete.spec?.updateStrategy, { type: 'OnDelete' });
});

test('apps defaults run the pod-spec hook on templates', () => {
  const seen: unknown[] = [];
  const d = defaultDeployment({ metadata: meta, spec: { selector: selector(), template: { metadata: {} } } }, { defaultPodSpec: (s) => { s.restartPolicy = 'Always'; seen.push(s); } });
  assert.equal(d.spec?.template.spec?.restartPolicy, 'Always');
  assert.equal(seen.length, 1);
});

test('valid apps objects pass', () => {
  assert.deepEqual(messages(validateDeployment(deployment)), []);
  assert.deepEqual(messages(validateReplicaSet(replicaSet)), []);
  assert.deepEqual(messages(validateDaemonSet(daemonSet)), []);
  assert.deepEqual(messages(validateStatefulSet(statefulSet)), []);
});

type Row<T> = [string, (o: T) => void, string[]];

const deploymentRows: Row<appsV1.Deployment>[] = [
  ['selector mismatch', (d) => { d.spec!.selector = { matchLabels: { app: 'other' } }; }, ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
  ['missing selector', (d) => { delete (d.spec as Partial<appsV1.DeploymentSpec>).selector; }, ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
  ['empty selector', (d) => { d.spec!.selector = {}; }, ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
  ['negative replicas', (d) => { d.spec!.replicas = -1; }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
  ['restartPolicy Never', (d) => { d.spec!.template.spec!.restartPolicy = 'Never'; }, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
  ['activeDeadlineSeconds', (d) => { d.spec!.template.spec!.activeDeadlineSeconds = 5; }, ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported']],
  ['both zero', (d) => { d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }; }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0']],
  ['bad percent', (d) => { d.spec!.strategy!.rollingUpdate!.maxSurge = 'x'; }, [`spec.strategy.rollingUpdate.maxSurge: Invalid value: "x": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`]],
  ['over 100%', (d) => { d.spec!.strategy!.rollingUpdate!.maxUnavailable = '101%'; }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "101%": must not be greater than 100%']],
  ['recreate with rollingUpdate', (d) => { d.spec!.strategy!.type = 'Recreate'; }, ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
  ['unknown strategy', (d) => { d.spec!.strategy = { type: 'Foo' }; }, ['spec.strategy: Unsupported value: {"type":"Foo"}: supported values: "Recreate", "RollingUpdate"']],
  ['negative history', (d) => { d.spec!.revisionHistoryLimit = -1; }, ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
  ['deadline vs minReady', (d) => { d.spec!.minReadySeconds = 600; }, ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds']],
  ['bad selector operator', (d) => { d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'Foo' }] }; }, ['spec.selector.matchExpressions[0].operator: Invalid value: "Foo": not a valid selector operator', 'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Foo"}]}: invalid label selector']],
  ['bad name', (d) => { d.metadata!.name = 'Web'; }, [`metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`]],
];

for (const [name, edit, want] of deploymentRows) {
  test(`Deployment: ${name}`, () => assert.deepEqual(messages(validateDeployment(edited(deployment, edit))), want));
}

test('Deployment and ReplicaSet selectors are immutable on update', () => {
  const upd = (o: appsV1.Deployment) => edited(o, (d) => { d.metadata!.resourceVersion = '2'; });
  const old = upd(deployment);
  assert.deepEqual(messages(validateDeploymentUpdate(upd(deployment), old)), []);
  const changed = edited(upd(deployment), (d) => { d.spec!.selector.matchLabels!.tier = 'x'; d.spec!.template.metadata!.labels!.tier = 'x'; });
  assert.deepEqual(messages(validateDeploymentUpdate(changed, old)), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable']);
  const rsOld = edited(replicaSet, (r) => { r.metadata!.resourceVersion = '1'; });
  const rsNew = edited(rsOld, (r) => { r.spec!.selector = { matchLabels: {} }; });
  assert.deepEqual(messages(validateReplicaSetUpdate(rsNew, rsOld)), [
    'spec.selector: Invalid value: {"matchLabels":{}}: empty selector is invalid for deployment',
    'spec.selector: Invalid value: {"matchLabels":{}}: field is immutable',
  ]);
});

const daemonRows: Row<appsV1.DaemonSet>[] = [
  ['no selector', (d) => { delete (d.spec as Partial<appsV1.DaemonSetSpec>).selector; }, ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
  ['restartPolicy OnFailure', (d) => { d.spec!.template.spec!.restartPolicy = 'OnFailure'; }, ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
  ['both set', (d) => { d.spec!.updateStrategy!.rollingUpdate!.maxSurge = 1; }, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']],
  ['both zero', (d) => { d.spec!.updateStrategy!.rollingUpdate!.maxUnavailable = 0; }, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
  ['unknown strategy', (d) => { d.spec!.updateStrategy = { type: 'X' }; }, ['spec.updateStrategy: Unsupported value: {"type":"X"}: supported values: "RollingUpdate", "OnDelete"']],
];
for (const [name, edit, want] of daemonRows) {
  test(`DaemonSet: ${name}`, () => assert.deepEqual(messages(validateDaemonSet(edited(daemonSet, edit))), want));
}

test('DaemonSet selector is immutable on update', () => {
  const old = edited(daemonSet, (d) => { d.metadata!.resourceVersion = '1'; });
  const next = edited(old, (d) => { d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'Exists' }] }; });
  assert.deepEqual(messages(validateDaemonSetUpdate(next, old)), ['spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Exists"}]}: field is immutable']);
});

const statefulRows: Row<appsV1.StatefulSet>[] = [
  ['bad pod management', (s) => { s.spec!.podManagementPolicy = 'Any'; }, [`spec.podManagementPolicy: Invalid value: "Any": must be 'OrderedReady' or 'Parallel'`]],
  ['empty selector', (s) => { s.spec!.selector = {}; }, ['spec.selector: Invalid value: {}: empty selector is invalid for statefulset']],
  ['negative partition', (s) => { s.spec!.updateStrategy!.rollingUpdate!.partition = -2; }, ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -2: must be greater than or equal to 0']],
  ['zero maxUnavailable', (s) => { s.spec!.updateStrategy!.rollingUpdate!.maxUnavailable = 0; }, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0']],
  ['onDelete with rollingUpdate', (s) => { s.spec!.updateStrategy!.type = 'OnDelete'; }, [`spec.updateStrategy.rollingUpdate: Invalid value: {"partition":0}: only allowed for updateStrategy 'RollingUpdate'`]],
  ['bad retention', (s) => { s.spec!.persistentVolumeClaimRetentionPolicy!.whenScaled = 'Keep'; }, ['spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": supported values: "Retain", "Delete"']],
  ['mismatch', (s) => { s.spec!.template.metadata!.labels = { app: 'x' }; }, ['spec.template.metadata.labels: Invalid value: {"app":"x"}: `selector` does not match template `labels`']],
  ['restartPolicy Never', (s) => { s.spec!.template.spec!.restartPolicy = 'Never'; }, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
  ['dotted name', (s) => { s.metadata!.name = 'a.b'; }, [`metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`]],
];
for (const [name, edit, want] of statefulRows) {
  test(`StatefulSet: ${name}`, () => assert.deepEqual(messages(validateStatefulSet(edited(statefulSet, edit))), want));
}

test('StatefulSet update allows only some spec fields to change', () => {
  const old = edited(statefulSet, (s) => { s.metadata!.resourceVersion = '1'; });
  assert.deepEqual(messages(validateStatefulSetUpdate(edited(old, (s) => { s.spec!.replicas = 5; s.spec!.minReadySeconds = 3; }), old)), []);
  assert.deepEqual(messages(validateStatefulSetUpdate(edited(old, (s) => { s.spec!.serviceName = 'other'; }), old)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});
