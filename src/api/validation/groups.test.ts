import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultObject } from '../defaults.js';
import { validateCreate, validatorKey } from '../validation.js';
import { generateJobSelector } from '../defaults/batch.js';
import type * as appsV1 from '../generated/apps/v1.js';
import type * as batchV1 from '../generated/batch/v1.js';
import { messages } from './test-util.js';

test('index: a minimal Deployment defaults (template included) and validates clean', () => {
  const d: appsV1.Deployment = defaultObject({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  assert.equal(d.spec?.template.spec?.restartPolicy, 'Always');
  assert.equal(d.spec?.template.spec?.containers[0]?.imagePullPolicy, 'Always');
  assert.deepEqual(messages(validateCreate(validatorKey('apps/v1', 'Deployment'), d)), []);
  // Core's pod template rules run inside the template.
  const bad = structuredClone(d);
  bad.spec!.template.spec!.containers[0]!.name = 'Bad_Name';
  assert.ok(messages(validateCreate('Deployment.apps', bad)).some((m) => m.startsWith('spec.template.spec.containers[0].name: Invalid value: "Bad_Name"')));
});

test('index: a Job from kubectl create job validates clean once its selector is generated', () => {
  const job: batchV1.Job = defaultObject({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'abc' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } },
  });
  generateJobSelector(job);
  assert.deepEqual(messages(validateCreate('Job.batch', job)), []);
});
