/**
 * WebSocket connections to the API server for the streaming verbs (exec, attach, cp, port-forward),
 * authenticated like the REST client: the CA, client certificate and key, the bearer token (over
 * TLS only, as client-go), `insecure-skip-tls-verify` and `tls-server-name` of the ClientConfig.
 *
 * Subprotocol negotiation is done here, not by `ws`: `ws` refuses to offer names that are not RFC
 * 6455 tokens, and kubectl's port-forward offers `SPDY/3.1+portforward.k8s.io` ('/' is not a token
 * character). So the offer goes out as a plain header and the server's answer is taken out of the
 * 101 response before `ws` checks it.
 */
import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { basicAuthorization, impersonationHeaders, type ClientConfig } from '../../client/config.js';
import { encodeQuery } from '../../client/paths.js';
import { errorFromResponse } from '../../client/rest.js';
import type { Query } from '../../client/types.js';
import { CliError } from '../errors.js';

/** What to connect to. */
export interface DialOptions {
  /** API path, e.g. `/api/v1/namespaces/default/pods/web/exec`. */
  path: string;
  query?: Query;
  /** Subprotocols offered, in order of preference. */
  protocols: readonly string[];
  userAgent?: string;
}


/** The `ws://` or `wss://` URL of an API path on the configured server (a path prefix is kept). */
export function webSocketUrl(server: string, path: string, query?: Query): string {
  const base = new URL(server);
  const scheme = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${base.host}${base.pathname.replace(/\/$/, '')}${path}${encodeQuery(query)}`;
}

function bearerToken(config: ClientConfig): string | undefined {
  if (config.tokenFile) {
    try {
      return readFileSync(config.tokenFile, 'utf8').trim();
    } catch {
      return config.token;
    }
  }
  return config.token;
}

/**
 * The error for a refused upgrade: a Status body becomes the ApiError kubectl prints as
 * `Error from server (…)`; any other body reads `unable to upgrade connection: <body>`, as
 * client-go's upgrade failures do.
 */
export function upgradeError(code: number, body: string): Error {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status') return errorFromResponse(code, body);
  } catch {
    // not JSON
  }
  const text = body.trim();
  return new CliError(`unable to upgrade connection: ${text || `the server responded with status ${code}`}`);
}

/**
 * Opens a WebSocket to the API server; rejects with the server's error when it does not switch
 * protocols. `setup` gets the socket and the subprotocol the server chose ('' for none) as soon as
 * it is open, before any message is delivered: frames that came with the 101 arrive right after,
 * and a listener attached later would miss them.
 */
export function dialWebSocket<T>(config: ClientConfig, o: DialOptions, setup: (ws: WebSocket, protocol: string) => T): Promise<T> {
  const url = webSocketUrl(config.server, o.path, o.query);
  const tls = url.startsWith('wss:');
  const headers: Record<string, string | string[]> = { 'User-Agent': o.userAgent ?? 'k8ts-kubectl/v1.32.0', ...impersonationHeaders(config.impersonate) };
  if (o.protocols.length) headers['Sec-WebSocket-Protocol'] = o.protocols.join(', ');
  const token = tls ? bearerToken(config) : undefined;
  if (token) headers['Authorization'] = `Bearer ${token}`;
  else if (tls && config.basicAuth) headers['Authorization'] = basicAuthorization(config.basicAuth);
  const ws = new WebSocket(url, {
    headers,
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
    handshakeTimeout: 60_000,
    ...(tls
      ? {
          ca: config.caPem,
          cert: config.certPem,
          key: config.keyPem,
          rejectUnauthorized: !config.insecureSkipTLSVerify,
          servername: config.tlsServerName,
        }
      : {}),
  });
  return new Promise((resolve, reject) => {
    let protocol = '';
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(e);
    };
    ws.once('upgrade', (res: IncomingMessage) => {
      const answer = res.headers['sec-websocket-protocol'];
      protocol = typeof answer === 'string' ? answer.trim() : '';
      delete res.headers['sec-websocket-protocol'];
      if (protocol && !o.protocols.includes(protocol)) fail(new CliError(`unable to upgrade connection: the server chose the subprotocol "${protocol}", which was not offered`));
    });
    ws.once('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        req.destroy();
        fail(upgradeError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      });
      res.once('error', (e: Error) => fail(e));
    });
    ws.once('error', (e: Error) => fail(e));
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      ws.removeAllListeners('error');
      try {
        resolve(setup(ws, protocol));
      } catch (e) {
        ws.terminate();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
