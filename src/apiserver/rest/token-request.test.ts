import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError, notFound } from '../../api/errors.js';
import { createSigningKeyPair } from '../auth/certs.js';
import { ServiceAccountTokens } from '../auth/sa-tokens.js';
import type { StoredObject } from '../object.js';
import { createTokenRequest } from './token-request.js';

const now = new Date('2026-11-23T10:00:00Z');
const tokens = new ServiceAccountTokens(createSigningKeyPair(), { now: () => now.getTime() });
const objs: Record<string, StoredObject> = {
  'serviceaccounts/ns/robot': { metadata: { name: 'robot', namespace: 'ns', uid: 'sa-1' } },
  'pods/ns/web': { metadata: { name: 'web', namespace: 'ns', uid: 'pod-1' }, spec: { serviceAccountName: 'robot', nodeName: 'n1' } },
  'pods/ns/other': { metadata: { name: 'other', namespace: 'ns', uid: 'pod-2' }, spec: { serviceAccountName: 'default' } },
  'secrets/ns/s': { metadata: { name: 's', namespace: 'ns', uid: 'sec-1' } },
  'nodes//n1': { metadata: { name: 'n1', uid: 'node-1' } },
};
const deps = {
  tokens,
  now: () => now,
  get: (plural: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', ns: string, name: string) => {
    const o = objs[`${plural}/${ns}/${name}`];
    if (!o) throw notFound({ group: '', resource: plural }, name);
    return o;
  },
};
const request = (name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
  createTokenRequest(deps, 'ns', name, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata, spec });
const kubeClaim = (out: Record<string, unknown>) => {
  const token = (out['status'] as { token: string }).token;
  return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>)['kubernetes.io'];
};
const fails = (f: () => unknown, code: number, message: string) =>
  assert.throws(f, (e: unknown) => isApiError(e) && (e).status.code === code && (e).status.message === message);

test('defaults: the API audiences and an hour; the answer echoes the request with its status', () => {
  const out = request('robot', {});
  assert.equal(out['kind'], 'TokenRequest');
  assert.deepEqual(out.metadata, { name: 'robot', namespace: 'ns', creationTimestamp: '2026-11-23T10:00:00Z' });
  assert.deepEqual(out['spec'], { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null });
  const status = out['status'] as { token: string; expirationTimestamp: string };
  assert.equal(status.expirationTimestamp, '2026-11-23T11:00:00Z');
  assert.ok(tokens.check(status.token, () => ({ uid: 'sa-1' })));
  assert.deepEqual(request('robot', { audiences: ['x'], expirationSeconds: 600 })['spec'], { audiences: ['x'], expirationSeconds: 600, boundObjectRef: null });
});

test('errors are worded as kube-apiserver words them', () => {
  fails(() => request('nope', {}), 404, 'serviceaccounts "nope" not found');
  fails(() => request('robot', { expirationSeconds: 60 }), 422, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
  fails(() => request('robot', { expirationSeconds: 2 ** 33 }), 422, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 8589934592: may not specify a duration larger than 2^32 seconds');
  fails(() => request('robot', {}, { name: 'other' }), 422, 'TokenRequest.authentication.k8s.io "robot" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified');
  fails(() => request('robot', {}, { namespace: 'other' }), 422, 'TokenRequest.authentication.k8s.io "robot" is invalid: metadata.namespace: Invalid value: "other": must match the service account namespace if specified');
  fails(() => request('robot', { expirationSeconds: 'soon' }), 400, 'TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal string into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64');
  fails(() => request('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c' } }), 400, 'cannot bind token to object of type /v1, Kind=ConfigMap');
  fails(() => request('robot', { boundObjectRef: { apiVersion: 'apps/v1', kind: 'Pod', name: 'web' } }), 400, 'cannot bind token to object of type apps/v1, Kind=Pod');
  fails(() => request('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'other' } }), 400, 'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.');
  fails(() => request('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'gone' } }), 404, 'pods "gone" not found');
  fails(
    () => request('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'old' } }),
    409,
    'Operation cannot be fulfilled on Secret "s": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
  );
});

test("the kubelet's 3607 s pod tokens for the API are signed for a year with a warnafter claim", () => {
  const claims = (out: Record<string, unknown>) => JSON.parse(Buffer.from(((out['status'] as { token: string }).token.split('.')[1] ?? ''), 'base64url').toString()) as { exp: number; iat: number; 'kubernetes.io': { warnafter?: number } };
  const bound = { apiVersion: 'v1', kind: 'Pod', name: 'web' };
  const out = request('robot', { expirationSeconds: 3607, boundObjectRef: bound });
  const c = claims(out);
  assert.equal(c.exp - c.iat, 365 * 24 * 3600);
  assert.equal(c['kubernetes.io'].warnafter, c.iat + 3607);
  assert.equal((out['status'] as { expirationTimestamp: string }).expirationTimestamp, '2026-11-23T11:00:07Z', 'the status keeps the lifetime asked for');
  // Not for other audiences, other lifetimes, or tokens bound to no pod.
  for (const spec of [{ expirationSeconds: 3607, boundObjectRef: bound, audiences: ['vault'] }, { expirationSeconds: 3600, boundObjectRef: bound }, { expirationSeconds: 3607 }]) {
    const x = claims(request('robot', spec));
    assert.equal(x.exp - x.iat, spec.expirationSeconds, JSON.stringify(spec));
    assert.equal(x['kubernetes.io'].warnafter, undefined);
  }
  // A bound reference with no apiVersion is a core object too.
  assert.ok(request('robot', { boundObjectRef: { kind: 'Secret', name: 's' } }));
});

test('bound objects: a pod (with its node), a secret, a node', () => {
  assert.deepEqual(kubeClaim(request('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'pod-1' } })), {
    namespace: 'ns',
    serviceaccount: { name: 'robot', uid: 'sa-1' },
    node: { name: 'n1', uid: 'node-1' },
    pod: { name: 'web', uid: 'pod-1' },
  });
  assert.deepEqual(kubeClaim(request('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 's' } })), { namespace: 'ns', serviceaccount: { name: 'robot', uid: 'sa-1' }, secret: { name: 's', uid: 'sec-1' } });
  assert.deepEqual(kubeClaim(request('robot', { boundObjectRef: { apiVersion: 'v1', kind: 'Node', name: 'n1' } })), { namespace: 'ns', serviceaccount: { name: 'robot', uid: 'sa-1' }, node: { name: 'n1', uid: 'node-1' } });
});
