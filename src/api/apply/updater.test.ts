import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflictError, conflictMessage } from './conflict.js';
import { LAST_APPLIED } from './last-applied.js';
import { decodeManagedFields, type ManagedEntry } from './managers.js';
import { FieldSet } from './set.js';
import { apply, trackUpdate, type Scope } from './updater.js';

type Obj = Record<string, unknown>;
const scope = (now = '2024-05-01T10:00:00Z', subresource?: string): Scope => ({
  schemaName: 'io.k8s.api.apps.v1.Deployment',
  apiVersion: 'apps/v1',
  now,
  subresource,
  ignored: subresource ? undefined : FieldSet.of(['f:status']),
});

/** A Deployment configuration; `over` replaces spec fields, `container` container fields. */
function config(over: Obj = {}, container: Obj = {}, meta: Obj = { labels: { app: 'web' } }): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...meta },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ...container }] } },
      ...over,
    },
  };
}

function ok(out: ReturnType<typeof apply>): Obj {
  if (!out.ok) assert.fail(`unexpected conflicts: ${conflictMessage(out.conflicts)}`);
  return out.object;
}
const entries = (o: Obj): ManagedEntry[] => decodeManagedFields((o['metadata'] as Obj)['managedFields']);
const entry = (o: Obj, manager: string): ManagedEntry | undefined => entries(o).find((e) => e.manager === manager);
const spec = (o: Obj): Obj => o['spec'] as Obj;
const container = (o: Obj): Obj => ((((spec(o)['template'] as Obj)['spec'] as Obj)['containers'] as Obj[])[0] ?? {});
const setReplicas = (o: Obj, n: number): Obj => ({ ...o, spec: { ...spec(o), replicas: n } });

test('apply creates from nothing; the Apply entry is exactly the configuration field set', () => {
  const o = ok(apply({}, config(), 'ssa', false, scope()));
  assert.equal(spec(o)['replicas'], 2);
  const [e, ...rest] = entries(o);
  assert.equal(rest.length, 0);
  assert.deepEqual({ manager: e?.manager, operation: e?.operation, apiVersion: e?.apiVersion, time: e?.time }, { manager: 'ssa', operation: 'Apply', apiVersion: 'apps/v1', time: '2024-05-01T10:00:00Z' });
  assert.ok(e?.fields.has(['f:spec', 'f:replicas']));
  assert.ok(!e?.fields.has(['f:metadata', 'f:name']), 'identity fields are not owned');
  assert.ok(!e?.fields.has(['f:apiVersion']));
});

const conflictCases: Array<{ name: string; other: (o: Obj) => Obj; reapply: Obj; force: boolean; want: string | undefined }> = [
  { name: 'another manager changed replicas; applying a different value conflicts', other: (o) => setReplicas(o, 5), reapply: config({ replicas: 3 }), force: false, want: 'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas' },
  { name: 'applying the value the other manager set is no conflict (shared)', other: (o) => setReplicas(o, 5), reapply: config({ replicas: 5 }), force: false, want: undefined },
  { name: 'force takes the field over', other: (o) => setReplicas(o, 5), reapply: config({ replicas: 3 }), force: true, want: undefined },
  { name: 'a field the other manager does not own is no conflict', other: (o) => setReplicas(o, 5), reapply: config({ replicas: 5 }, { image: 'nginx:1.28' }), force: false, want: undefined },
];
for (const c of conflictCases) {
  test(`conflicts: ${c.name}`, () => {
    const created = ok(apply({}, config(), 'ssa', false, scope()));
    const scaled = trackUpdate(created, c.other(created), 'kubectl-scale', scope('2024-05-01T10:01:00Z', 'scale'));
    assert.ok(entry(scaled, 'kubectl-scale')?.fields.has(['f:spec', 'f:replicas']));
    assert.ok(!entry(scaled, 'ssa')?.fields.has(['f:spec', 'f:replicas']), 'the update took replicas from the applier');
    const out = apply(scaled, c.reapply, 'ssa', c.force, scope('2024-05-01T10:02:00Z'));
    if (c.want !== undefined) {
      assert.equal(out.ok, false);
      if (out.ok) return;
      assert.equal(conflictMessage(out.conflicts), c.want);
      const err = conflictError(out.conflicts);
      assert.equal(err.status.code, 409);
      assert.equal(err.status.reason, 'Conflict');
      assert.deepEqual(err.status.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-scale" with subresource "scale" using apps/v1', field: '.spec.replicas' }]);
      return;
    }
    const o = ok(out);
    const want = (c.reapply['spec'] as Obj)['replicas'];
    assert.equal(spec(o)['replicas'], want);
    assert.ok(entry(o, 'ssa')?.fields.has(['f:spec', 'f:replicas']));
    const scaler = entry(o, 'kubectl-scale');
    if (c.force) assert.equal(scaler, undefined, 'an entry left with nothing is dropped');
    else assert.ok(scaler?.fields.has(['f:spec', 'f:replicas']), 'both own a shared value');
  });
}

test('several conflicts: grouped by manager in the message, one cause each', () => {
  const created = ok(apply({}, config(), 'ssa', false, scope()));
  const edited = trackUpdate(created, setReplicas({ ...created, spec: { ...spec(created), paused: true } }, 7), 'kubectl-edit', scope());
  const out = apply(edited, config({ replicas: 1, paused: false }), 'ssa', false, scope());
  assert.equal(out.ok, false);
  if (out.ok) return;
  assert.equal(conflictMessage(out.conflicts), 'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.paused\n- .spec.replicas');
});

test('removal: fields no longer applied go, unless another manager owns them', () => {
  const first = ok(apply({}, config({}, { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] }, { labels: { app: 'web', tier: 'fe' }, finalizers: ['x/y'] }), 'ssa', false, scope()));
  // Another applier shares env B.
  const shared = ok(apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: '2' }] }] } } } }, 'other', false, scope()));
  const second = ok(apply(shared, config({}, {}, { labels: { app: 'web' } }), 'ssa', false, scope()));
  const meta = second['metadata'] as Obj;
  assert.deepEqual(meta['labels'], { app: 'web' }, 'label tier removed');
  assert.equal(meta['finalizers'], undefined, 'finalizer removed');
  assert.deepEqual(container(second)['env'], [{ name: 'B', value: '2' }], 'env A removed, B kept for its other owner');
  assert.equal(container(second)['ports'], undefined);
  assert.ok(!entry(second, 'ssa')?.fields.has(['f:metadata', 'f:labels', 'f:tier']));
  assert.ok(entry(second, 'other')?.fields.has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:env', 'k:{"name":"B"}', 'f:value']));
});

test('removal keeps fields an Update manager owns and fields nobody applied', () => {
  const first = ok(apply({}, config({ minReadySeconds: 5 }), 'ssa', false, scope()));
  const withDefaults: Obj = { ...first, spec: { ...spec(first), revisionHistoryLimit: 10 } }; // as defaulting would
  const labelled = trackUpdate(withDefaults, { ...withDefaults, metadata: { ...(withDefaults['metadata'] as Obj), labels: { app: 'web', by: 'hand' } } }, 'kubectl-label', scope());
  const second = ok(apply(labelled, config({}, {}, {}), 'ssa', false, scope()));
  assert.deepEqual((second['metadata'] as Obj)['labels'], { by: 'hand' });
  assert.equal(spec(second)['minReadySeconds'], undefined);
  assert.equal(spec(second)['revisionHistoryLimit'], 10);
});

test('a no-op re-apply keeps the entry time; merge keeps live-only fields and list order', () => {
  const first = ok(apply({}, config({}, { env: [{ name: 'A', value: '1' }] }), 'ssa', false, scope('2024-05-01T10:00:00Z')));
  const again = ok(apply(first, config({}, { env: [{ name: 'A', value: '1' }] }), 'ssa', false, scope('2024-05-01T11:00:00Z')));
  assert.equal(entry(again, 'ssa')?.time, '2024-05-01T10:00:00Z');
  assert.deepEqual(again, first);
  const sidecar = ok(apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } }, 'injector', false, scope()));
  const names = (((spec(sidecar)['template'] as Obj)['spec'] as Obj)['containers'] as Obj[]).map((c) => c['name']);
  assert.deepEqual(names, ['nginx', 'sidecar']);
  assert.equal(container(sidecar)['image'], 'nginx:1.27');
});

test('update operations take the fields they change from everyone; [{}] resets managedFields', () => {
  const created = trackUpdate(undefined, config(), 'kubectl-create', scope());
  const e = entry(created, 'kubectl-create');
  assert.deepEqual(e?.fields.toFieldsV1()['f:metadata'], { 'f:labels': { '.': {}, 'f:app': {} } }, 'a new map is owned with "."');
  assert.equal(Object.hasOwn(e?.fields.toFieldsV1()['f:spec'] ?? {}, '.'), false, 'spec is always there in Go: not owned as a node');
  const edited = trackUpdate(created, { ...created, spec: { ...spec(created), replicas: 4 } }, 'kubectl-edit', scope('2024-05-01T10:05:00Z'));
  assert.ok(entry(edited, 'kubectl-edit')?.fields.has(['f:spec', 'f:replicas']));
  assert.ok(!entry(edited, 'kubectl-create')?.fields.has(['f:spec', 'f:replicas']));
  const same = trackUpdate(edited, structuredClone(edited), 'someone', scope());
  assert.equal(entry(same, 'someone'), undefined, 'a write that changes nothing records nothing');
  const reset = trackUpdate(edited, { ...edited, metadata: { ...(edited['metadata'] as Obj), managedFields: [{}] } }, 'x', scope());
  assert.equal((reset['metadata'] as Obj)['managedFields'], undefined);
  const statusOnly = trackUpdate(edited, { ...edited, status: { replicas: 4 } }, 'ctrl', scope());
  assert.equal(entry(statusOnly, 'ctrl'), undefined, 'status is reset on the main resource: nobody owns it there');
});

test('kubectl (server-side) may take fields client-side apply set at their last-applied value', () => {
  const csa = config();
  const created = trackUpdate(undefined, { ...csa, metadata: { name: 'web', labels: { app: 'web' }, annotations: { [LAST_APPLIED]: JSON.stringify(csa) } } }, 'kubectl-client-side-apply', scope());
  const out = ok(apply(created, config({ replicas: 6 }), 'kubectl', false, scope()));
  assert.equal(spec(out)['replicas'], 6);
  const ann = ((out['metadata'] as Obj)['annotations'] as Obj)[LAST_APPLIED];
  assert.match(String(ann), /"replicas":6/, 'last-applied annotation follows the apply');
  const edited = trackUpdate(created, setReplicas(created, 9), 'kubectl-edit', scope());
  assert.equal(apply(edited, config({ replicas: 6 }), 'kubectl', false, scope()).ok, false, 'a value changed since the last client-side apply still conflicts');
});

test('null and absent compare equal (creationTimestamp: null sent by kubectl create is not owned)', () => {
  const body = config({ template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } });
  const created = trackUpdate(undefined, body, 'kubectl-create', scope());
  assert.ok(!entry(created, 'kubectl-create')?.fields.has(['f:spec', 'f:template', 'f:metadata', 'f:creationTimestamp']));
});
