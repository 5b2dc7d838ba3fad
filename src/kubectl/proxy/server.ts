/**
 * The HTTP side of `kubectl proxy`: listens on a TCP address or a Unix socket (failing in Go's
 * words), routes each request (paths.ts), applies the filter to API requests, and hands them to the
 * forwarder or the file server. Upgrade requests take the same route and filter before they are
 * passed through. Owns its sockets: {@link ProxyServer.close} ends every connection.
 */
import { lookup } from 'node:dns/promises';
import { existsSync, lstatSync, readFileSync, unlinkSync } from 'node:fs';
import * as http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { dirname, resolve as resolvePath } from 'node:path';
import type { Duplex } from 'node:stream';
import { accepts, extractHost, type FilterSpec } from './filter.js';
import type { Backend } from './forward.js';
import { klogLine, type Logger } from './klog.js';
import { parseTarget, route, type Prefixes, type Route } from './paths.js';
import { badRequest, goRedirect, notFound, sendReply, statusError, writeRawReply, type Reply } from './reply.js';
import { serveStatic } from './static.js';

/** Everything the server serves. */
export interface ProxyServerOptions {
  prefixes: Prefixes;
  /** --www, when given. */
  staticDir?: string;
  /** Absent with --disable-filter. */
  filter?: FilterSpec;
  backend: Backend;
  log: Logger;
}

/** A listen failure, worded as Go's net.OpError / AddrError. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EINVAL: 'invalid argument',
};
const errnoText = (e: NodeJS.ErrnoException) => ERRNO_TEXT[e.code ?? ''] ?? e.message;

/** Go's TCPAddr.String(). */
const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** The first nameserver of resolv.conf, which Go's resolver names in a failed lookup. */
function nameserver(): string | undefined {
  try {
    return /^\s*nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** The IP to bind for `address:port` as Go's net.Listen("tcp", …) reads it ('' = every address). */
async function resolveListenAddress(address: string, port: number): Promise<string> {
  const hostport = `${address}:${port}`;
  let host = address;
  if (address.startsWith('[') && address.endsWith(']')) host = address.slice(1, -1);
  else if (address.includes(':')) throw new ListenError(`listen tcp: address ${hostport}: too many colons in address`);
  if (port < 0 || port > 65535) throw new ListenError(`listen tcp: address ${port}: invalid port`);
  if (host === '' || isIP(host)) return host;
  try {
    const all = await lookup(host, { all: true });
    const pick = all.find((a) => a.family === 4) ?? all[0];
    if (pick) return pick.address;
  } catch {
    // reported below
  }
  const ns = nameserver();
  throw new ListenError(`listen tcp: lookup ${host}${ns ? ` on ${joinHostPort(ns, 53)}` : ''}: no such host`);
}

/** The proxy's HTTP server. */
export class ProxyServer {
  readonly #o: ProxyServerOptions;
  readonly #server: http.Server;
  readonly #upgraded = new Set<Duplex>();
  #unixPath?: string;

  constructor(o: ProxyServerOptions) {
    this.#o = o;
    // Go's server has no request, header or idle timeouts by default and takes 1 MB of headers.
    this.#server = http.createServer({ requestTimeout: 0, keepAliveTimeout: 0, maxHeaderSize: 1 << 20 }, (req, res) => this.#handle(req, res));
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.#handleUpgrade(req, socket, head));
    this.#server.on('clientError', (_e, socket: Duplex) => {
      if (socket.writable) badRequest(socket);
      else socket.destroy();
    });
  }

  /** Listens on TCP; resolves to the address as kubectl prints it (`127.0.0.1:8001`, `[::]:8001`). */
  async listenTcp(address: string, port: number): Promise<string> {
    const ip = await resolveListenAddress(address, port);
    const shown = ip === '' ? `:${port}` : joinHostPort(ip, port);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => reject(new ListenError(`listen tcp ${shown}: bind: ${errnoText(e)}`));
      this.#server.once('error', onError);
      this.#server.listen({ host: ip === '' ? '::' : ip, port }, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    const a = this.#server.address() as AddressInfo;
    return joinHostPort(a.address, a.port);
  }

  /** Listens on a Unix socket only its owner can use, replacing a stale socket; resolves to the path. */
  async listenUnix(path: string): Promise<string> {
    try {
      if (lstatSync(path).isSocket()) unlinkSync(path);
    } catch {
      // nothing there (or not removable): bind reports it
    }
    await new Promise<void>((resolve, reject) => {
      // libuv reports a missing directory as EACCES; Go's bind(2) says ENOENT.
      const onError = (e: NodeJS.ErrnoException) => reject(new ListenError(`listen unix ${path}: bind: ${existsSync(dirname(resolvePath(path))) ? errnoText(e) : ERRNO_TEXT['ENOENT']}`));
      this.#server.once('error', onError);
      // The socket is created during listen(): a umask of 077 makes it owner-only, as upstream.
      const old = process.umask(0o077);
      try {
        this.#server.listen({ path }, () => {
          this.#server.off('error', onError);
          resolve();
        });
      } finally {
        process.umask(old);
      }
    });
    this.#unixPath = path;
    return path;
  }

  /** Stops listening and ends every connection, upgraded ones included. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const s of this.#upgraded) s.destroy();
    this.#o.backend.close();
    if (this.#server.listening || this.#unixPath) await closed;
  }

  /** Route and filter: the reply to make here, or where the request goes. */
  #decide(req: http.IncomingMessage): 'bad' | Reply | Exclude<Route, { kind: 'redirect' | 'notFound' }> {
    const method = req.method ?? 'GET';
    const target = parseTarget(req.url ?? '/');
    if (!target) return 'bad';
    const r = route(method, target, this.#o.prefixes);
    if (r.kind === 'redirect') return goRedirect(method, r.location);
    if (r.kind === 'notFound') return notFound();
    if (r.kind === 'api' && this.#o.filter) {
      const hostHeader = req.headers.host ?? '';
      const ok = accepts(this.#o.filter, method, r.path, hostHeader);
      const log = this.#o.log;
      if (log.verbosity >= 3) log.write(klogLine('I', ok ? 'proxy_server.go:131' : 'proxy_server.go:135', `Filter ${ok ? 'accepting' : 'rejecting'} ${method} ${r.path} ${extractHost(hostHeader)}`));
      if (!ok) return statusError(403);
    }
    return r;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const method = req.method ?? 'GET';
    const d = this.#decide(req);
    if (d === 'bad') return badRequest(req.socket);
    const rawQuery = parseTarget(req.url ?? '/')?.rawQuery ?? '';
    if ('status' in d) return sendReply(res, method, d);
    if (d.kind === 'static') {
      void serveStatic(res, { method, path: d.path, rawQuery, headers: req.headers }, this.#o.staticDir ?? '.');
      return;
    }
    this.#o.backend.forward(req, res, d.forwardPath, rawQuery);
  }

  #handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const method = req.method ?? 'GET';
    this.#upgraded.add(socket);
    socket.once('close', () => this.#upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    const d = this.#decide(req);
    if (d === 'bad') return badRequest(socket);
    if ('status' in d) return writeRawReply(socket, method, d);
    // Static files are not served over an upgrade request (Go's file server would answer it normally).
    if (d.kind === 'static') return writeRawReply(socket, method, notFound());
    this.#o.backend.upgrade(req, socket, head, d.forwardPath, parseTarget(req.url ?? '/')?.rawQuery ?? '');
  }
}
