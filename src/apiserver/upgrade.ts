/**
 * Connection upgrades (WebSocket, SPDY/3.1) arrive as the server's 'upgrade' event, not as requests.
 * pods/exec, pods/attach and pods/portforward are authenticated and authorized like any request and
 * spliced to the pod's kubelet; any other upgrade request is answered as the plain request it also
 * is, as Node does when a server has no 'upgrade' listener.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { statusError } from '../api/errors.js';
import { requestInfo } from './http/request-info.js';
import { isStreamingSubresource, writeStatus } from './rest/node-proxy.js';
import type { RestHandler } from './rest/handler.js';
import { admit, type FrontDeps } from './server.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The server's 'upgrade' listener. Upgraded connections leave the HTTP server's bookkeeping, so they
 * are tracked here and dropped when `signal` aborts (else server.close() would wait for them).
 */
export function createUpgradeListener(d: Pick<FrontDeps, 'authn' | 'authz' | 'log'> & { rest: RestHandler }, listener: RequestListener, signal: AbortSignal) {
  const open = new Set<Duplex>();
  signal.addEventListener('abort', () => {
    for (const s of open) s.destroy();
  }, { once: true });
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (signal.aborted) return void socket.destroy();
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    try {
      const url = new URL(req.url ?? '/', 'https://k8ts.invalid');
      const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      const streaming =
        info.isResourceRequest && info.group === '' && info.version === 'v1' && info.resource === 'pods' && info.name !== '' && info.rest.length === 0 && isStreamingSubresource(info.subresource) && (req.method === 'GET' || req.method === 'POST');
      if (!streaming) return asPlainRequest(req, socket, head, listener);
      admit(d, req, info, info.verb);
      // As kube-apiserver since 1.30: a WebSocket GET to these subresources also needs `create`,
      // the verb of the POST that SPDY clients send.
      if (info.verb === 'get') admit(d, req, info, 'create');
      d.rest.nodeProxy().upgrade(req, socket, head, { namespace: info.namespace, name: info.name, subresource: info.subresource, query: url.searchParams });
    } catch (e) {
      writeStatus(socket, e);
    }
  };
}

/** Serves an upgrade request as an ordinary request on its socket, then closes the connection. */
function asPlainRequest(req: IncomingMessage, socket: Duplex, head: Buffer, listener: RequestListener): void {
  // Node does not parse the body of an upgrade request: one with a body cannot be served faithfully
  // (a DELETE would lose its preconditions, a PATCH its patch).
  if (head.length || (req.headers['content-length'] && req.headers['content-length'] !== '0') || req.headers['transfer-encoding']) {
    writeStatus(socket, statusError(400, 'BadRequest', 'a request with a body cannot ask for a connection upgrade'));
    return;
  }
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  listener(req, res);
}
