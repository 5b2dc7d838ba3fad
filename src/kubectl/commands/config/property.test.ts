import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, serializeConfig } from '../../kubeconfig/model.js';
import { modifyProperty, navigationSteps } from './property.js';

const BASE = `apiVersion: v1
kind: Config
current-context: a
clusters:
- name: my.cluster
  cluster: {server: https://x}
contexts:
- name: a
  context: {cluster: my.cluster, namespace: ns}
`;

test('a map key runs up to the next part that names a field of the entry', () => {
  assert.deepEqual(
    navigationSteps('clusters.my.cluster.server').map((s) => s.value),
    ['clusters', 'my.cluster', 'server'],
  );
  assert.deepEqual(navigationSteps('contexts.a.b').map((s) => s.value), ['contexts', 'a.b']);
});

const edits: Array<[string, string, boolean, (text: string) => boolean]> = [
  ['clusters.my.cluster.server', 'https://y', false, (t) => t.includes('server: https://y')],
  ['clusters.new.insecure-skip-tls-verify', 'true', false, (t) => t.includes('insecure-skip-tls-verify: true\n    server: ""\n  name: new')],
  ['clusters.my.cluster.certificate-authority-data', 'aGk=', false, (t) => t.includes('certificate-authority-data: aGk=')],
  ['contexts.a.namespace', '', true, (t) => !t.includes('namespace')],
  ['contexts.a', '', true, (t) => t.includes('contexts: null')],
  ['current-context', '', true, (t) => t.includes('current-context: ""')],
  ['users.u.act-as', 'bob', false, (t) => t.includes('as: bob')],
];

for (const [path, value, unset, check] of edits) {
  test(`config ${unset ? 'unset' : 'set'} ${path}`, () => {
    const c = parseConfig(BASE, '/f');
    modifyProperty(c, navigationSteps(path), value, unset, false);
    const text = serializeConfig(c);
    assert.ok(check(text), text);
  });
}

const failures: Array<[string, string, boolean, string]> = [
  ['foo', 'x', false, 'unable to parse foo after [] at api.Config'],
  ['clusters.my.cluster', 'x', false, "can't set a map to a value: map[my.cluster]"],
  ['clusters.zz.server', '', true, 'current map key `zz` is invalid'],
  ['clusters.my.cluster.insecure-skip-tls-verify', 'maybe', false, 'strconv.ParseBool: parsing "maybe": invalid syntax'],
  ['clusters.my.cluster.certificate-authority-data', '%%', false, 'error decoding input value: illegal base64 data at input byte 0'],
  ['clusters.my.cluster.server.x', 'y', false, 'unable to parse one or more field values of clusters.my.cluster.server.x'],
];

for (const [path, value, unset, message] of failures) {
  test(`config ${unset ? 'unset' : 'set'} ${path} fails: ${message}`, () => {
    const c = parseConfig(BASE, '/f');
    assert.throws(() => modifyProperty(c, navigationSteps(path), value, unset, false), { message });
  });
}
