/**
 * Server-side apply judged by the real kubectl 1.32: field ownership recorded in managedFields,
 * conflicts with another manager (kubectl scale, client-side apply), --force-conflicts, and fields
 * dropped from the applied file removed from the object.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, startServer, type Cluster } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startServer();
});
after(async () => {
  await c?.stop();
});

const ok = (args: string[]) => {
  const r = kubectl(c, args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
};

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  subresource?: string;
  fieldsV1: Record<string, Record<string, unknown>>;
}
interface Deployment {
  metadata: { labels?: Record<string, string>; managedFields?: Entry[] };
  spec: { replicas: number; template: { spec: { containers: Array<{ env?: unknown[]; image: string }> } } };
}

/** Writes a Deployment manifest and returns its path. */
function manifest(name: string, o: { replicas: number; tier?: boolean; env?: boolean }): string {
  const file = join(c.dir, `${name}-${o.replicas}-${o.tier ? 't' : ''}${o.env ? 'e' : ''}.yaml`);
  writeFileSync(
    file,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
${o.tier ? '    tier: frontend\n' : ''}spec:
  replicas: ${o.replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
${o.env ? '        env:\n        - name: MODE\n          value: prod\n' : ''}`,
  );
  return file;
}

const get = (name: string): Deployment => JSON.parse(ok(['get', 'deploy', name, '-o', 'json', '--show-managed-fields'])) as Deployment;
const owners = (d: Deployment, field: string): string[] =>
  (d.metadata.managedFields ?? []).filter((e) => Object.hasOwn(e.fieldsV1['f:spec'] ?? {}, field)).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);

test('apply --server-side records the applier; kubectl scale takes replicas; a different replicas conflicts; --force-conflicts wins', () => {
  assert.match(ok(['apply', '--server-side', '-f', manifest('web', { replicas: 2, tier: true, env: true })]), /deployment\.apps\/web serverside-applied/);
  let d = get('web');
  assert.deepEqual(owners(d, 'f:replicas'), ['kubectl/Apply']);
  assert.doesNotMatch(ok(['get', 'deploy', 'web', '-o', 'yaml']), /managedFields/, 'kubectl hides managedFields by default');

  ok(['scale', 'deploy/web', '--replicas=5']);
  d = get('web');
  // kubectl scale sends no fieldManager: the manager is the User-Agent's product, the binary's name.
  assert.deepEqual(owners(d, 'f:replicas'), ['kubectl.1.32/Update/scale']);

  const conflict = kubectl(c, ['apply', '--server-side', '-f', manifest('web', { replicas: 3, tier: true, env: true })]);
  assert.equal(conflict.code, 1, conflict.stdout);
  assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl\.1\.32" with subresource "scale" using apps\/v1: \.spec\.replicas/);
  assert.match(conflict.stderr, /--force-conflicts/, 'kubectl explains how to resolve it');
  assert.equal(get('web').spec.replicas, 5, 'nothing changed');

  const dry = kubectl(c, ['apply', '--server-side', '--force-conflicts', '--dry-run=server', '-f', manifest('web', { replicas: 3, tier: true, env: true })]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(get('web').spec.replicas, 5, 'dry run stores nothing');

  assert.match(ok(['apply', '--server-side', '--force-conflicts', '-f', manifest('web', { replicas: 3, tier: true, env: true })]), /serverside-applied/);
  d = get('web');
  assert.equal(d.spec.replicas, 3);
  assert.deepEqual(owners(d, 'f:replicas'), ['kubectl/Apply']);
  assert.ok(!(d.metadata.managedFields ?? []).some((e) => e.subresource === 'scale'), 'the scaler, left with nothing, is dropped');
});

test('fields removed from the applied file disappear from the object', () => {
  ok(['apply', '--server-side', '-f', manifest('web', { replicas: 3 })]);
  const d = get('web');
  assert.deepEqual(d.metadata.labels, { app: 'web' });
  assert.equal(d.spec.template.spec.containers[0]?.env, undefined);
  assert.equal(d.spec.template.spec.containers[0]?.image, 'nginx:1.27');
  assert.equal(d.spec.replicas, 3);
});

test('another applier conflicts with client-side apply; kubectl itself moves from client-side to server-side apply', () => {
  assert.match(ok(['apply', '-f', manifest('api', { replicas: 2 })]), /deployment\.apps\/api created/);
  assert.deepEqual(owners(get('api'), 'f:replicas'), ['kubectl-client-side-apply/Update']);

  const r = kubectl(c, ['apply', '--server-side', '--field-manager=team-b', '-f', manifest('api', { replicas: 4 })]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/);

  // Manager "kubectl" may take over what the last-applied annotation says it set (upstream's upgrade path).
  assert.match(ok(['apply', '--server-side', '-f', manifest('api', { replicas: 4 })]), /serverside-applied/);
  const d = get('api');
  assert.equal(d.spec.replicas, 4);
  assert.deepEqual(owners(d, 'f:replicas'), ['kubectl/Apply']);
});
