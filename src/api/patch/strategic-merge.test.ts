// Strategic merge patch on real Kubernetes shapes, steered by the committed schema index: merge
// keys, directives, ordering, retainKeys, fallbacks, errors, and that inputs are never changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPatchError, type PatchErrorCode } from './errors.js';
import type { JsonObject } from './json.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const POD = 'io.k8s.api.core.v1.Pod';
const SERVICE = 'io.k8s.api.core.v1.Service';

const NGINX = {
  name: 'nginx',
  image: 'nginx:1.25',
  args: ['-g', 'daemon off;'],
  ports: [{ containerPort: 80, protocol: 'TCP' }],
  env: [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ],
};
const SIDECAR = { name: 'sidecar', image: 'envoy:1.0' };

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    labels: { app: 'web', tier: 'front' },
    finalizers: ['a.example.com/x', 'b.example.com/y'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u1' }],
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [NGINX, SIDECAR],
        tolerations: [{ key: 'k1', operator: 'Exists' }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
});

interface Case {
  name: string;
  schema?: string;
  /** The object patched; a fresh copy of {@link deployment} by default. */
  original?: () => JsonObject;
  patch: unknown;
  /** The expected result as edits of the original: dotted path (numbers index lists) to new value, `undefined` deletes. */
  edits: Record<string, unknown>;
}

const PS = 'spec.template.spec';
const C = `${PS}.containers`;
const inTemplate = (spec: unknown) => ({ spec: { template: { spec } } });

const cases: Case[] = [
  { name: "kubectl patch deploy web -p '{\"spec\":{\"replicas\":3}}'", patch: { spec: { replicas: 3 } }, edits: { 'spec.replicas': 3 } },
  {
    name: 'an image change merges into the named container and keeps the others in order',
    patch: inTemplate({ containers: [{ name: 'nginx', image: 'nginx:1.26' }] }),
    edits: { [`${C}.0.image`]: 'nginx:1.26' },
  },
  {
    name: 'patching the second container keeps the order',
    patch: inTemplate({ containers: [{ name: 'sidecar', image: 'envoy:2.0' }] }),
    edits: { [`${C}.1.image`]: 'envoy:2.0' },
  },
  {
    name: 'an env var is added by name (new items go first, as kube-apiserver places them)',
    patch: inTemplate({ containers: [{ name: 'nginx', env: [{ name: 'C', value: '3' }] }] }),
    edits: { [`${C}.0.env`]: [{ name: 'C', value: '3' }, { name: 'A', value: '1' }, { name: 'B', value: '2' }] },
  },
  {
    name: 'an env var value changes in place',
    patch: inTemplate({ containers: [{ name: 'nginx', env: [{ name: 'B', value: '22' }] }] }),
    edits: { [`${C}.0.env.1.value`]: '22' },
  },
  {
    name: 'a new container is added and its nulls are dropped',
    patch: inTemplate({ containers: [{ name: 'debug', image: 'busybox', command: null, resources: { limits: { cpu: null } } }] }),
    edits: { [C]: [{ name: 'debug', image: 'busybox', resources: { limits: {} } }, NGINX, SIDECAR] },
  },
  { name: '$patch: delete removes a container by name', patch: inTemplate({ containers: [{ name: 'sidecar', $patch: 'delete' }] }), edits: { [C]: [NGINX] } },
  { name: '$patch: delete of an absent item changes nothing', patch: inTemplate({ containers: [{ name: 'ghost', $patch: 'delete' }] }), edits: {} },
  {
    name: '$patch: replace replaces the whole list',
    patch: inTemplate({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'busybox' }] }),
    edits: { [C]: [{ name: 'only', image: 'busybox' }] },
  },
  {
    name: 'ports merge by containerPort',
    patch: inTemplate({ containers: [{ name: 'nginx', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] }),
    edits: { [`${C}.0.ports`]: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }] },
  },
  {
    name: 'finalizers are a union',
    patch: { metadata: { finalizers: ['b.example.com/y', 'c.example.com/z'] } },
    edits: { 'metadata.finalizers': ['a.example.com/x', 'b.example.com/y', 'c.example.com/z'] },
  },
  {
    name: 'a new finalizer goes first when the patch names no existing one; duplicates collapse',
    patch: { metadata: { finalizers: ['c.example.com/z', 'c.example.com/z'] } },
    edits: { 'metadata.finalizers': ['c.example.com/z', 'a.example.com/x', 'b.example.com/y'] },
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x', 'not-there'] } },
    edits: { 'metadata.finalizers': ['b.example.com/y'] },
  },
  {
    name: 'kubectl-style primitive list change: add, delete and order together',
    patch: {
      metadata: {
        '$setElementOrder/finalizers': ['b.example.com/y', 'c.example.com/z'],
        finalizers: ['c.example.com/z'],
        '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'],
      },
    },
    edits: { 'metadata.finalizers': ['b.example.com/y', 'c.example.com/z'] },
  },
  {
    name: '$setElementOrder reorders finalizers',
    patch: { metadata: { '$setElementOrder/finalizers': ['b.example.com/y', 'a.example.com/x'] } },
    edits: { 'metadata.finalizers': ['b.example.com/y', 'a.example.com/x'] },
  },
  {
    name: '$setElementOrder reorders containers',
    patch: inTemplate({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }] }),
    edits: { [C]: [SIDECAR, NGINX] },
  },
  {
    name: '$setElementOrder places a new container between existing ones',
    patch: inTemplate({ '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'new' }, { name: 'sidecar' }], containers: [{ name: 'new', image: 'x' }] }),
    edits: { [C]: [NGINX, { name: 'new', image: 'x' }, SIDECAR] },
  },
  {
    name: '$setElementOrder keeps server-only items before the named items they preceded',
    patch: inTemplate({ '$setElementOrder/containers': [{ name: 'sidecar' }] }),
    edits: {},
  },
  {
    name: 'RollingUpdate→Recreate with $retainKeys drops rollingUpdate',
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    edits: { 'spec.strategy': { type: 'Recreate' } },
  },
  {
    name: 'RollingUpdate→Recreate as kubectl apply sends it ($retainKeys and a null)',
    patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
    edits: { 'spec.strategy': { type: 'Recreate' } },
  },
  { name: 'without $retainKeys the strategy map merges', patch: { spec: { strategy: { type: 'Recreate' } } }, edits: { 'spec.strategy.type': 'Recreate' } },
  {
    name: 'a volume switches source with $retainKeys (volumes are merge,retainKeys)',
    patch: inTemplate({ volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] }),
    edits: { [`${PS}.volumes`]: [{ name: 'data', configMap: { name: 'cm' } }] },
  },
  {
    name: 'null deletes a label and a new label is added',
    patch: { metadata: { labels: { tier: null, env: 'prod' } } },
    edits: { 'metadata.labels': { app: 'web', env: 'prod' } },
  },
  { name: '$patch: replace on a map replaces the labels', patch: { metadata: { labels: { $patch: 'replace', app: 'web2' } } }, edits: { 'metadata.labels': { app: 'web2' } } },
  { name: '$patch: delete on a map empties it', patch: { spec: { selector: { matchLabels: { $patch: 'delete' } } } }, edits: { 'spec.selector.matchLabels': {} } },
  {
    name: 'null on a missing field is ignored and null deletes a list',
    patch: { spec: { paused: null }, metadata: { annotations: { a: null }, finalizers: null } },
    edits: { 'metadata.annotations': {}, 'metadata.finalizers': undefined },
  },
  {
    name: 'lists without a merge strategy replace (tolerations, args)',
    patch: inTemplate({ tolerations: [{ key: 'k2', operator: 'Exists' }], containers: [{ name: 'nginx', args: ['-v'] }] }),
    edits: { [`${PS}.tolerations`]: [{ key: 'k2', operator: 'Exists' }], [`${C}.0.args`]: ['-v'] },
  },
  { name: 'ownerReferences merge by uid', patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } }, edits: { 'metadata.ownerReferences.0.controller': true } },
  {
    name: 'a value of another type replaces the field',
    patch: inTemplate({ volumes: { not: 'a list' }, containers: [{ name: 'nginx', env: 'x' }] }),
    edits: { [`${PS}.volumes`]: { not: 'a list' }, [`${C}.0.env`]: 'x' },
  },
  {
    name: 'unknown fields merge like a JSON merge patch',
    original: () => ({ ...deployment(), extra: { a: 1, b: { c: 1 }, list: [{ name: 'x' }] } }),
    patch: { extra: { a: null, b: { d: 2 }, list: [{ name: 'y' }] } },
    edits: { extra: { b: { c: 1, d: 2 }, list: [{ name: 'y' }] } },
  },
  {
    name: 'a Pod container image change',
    schema: POD,
    original: () => ({ kind: 'Pod', spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } }),
    patch: { spec: { containers: [{ name: 'b', image: 'b:2' }] } },
    edits: { 'spec.containers.1.image': 'b:2' },
  },
  {
    name: 'Service ports merge by port; the atomic selector still merges (it has no patch strategy)',
    schema: SERVICE,
    original: () => ({ kind: 'Service', spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }),
    patch: { spec: { selector: { tier: 'front' }, ports: [{ port: 443, targetPort: 8443 }] } },
    edits: { 'spec.selector.tier': 'front', 'spec.ports': [{ port: 443, targetPort: 8443 }, { port: 80, targetPort: 8080 }] },
  },
  {
    name: 'a kind without a schema falls back to JSON merge patch',
    schema: 'com.example.v1.Widget',
    original: () => ({ spec: { items: [{ name: 'a' }, { name: 'b' }], keep: 1, drop: 2 } }),
    patch: { spec: { items: [{ name: 'c', $patch: 'delete' }], drop: null } },
    edits: { 'spec.items': [{ name: 'c', $patch: 'delete' }], 'spec.drop': undefined },
  },
];

/** A copy of `base` with the edits applied. */
function edited(base: JsonObject, edits: Record<string, unknown>): unknown {
  const out = structuredClone(base);
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    let cur: unknown = out;
    for (const key of keys) cur = (cur as Record<string, unknown>)[key];
    const parent = cur as Record<string, unknown>;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return out;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

for (const c of cases) {
  test(`strategic merge patch: ${c.name}`, () => {
    const make = c.original ?? deployment;
    // Frozen inputs: any write to them throws in this strict-mode module.
    const original = deepFreeze(make());
    const patch = deepFreeze(structuredClone(c.patch));
    const want = edited(make(), c.edits);
    const got = applyStrategicMergePatch(original, patch, { schemaName: c.schema ?? DEPLOYMENT });
    assert.deepEqual(got, want);
    assert.ok(!Object.isFrozen(got), 'the result is a new object');
  });
}

test('strategic merge patch: without a schema name it is a JSON merge patch', () => {
  const got = applyStrategicMergePatch({ a: [1, 2], b: { c: 1 } }, { a: [3], b: { d: 2 } });
  assert.deepEqual(got, { a: [3], b: { c: 1, d: 2 } });
});

interface ErrCase {
  name: string;
  patch: unknown;
  code: PatchErrorCode;
  message: RegExp;
}

const errCases: ErrCase[] = [
  { name: 'the patch is an array', patch: [{ spec: {} }], code: 'BadRequest', message: /invalid JSON document/ },
  { name: 'the patch is null', patch: null, code: 'BadRequest', message: /invalid JSON document/ },
  { name: '$patch: merge in a list', patch: inTemplate({ containers: [{ $patch: 'merge' }] }), code: 'BadRequest', message: /merging lists cannot yet be specified in the patch/ },
  { name: 'unknown $patch in a list', patch: inTemplate({ containers: [{ name: 'x', $patch: 'nuke' }] }), code: 'BadRequest', message: /unknown patch type: "nuke" in map/ },
  { name: 'unknown $patch in a map', patch: { metadata: { labels: { $patch: 'merge' } } }, code: 'BadRequest', message: /unknown patch type: "merge" in map/ },
  { name: 'a list item without its merge key', patch: inTemplate({ containers: [{ image: 'x' }] }), code: 'Invalid', message: /does not contain declared merge key: name/ },
  { name: '$patch: delete without the merge key', patch: inTemplate({ containers: [{ $patch: 'delete' }] }), code: 'Invalid', message: /does not contain declared merge key: name/ },
  { name: 'primitives in a list of maps', patch: inTemplate({ containers: ['nginx'] }), code: 'Invalid', message: /list element types are not identical/ },
  { name: 'a list of lists', patch: { metadata: { finalizers: [['x']] } }, code: 'Invalid', message: /lists of lists are not supported/ },
  { name: '$retainKeys is not a list', patch: { spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } }, code: 'BadRequest', message: /invalid patch format of retainKeys/ },
  { name: 'a patched key missing from $retainKeys', patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }, code: 'BadRequest', message: /invalid patch format of retainKeys/ },
  { name: '$deleteFromPrimitiveList is not a list', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, code: 'BadRequest', message: /invalid patch format of primitive list/ },
  { name: '$deleteFromPrimitiveList without a field', patch: { metadata: { '$deleteFromPrimitiveList/': ['a'] } }, code: 'BadRequest', message: /invalid patch format of primitive list/ },
  { name: '$setElementOrder is not a list', patch: inTemplate({ '$setElementOrder/containers': { name: 'a' } }), code: 'BadRequest', message: /invalid patch format of setElementOrder list/ },
  { name: '$setElementOrder entry without the merge key', patch: inTemplate({ '$setElementOrder/containers': ['nginx'] }), code: 'Invalid', message: /does not contain declared merge key: name/ },
  {
    name: 'patch list out of $setElementOrder order',
    patch: inTemplate({ '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ name: 'sidecar' }, { name: 'nginx' }] }),
    code: 'BadRequest',
    message: /doesn't match \$setElementOrder list/,
  },
];

for (const c of errCases) {
  test(`strategic merge patch error: ${c.name}`, () => {
    assert.throws(
      () => applyStrategicMergePatch(deepFreeze(deployment()), c.patch, { schemaName: DEPLOYMENT }),
      (e: unknown) => isPatchError(e, c.code) && c.message.test(e.message),
    );
  });
}

test('strategic merge patch: odd values anywhere never escape as TypeErrors', () => {
  const odd: unknown[] = [null, 0, 1.5, '', 'x', true, [], [null], [1, 'a'], [[]], {}, { $patch: 'delete' }, { $patch: 7 }, { name: null }, { $retainKeys: [1] }];
  const paths: ((v: unknown) => unknown)[] = [
    (v) => ({ spec: v }),
    (v) => ({ metadata: { finalizers: v, labels: v } }),
    (v) => inTemplate({ containers: v }),
    (v) => inTemplate({ containers: [{ name: 'nginx', env: v, ports: v }] }),
    (v) => inTemplate({ '$setElementOrder/containers': v, volumes: [v] }),
    (v) => ({ spec: { strategy: { $retainKeys: v, type: v } } }),
    (v) => ({ metadata: { '$deleteFromPrimitiveList/finalizers': v } }),
  ];
  let applied = 0;
  for (const path of paths) {
    for (const v of odd) {
      try {
        applyStrategicMergePatch(deepFreeze(deployment()), path(v), { schemaName: DEPLOYMENT });
        applied++;
      } catch (e) {
        assert.ok(isPatchError(e), `${JSON.stringify(path(v))}: ${String(e)}`);
      }
    }
  }
  assert.ok(applied > 0, 'some odd patches are valid');
});
