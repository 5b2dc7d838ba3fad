/**
 * A small, realistic stand-in for kube-apiserver on 127.0.0.1, for client tests: REST paths for a
 * handful of resources, resourceVersions from one revision counter, newline-delimited watch
 * streams with replay, bookmarks and 410 after compaction, Status error bodies, bearer-token and
 * client-certificate auth over http or https, a request log and a fault-injection hook.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ApiError, internalError, methodNotAllowed, notFound, statusError, unauthorized, type Status } from '../../api/errors.js';
import { apiVersionOf } from '../paths.js';
import type { WatchEventType } from '../types.js';
import * as h from './fake-handlers.js';
import { FakeState, resKey, type FakeResource } from './fake-state.js';
import { errorText } from '../../util/errors.js';

/** Resources served unless others are given. */
export const defaultFakeResources: FakeResource[] = [
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, status: true },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, status: true },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, status: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, status: true },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
];

/** A request as the fault hook and the request log see it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The verified client certificate's CN, when one was presented. */
  clientCN?: string;
}

/** Options of {@link startFakeApiServer}. */
export interface FakeApiServerOptions {
  resources?: FakeResource[];
  /** Serve https with this key/cert; `ca` verifies client certificates when given. */
  tls?: { key: string; cert: string; ca?: string };
  /** Require `Authorization: Bearer <token>` (or a verified client certificate). */
  token?: string;
}

/** A running fake server and its controls. */
export interface FakeApiServer {
  readonly url: string;
  readonly state: FakeState;
  /** Every request so far, in arrival order. */
  readonly requests: SeenRequest[];
  /** Return a Status to fail a request, a raw reply, 'hang' to never answer it, or undefined to serve it. */
  intercept?: (req: SeenRequest) => Status | { code: number; text: string } | 'hang' | undefined;
  /** Drops history: watches and continue tokens from before now answer 410. */
  compact(): void;
  /** Sends a BOOKMARK to every watch that allows bookmarks. */
  bookmark(): void;
  /** Ends every open watch stream. */
  closeWatches(): void;
  close(): Promise<void>;
}

const sendJson = (res: http.ServerResponse, code: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
};

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw statusError(400, 'BadRequest', `the body of the request could not be decoded as JSON: ${text.slice(0, 100)}`);
  }
}

/** Starts the fake on 127.0.0.1 (an ephemeral port). */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const resources = options.resources ?? defaultFakeResources;
  const state = new FakeState();
  const requests: SeenRequest[] = [];
  const kindOf = (key: string) => {
    const r = resources.find((x) => resKey(x) === key);
    return { apiVersion: r ? apiVersionOf(r) : 'v1', kind: r?.kind ?? '' };
  };

  const watch = (c: h.Call, req: http.IncomingMessage, res: http.ServerResponse) => {
    const filter = state.matcher(h.filterOf(c));
    const rvParam = c.query.get('resourceVersion') ?? '';
    const from = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const send = (type: WatchEventType, object: unknown) => res.write(JSON.stringify({ type, object }) + '\n');
    if (from !== undefined && from < state.compactedRv) {
      send('ERROR', statusError(410, 'Expired', `too old resource version: ${from} (${state.compactedRv})`).status);
      res.end();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const watcher = {
      filter,
      res: resKey(c.res),
      bookmarks: ['true', '1', 'True'].includes(c.query.get('allowWatchBookmarks') ?? ''),
      send,
      close: () => {
        state.watchers.delete(watcher);
        clearTimeout(timer);
        res.end();
      },
    };
    if (from === undefined) for (const o of state.list(h.filterOf(c))) send('ADDED', o);
    else for (const e of state.log.filter((x) => x.rv > from)) state.deliver(watcher, e);
    state.watchers.add(watcher);
    const timeout = Number(c.query.get('timeoutSeconds') ?? 0);
    if (timeout > 0) timer = setTimeout(watcher.close, timeout * 1000);
    req.socket.on('close', watcher.close);
  };

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const socket = req.socket as Partial<TLSSocket>;
    const cn = socket.authorized ? socket.getPeerCertificate?.().subject?.CN : undefined;
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, clientCN: typeof cn === 'string' ? cn : undefined };
    requests.push(seen);
    if (options.token && req.headers.authorization !== `Bearer ${options.token}` && !seen.clientCN) throw unauthorized();
    const fault = server.intercept?.(seen);
    if (fault === 'hang') return;
    if (fault && 'text' in fault) return void res.writeHead(fault.code, { 'Content-Type': 'text/plain' }).end(fault.text);
    if (fault) return sendJson(res, fault.code, fault);
    if (url.pathname === '/version') return sendJson(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-fake' });
    const target = h.route(url.pathname, resources);
    if (!target) throw notFound({ group: '', resource: '' }, url.pathname);
    const c: h.Call = { ...target, query: url.searchParams, body: await readJson(req), contentType: (req.headers['content-type'] ?? '').split(';')[0] ?? '' };
    const collection = c.name === undefined;
    const isWatch = ['true', '1', 'True'].includes(url.searchParams.get('watch') ?? '');
    let reply: h.Reply;
    switch (req.method) {
      case 'GET':
        if (collection && isWatch) return watch(c, req, res);
        reply = collection ? h.list(state, c) : h.get(state, c);
        break;
      case 'POST':
        if (!collection) throw methodNotAllowed('POST is not allowed on a named object');
        reply = h.create(state, c);
        break;
      case 'PUT':
        reply = h.update(state, c);
        break;
      case 'PATCH':
        reply = h.patch(state, c);
        break;
      case 'DELETE':
        reply = collection ? h.removeCollection(state, c) : h.remove(state, c);
        break;
      default:
        throw methodNotAllowed(`${req.method ?? ''} is not supported`);
    }
    sendJson(res, reply.code, reply.body);
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    serve(req, res).catch((e: unknown) => {
      const err = e instanceof ApiError ? e : internalError(errorText(e));
      if (!res.headersSent) sendJson(res, err.code, err.status);
      else res.end();
    });
  };
  const srv = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert: !!options.tls.ca, rejectUnauthorized: false }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;

  const server: FakeApiServer = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    state,
    requests,
    compact: () => state.compact(),
    bookmark: () => state.bookmark(kindOf),
    closeWatches: () => state.closeWatches(),
    close: async () => {
      state.closeWatches();
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
  return server;
}
