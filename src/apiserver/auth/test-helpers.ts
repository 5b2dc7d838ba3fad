/** Test helpers: a temporary PKI directory and a small HTTPS server that reports who called. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Authenticator } from './authenticate.js';
import { tlsServerOptions, type Pki } from './pki.js';
import type { UserInfo } from './user.js';

/** kube-apiserver's /version body for v1.32.0. */
export const VERSION_BODY = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** A fresh temporary directory, removed by the returned `cleanup`. */
export async function tempDir(prefix = 'k8ts-auth-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** One request as the test server saw it: path and authenticated user (undefined = 401). */
export interface Seen {
  path: string;
  user: UserInfo | undefined;
}

/** A running test server. */
export interface TestServer {
  url: string;
  seen: Seen[];
  close: () => Promise<void>;
}

/**
 * Serves HTTPS with `pki`: every request is authenticated; failures get a 401 Status; others get
 * `X-Remote-User`/`X-Remote-Group` headers, and `/version` the version body, anything else the user
 * as JSON.
 */
export async function startTestServer(pki: Pki, auth: Authenticator): Promise<TestServer> {
  const seen: Seen[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const user = auth.authenticate(req);
    // Python's client asks for `/version/`; treat `/x/` as `/x` as the API server does.
    const path = new URL(req.url ?? '/', 'https://x').pathname.replace(/(.)\/$/, '$1');
    seen.push({ path, user });
    res.setHeader('Content-Type', 'application/json');
    if (!user) {
      res.writeHead(401).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
      return;
    }
    res.setHeader('X-Remote-User', user.name);
    res.setHeader('X-Remote-Group', user.groups.join(','));
    res.writeHead(200).end(JSON.stringify(path === '/version' ? VERSION_BODY : user));
  };
  const server: Server = createHttpsServer(tlsServerOptions(pki), handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
