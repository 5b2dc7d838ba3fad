// httpGet probes (the kubelet's DoHTTPProbe): one GET with the probe's headers, redirects followed
// only on the same host, 200-399 healthy, certificates not verified, at most 10 KiB of body read.
import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dialErrorText, MAX_OUTPUT, type ProbeResult } from './result.js';

/** The User-Agent the kubelet's probes send unless the probe sets one. */
export const PROBE_USER_AGENT = 'kube-probe/1.32';
const MAX_REDIRECTS = 10;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Canonical MIME header case (`x-foo-bar` -> `X-Foo-Bar`), as Go's http.Header stores names. */
function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * The request headers: the probe's (repeats kept), then User-Agent and `Accept: *\/*` unless set;
 * an Accept set to "" removes the header.
 */
export function probeHeaders(headers: { name: string; value: string }[] = []): [string, string][] {
  const out: [string, string][] = headers.map((h) => [canonicalHeader(h.name), h.value]);
  const has = (n: string) => out.some(([k]) => k === n);
  if (!has('User-Agent')) out.push(['User-Agent', PROBE_USER_AGENT]);
  if (!has('Accept')) out.push(['Accept', '*/*']);
  return out.filter(([k, v]) => !(k === 'Accept' && v === ''));
}

/** formatURL: scheme://host:port followed by the probe's path (which may carry a query). */
export function probeURL(scheme: string, hostPort: string, path: string): string {
  const p = path === '' ? '' : path.startsWith('/') ? path : '/' + path;
  return `${scheme.toLowerCase() || 'http'}://${hostPort}${p}`;
}

interface Exchange {
  res: IncomingMessage;
  req: ClientRequest;
}

/**
 * GETs `url`; returns the probe result. `headers` come from {@link probeHeaders}; a `Host` header
 * sets the request's Host. The timeout covers connect, redirects and headers, as Go's Client.Timeout.
 */
export async function httpProbe(url: string, headers: [string, string][], timeoutMs: number): Promise<ProbeResult> {
  const deadline = Date.now() + timeoutMs;
  const firstHost = new URL(url).hostname;
  let current = url;
  for (let hops = 0; ; hops++) {
    let ex: Exchange;
    try {
      ex = await get(current, headers, deadline);
    } catch (err) {
      return { result: 'failure', output: `Get "${current}": ${(err as Error).message}` };
    }
    const { res } = ex;
    const code = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECT_CODES.has(code) && location) {
      const next = new URL(location, current);
      // Following a redirect to another host could reach anything; stop and report it instead.
      if (next.hostname === firstHost) {
        res.resume();
        ex.req.destroy();
        if (hops + 1 >= MAX_REDIRECTS) return { result: 'failure', output: `Get "${next.href}": stopped after ${MAX_REDIRECTS} redirects` };
        current = next.href;
        continue;
      }
    }
    let body: string;
    try {
      body = await readAtMost(ex, deadline);
    } catch (err) {
      return { result: 'unknown', output: (err as Error).message };
    }
    if (code >= 200 && code < 400) {
      if (code >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${body}` };
      return { result: 'success', output: body };
    }
    // The body stays out of the message, as upstream keeps it out (kubernetes#99425).
    return { result: 'failure', output: `HTTP probe failed with statuscode: ${code}` };
  }
}

/** One GET; rejects with Go's wording for dial errors and timeouts. */
function get(url: string, headers: [string, string][], deadline: number): Promise<Exchange> {
  const u = new URL(url);
  // URL.hostname keeps IPv6 brackets, so this is already Go's JoinHostPort form.
  const addr = `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  return new Promise((resolve, reject) => {
    let connected = false;
    const hdrs: Record<string, string | string[]> = {};
    for (const [k, v] of headers) {
      const prev = hdrs[k];
      hdrs[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    // Every probe opens its own connection, as the kubelet disables keep-alives for probes.
    const opts = { method: 'GET', headers: { ...hdrs, Connection: 'close' }, agent: false as const, rejectUnauthorized: false };
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, opts);
    const timer = setTimeout(
      () => {
        const why = connected ? 'context deadline exceeded' : `dial tcp ${addr}: i/o timeout`;
        req.destroy(new Error(`${why} (Client.Timeout exceeded while awaiting headers)`));
      },
      Math.max(0, deadline - Date.now()),
    );
    req.once('socket', (s) => {
      if (!s.connecting) connected = true;
      else s.once('connect', () => (connected = true));
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve({ res, req });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.message.includes('Client.Timeout')) reject(err);
      else if (!connected && err.code) reject(new Error(`dial tcp ${addr}: ${dialErrorText(err)}`));
      else if (err.message === 'socket hang up') reject(new Error('EOF'));
      else reject(new Error(err.code ? dialErrorText(err) : err.message));
    });
    req.end();
  });
}

/** Reads up to 10 KiB of the body, then drops the connection (the rest is not needed). */
function readAtMost({ res, req }: Exchange, deadline: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      res.removeAllListeners('data');
      req.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8'));
    };
    const timer = setTimeout(() => finish(new Error('net/http: request canceled (Client.Timeout or context cancellation while reading body)')), Math.max(0, deadline - Date.now()));
    res.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size >= MAX_OUTPUT) finish();
    });
    res.once('end', () => finish());
    res.on('error', (err) => finish(err));
  });
}
