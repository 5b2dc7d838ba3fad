import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { pkiAuthenticator } from '../auth.js';
import { createCa } from './certs.js';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { ensurePki, type Pki } from './pki.js';
import { startTestServer, tempDir, VERSION_BODY, type TestServer } from './test-helpers.js';

const run = promisify(execFile);
const KUBECTL = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.32', '/usr/bin/kubectl'].find((p) => existsSync(p));
const PYTHON = '/usr/bin/python3';
const CURL = '/usr/bin/curl';

interface Kubeconfig {
  'current-context': string;
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  users: Array<{ name: string; user: Record<string, string> }>;
}

describe('kubeconfig', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let pki: Pki;
  let server: TestServer;
  let certConfig: string;
  let tokenConfig: string;

  before(async () => {
    tmp = await tempDir();
    pki = await ensurePki(join(tmp.dir, 'pki'), { ips: ['10.43.0.1'] });
    server = await startTestServer(pki, pkiAuthenticator(pki));
    certConfig = join(tmp.dir, 'kube', 'admin.yaml');
    tokenConfig = join(tmp.dir, 'kube', 'token.yaml');
    await writeKubeconfig(certConfig, { server: server.url, caPem: pki.ca.certPem, clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem });
    await writeKubeconfig(tokenConfig, { server: server.url, caPem: pki.ca.certPem, token: pki.adminToken, userName: 'admin-token', namespace: 'kube-system' });
  });
  after(async () => {
    await server.close();
    await tmp.cleanup();
  });

  const lastUser = () => server.seen.at(-1)?.user;
  const env = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp.dir });

  test('renders one cluster, user and context with inline base64 data', async () => {
    const doc = parse(await readFile(certConfig, 'utf8')) as Kubeconfig;
    assert.equal(doc['current-context'], 'default');
    assert.deepEqual(doc.contexts, [{ name: 'default', context: { cluster: 'default', user: 'default' } }]);
    assert.equal(doc.clusters[0]?.cluster.server, server.url);
    assert.equal(Buffer.from(doc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(), pki.ca.certPem);
    assert.equal(Buffer.from(doc.users[0]?.user['client-key-data'] ?? '', 'base64').toString(), pki.admin.keyPem);
    const tok = parse(renderKubeconfig({ server: 'https://x:6443', caPem: 'CA', token: 't0k', contextName: 'c', clusterName: 'k', userName: 'u' })) as Kubeconfig;
    assert.deepEqual(tok.users, [{ name: 'u', user: { token: 't0k' } }]);
    assert.deepEqual(tok.contexts, [{ name: 'c', context: { cluster: 'k', user: 'u' } }]);
  });

  test('is written with mode 0600', async () => {
    assert.equal((await stat(certConfig)).mode & 0o777, 0o600);
    assert.equal((await stat(tokenConfig)).mode & 0o777, 0o600);
  });

  test('real kubectl: get --raw /version with the admin client certificate', { skip: KUBECTL === undefined && 'kubectl not installed' }, async () => {
    const { stdout } = await run(KUBECTL ?? 'kubectl', ['--kubeconfig', certConfig, 'get', '--raw', '/version'], { env: env(), timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout), VERSION_BODY);
    assert.equal(server.seen.at(-1)?.path, '/version');
    assert.deepEqual(lastUser(), { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  test('real kubectl: the token kubeconfig authenticates as admin', { skip: KUBECTL === undefined && 'kubectl not installed' }, async () => {
    const { stdout } = await run(KUBECTL ?? 'kubectl', ['--kubeconfig', tokenConfig, 'get', '--raw', '/version'], { env: env(), timeout: 30_000 });
    assert.equal((JSON.parse(stdout) as { gitVersion: string }).gitVersion, 'v1.32.0');
    assert.equal(lastUser()?.name, 'admin');
  });

  test('real kubectl refuses a server not signed by the CA it was given', { skip: KUBECTL === undefined && 'kubectl not installed' }, async () => {
    const other = await createCa('other-ca', 1);
    const bad = join(tmp.dir, 'kube', 'bad.yaml');
    await writeKubeconfig(bad, { server: server.url, caPem: other.certPem, token: pki.adminToken });
    const before = server.seen.length;
    await assert.rejects(run(KUBECTL ?? 'kubectl', ['--kubeconfig', bad, 'get', '--raw', '/version'], { env: env(), timeout: 30_000 }), /certificate signed by unknown authority/);
    assert.equal(server.seen.length, before);
  });

  test('real Python client: kubernetes.config.load_kube_config and VersionApi', async () => {
    const script = 'import sys\nfrom kubernetes import client, config\nconfig.load_kube_config(config_file=sys.argv[1])\nprint(client.VersionApi().get_code().git_version)';
    const { stdout } = await run(PYTHON, ['-c', script, certConfig], { env: env(), timeout: 30_000 });
    assert.equal(stdout.trim(), 'v1.32.0');
    assert.equal(lastUser()?.name, 'kubernetes-admin');
    const viaToken = await run(PYTHON, ['-c', script, tokenConfig], { env: env(), timeout: 30_000 });
    assert.equal(viaToken.stdout.trim(), 'v1.32.0');
    assert.equal(lastUser()?.name, 'admin');
  });

  test("Python's ssl module: handshake verifying the server, presenting the admin certificate", async () => {
    const script = [
      'import ssl, sys, http.client',
      'ctx = ssl.create_default_context(cafile=sys.argv[1])',
      'ctx.load_cert_chain(sys.argv[2], sys.argv[3])',
      'c = http.client.HTTPSConnection("localhost", int(sys.argv[4]), context=ctx)',
      'c.request("GET", "/whoami")',
      'r = c.getresponse()',
      'print(r.status, r.getheader("X-Remote-User"), c.sock.version())',
    ].join('\n');
    const port = new URL(server.url).port;
    const { stdout } = await run(PYTHON, ['-c', script, pki.paths.caCert, pki.paths.adminCert, pki.paths.adminKey, port], { env: env(), timeout: 30_000 });
    assert.match(stdout.trim(), /^200 kubernetes-admin TLSv1\.3$/);
  });

  test('curl with the CA and admin certificate files', { skip: !existsSync(CURL) && 'curl not installed' }, async () => {
    const { stdout } = await run(CURL, ['-sS', '--fail', '--cacert', pki.paths.caCert, '--cert', pki.paths.adminCert, '--key', pki.paths.adminKey, '-D', '-', `${server.url}/version`], { env: env(), timeout: 30_000 });
    assert.match(stdout, /^x-remote-user: kubernetes-admin\r?$/im);
    assert.match(stdout, /"gitVersion":"v1\.32\.0"/);
  });
});
