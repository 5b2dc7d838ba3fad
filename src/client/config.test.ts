import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKubeconfigPath, inClusterConfig, loadKubeconfig, parseKubeconfig } from './config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kcfg-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kubeconfig = `
apiVersion: v1
kind: Config
current-context: admin@k8ts
contexts:
- name: admin@k8ts
  context: {cluster: k8ts, user: admin, namespace: team-a}
- name: other
  context: {cluster: plain, user: tok}
clusters:
- name: k8ts
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: pki/ca.crt
- name: plain
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
    tls-server-name: api.local
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT')}
    client-key: /abs/should-not-be-read-because-data-wins
    client-key-data: ${b64('KEY')}
- name: tok
  user: {token: s3cret}
`;

test('kubeconfig: current-context, relative files, base64 data', () => {
  withDir((dir) => {
    mkdirSync(join(dir, 'pki'));
    writeFileSync(join(dir, 'pki', 'ca.crt'), 'CA PEM');
    writeFileSync(join(dir, 'config'), kubeconfig);
    const c = loadKubeconfig(join(dir, 'config'));
    assert.deepEqual(c, { server: 'https://127.0.0.1:6443', caPem: 'CA PEM', certPem: 'CERT', keyPem: 'KEY', namespace: 'team-a' });
  });
});

test('kubeconfig: a named context, token, insecure and tls-server-name', () => {
  const c = parseKubeconfig(kubeconfig, '/nowhere', { context: 'other' });
  assert.deepEqual(c, { server: 'http://127.0.0.1:8080', token: 's3cret', insecureSkipTLSVerify: true, tlsServerName: 'api.local' });
});

test('kubeconfig: errors name what is missing', () => {
  assert.throws(() => parseKubeconfig('apiVersion: v1\n', '/'), /no current-context/);
  assert.throws(() => parseKubeconfig(kubeconfig, '/', { context: 'nope' }), /context "nope" not found/);
  assert.throws(() => parseKubeconfig(kubeconfig, '/nonexistent-dir'), /ENOENT/);
});

test('kubeconfig: default path follows KUBECONFIG', () => {
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: '/a/b:/c/d' }), '/a/b');
  assert.match(defaultKubeconfigPath({}), /\.kube\/config$/);
});

test('in-cluster: service host/port, token file, CA, namespace', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'token'), 'jwt-token\n');
    writeFileSync(join(dir, 'ca.crt'), 'CLUSTER CA');
    writeFileSync(join(dir, 'namespace'), 'kube-system');
    const c = inClusterConfig({ serviceAccountDir: dir, env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' } });
    assert.deepEqual(c, { server: 'https://[fd00::1]:443', caPem: 'CLUSTER CA', token: 'jwt-token', tokenFile: join(dir, 'token'), namespace: 'kube-system' });
    assert.throws(() => inClusterConfig({ serviceAccountDir: dir, env: {} }), /KUBERNETES_SERVICE_HOST/);
  });
});
