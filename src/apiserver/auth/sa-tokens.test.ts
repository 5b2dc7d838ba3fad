import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { test } from 'node:test';
import { createSigningKeyPair } from './certs.js';
import { DEFAULT_ISSUER, EXTRA, ServiceAccountTokens, type ObjectLookup } from './sa-tokens.js';

const keys = createSigningKeyPair();
let nowMs = Date.parse('2026-11-23T10:00:00Z');
const tokens = new ServiceAccountTokens(keys, { now: () => nowMs });

type Obj = { uid?: string; deletionTimestamp?: string };
function world(objs: Record<string, Obj>): ObjectLookup {
  return (kind, ns, name) => objs[`${kind}/${ns}/${name}`];
}
const sa = { 'ServiceAccount/ns/robot': { uid: 'sa-1' } };
const grant = { namespace: 'ns', serviceAccount: { name: 'robot', uid: 'sa-1' }, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 };
const claimsOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

test('a token is an ES256 JWT with upstream claims, and authenticates as the account', () => {
  const { token, expiration } = tokens.issue(grant);
  const [h = '', p = '', s = ''] = token.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'ES256', kid: tokens.kid });
  const c = claimsOf(token);
  assert.deepEqual(Object.keys(c), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
  assert.equal(c['aud'], DEFAULT_ISSUER, 'one audience is a plain string, as Go writes it');
  assert.equal(c['sub'], 'system:serviceaccount:ns:robot');
  assert.equal(c['exp'], nowMs / 1000 + 3600);
  assert.equal(expiration.getTime(), nowMs + 3600_000);
  assert.deepEqual(c['kubernetes.io'], { namespace: 'ns', serviceaccount: { name: 'robot', uid: 'sa-1' } });
  // The published key set verifies the signature on its own.
  const jwk = tokens.jwks().keys[0] ?? {};
  assert.equal(jwk['kid'], tokens.kid);
  const pub = createPublicKey({ key: { kty: jwk['kty'], crv: jwk['crv'], x: jwk['x'], y: jwk['y'] } as never, format: 'jwk' });
  assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')));

  const r = tokens.check(token, world(sa));
  assert.ok(r && 'user' in r);
  assert.deepEqual(r.user, { name: 'system:serviceaccount:ns:robot', uid: 'sa-1', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'], extra: { [EXTRA.credentialId]: [`JTI=${String(c['jti'])}`] } });
  assert.deepEqual(r.audiences, [DEFAULT_ISSUER]);
  assert.equal(tokens.authenticator(world(sa))(token)?.name, 'system:serviceaccount:ns:robot');
});

test('expiry, audiences, tampering and other issuers', () => {
  const { token } = tokens.issue({ ...grant, audiences: ['a', 'b'] });
  assert.deepEqual(claimsOf(token)['aud'], ['a', 'b']);
  const ok = (t: string, auds?: string[]) => {
    const r = tokens.check(t, world(sa), auds);
    return r && 'user' in r;
  };
  assert.equal(ok(token), false, 'not for the API server');
  assert.equal(ok(token, ['b']), true);
  const shared = tokens.check(token, world(sa), ['b', 'c']);
  assert.deepEqual(shared && 'audiences' in shared ? shared.audiences : undefined, ['b'], 'the audiences both sides know');

  const api = tokens.issue(grant).token;
  const start = nowMs;
  try {
    nowMs = start + 3600_000 + 59_000;
    assert.equal(ok(api), true, 'a minute of leeway');
    nowMs = start + 3600_000 + 61_000;
    assert.deepEqual(tokens.check(api, world(sa)), { error: 'service account token has expired' });
    nowMs = start - 61_000;
    assert.equal(ok(api), false, 'not valid before nbf');
  } finally {
    nowMs = start;
  }

  const [h, , s = ''] = api.split('.');
  const forged = { ...claimsOf(api), sub: 'system:serviceaccount:ns:admin' };
  assert.deepEqual(tokens.check(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`, world(sa)), { error: 'invalid signature' });
  const other = new ServiceAccountTokens(createSigningKeyPair(), { now: () => nowMs });
  assert.ok('error' in (tokens.check(other.issue(grant).token, world(sa)) ?? {}), 'same issuer, another key: refused');
  const foreign = new ServiceAccountTokens(keys, { issuer: 'https://elsewhere', now: () => nowMs });
  assert.equal(tokens.check(foreign.issue(grant).token, world(sa)), undefined, 'another issuer: not ours to judge');
  assert.equal(tokens.check('static-token-abc', world(sa)), undefined);
  assert.equal(tokens.check('a.b.c', world(sa)), undefined);
});

test('deleting the account or the bound object revokes the token', () => {
  const t = tokens.issue(grant).token;
  assert.deepEqual(tokens.check(t, world({})), { error: 'ServiceAccount ns/robot has been deleted' });
  assert.match(String((tokens.check(t, world({ 'ServiceAccount/ns/robot': { uid: 'sa-2' } })) as { error: string }).error), /uid \(sa-2\) does not match the claim \(sa-1\)/);

  const bound = tokens.issue({ ...grant, pod: { name: 'web', uid: 'pod-1' }, node: { name: 'n1', uid: 'node-1' } }).token;
  const c = claimsOf(bound)['kubernetes.io'] as Record<string, unknown>;
  assert.deepEqual(c['pod'], { name: 'web', uid: 'pod-1' });
  assert.deepEqual(c['node'], { name: 'n1', uid: 'node-1' });
  const live = { ...sa, 'Pod/ns/web': { uid: 'pod-1' } };
  const r = tokens.check(bound, world(live));
  assert.ok(r && 'user' in r);
  assert.deepEqual(r.user.extra?.[EXTRA.podName], ['web']);
  assert.deepEqual(r.user.extra?.[EXTRA.podUid], ['pod-1']);
  assert.deepEqual(r.user.extra?.[EXTRA.nodeName], ['n1']);
  assert.deepEqual(r.user.extra?.[EXTRA.nodeUid], ['node-1']);
  // The pod's node is information only: a node that is gone does not revoke the token.
  assert.ok('user' in (tokens.check(bound, world(live)) ?? {}));
  assert.ok('error' in (tokens.check(bound, world(sa)) ?? {}), 'pod gone');
  assert.ok('error' in (tokens.check(bound, world({ ...sa, 'Pod/ns/web': { uid: 'pod-2' } })) ?? {}), 'pod recreated');
  const deleting = (agoMs: number) => world({ ...sa, 'Pod/ns/web': { uid: 'pod-1', deletionTimestamp: new Date(nowMs - agoMs).toISOString() } });
  assert.ok('user' in (tokens.check(bound, deleting(30_000)) ?? {}), 'still valid within a minute of the deletion time');
  assert.ok('error' in (tokens.check(bound, deleting(90_000)) ?? {}));

  const toSecret = tokens.issue({ ...grant, secret: { name: 's', uid: 'sec-1' } }).token;
  assert.ok('user' in (tokens.check(toSecret, world({ ...sa, 'Secret/ns/s': { uid: 'sec-1' } })) ?? {}));
  assert.ok('error' in (tokens.check(toSecret, world(sa)) ?? {}));
  const toNode = tokens.issue({ ...grant, node: { name: 'n1', uid: 'node-1' } }).token;
  assert.ok('user' in (tokens.check(toNode, world({ ...sa, 'Node//n1': { uid: 'node-1' } })) ?? {}));
  assert.ok('error' in (tokens.check(toNode, world(sa)) ?? {}), 'a token bound to a node needs the node');
});

test('the OpenID discovery document names the issuer and the key set', () => {
  assert.deepEqual(tokens.discovery('https://10.0.0.1:6443/openid/v1/jwks'), {
    issuer: DEFAULT_ISSUER,
    jwks_uri: 'https://10.0.0.1:6443/openid/v1/jwks',
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  });
  assert.throws(() => new ServiceAccountTokens({ privateKeyPem: 'x', publicKeyPem: 'y' }));
});
