// Client-side apply patches. Every expected patch below is the body kubectl 1.32 sent (`-v=9`) for
// the same three documents, against a live cluster, with the annotation left out for brevity.
// Each patch is also applied with the server's strategic merge (or JSON merge) patch, and the
// result checked: what the user removed goes, what others added stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import type { JsonObject } from '../../api/patch/json.js';
import { computeApplyPatch, PatchDiffError, ApplyConflictError } from './three-way.js';
import { goJson, goText, sortScalars, deduplicateScalars } from './go-compat.js';

const DEPLOY = { group: 'apps', version: 'v1', kind: 'Deployment' };
const SERVICE = { group: '', version: 'v1', kind: 'Service' };
const WIDGET = { group: 'example.com', version: 'v1', kind: 'Widget' };
const SCHEMA: Record<string, string> = { Deployment: 'io.k8s.api.apps.v1.Deployment', Service: 'io.k8s.api.core.v1.Service' };

const podTemplate = (spec: JsonObject): JsonObject => ({ template: { metadata: { labels: { app: 'web' } }, spec } });
const deploy = (labels: JsonObject, spec: JsonObject, extra: JsonObject = {}): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels, ...extra },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
});

const d1 = deploy({ app: 'web', tier: 'fe' }, podTemplate({
  containers: [
    { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }, { containerPort: 443 }], args: ['a', 'b'] },
    { name: 'side', image: 'busybox' },
  ],
}));
const d2 = deploy({ app: 'web' }, podTemplate({
  containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], args: ['a'] }],
}));
/** d1 as the server keeps it: defaults filled in, a label added by `kubectl label`. */
const d1Live = deploy({ app: 'web', tier: 'fe', extra: 'yes' }, {
  replicas: 1,
  ...podTemplate({
    containers: [
      { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }], args: ['a', 'b'], imagePullPolicy: 'IfNotPresent' },
      { name: 'side', image: 'busybox', imagePullPolicy: 'Always' },
    ],
    restartPolicy: 'Always',
  }),
});

const s1 = deploy({}, {
  strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
  ...podTemplate({
    volumes: [{ name: 'v1', emptyDir: {} }, { name: 'v2', configMap: { name: 'cm' } }],
    containers: [
      { name: 'a', image: 'busybox', env: [{ name: 'XX', value: '1' }, { name: 'YY', value: '2' }], volumeMounts: [{ name: 'v1', mountPath: '/v1' }, { name: 'v2', mountPath: '/v2' }] },
      { name: 'b', image: 'busybox' },
    ],
  }),
}, { finalizers: ['example.com/a', 'example.com/b'], annotations: { note: 'a & b <c>' } });
const s2 = deploy({}, {
  strategy: { type: 'Recreate' },
  ...podTemplate({
    volumes: [{ name: 'v1', secret: { secretName: 'sec' } }],
    containers: [
      { name: 'b', image: 'busybox:2' },
      { name: 'a', image: 'busybox', env: [{ name: 'YY', value: '3' }, { name: 'ZZ', value: '4' }], volumeMounts: [{ name: 'v1', mountPath: '/v1' }] },
    ],
  }),
}, { finalizers: ['example.com/b', 'example.com/c'], annotations: { note: 'changed' } });

const svc = (spec: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec });
const svc1 = svc({ selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] });
const svc2 = svc({ selector: { app: 'x' }, ports: [{ name: 'https', port: 443, targetPort: 8443 }, { name: 'metrics', port: 9090 }], sessionAffinity: null });

const widget = (labels: JsonObject, spec: JsonObject): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels }, spec });
const w1 = widget({ a: '1', b: '2' }, { size: 3, items: ['x', 'y'], nested: { keep: 1, drop: 2 } });
const w2 = widget({ a: '1' }, { size: 4, items: ['x'], nested: { keep: 1, empty: {} }, gone: null });

const withContainer = (obj: JsonObject, c: JsonObject): JsonObject => {
  const copy = structuredClone(obj) as { spec: { template: { spec: { containers: JsonObject[] } } } };
  copy.spec.template.spec.containers.push(c);
  return copy;
};

interface Case {
  name: string;
  gvk: { group: string; version: string; kind: string };
  original: JsonObject | undefined;
  modified: JsonObject;
  current: JsonObject;
  /** The body kubectl sent, keys sorted as it sorts them. */
  patch: string;
  /** Checks on the live object after the patch is applied. */
  after?: (live: JsonObject) => void;
}

const at = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[k]), o);

const cases: Case[] = [
  {
    name: 'image changed; a container, a port, an argument and a label removed; a label added by kubectl label kept',
    gvk: DEPLOY,
    original: d1,
    modified: d2,
    current: d1Live,
    patch:
      '{"metadata":{"labels":{"tier":null}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"$setElementOrder/ports":[{"containerPort":80}],"args":["a"],"image":"nginx:1.27","name":"nginx","ports":[{"$patch":"delete","containerPort":443}]},{"$patch":"delete","name":"side"}]}}}}',
    after: (live) => {
      assert.deepEqual(at(live, 'metadata', 'labels'), { app: 'web', extra: 'yes' });
      const containers = at(live, 'spec', 'template', 'spec', 'containers');
      assert.deepEqual(containers, [
        { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], args: ['a'], imagePullPolicy: 'IfNotPresent' },
      ]);
      assert.equal(at(live, 'spec', 'replicas'), 1, 'a field defaulted by the server stays');
    },
  },
  { name: 'the same manifest again: nothing to send', gvk: DEPLOY, original: d1, modified: d1, current: d1Live, patch: '{}' },
  {
    name: 'the previous manifest again: what was removed comes back',
    gvk: DEPLOY,
    original: d2,
    modified: d1,
    current: d2,
    patch:
      '{"metadata":{"labels":{"tier":"fe"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"side"}],"containers":[{"$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],"args":["a","b"],"image":"nginx:1.25","name":"nginx","ports":[{"containerPort":443}]},{"image":"busybox","name":"side"}]}}}}',
    after: (live) => assert.deepEqual(live, d1),
  },
  {
    name: 'a container added on the server is kept, only the order is restated',
    gvk: DEPLOY,
    original: s1,
    modified: s1,
    current: withContainer(s1, { name: 'c', image: 'x' }),
    patch: '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}]}}}}',
    after: (live) => assert.deepEqual((at(live, 'spec', 'template', 'spec', 'containers') as JsonObject[]).map((c) => c['name']), ['a', 'b', 'c']),
  },
  {
    name: 'finalizers (merging primitives), retainKeys strategy, retainKeys list elements, reordered containers, env',
    gvk: DEPLOY,
    original: s1,
    modified: s2,
    current: s1,
    patch:
      '{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/a"],"$setElementOrder/finalizers":["example.com/b","example.com/c"],"annotations":{"note":"changed"},"finalizers":["example.com/c"]},"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"},"template":{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"$setElementOrder/volumes":[{"name":"v1"}],"containers":[{"image":"busybox:2","name":"b"},{"$setElementOrder/env":[{"name":"YY"},{"name":"ZZ"}],"$setElementOrder/volumeMounts":[{"mountPath":"/v1"}],"env":[{"name":"YY","value":"3"},{"name":"ZZ","value":"4"},{"$patch":"delete","name":"XX"}],"name":"a","volumeMounts":[{"$patch":"delete","mountPath":"/v2"}]}],"volumes":[{"$retainKeys":["name","secret"],"emptyDir":null,"name":"v1","secret":{"secretName":"sec"}},{"$patch":"delete","name":"v2"}]}}}}',
    after: (live) => assert.deepEqual(live, s2),
  },
  {
    name: 'and back again (HTML characters escaped as Go escapes them)',
    gvk: DEPLOY,
    original: s2,
    modified: s1,
    current: s2,
    patch:
      '{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/c"],"$setElementOrder/finalizers":["example.com/a","example.com/b"],"annotations":{"note":"a \\u0026 b \\u003cc\\u003e"},"finalizers":["example.com/a"]},"spec":{"strategy":{"$retainKeys":["rollingUpdate","type"],"rollingUpdate":{"maxSurge":1},"type":"RollingUpdate"},"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"$setElementOrder/volumes":[{"name":"v1"},{"name":"v2"}],"containers":[{"$setElementOrder/env":[{"name":"XX"},{"name":"YY"}],"$setElementOrder/volumeMounts":[{"mountPath":"/v1"},{"mountPath":"/v2"}],"env":[{"name":"XX","value":"1"},{"name":"YY","value":"2"},{"$patch":"delete","name":"ZZ"}],"name":"a","volumeMounts":[{"mountPath":"/v2","name":"v2"}]},{"image":"busybox","name":"b"}],"volumes":[{"$retainKeys":["emptyDir","name"],"emptyDir":{},"name":"v1","secret":null},{"configMap":{"name":"cm"},"name":"v2"}]}}}}',
    after: (live) => assert.deepEqual(live, s1),
  },
  {
    name: 'service ports merge by port; an explicit null is sent',
    gvk: SERVICE,
    original: svc1,
    modified: svc2,
    current: svc1,
    patch: '{"spec":{"$setElementOrder/ports":[{"port":443},{"port":9090}],"ports":[{"port":443,"targetPort":8443},{"name":"metrics","port":9090},{"$patch":"delete","port":80}],"sessionAffinity":null}}',
    after: (live) => assert.deepEqual(at(live, 'spec', 'ports'), [{ name: 'https', port: 443, targetPort: 8443 }, { name: 'metrics', port: 9090 }]),
  },
  {
    name: 'no last-applied configuration: nothing the server has is deleted',
    gvk: DEPLOY,
    original: undefined,
    modified: d2,
    current: d1Live,
    patch: '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"$setElementOrder/ports":[{"containerPort":80}],"args":["a"],"image":"nginx:1.27","name":"nginx"}]}}}}',
    after: (live) => {
      assert.deepEqual(at(live, 'metadata', 'labels'), { app: 'web', tier: 'fe', extra: 'yes' });
      assert.equal((at(live, 'spec', 'template', 'spec', 'containers') as unknown[]).length, 2);
    },
  },
  {
    name: 'custom resource: three-way JSON merge patch, a label added by kubectl label kept',
    gvk: WIDGET,
    original: w1,
    modified: w2,
    current: widget({ a: '1', b: '2', extra: '1' }, w1['spec'] as JsonObject),
    patch: '{"metadata":{"labels":{"b":null}},"spec":{"gone":null,"items":["x"],"nested":{"drop":null,"empty":{}},"size":4}}',
    after: (live) => {
      assert.deepEqual(at(live, 'metadata', 'labels'), { a: '1', extra: '1' });
      assert.deepEqual(at(live, 'spec'), { size: 4, items: ['x'], nested: { keep: 1, empty: {} } });
    },
  },
  {
    name: 'custom resource back again',
    gvk: WIDGET,
    original: w2,
    modified: w1,
    current: widget({ a: '1' }, { size: 4, items: ['x'], nested: { keep: 1, empty: {} } }),
    patch: '{"metadata":{"labels":{"b":"2"}},"spec":{"gone":null,"items":["x","y"],"nested":{"drop":2,"empty":null},"size":3}}',
    after: (live) => assert.deepEqual(live, w1),
  },
];

for (const c of cases) {
  test(`three-way apply patch: ${c.name}`, () => {
    const got = computeApplyPatch({ original: c.original, modified: c.modified, current: c.current }, c.gvk);
    assert.equal(got.type, c.gvk === WIDGET ? 'merge' : 'strategic');
    assert.equal(got.body, c.patch);
    const schemaName = SCHEMA[c.gvk.kind];
    const live = (schemaName ? applyStrategicMergePatch(c.current, got.patch, { schemaName }) : applyMergePatch(c.current, got.patch)) as JsonObject;
    c.after?.(live);
  });
}

test('three-way apply patch: inputs are not changed', () => {
  const before = structuredClone([s1, s2]);
  computeApplyPatch({ original: s1, modified: s2, current: s1 }, DEPLOY);
  assert.deepEqual([s1, s2], before);
});

test('three-way apply patch: --overwrite=false refuses to undo a change made on the server', () => {
  const current = deploy({ app: 'web', tier: 'be' }, d1['spec'] as JsonObject);
  assert.throws(() => computeApplyPatch({ original: d1, modified: deploy({ app: 'web', tier: 'fe2' }, d1['spec'] as JsonObject), current }, DEPLOY, { overwrite: false }), ApplyConflictError);
  // A change to a field the server did not touch is fine.
  const ok = computeApplyPatch({ original: d1, modified: d2, current: d1 }, DEPLOY, { overwrite: false });
  assert.notEqual(ok.body, '{}');
});

test('three-way apply patch: malformed lists are reported', () => {
  const noKey = deploy({}, podTemplate({ containers: [{ image: 'x' }] }));
  assert.throws(() => computeApplyPatch({ original: s1, modified: noKey, current: s1 }, DEPLOY), (e: unknown) => e instanceof PatchDiffError && /does not contain declared merge key: name/.test(e.message));
  const mixed = { ...s2, metadata: { name: 'web', finalizers: ['a', 1] } };
  assert.throws(() => computeApplyPatch({ original: s1, modified: mixed, current: s1 }, DEPLOY), /list element types are not identical/);
});

test('three-way JSON merge patch: apiVersion, kind and name may not change', () => {
  assert.throws(() => computeApplyPatch({ original: w1, modified: { ...w1, metadata: { name: 'other' } }, current: w1 }, WIDGET), /At least one of apiVersion, kind and name was changed/);
});

test('go-compat: JSON and %v as Go writes them', () => {
  const table: [unknown, string, string][] = [
    [{ b: 1, a: [true, null, 'x<y'] }, '{"a":[true,null,"x\\u003cy"],"b":1}', 'map[a:[true <nil> x<y] b:1]'],
    [1e21, '1e+21', '1e+21'],
    [1000000, '1000000', '1e+06'],
    [123456, '123456', '123456'],
    [0.5, '0.5', '0.5'],
    [1e-7, '1e-7', '1e-07'],
    ['\u2028', '"\\u2028"', '\u2028'],
  ];
  for (const [value, json, text] of table) {
    assert.equal(goJson(value), json);
    assert.equal(goText(value), text);
  }
  assert.deepEqual(sortScalars([80, 443, 'b', 'a']), [443, 80, 'a', 'b']);
  assert.deepEqual(deduplicateScalars(['a', 'b', 'a', 'c']), ['a', 'b', 'c']);
  assert.deepEqual(deduplicateScalars(['a', 'a', 'b', 'c']), ['a', 'c', 'b']);
});
