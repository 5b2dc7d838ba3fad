import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userTable } from './whoami.js';

test('whoami: the attribute table, extras sorted by key (kubectl 1.32 printed the same)', () => {
  const ui = {
  "username": "system:serviceaccount:ns:bob",
  "uid": "1234-abcd",
  "groups": [
    "system:serviceaccounts",
    "system:serviceaccounts:ns",
    "system:authenticated"
  ],
  "extra": {
    "authentication.kubernetes.io/pod-name": [
      "p1"
    ],
    "authentication.kubernetes.io/credential-id": [
      "JTI=abc"
    ]
  }
};
  assert.equal(userTable(ui), "ATTRIBUTE                                           VALUE\nUsername                                            system:serviceaccount:ns:bob\nUID                                                 1234-abcd\nGroups                                              [system:serviceaccounts system:serviceaccounts:ns system:authenticated]\nExtra: authentication.kubernetes.io/credential-id   [JTI=abc]\nExtra: authentication.kubernetes.io/pod-name        [p1]\n");
});

test('whoami: empty attributes are left out', () => {
  assert.equal(userTable({ username: 'alice' }), 'ATTRIBUTE   VALUE\nUsername    alice\n');
});
