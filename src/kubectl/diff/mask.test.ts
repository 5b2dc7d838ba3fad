import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../client/types.js';
import { isSecret, maskSecrets } from './mask.js';

const secret = (data?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...(data ? { data } : {}) });
const dataOf = (o: KubeObject | undefined) => (o as { data?: Record<string, string> } | undefined)?.data;

test('maskSecrets hides values, marking those that changed', () => {
  const cases: { name: string; from?: Record<string, string>; to?: Record<string, string>; wantFrom?: Record<string, string>; wantTo?: Record<string, string> }[] = [
    { name: 'same value', from: { a: 'YQ==' }, to: { a: 'YQ==' }, wantFrom: { a: '***' }, wantTo: { a: '***' } },
    { name: 'changed value', from: { a: 'YQ==' }, to: { a: 'Yg==' }, wantFrom: { a: '*** (before)' }, wantTo: { a: '*** (after)' } },
    { name: 'removed and added keys', from: { a: 'YQ==', b: 'Yg==' }, to: { a: 'YQ==', c: 'Yw==' }, wantFrom: { a: '***', b: '***' }, wantTo: { a: '***', c: '***' } },
    { name: 'no data on the live side', to: { a: 'YQ==' }, wantTo: { a: '***' } },
    { name: 'no data on the merged side', from: { a: 'YQ==' }, wantFrom: { a: '***' } },
  ];
  for (const c of cases) {
    const from = secret(c.from);
    const to = secret(c.to);
    const got = maskSecrets(from, to);
    assert.deepEqual(dataOf(got.from), c.wantFrom, c.name);
    assert.deepEqual(dataOf(got.to), c.wantTo, c.name);
    assert.deepEqual(dataOf(from), c.from, `${c.name}: input left alone`);
  }
});

test('maskSecrets handles a missing live object', () => {
  const got = maskSecrets(undefined, secret({ a: 'YQ==' }));
  assert.equal(got.from, undefined);
  assert.deepEqual(dataOf(got.to), { a: '***' });
});

test('isSecret looks at the version and kind only', () => {
  assert.equal(isSecret(secret()), true);
  assert.equal(isSecret({ apiVersion: 'other.io/v1', kind: 'Secret' }), true);
  assert.equal(isSecret({ apiVersion: 'v1', kind: 'ConfigMap' }), false);
  assert.equal(isSecret({ apiVersion: 'v1beta1', kind: 'Secret' }), false);
  assert.equal(isSecret(undefined), false);
});
