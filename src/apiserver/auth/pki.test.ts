import assert from 'node:assert/strict';
import { createSign, createVerify, X509Certificate } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensurePki, PKI_FILES, type Pki } from './pki.js';
import { tempDir } from './test-helpers.js';

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('ensurePki', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let first: Pki;
  let firstMs = 0;
  const pkiDir = () => join(root.dir, 'pki');

  before(async () => {
    root = await tempDir();
    const t0 = performance.now();
    first = await ensurePki(pkiDir(), { ips: ['10.43.0.1'], hostnames: ['k8ts.example'] });
    firstMs = performance.now() - t0;
  });
  after(() => root.cleanup());

  test('first start generates everything, quickly', () => {
    assert.deepEqual([...first.generated].sort(), ['admin', 'ca', 'kubeletClient', 'serviceAccount', 'serving', 'tokens']);
    console.log(`# PKI creation on first start: ${firstMs.toFixed(1)} ms`);
    assert.ok(firstMs < 2000, `PKI creation took ${firstMs} ms`);
  });

  test('second start reuses the same CA and leaves', async () => {
    const t0 = performance.now();
    const again = await ensurePki(pkiDir(), { ips: ['10.43.0.1'], hostnames: ['k8ts.example'] });
    console.log(`# PKI reuse on later start: ${(performance.now() - t0).toFixed(1)} ms`);
    assert.deepEqual(again.generated, []);
    assert.equal(again.ca.certPem, first.ca.certPem);
    assert.equal(again.serving.certPem, first.serving.certPem);
    assert.equal(again.admin.certPem, first.admin.certPem);
    assert.equal(again.serviceAccount.privateKeyPem, first.serviceAccount.privateKeyPem);
    assert.equal(again.adminToken, first.adminToken);
    assert.equal(again.joinToken, first.joinToken);
  });

  test('keys and tokens are 0600, the directory 0700', async () => {
    for (const f of [PKI_FILES.caKey, PKI_FILES.servingKey, PKI_FILES.adminKey, PKI_FILES.serviceAccountKey, PKI_FILES.tokens]) {
      assert.equal(await mode(join(pkiDir(), f)), 0o600, f);
    }
    assert.equal(await mode(pkiDir()), 0o700);
    assert.equal(await readFile(first.paths.caCert, 'utf8'), first.ca.certPem);
  });

  test('CA is a self-signed CA valid for ten years', () => {
    const ca = new X509Certificate(first.ca.certPem);
    assert.equal(ca.ca, true);
    assert.ok(ca.verify(ca.publicKey));
    const years = (Date.parse(ca.validTo) - Date.now()) / (365 * 86_400_000);
    assert.ok(years > 9.9 && years < 10.1, `CA valid for ${years} years`);
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  test('serving certificate covers the API server names and IPs, signed by the CA', () => {
    const ca = new X509Certificate(first.ca.certPem);
    const srv = new X509Certificate(first.serving.certPem);
    assert.equal(srv.ca, false);
    assert.ok(srv.checkIssued(ca) && srv.verify(ca.publicKey));
    const sans = (srv.subjectAltName ?? '').split(', ');
    for (const dns of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', hostname().toLowerCase(), 'k8ts.example']) {
      assert.ok(sans.includes(`DNS:${dns}`), `missing DNS:${dns} in ${srv.subjectAltName}`);
    }
    for (const ip of ['127.0.0.1', '10.43.0.1', '0:0:0:0:0:0:0:1']) assert.ok(sans.includes(`IP Address:${ip}`), `missing IP ${ip}`);
    assert.deepEqual(srv.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    const days = (Date.parse(srv.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 364 && days < 366, `serving cert valid for ${days} days`);
  });

  test('admin certificate is kubernetes-admin in system:masters, for client auth', () => {
    const adm = new X509Certificate(first.admin.certPem);
    assert.match(adm.subject, /^O=system:masters\nCN=kubernetes-admin$/);
    assert.deepEqual(adm.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.ok(adm.verify(new X509Certificate(first.ca.certPem).publicKey));
  });

  test('the kubelet client certificate is kube-apiserver-kubelet-client in system:masters, for client auth', () => {
    const c = new X509Certificate(first.kubeletClient.certPem);
    assert.match(c.subject, /^O=system:masters\nCN=kube-apiserver-kubelet-client$/);
    assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.ok(c.verify(new X509Certificate(first.ca.certPem).publicKey));
  });

  test('ServiceAccount key pair signs and verifies (ES256)', () => {
    const sig = createSign('SHA256').update('payload').sign(first.serviceAccount.privateKeyPem);
    assert.ok(createVerify('SHA256').update('payload').verify(first.serviceAccount.publicKeyPem, sig));
  });

  test('token file has an admin row in system:masters and a join row', async () => {
    const text = await readFile(first.paths.tokens, 'utf8');
    assert.match(text, new RegExp(`^${first.adminToken},admin,admin,system:masters$`, 'm'));
    assert.match(text, new RegExp(`^${first.joinToken},system:bootstrap:k8ts-agent,`, 'm'));
    assert.deepEqual(first.tokens.lookup(first.adminToken)?.groups, ['system:masters']);
  });

  test('a new name regenerates only the serving certificate; fewer names reuse it', async () => {
    const grown = await ensurePki(pkiDir(), { ips: ['10.43.0.1', '192.0.2.7'], hostnames: ['k8ts.example', 'extra.example'] });
    assert.deepEqual(grown.generated, ['serving']);
    assert.equal(grown.ca.certPem, first.ca.certPem);
    const srv = new X509Certificate(grown.serving.certPem);
    assert.ok(srv.checkHost('extra.example') && srv.checkIP('192.0.2.7'));
    const shrunk = await ensurePki(pkiDir(), { ips: ['10.43.0.1'] });
    assert.deepEqual(shrunk.generated, []);
    assert.equal(shrunk.serving.certPem, grown.serving.certPem);
  });

  test('a damaged key or a lost public key is repaired, the rest kept', async () => {
    await writeFile(first.paths.adminKey, 'garbage');
    await writeFile(first.paths.serviceAccountPub, '');
    const repaired = await ensurePki(pkiDir(), { ips: ['10.43.0.1'] });
    assert.deepEqual(repaired.generated, ['admin']);
    assert.equal(repaired.ca.certPem, first.ca.certPem);
    assert.equal(repaired.serviceAccount.privateKeyPem, first.serviceAccount.privateKeyPem);
    assert.equal(repaired.serviceAccount.publicKeyPem, first.serviceAccount.publicKeyPem);
  });

  test('a new CA forces new leaves', async () => {
    await writeFile(first.paths.caKey, '');
    const fresh = await ensurePki(pkiDir(), { ips: ['10.43.0.1'] });
    assert.deepEqual([...fresh.generated].sort(), ['admin', 'ca', 'kubeletClient', 'serving']);
    assert.notEqual(fresh.ca.certPem, first.ca.certPem);
    assert.ok(new X509Certificate(fresh.admin.certPem).verify(new X509Certificate(fresh.ca.certPem).publicKey));
    assert.equal(fresh.adminToken, first.adminToken);
  });
});
