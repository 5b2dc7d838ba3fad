import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pkiAuthenticator } from '../auth.js';
import { Authenticator, bearerToken } from './authenticate.js';
import { createCa, issueCert, type CertAndKey } from './certs.js';
import { ensurePki, type Pki } from './pki.js';
import { startTestServer, tempDir, type TestServer } from './test-helpers.js';

interface Reply {
  status: number;
  user: string | undefined;
  groups: string[];
}

function get(url: string, opts: { ca?: string; client?: CertAndKey; token?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = opts.token !== undefined ? { Authorization: `Bearer ${opts.token}` } : {};
    const tls = opts.ca !== undefined ? { ca: opts.ca, cert: opts.client?.certPem, key: opts.client?.keyPem } : {};
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url + '/whoami', { headers, agent: false, ...tls }, (res) => {
      res.resume();
      res.on('end', () => {
        const user = res.headers['x-remote-user'];
        const groups = res.headers['x-remote-group'];
        resolve({ status: res.statusCode ?? 0, user: typeof user === 'string' ? user : undefined, groups: typeof groups === 'string' ? groups.split(',') : [] });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bearerToken', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['Bearer abc', 'abc'],
    ['bearer   abc  ', 'abc'],
    ['BEARER abc extra', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['', undefined],
  ];
  for (const [header, want] of cases) test(JSON.stringify(header), () => assert.equal(bearerToken(header === undefined ? {} : { authorization: header }), want));
});

describe('Authenticator over HTTPS with the cluster PKI', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let pki: Pki;
  let server: TestServer;
  let foreign: CertAndKey;

  before(async () => {
    tmp = await tempDir();
    pki = await ensurePki(join(tmp.dir, 'pki'), { ips: ['10.43.0.1'] });
    server = await startTestServer(pki, pkiAuthenticator(pki));
    const otherCa = await createCa('other-ca', 1);
    foreign = await issueCert(otherCa, { commonName: 'mallory', organizations: ['system:masters'], usage: 'client', days: 1 });
  });
  after(async () => {
    await server.close();
    await tmp.cleanup();
  });

  test('the admin client certificate authenticates as kubernetes-admin in system:masters', async () => {
    const r = await get(server.url, { ca: pki.ca.certPem, client: pki.admin });
    assert.deepEqual(r, { status: 200, user: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  test('a certificate issued for another user carries its CN and every O', async () => {
    const node = await issueCert(pki.ca, { commonName: 'system:node:n1', organizations: ['system:nodes', 'extra'], usage: 'client', days: 1 });
    const r = await get(server.url, { ca: pki.ca.certPem, client: node });
    assert.deepEqual(r, { status: 200, user: 'system:node:n1', groups: ['system:nodes', 'extra', 'system:authenticated'] });
  });

  test('the admin bearer token authenticates', async () => {
    const r = await get(server.url, { ca: pki.ca.certPem, token: pki.adminToken });
    assert.deepEqual(r, { status: 200, user: 'admin', groups: ['system:masters', 'system:authenticated'] });
  });

  test('no credentials is system:anonymous', async () => {
    const r = await get(server.url, { ca: pki.ca.certPem });
    assert.deepEqual(r, { status: 200, user: 'system:anonymous', groups: ['system:unauthenticated'] });
  });

  test('a bad token is 401, not anonymous', async () => {
    const r = await get(server.url, { ca: pki.ca.certPem, token: pki.adminToken.slice(0, -1) + 'x' });
    assert.equal(r.status, 401);
    assert.equal(server.seen.at(-1)?.user, undefined);
  });

  test('a certificate from another CA is 401, even claiming system:masters', async () => {
    const r = await get(server.url, { ca: pki.ca.certPem, client: foreign });
    assert.equal(r.status, 401);
  });

  test('a foreign certificate with a valid token authenticates by the token', async () => {
    const r = await get(server.url, { ca: pki.ca.certPem, client: foreign, token: pki.joinToken });
    assert.equal(r.status, 200);
    assert.equal(r.user, 'system:bootstrap:k8ts-agent');
  });

  test('a server-only certificate is not accepted as a client certificate', async () => {
    const r = await get(server.url, { ca: pki.ca.certPem, client: pki.serving });
    assert.equal(r.status, 401);
  });

  test('anonymous disabled: no credentials is 401', () => {
    const auth = new Authenticator({ anonymous: false, tokens: [(t) => pki.tokens.lookup(t)] });
    assert.equal(auth.authenticate({ socket: undefined, headers: {} }), undefined);
    assert.equal(auth.authenticate({ socket: undefined, headers: { authorization: `Bearer ${pki.adminToken}` } })?.name, 'admin');
  });

  test('over plain HTTP tokens still work and there is no certificate', async () => {
    const auth = pkiAuthenticator(pki);
    const plain = createHttpServer((req, res) => {
      const u = auth.authenticate(req);
      if (u) res.setHeader('X-Remote-User', u.name);
      res.writeHead(u ? 200 : 401).end();
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      assert.equal((await get(url, { token: pki.adminToken })).user, 'admin');
      assert.equal((await get(url, {})).user, 'system:anonymous');
      assert.equal((await get(url, { token: 'nope' })).status, 401);
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});
