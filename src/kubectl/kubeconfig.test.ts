import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, errorMessage } from './errors.js';
import { ConfigAccess, NO_SERVER_MESSAGE, resolveClientConfig } from './kubeconfig.js';
import { cloneConfig, parseConfig, serializeConfig } from './kubeconfig/model.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FIRST = `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster: {server: https://first:6443, certificate-authority: ca.crt}
users:
- name: admin
  user: {token: first-token}
contexts:
- name: one
  context: {cluster: shared, user: admin, namespace: ns1}
`;

const SECOND = `apiVersion: v1
kind: Config
current-context: two
clusters:
- name: shared
  cluster: {server: https://second:6443}
- name: other
  cluster: {server: http://other:8080}
users:
- name: admin
  user: {token: second-token}
contexts:
- name: two
  context: {cluster: other, user: admin}
`;

test('$KUBECONFIG files merge: first definition of each entry wins, current-context from the first file that sets it, missing files skipped', () => {
  withDir((dir) => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'sub', 'b.yaml');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(a, FIRST);
    writeFileSync(b, SECOND);
    const env = { KUBECONFIG: `${a}:${join(dir, 'missing.yaml')}:${b}:${a}`, HOME: dir };
    const merged = new ConfigAccess(undefined, env).startingConfig();
    assert.equal(merged.clusters.get('shared')?.fields['server'], 'https://first:6443');
    assert.equal(merged.clusters.get('shared')?.origin, a);
    assert.equal(merged.clusters.get('other')?.origin, b);
    assert.equal(merged.users.get('admin')?.fields['token'], 'first-token');
    assert.deepEqual([...merged.contexts.keys()].sort(), ['one', 'two']);
    assert.equal(merged.currentContext, 'two');
  });
});

test('resolveClientConfig: context, relative CA path against its own file, namespace, overrides', () => {
  withDir((dir) => {
    const a = join(dir, 'a.yaml');
    writeFileSync(a, FIRST);
    writeFileSync(join(dir, 'ca.crt'), 'CA PEM');
    const r = resolveClientConfig({ context: 'one' }, { KUBECONFIG: a, HOME: dir });
    assert.deepEqual(r.config, { server: 'https://first:6443', namespace: 'ns1', caPem: 'CA PEM', token: 'first-token' });
    assert.equal(r.contextNamespace, 'ns1');
    assert.equal(r.namespace, undefined);

    const o = resolveClientConfig({ context: 'one', server: 'https://elsewhere', token: 't2', insecureSkipTlsVerify: true, namespace: 'n2' }, { KUBECONFIG: a, HOME: dir });
    assert.deepEqual(o.config, { server: 'https://elsewhere', namespace: 'ns1', insecureSkipTLSVerify: true, token: 't2' });
    assert.equal(o.namespace, 'n2');
  });
});

test('resolveClientConfig: plain http sends no credentials', () => {
  withDir((dir) => {
    const b = join(dir, 'b.yaml');
    writeFileSync(b, SECOND);
    const r = resolveClientConfig({}, { KUBECONFIG: b, HOME: dir });
    assert.deepEqual(r.config, { server: 'http://other:8080' });
  });
});

const failures: Array<[string, (dir: string) => Parameters<typeof resolveClientConfig>[0], string]> = [
  ['no kubeconfig at all', () => ({}), NO_SERVER_MESSAGE],
  ['unknown --context', (d) => ({ kubeconfig: join(d, 'a.yaml'), context: 'nope' }), 'Error in configuration: context was not found for specified context: nope'],
  ['missing --kubeconfig file', (d) => ({ kubeconfig: join(d, 'nope.yaml') }), `error: stat ${'DIR'}/nope.yaml: no such file or directory`],
  ['unknown --cluster', (d) => ({ kubeconfig: join(d, 'a.yaml'), context: 'one', cluster: 'zz' }), 'error: no server found for cluster "zz"'],
  ['unreadable CA file', (d) => ({ kubeconfig: join(d, 'a.yaml'), context: 'one' }), `error: unable to read certificate-authority DIR/ca.crt for shared due to open DIR/ca.crt: no such file or directory`],
];

for (const [name, opts, message] of failures) {
  test(`resolveClientConfig fails as kubectl does: ${name}`, () => {
    withDir((dir) => {
      writeFileSync(join(dir, 'a.yaml'), FIRST);
      assert.throws(
        () => resolveClientConfig(opts(dir), { HOME: join(dir, 'home') }),
        (e: unknown) => e instanceof CliError && errorMessage(e) === message.replaceAll('DIR', dir),
      );
    });
  });
}

test('files print as clientcmd writes them: sorted lists and keys, unknown fields dropped, null for empty lists', () => {
  const text = `kind: Config
apiVersion: v1
clusters:
- name: z
  cluster: {server: https://z, bogus: 1, insecure-skip-tls-verify: false, tls-server-name: "yes"}
- name: a
  cluster: {certificate-authority-data: "aGVs\\nbG8K"}
contexts:
- name: c
  context: {cluster: a}
`;
  assert.equal(
    serializeConfig(parseConfig(text, '/x')),
    `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: aGVsbG8K
    server: ""
  name: a
- cluster:
    server: https://z
    tls-server-name: "yes"
  name: z
contexts:
- context:
    cluster: a
    user: ""
  name: c
current-context: ""
kind: Config
preferences: {}
users: null
`,
  );
});

test('modify writes each change to the file that defined it, new entries to the first existing file', () => {
  withDir((dir) => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, FIRST);
    writeFileSync(b, SECOND);
    const access = new ConfigAccess(undefined, { KUBECONFIG: `${join(dir, 'gone.yaml')}:${a}:${b}`, HOME: dir });
    const next = cloneConfig(access.startingConfig());
    const two = next.contexts.get('two');
    assert.ok(two);
    two.fields['namespace'] = 'changed';
    next.contexts.set('fresh', { fields: { cluster: 'other', user: '' }, origin: '' });
    next.clusters.delete('other');
    next.currentContext = 'fresh';
    access.modify(next, true);
    const fileA = parseConfig(readFileSync(a, 'utf8'), a);
    const fileB = parseConfig(readFileSync(b, 'utf8'), b);
    assert.equal(fileB.contexts.get('two')?.fields['namespace'], 'changed');
    assert.ok(fileA.contexts.has('fresh'));
    assert.ok(!fileB.clusters.has('other'));
    assert.equal(fileA.currentContext, 'fresh');
    assert.equal(fileB.currentContext, 'two');
    // The CA path stays relative to its file.
    assert.equal(fileA.clusters.get('shared')?.fields['certificate-authority'], 'ca.crt');
  });
});

test('modify with no existing file creates the last file of $KUBECONFIG, mode 0600', () => {
  withDir((dir) => {
    const x = join(dir, 'x', 'x.yaml');
    const y = join(dir, 'y', 'y.yaml');
    const access = new ConfigAccess(undefined, { KUBECONFIG: `${x}:${y}`, HOME: dir });
    const next = cloneConfig(access.startingConfig());
    next.clusters.set('c', { fields: { server: 'https://c', 'certificate-authority': join(dir, 'y', 'ca.crt') }, origin: '' });
    access.modify(next, true);
    assert.equal(statSync(y).mode & 0o777, 0o600);
    assert.equal(parseConfig(readFileSync(y, 'utf8'), y).clusters.get('c')?.fields['certificate-authority'], 'ca.crt');
    assert.throws(() => statSync(x));
  });
});
