/**
 * Sends accepted requests on to the API server with the kubeconfig's credentials, as upstream's
 * UpgradeAwareHandler over httputil.ReverseProxy does: hop-by-hop headers dropped both ways,
 * `X-Forwarded-For` appended, the Host set to the server's, a bearer token added when the client
 * sent no Authorization, bodies streamed both ways (a watch flows as the server writes it). An
 * upgrade request (exec, attach, port-forward over WebSocket or SPDY) is passed through on its own
 * connection: the server's 101 and then raw bytes both ways.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { basicAuthorization, impersonationHeaders, type ClientConfig } from '../../client/config.js';
import { klogLine, type Logger } from './klog.js';
import { joinSlash } from './paths.js';
import { canonicalKey, goError, sendReply, sortHeaders, statusText, writeRawReply, type HeaderList } from './reply.js';

/** What the forwarder needs beyond the cluster's connection settings. */
export interface BackendOptions {
  config: ClientConfig;
  /** --append-server-path: put the server URL's path in front of each request path. */
  appendServerPath: boolean;
  /** --keepalive in ms (TCP keep-alive of upgraded connections; 0 leaves the system default). */
  keepaliveMs: number;
  /** Sent when the client sends no User-Agent (client-go's user-agent round tripper). */
  userAgent: string;
  log: Logger;
}

const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** rawHeaders → pairs. */
function pairs(raw: string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Drops hop-by-hop headers and the ones the Connection header names (RFC 7230 §6.1). */
function withoutHopByHop(headers: HeaderList): HeaderList {
  const named = new Set(headers.filter(([k]) => k.toLowerCase() === 'connection').flatMap(([, v]) => v.split(',').map((s) => s.trim().toLowerCase())));
  return headers.filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()) && !named.has(k.toLowerCase()));
}

const get = (headers: HeaderList, name: string) => headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);

/**
 * The server's headers as the client gets them: canonical names, sorted, hop-by-hop ones dropped.
 * Go's transport deletes a `Connection: close` header before the proxy sees it, so the names that
 * header lists are kept.
 */
function responseHeaders(raw: string[]): HeaderList {
  let h = pairs(raw);
  if (get(h, 'connection').some((v) => v.split(',').some((t) => t.trim().toLowerCase() === 'close'))) h = h.filter(([k]) => k.toLowerCase() !== 'connection');
  return sortHeaders(withoutHopByHop(h).map(([k, v]) => [canonicalKey(k), v]));
}

/** The client's address as Go's RemoteAddr gives it (an IPv4 client of a dual-stack socket without `::ffff:`). */
function clientIp(req: http.IncomingMessage): string | undefined {
  const a = req.socket.remoteAddress;
  return a?.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** Go's words for a failed dial or TLS handshake, as the 500 body and the log show them. */
export function goNetError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const at = err.address !== undefined ? `${err.address.includes(':') ? `[${err.address}]` : err.address}:${err.port ?? ''}` : '';
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${at}: connect: connection refused`;
    case 'ETIMEDOUT':
      return `dial tcp ${at}: i/o timeout`;
    case 'EHOSTUNREACH':
      return `dial tcp ${at}: connect: no route to host`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${err.hostname ?? ''}: no such host`;
    case 'ECONNRESET':
      return 'EOF';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    default:
      return err instanceof Error ? err.message : String(e);
  }
}

/** The API server behind the proxy: one keep-alive pool for ordinary requests. */
export class Backend {
  readonly #o: BackendOptions;
  readonly #base: URL;
  readonly #tls: boolean;
  readonly #agent: http.Agent;
  readonly #tlsOptions: Pick<https.AgentOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;

  constructor(o: BackendOptions) {
    this.#o = o;
    this.#base = new URL(o.config.server);
    this.#tls = this.#base.protocol === 'https:';
    const c = o.config;
    this.#tlsOptions = this.#tls ? { ca: c.caPem, cert: c.certPem, key: c.keyPem, rejectUnauthorized: !c.insecureSkipTLSVerify, servername: c.tlsServerName } : {};
    this.#agent = this.#tls ? new https.Agent({ keepAlive: true, ...this.#tlsOptions }) : new http.Agent({ keepAlive: true });
  }

  /** Frees pooled connections. */
  close(): void {
    this.#agent.destroy();
  }

  #token(): string | undefined {
    const c = this.#o.config;
    if (!this.#tls) return undefined; // like our REST client: no bearer token in clear text
    if (c.tokenFile) {
      try {
        return readFileSync(c.tokenFile, 'utf8').trim();
      } catch {
        return c.token;
      }
    }
    return c.token;
  }

  /** The request line's target on the server: --append-server-path puts the server's path in front. */
  #target(forwardPath: string, rawQuery: string): string {
    const base = this.#base.pathname.endsWith('/') ? this.#base.pathname : `${this.#base.pathname}/`;
    const path = this.#o.appendServerPath ? joinSlash(base, forwardPath) : forwardPath || '/';
    return rawQuery === '' ? path : `${path}?${rawQuery}`;
  }

  /** The client's headers as the server gets them. */
  #outgoing(req: http.IncomingMessage, upgrade: boolean): HeaderList {
    const all = pairs(req.rawHeaders).filter(([k]) => k.toLowerCase() !== 'host');
    let out = upgrade ? all : withoutHopByHop(all);
    if (!upgrade && get(all, 'te').some((v) => /(^|,)\s*trailers\s*(,|$)/i.test(v))) out.push(['Te', 'trailers']);
    const ip = clientIp(req);
    if (ip) {
      const prior = get(out, 'x-forwarded-for');
      out = out.filter(([k]) => k.toLowerCase() !== 'x-forwarded-for');
      out.push(['X-Forwarded-For', [...prior, ip].join(', ')]);
    }
    if (!get(out, 'user-agent').some((v) => v !== '')) {
      out = out.filter(([k]) => k.toLowerCase() !== 'user-agent');
      out.push(['User-Agent', this.#o.userAgent]);
    }
    const token = this.#token();
    const basic = this.#o.config.basicAuth;
    if (get(out, 'authorization').length === 0) {
      if (token) out.push(['Authorization', `Bearer ${token}`]);
      else if (basic && this.#tls) out.push(['Authorization', basicAuthorization(basic)]);
    }
    for (const [k, v] of Object.entries(impersonationHeaders(this.#o.config.impersonate))) {
      out = out.filter(([name]) => name.toLowerCase() !== k.toLowerCase());
      for (const value of Array.isArray(v) ? v : [v]) out.push([k, value]);
    }
    if (!upgrade) {
      const hasLength = get(all, 'content-length').length > 0;
      // A chunked upload stays chunked; a bodiless POST/PUT/PATCH says so, as Go's transport does.
      if (!hasLength && get(all, 'transfer-encoding').length > 0) out.push(['Transfer-Encoding', 'chunked']);
      else if (!hasLength && ['POST', 'PUT', 'PATCH'].includes(req.method ?? '')) out.push(['Content-Length', '0']);
    }
    return [['Host', this.#base.host], ...out];
  }

  #request(req: http.IncomingMessage, path: string, headers: HeaderList, agent: http.Agent | false): http.ClientRequest {
    const send = this.#tls ? https.request : http.request;
    return send({
      protocol: this.#base.protocol,
      hostname: this.#base.hostname.replace(/^\[|\]$/g, ''),
      port: this.#base.port || (this.#tls ? 443 : 80),
      method: req.method,
      path,
      headers: headers.flat(),
      agent,
      ...(agent === false ? this.#tlsOptions : {}),
    });
  }

  #fail(res: http.ServerResponse, method: string, e: unknown): void {
    const text = typeof e === 'string' ? e : goNetError(e);
    this.#o.log.write(klogLine('E', 'proxy_server.go:147', `Error while proxying request: ${text}`));
    sendReply(res, method, goError(500, text));
  }

  /** Forwards an ordinary request and streams the answer back. */
  forward(req: http.IncomingMessage, res: http.ServerResponse, forwardPath: string, rawQuery: string): void {
    const method = req.method ?? 'GET';
    const out = this.#request(req, this.#target(forwardPath, rawQuery), this.#outgoing(req, false), this.#agent);
    let answered = false;
    // The client went away (a watch closed with Ctrl-C): stop the server's side too, silently.
    res.once('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    out.once('error', (e) => {
      if (answered || res.destroyed || req.destroyed) return res.destroy();
      answered = true;
      this.#fail(res, method, e);
    });
    out.once('response', (up) => {
      answered = true;
      const status = up.statusCode ?? 502;
      const headers = responseHeaders(up.rawHeaders);
      if (!headers.some(([k]) => k === 'Date')) headers.push(['Date', new Date().toUTCString()]);
      res.sendDate = false;
      res.writeHead(status, statusText(status) || `status code ${status}`, headers.flat());
      // Node holds headers back until the first body byte; a watch may send none for minutes, and
      // Go's proxy flushes them at once.
      res.flushHeaders();
      // Each chunk goes out as it comes (Go flushes unknown-length answers at once): watches stream.
      up.pipe(res);
      up.once('error', () => res.destroy());
      up.once('aborted', () => res.destroy());
    });
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    if (hasBody) req.pipe(out);
    else out.end();
  }

  /** Passes an upgrade request through: the server's 101 and then raw bytes, or its refusal. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, forwardPath: string, rawQuery: string): void {
    const method = req.method ?? 'GET';
    const out = this.#request(req, this.#target(forwardPath, rawQuery), this.#outgoing(req, true), false);
    const keepalive = this.#o.keepaliveMs;
    if (keepalive > 0) out.once('socket', (s) => s.setKeepAlive(true, keepalive));
    const fail = (text: string) => {
      this.#o.log.write(klogLine('E', 'proxy_server.go:147', `Error while proxying request: ${text}`));
      writeRawReply(socket, method, goError(500, text));
    };
    socket.once('close', () => out.destroy());
    socket.on('error', () => out.destroy());
    out.once('error', (e) => {
      if (!socket.destroyed) fail(`error dialing backend: ${goNetError(e)}`);
    });
    out.once('upgrade', (up: http.IncomingMessage, backend: Duplex, upHead: Buffer) => {
      const lines = [`HTTP/1.1 ${up.statusCode ?? 101} ${up.statusMessage ?? 'Switching Protocols'}`, ...pairs(up.rawHeaders).map(([k, v]) => `${k}: ${v}`), '', ''];
      socket.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), upHead]));
      if (head.length) backend.write(head);
      // When one direction is done (its source ended and the rest is written), both connections
      // close, as upstream returns when either copy returns. Sockets of an HTTP server stay
      // half-open after an end, so waiting for 'close' alone could wait forever.
      const done = () => {
        socket.destroy();
        backend.destroy();
      };
      backend.on('error', done).once('close', done).once('finish', done);
      socket.on('error', done).once('close', done).once('finish', done);
      backend.pipe(socket);
      socket.pipe(backend);
    });
    out.once('response', (up) => {
      const status = up.statusCode ?? 0;
      if (status < 400) {
        up.resume();
        const text = `invalid upgrade response: status code ${status}`;
        this.#o.log.write(klogLine('E', 'upgradeaware.go:366', `Proxy upgrade error: ${text}`));
        fail(text);
        return;
      }
      // A refusal (403, 404, a Status body) goes to the client as the server wrote it, then the connection closes.
      const chunks: Buffer[] = [];
      const deadline = setTimeout(() => up.destroy(), 10_000);
      up.on('data', (c: Buffer) => chunks.push(c));
      up.once('close', () => {
        clearTimeout(deadline);
        const body = Buffer.concat(chunks);
        // Go's Response.Write: status line, Connection: close, the length, then the sorted headers.
        const headers = sortHeaders(pairs(up.rawHeaders).filter(([k]) => !['content-length', 'transfer-encoding', 'connection', 'trailer'].includes(k.toLowerCase())).map(([k, v]) => [canonicalKey(k), v]));
        const lines = [`HTTP/1.1 ${status} ${up.statusMessage ?? statusText(status)}`, 'Connection: close', `Content-Length: ${body.length}`, ...headers.map(([k, v]) => `${k}: ${v}`), '', ''];
        socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
      });
    });
    out.end();
  }
}
