import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toFieldSet } from './fieldset.js';
import { pathString } from './path.js';
import { FieldSet } from './set.js';
import { rootType } from './types.js';

const DEPLOY = rootType('io.k8s.api.apps.v1.Deployment');
const POD = rootType('io.k8s.api.core.v1.Pod');

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['example.com/keep'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx:1.27', args: ['-g', 'daemon off;'], ports: [{ containerPort: 80 }], env: [{ name: 'MODE', value: 'prod' }], resources: {} }],
      },
    },
  },
};

const cases: Array<{ name: string; value: unknown; type: ReturnType<typeof rootType>; want: unknown }> = [
  {
    name: 'Deployment: keyed containers/env/ports (default protocol in the key), set finalizers, atomic selector and args, empty struct',
    value: deployment,
    type: DEPLOY,
    want: {
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': { 'f:finalizers': { 'v:"example.com/keep"': {} }, 'f:labels': { 'f:app': {} }, 'f:name': {} },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:args': {},
                'f:env': { 'k:{"name":"MODE"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                'f:resources': {},
              },
            },
          },
        },
      },
    },
  },
  {
    name: 'atomic map (nodeSelector) is a leaf, granular map (limits) is walked, an empty keyed list owns nothing',
    value: { spec: { nodeSelector: { zone: 'a' }, initContainers: [], containers: [{ name: 'c', resources: { limits: { cpu: '1' } } }] } },
    type: POD,
    want: { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:name': {}, 'f:resources': { 'f:limits': { 'f:cpu': {} } } } }, 'f:nodeSelector': {} } },
  },
  {
    name: 'null and empty maps are owned as leaves',
    value: { metadata: { labels: {} }, spec: { affinity: null } },
    type: POD,
    want: { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:affinity': {} } },
  },
  {
    name: 'no schema (custom resource): maps granular with "." on every entry, lists atomic',
    value: { spec: { size: 3, tags: ['a', 'b'], nested: { x: 1 } } },
    type: undefined,
    want: { 'f:spec': { '.': {}, 'f:nested': { '.': {}, 'f:x': {} }, 'f:size': {}, 'f:tags': {} } },
  },
  {
    name: 'set lists of numbers sort numerically',
    value: { spec: { securityContext: { supplementalGroups: [20, 3] } } },
    type: POD,
    want: { 'f:spec': { 'f:securityContext': { 'f:supplementalGroups': {} } } },
  },
];

for (const c of cases) {
  test(`toFieldSet: ${c.name}`, () => {
    const got = toFieldSet(c.value, c.type).toFieldsV1();
    assert.deepEqual(got, c.want);
    assert.equal(JSON.stringify(got), JSON.stringify(c.want), 'key order is Kubernetes order');
  });
}

test('FieldsV1 parses back to the same set and rejects malformed input', () => {
  const s = toFieldSet(deployment, DEPLOY);
  const back = FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(s.toFieldsV1())));
  assert.deepEqual(back.toFieldsV1(), s.toFieldsV1());
  assert.ok(back.has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}']), 'item with "." is a member');
  assert.ok(!back.has(['f:spec', 'f:template']), 'intermediate struct is not');
  assert.throws(() => FieldSet.fromFieldsV1({ 'x:bad': {} }), /unknown path element/);
  assert.throws(() => FieldSet.fromFieldsV1([]), /must be a JSON object/);
});

test('set operations and path strings', () => {
  const a = FieldSet.of(['f:spec', 'f:replicas'], ['f:spec', 'f:paused'], ['f:metadata', 'f:labels', 'f:app']);
  const b = FieldSet.of(['f:spec', 'f:replicas'], ['f:metadata', 'f:labels']);
  assert.deepEqual(a.intersection(b).paths(), [['f:spec', 'f:replicas']]);
  assert.deepEqual(a.difference(b).paths(), [['f:metadata', 'f:labels', 'f:app'], ['f:spec', 'f:paused']]);
  assert.deepEqual(a.recursiveDifference(b).paths(), [['f:spec', 'f:paused']], 'below a member of b goes too');
  assert.equal(pathString(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']), '.spec.template.spec.containers[name="nginx"].image');
  assert.equal(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
  assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"x"']), '.metadata.finalizers[="x"]');
  const ordered = FieldSet.of(['v:"b"'], ['k:{"a":1}'], ['f:z'], ['v:10'], ['v:9'], ['i:2']);
  assert.deepEqual(Object.keys(ordered.toFieldsV1()), ['f:z', 'k:{"a":1}', 'v:9', 'v:10', 'v:"b"', 'i:2']);
});

test('a keyed list item without its key and no default is an error', () => {
  assert.throws(() => toFieldSet({ secrets: [{ namespace: 'x' }] }, rootType('io.k8s.api.core.v1.ServiceAccount')), /omits key field "name"/);
  assert.deepEqual(toFieldSet({ spec: { containers: [{ image: 'x' }] } }, POD).paths()[0], ['f:spec', 'f:containers', 'k:{"name":""}'], 'a key field with a default takes it');
});
