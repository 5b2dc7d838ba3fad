/**
 * The kubelet's HTTPS API on :10250: /healthz, /pods, /containerLogs, /stats/summary, /metrics and
 * the streaming upgrades (/exec, /attach, /portForward). Served with the node's self-signed
 * certificate; callers authenticate with a client certificate signed by the cluster CA (the API
 * server's kubelet-client certificate). Anonymous callers may only read /healthz and /pods.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../util/log.js';
import { ensureServingCert } from './certs.js';
import { sendError, serveContainerLogs } from './container-logs.js';
import { StatsCollector } from './stats.js';
import type { KubeletApiProvider, StreamingFns } from './types.js';
import { handleUpgrade, rejectUpgrade } from './upgrade.js';

export interface KubeletServerOptions {
  /** Listen address (0.0.0.0). */
  address?: string;
  /** 10250; 0 picks a free port. */
  port: number;
  provider: KubeletApiProvider;
  /** Where the serving certificate is kept (kubelet.crt, kubelet.key). */
  certDir: string;
  /** PEM of the CA client certificates must be signed by; absent: only anonymous endpoints work. */
  clientCA?: string;
  nodeIPs: string[];
  log: Logger;
  /** Filesystem reported as the node's `fs` in /stats/summary (default: certDir). */
  rootDir?: string;
  /** Background CPU sampling period for usageNanoCores (10 s). */
  statsIntervalMs?: number;
  /** Tests only: stand-ins for the streaming module. */
  streaming?: StreamingFns;
  /** Tests only: how often log followers poll (500 ms). */
  logPollMs?: number;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

const authenticated = (req: IncomingMessage): boolean => (req.socket as TLSSocket).authorized === true;

/** Starts the kubelet API; resolves once listening. Stops on close() or when `signal` aborts. */
export async function startKubeletServer(o: KubeletServerOptions, signal?: AbortSignal): Promise<KubeletServer> {
  const { provider, log } = o;
  const pair = await ensureServingCert({ certDir: o.certDir, nodeName: provider.nodeName, nodeIPs: o.nodeIPs });
  const stats = new StatsCollector({ provider, rootDir: o.rootDir ?? o.certDir });
  // The streaming module (and the WebSocket/SPDY code under it) loads on the first upgrade.
  let streamingLoad: Promise<StreamingFns> | undefined;
  const streaming = (): Promise<StreamingFns> => (o.streaming ? Promise.resolve(o.streaming) : (streamingLoad ??= import('./streaming.js')));
  const server: Server = createServer({
    cert: pair.certPem,
    key: pair.keyPem,
    minVersion: 'TLSv1.2',
    // Ask for a client certificate but let the request through without one: anonymous callers
    // still reach /healthz and /pods, and everything else answers 401 itself.
    ...(o.clientCA ? { requestCert: true, rejectUnauthorized: false, ca: o.clientCA } : {}),
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s: TLSSocket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((e: unknown) => {
      log.error('kubelet API request failed', { path: req.url, error: String(e) });
      if (!res.headersSent) sendError(res, { code: 500, message: String(e instanceof Error ? e.message : e) });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node drops its own error listener from upgraded sockets: a reset before the handler attaches
    // one would otherwise be an unhandled 'error' that takes the kubelet down.
    socket.on('error', () => socket.destroy());
    streaming().then(
      (fns) => handleUpgrade(req, socket, head, { provider, streaming: fns, authenticated: authenticated(req), log }),
      (e: unknown) => {
        log.error('loading the streaming module failed', { error: String(e) });
        rejectUpgrade(socket, 500, 'streaming unavailable');
      },
    );
  });
  server.on('tlsClientError', () => {
    /* handshake failures (port scans, wrong CA on the client side) are the client's business */
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const anonymous = req.method === 'GET' && (path === '/healthz' || path === '/pods');
    if (!anonymous && !authenticated(req)) return sendError(res, { code: 401, message: 'Unauthorized' });
    let parts: string[];
    try {
      parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
    } catch {
      return sendError(res, { code: 400, message: 'malformed path' });
    }
    const [top = '', ...rest] = parts;
    const streamingPath = top === 'exec' || top === 'attach' || top === 'portForward';
    if (req.method !== 'GET' && !(streamingPath && req.method === 'POST')) return sendError(res, { code: 405, message: 'Method Not Allowed' });
    if (path === '/healthz') return text(res, 'ok');
    if (path === '/pods') return json(res, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: provider.pods() });
    if (top === 'containerLogs') return serveContainerLogs(res, { provider, parts: rest, query: url.searchParams, log, pollMs: o.logPollMs });
    if (path === '/stats/summary') return json(res, await stats.summary());
    if (path === '/metrics') return text(res, metrics(provider), 'text/plain; version=0.0.4; charset=utf-8');
    if (streamingPath) return sendError(res, { code: 400, message: 'Upgrade request required' });
    return sendError(res, { code: 404, message: '404 page not found\n' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.address ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log.error('kubelet API server error', { error: String(e) }));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  log.info('kubelet API listening', { address: o.address ?? '0.0.0.0', port, clientAuth: o.clientCA !== undefined });

  const sample = (): void => {
    stats.sample().catch((e: unknown) => log.warn('stats sample failed', { error: String(e) }));
  };
  sample();
  const timer = setInterval(sample, o.statsIntervalMs ?? 10_000);
  timer.unref();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearInterval(timer);
      signal?.removeEventListener('abort', onAbort);
      server.close(() => resolve());
      // Followed logs and streams hold their connections open; end them so close() completes.
      for (const s of sockets) s.destroy();
    });
    return closing;
  };
  const onAbort = (): void => void close();
  if (signal?.aborted) await close();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { port, close };
}

function text(res: ServerResponse, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: ServerResponse, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s) });
  res.end(s);
}

/** A few kubelet gauges in Prometheus text format. */
function metrics(provider: KubeletApiProvider): string {
  const pods = provider.pods();
  const running = pods.filter((p) => p.status?.phase === 'Running').length;
  const containers = pods.flatMap((p) => p.status?.containerStatuses ?? []);
  const byState = { running: 0, waiting: 0, exited: 0 };
  for (const c of containers) {
    if (c.state?.running) byState.running++;
    else if (c.state?.terminated) byState.exited++;
    else byState.waiting++;
  }
  return [
    '# HELP kubelet_running_pods Number of pods that have a running pod sandbox',
    '# TYPE kubelet_running_pods gauge',
    `kubelet_running_pods ${running}`,
    '# HELP kubelet_running_containers Number of containers currently running',
    '# TYPE kubelet_running_containers gauge',
    ...Object.entries(byState).map(([s, n]) => `kubelet_running_containers{container_state="${s === 'waiting' ? 'created' : s}"} ${n}`),
    '',
  ].join('\n');
}
