/**
 * The REST client: one keep-alive connection pool to one API server, bearer/basic/client-cert auth,
 * JSON bodies, client-side QPS/burst limiting, timeouts, and Status bodies turned into ApiError.
 * Typed per-resource calls live in resource.ts; this is the transport they share.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { fromStatus, statusError, type StatusReason } from '../api/errors.js';
import { realClock, sleep, type Clock } from './clock.js';
import { basicAuthorization, impersonationHeaders, type ClientConfig } from './config.js';
import { encodeQuery, type ResourceDescriptor } from './paths.js';
import { TokenBucket } from './rate-limiter.js';
import { ResourceClient } from './resource.js';
import type { KubeObject, RestRequest, Transport } from './types.js';

/** Options of a {@link RestClient}. */
export interface RestClientOptions {
  /** Requests per second (client-go default 5); `<= 0` disables limiting. */
  qps?: number;
  /** Burst (client-go default 10). */
  burst?: number;
  /** Default per-request timeout in ms (0 = none; default 30 s). Watches time out only until headers. */
  timeoutMs?: number;
  /** User-Agent header; default `k8ts/0.1.0`. */
  userAgent?: string;
  /** Called with each `Warning` header text the server sends. */
  onWarning?: (warning: string) => void;
  clock?: Clock;
}

const reasonByCode: Record<number, StatusReason> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** True for errors that mean the caller's signal aborted or its timeout passed. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
}

async function readBody(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Turns a non-2xx response body into an ApiError (a Status body when there is one). */
export function errorFromResponse(code: number, text: string): Error {
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') return fromStatus(body, code);
  } catch {
    // not JSON: fall through to a synthesized Status, as client-go does
  }
  const message = text.trim() || `the server responded with status ${code}`;
  return statusError(code, reasonByCode[code] ?? '', message);
}

/** A client for one API server. Close it to free its sockets. */
export class RestClient implements Transport {
  readonly config: ClientConfig;
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #limiter: TokenBucket;
  readonly #options: RestClientOptions;
  readonly #clock: Clock;
  #fileToken?: { value: string; readAt: number };

  constructor(config: ClientConfig, options: RestClientOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#base = new URL(config.server);
    const tls = this.#base.protocol === 'https:';
    this.#agent = tls
      ? new https.Agent({
          keepAlive: true,
          ca: config.caPem,
          cert: config.certPem,
          key: config.keyPem,
          rejectUnauthorized: !config.insecureSkipTLSVerify,
          servername: config.tlsServerName,
        })
      : new http.Agent({ keepAlive: true });
    this.#limiter = new TokenBucket({ qps: options.qps ?? 5, burst: options.burst ?? 10, clock: this.#clock });
  }

  /** The default namespace (from the kubeconfig context or the pod), else `default`. */
  get namespace(): string {
    return this.config.namespace ?? 'default';
  }

  /** A typed client for one resource. */
  resource<T extends KubeObject = KubeObject>(descriptor: ResourceDescriptor): ResourceClient<T> {
    return new ResourceClient<T>(this, descriptor);
  }

  /** Sends a request and decodes the JSON response; non-2xx answers throw ApiError. */
  async request<T>(req: RestRequest): Promise<T> {
    const timeoutMs = req.timeoutMs ?? this.#options.timeoutMs ?? 30_000;
    const signal = timeoutMs > 0 ? AbortSignal.any([...(req.signal ? [req.signal] : []), AbortSignal.timeout(timeoutMs)]) : req.signal;
    for (let attempt = 0; ; attempt++) {
      const res = await this.#send(req, signal);
      const text = await readBody(res);
      const code = res.statusCode ?? 0;
      const retryAfter = Number(res.headers['retry-after']);
      // 429 with Retry-After: the server asks us to come back (client-go retries up to 10 times).
      if (code === 429 && retryAfter >= 0 && attempt < 3) {
        await sleep(this.#clock, Math.min(retryAfter, 10) * 1000, signal);
        if (signal?.aborted) throw signal.reason as Error;
        continue;
      }
      if (code < 200 || code > 299) throw errorFromResponse(code, text);
      // Non-JSON answers (health checks, logs) come back as text.
      const type = String(res.headers['content-type'] ?? '');
      if (type !== '' && !type.includes('json')) return text as T;
      return (text === '' ? undefined : JSON.parse(text)) as T;
    }
  }

  /**
   * Sends a request and returns the response as a stream once a 2xx status arrives (for watches
   * and logs); the caller must consume or destroy it. The timeout covers only the wait for headers.
   */
  async stream(req: RestRequest): Promise<http.IncomingMessage> {
    const timeoutMs = req.timeoutMs ?? this.#options.timeoutMs ?? 30_000;
    const timer = timeoutMs > 0 ? new AbortController() : undefined;
    const t = timer ? setTimeout(() => timer.abort(new DOMException('request timed out', 'TimeoutError')), timeoutMs) : undefined;
    const signal = timer ? AbortSignal.any([...(req.signal ? [req.signal] : []), timer.signal]) : req.signal;
    try {
      const res = await this.#send(req, signal);
      const code = res.statusCode ?? 0;
      if (code < 200 || code > 299) throw errorFromResponse(code, await readBody(res));
      return res;
    } finally {
      clearTimeout(t);
    }
  }

  /** Frees pooled sockets. In-flight requests finish. */
  close(): void {
    this.#agent.destroy();
  }

  #token(): string | undefined {
    const file = this.config.tokenFile;
    if (!file) return this.config.token;
    const now = this.#clock.now();
    if (!this.#fileToken || now - this.#fileToken.readAt > 60_000) {
      try {
        this.#fileToken = { value: readFileSync(file, 'utf8').trim(), readAt: now };
      } catch {
        return this.#fileToken?.value ?? this.config.token;
      }
    }
    return this.#fileToken.value;
  }

  async #send(req: RestRequest, signal: AbortSignal | undefined, retried = false): Promise<http.IncomingMessage> {
    await this.#limiter.wait(signal);
    if (signal?.aborted) throw signal.reason as Error;
    const tls = this.#base.protocol === 'https:';
    const url = new URL(this.#base.href.replace(/\/$/, '') + req.path + encodeQuery(req.query));
    const headers: Record<string, string | string[]> = {
      Accept: 'application/json',
      'User-Agent': this.#options.userAgent ?? 'k8ts/0.1.0',
      ...impersonationHeaders(this.config.impersonate),
      ...req.headers,
    };
    // Like client-go, credentials go only over TLS: a bearer token in clear text is a leaked token.
    const token = tls ? this.#token() : undefined;
    if (token) headers['Authorization'] = `Bearer ${token}`;
    else if (tls && this.config.basicAuth) headers['Authorization'] = basicAuthorization(this.config.basicAuth);
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const send = tls ? https.request : http.request;
    return await new Promise<http.IncomingMessage>((resolve, reject) => {
      const r = send(url, { method: req.method, headers, agent: this.#agent, signal }, (res) => {
        const warn = res.headers['warning'];
        if (warn && this.#options.onWarning) for (const w of warn.split(/,(?=\s*\d{3} )/)) this.#options.onWarning(w.trim());
        resolve(res);
      });
      r.on('error', (err: NodeJS.ErrnoException) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        // A pooled socket the server closed while idle: the request never reached it, so resend once.
        if (err.code === 'ECONNRESET' && r.reusedSocket && !retried) {
          this.#send(req, signal, true).then(resolve, reject);
          return;
        }
        reject(new Error(`${req.method} ${url.pathname}: ${err.message}`, { cause: err }));
      });
      r.end(payload);
    });
  }
}
