import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientVersion, skewWarning } from './version.js';

const skews: Array<[string, string, string]> = [
  ['v1.32.0-k8ts', 'v1.32.5', ''],
  ['v1.32.0-k8ts', 'v1.31.0', ''],
  ['v1.32.0-k8ts', 'v1.33.2+gke.100', ''],
  ['v1.32.0-k8ts', 'v1.30.14', 'WARNING: version difference between client (1.32) and server (1.30) exceeds the supported minor version skew of +/-1\n'],
  ['v1.32.0-k8ts', 'v2.32.0', 'WARNING: version difference between client (1.32) and server (2.32) exceeds the supported minor version skew of +/-1\n'],
];

for (const [client, server, want] of skews) {
  test(`version skew ${client} vs ${server}`, () => {
    assert.equal(skewWarning({ ...clientVersion(), gitVersion: client }, { ...clientVersion(), gitVersion: server }), want);
  });
}

test('a server version that is not semantic is an error, as in kubectl', () => {
  assert.throws(() => skewWarning(clientVersion(), { ...clientVersion(), gitVersion: 'v1.32' }), /could not parse "v1.32" as version/);
});
