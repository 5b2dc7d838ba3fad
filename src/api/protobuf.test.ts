// The public protobuf codec: round trips of realistic objects, the exact envelope bytes, the Go
// zero-value rule, apiVersion+kind → message mapping, and errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROTOBUF_MAGIC, ProtobufError, decode, encode, protobufCodec, supportsProtobuf } from './protobuf.js';
import { ROUND_TRIP_CASES } from './proto/testing/objects.js';

for (const { name, object } of ROUND_TRIP_CASES) {
  test(`round trip JSON → protobuf → JSON: ${name}`, () => {
    const bytes = encode(object);
    assert.ok(PROTOBUF_MAGIC.equals(bytes.subarray(0, 4)), 'starts with k8s\\0');
    const back = decode(bytes);
    assert.deepStrictEqual(back, object);
    // A second trip gives the same bytes: nothing drifts.
    assert.ok(encode(back).equals(bytes), 're-encoding is stable');
  });
}

test('the envelope is magic + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}', () => {
  const bytes = encode({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } });
  const expected = Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    Buffer.from('0a0f' + '0a02' + Buffer.from('v1').toString('hex') + '1209' + Buffer.from('Namespace').toString('hex'), 'hex'),
    Buffer.from('1207' + '0a05' + '0a03' + Buffer.from('foo').toString('hex'), 'hex'),
    Buffer.from('1a002200', 'hex'),
  ]);
  assert.equal(bytes.toString('hex'), expected.toString('hex'));
});

test('zero values follow Go: pointers and non-omitempty fields keep them, non-pointer omitempty ones drop them', () => {
  const sent = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', generateName: '', generation: 0 },
    spec: { replicas: 0, paused: false, minReadySeconds: 0, template: { spec: { containers: [{ name: '', image: '', stdin: false }] } } },
  };
  assert.deepStrictEqual(decode(encode(sent)), {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'd' },
    spec: { replicas: 0, template: { spec: { containers: [{ name: '' }] } } },
  });
});

test('unset optional fields stay absent and 64-bit integers come back as numbers', () => {
  const back = decode(encode({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', generation: 7, deletionGracePeriodSeconds: 30 } }));
  assert.deepStrictEqual(back, { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', generation: 7, deletionGracePeriodSeconds: 30 } });
  assert.equal(typeof (back['metadata'] as Record<string, unknown>)['generation'], 'number');
});

test('apiVersion + kind map to message types from the group tables', () => {
  const codec = protobufCodec();
  const cases: [string, string, string | undefined][] = [
    ['v1', 'Pod', 'k8s.io.api.core.v1.Pod'],
    ['v1', 'PodList', 'k8s.io.api.core.v1.PodList'],
    ['apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'k8s.io.api.rbac.v1.ClusterRole'],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler'],
    ['v1', 'Status', 'k8s.io.apimachinery.pkg.apis.meta.v1.Status'],
    ['apps/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
    ['v1', 'WatchEvent', 'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent'],
    ['meta.k8s.io/v1', 'PartialObjectMetadata', 'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata'],
    ['metrics.k8s.io/v1beta1', 'NodeMetrics', 'k8s.io.metrics.pkg.apis.metrics.v1beta1.NodeMetrics'],
    ['example.com/v1', 'Widget', undefined],
    ['v1', 'Deployment', undefined],
  ];
  for (const [apiVersion, kind, want] of cases) {
    assert.equal(codec.typeForKind(apiVersion, kind)?.fullName.slice(1), want, `${apiVersion} ${kind}`);
    assert.equal(supportsProtobuf(apiVersion, kind), want !== undefined);
  }
});

test('bad input fails with ProtobufError naming the problem', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['no magic', () => decode(Buffer.from('{"kind":"Pod"}')), /magic/],
    ['truncated', () => decode(encode({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }).subarray(0, 12)), /malformed/],
    ['custom resource', () => encode({ apiVersion: 'example.com/v1', kind: 'Widget' }), /no protobuf message for example.com\/v1 Widget/],
    ['no kind', () => encode({ apiVersion: 'v1' }), /apiVersion and kind/],
    ['wrong scalar type', () => encode({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: '3' } }), /Deployment\.spec\.replicas: expected int32/],
    ['bad time', () => encode({ apiVersion: 'v1', kind: 'Pod', metadata: { creationTimestamp: 'now' } }), /creationTimestamp: invalid RFC 3339/],
    ['bad intOrString', () => encode({ apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 80, targetPort: true }] } }), /targetPort: expected an integer or a string/],
    ['list is not an array', () => encode({ apiVersion: 'v1', kind: 'Pod', spec: { containers: {} } }), /containers: expected an array/],
  ];
  for (const [name, run, message] of cases) assert.throws(run, (err: unknown) => err instanceof ProtobufError && message.test(err.message), name);
});

test('a RawExtension holding protobuf decodes as the nested object, one holding JSON as its value', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
  const codec = protobufCodec();
  const watchEvent = codec.typeForKind('v1', 'WatchEvent');
  assert.ok(watchEvent);
  const nested = watchEvent.encode({ type: 'ADDED', object: { raw: encode(pod) } }).finish();
  assert.deepStrictEqual(codec.decodeMessage(watchEvent, nested), { type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' } } });
  const json = watchEvent.encode({ type: 'ADDED', object: { raw: Buffer.from(JSON.stringify(pod)) } }).finish();
  assert.deepStrictEqual(codec.decodeMessage(watchEvent, json), { type: 'ADDED', object: pod });
});

test('an empty typeMeta takes apiVersion and kind from the endpoint, as Go does', () => {
  const codec = protobufCodec();
  const unknown = codec.schema.type('k8s.io.apimachinery.pkg.runtime.Unknown');
  const namespace = codec.typeForKind('v1', 'Namespace');
  assert.ok(unknown && namespace);
  const raw = codec.encodeMessage(namespace, { metadata: { name: 'n' } });
  const body = Buffer.concat([PROTOBUF_MAGIC, unknown.encode({ typeMeta: {}, raw }).finish()]);
  assert.deepStrictEqual(decode(body, { apiVersion: 'v1', kind: 'Namespace' }), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n' } });
  assert.throws(() => decode(body), ProtobufError);
});
