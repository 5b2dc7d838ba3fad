/**
 * pods/log, pods/exec, pods/attach and pods/portforward: the API server finds the pod's node and
 * proxies to that node's kubelet (upstream's paths: /containerLogs, /exec, /attach, /portForward)
 * over TLS with its kubelet-client certificate, without verifying the kubelet's self-signed serving
 * certificate (as kube-apiserver without --kubelet-certificate-authority). Log answers stream back;
 * upgrade requests are spliced as raw sockets, so the kubelet's 101 reaches the client verbatim.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { badRequest, field, invalid, statusError, type ApiError, type FieldError } from '../../api/errors.js';
import type { Container, Node, Pod } from '../../api/generated/core/v1.js';
import type { Logger } from '../../util/log.js';
import { parseBool } from '../http/request-info.js';
import { toApiError } from '../http/respond.js';
import type { KubeObject } from '../object.js';

/** How long reaching a kubelet may take (not the streaming after it). */
const DIAL_TIMEOUT_MS = 30_000;

/** Default kubelet port, when the node does not report one. */
export const DEFAULT_KUBELET_PORT = 10250;

export interface NodeProxyDeps {
  /** The pod from the watch cache; throws NotFound. */
  getPod(namespace: string, name: string): KubeObject;
  /** The node from the watch cache; throws NotFound. */
  getNode(name: string): KubeObject;
  /** The API server's client certificate for kubelets. */
  clientCert: { certPem: string; keyPem: string };
  log: Logger;
}

interface Target {
  host: string;
  port: number;
  /** Path and query on the kubelet. */
  path: string;
}

const STREAMING = new Set(['exec', 'attach', 'portforward']);

/** Whether `subresource` of pods is one this proxy upgrades. */
export const isStreamingSubresource = (subresource: string): boolean => STREAMING.has(subresource);

export class NodeProxy {
  constructor(private readonly deps: NodeProxyDeps) {}

  /** GET pods/{name}/log: the kubelet's answer, streamed (a follow stays open until either side closes). */
  async serveLog(req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: URLSearchParams): Promise<void> {
    const params = logParams(name, query);
    const pod = this.deps.getPod(namespace, name) as Pod;
    const container = validateContainer(pod, name, query.get('container') ?? '');
    const nodeName = pod.spec?.nodeName ?? '';
    if (!nodeName) {
      // Upstream: a pod without a node has no log location, and the answer is empty.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    const { host, port } = this.kubelet(nodeName);
    const path = `/containerLogs/${seg(namespace)}/${seg(name)}/${seg(container)}${params.size ? `?${params.toString()}` : ''}`;
    const url = `https://${hostPort(host, port)}${path}`;
    await new Promise<void>((resolve, reject) => {
      const up = httpsRequest({ host, port, path, method: 'GET', cert: this.deps.clientCert.certPem, key: this.deps.clientCert.keyPem, rejectUnauthorized: false, agent: false, headers: { Accept: 'text/plain, */*' } });
      up.setTimeout(DIAL_TIMEOUT_MS, () => up.destroy(new Error(`dial tcp ${hostPort(host, port)}: i/o timeout`)));
      // The client going away ends the kubelet request too (a follow would otherwise run forever).
      const abort = () => up.destroy();
      res.once('close', abort);
      up.on('error', (e) => {
        res.off('close', abort);
        if (!res.headersSent) return reject(statusError(500, '', `Get ${JSON.stringify(url)}: ${e.message}`));
        res.destroy();
        resolve();
      });
      up.on('response', (kres: IncomingMessage) => {
        up.setTimeout(0);
        const code = kres.statusCode ?? 500;
        if (code < 200 || code > 206) {
          readText(kres, 64 * 1024).then((body) => reject(kubeletError(code, body, name)), reject);
          return;
        }
        res.writeHead(200, { 'Content-Type': kres.headers['content-type'] ?? 'text/plain', 'Cache-Control': 'no-cache, private' });
        res.flushHeaders();
        kres.pipe(res);
        kres.once('end', () => resolve());
        // A kubelet that goes away mid-stream never emits 'end': end the client's response too,
        // or a follow would hang on an unterminated chunked body.
        kres.once('close', () => {
          if (!kres.complete) res.destroy();
          resolve();
        });
      });
      up.end();
    });
  }

  /**
   * An exec, attach or portforward upgrade (the caller authenticated and authorized it): validates
   * the pod, then splices the client's connection with one to the kubelet. Never throws; errors
   * before the splice are answered as a Status on the raw socket.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, o: { namespace: string; name: string; subresource: string; query: URLSearchParams }): void {
    let target: Target;
    try {
      target = this.streamTarget(o.namespace, o.name, o.subresource, o.query);
    } catch (e) {
      writeStatus(socket, toApiError(e));
      return;
    }
    const up = tlsConnect({ host: target.host, port: target.port, cert: this.deps.clientCert.certPem, key: this.deps.clientCert.keyPem, rejectUnauthorized: false, servername: isIp(target.host) ? undefined : target.host });
    let spliced = false;
    // Only the dial is bounded; a spliced session may idle for hours.
    up.setTimeout(DIAL_TIMEOUT_MS, () => up.destroy(new Error(`dial tcp ${hostPort(target.host, target.port)}: i/o timeout`)));
    up.once('secureConnect', () => {
      up.setTimeout(0);
      // The client left while we dialed: do not start the command for nobody.
      if (socket.destroyed) {
        up.destroy();
        return;
      }
      spliced = true;
      up.write(requestHead(req, target));
      if (head.length) up.write(head);
      // Only a 101 from the kubelet joins the two connections; anything else is relayed and both
      // close, so a client can never pipeline requests to the kubelet under our credentials.
      awaitSwitch(up, socket, () => splice(socket, up));
    });
    up.on('error', (e: Error) => {
      if (spliced) return;
      this.deps.log.warn('cannot reach kubelet', { host: target.host, port: target.port, error: e.message });
      writeStatus(socket, statusError(500, '', `error dialing backend: ${e.message}`));
    });
    socket.on('error', () => up.destroy());
    socket.once('close', () => {
      if (!spliced) up.destroy();
    });
  }

  /** The kubelet URL for exec/attach/portforward, after upstream's checks of pod, container and node. */
  private streamTarget(namespace: string, name: string, subresource: string, query: URLSearchParams): Target {
    const pod = this.deps.getPod(namespace, name) as Pod;
    const params = new URLSearchParams();
    let path: string;
    if (subresource === 'portforward') {
      const ports = portsOf(query);
      if (ports.length) params.set('port', ports.join(','));
      path = `/portForward/${seg(namespace)}/${seg(name)}`;
    } else {
      const container = validateContainer(pod, name, query.get('container') ?? '');
      for (const flag of ['stdin', 'stdout', 'stderr', 'tty']) if (parseBool(query.get(flag))) params.append(flag, '1');
      if (subresource === 'exec') for (const c of query.getAll('command')) params.append('command', c);
      path = `/${subresource}/${seg(namespace)}/${seg(name)}/${seg(container)}`;
    }
    const nodeName = pod.spec?.nodeName ?? '';
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const { host, port } = this.kubelet(nodeName);
    return { host, port, path: params.size ? `${path}?${params.toString()}` : path };
  }

  private kubelet(nodeName: string): { host: string; port: number } {
    return kubeletAddress(this.deps.getNode(nodeName) as Node);
  }
}

/**
 * Where a node's kubelet listens: InternalIP, else Hostname, else ExternalIP; its reported port.
 * Throws (500, upstream's wording) when the node reports no address. The metrics scraper dials the same.
 */
export function kubeletAddress(node: Node): { host: string; port: number } {
  const addrs = node.status?.addresses ?? [];
  const pick = ['InternalIP', 'Hostname', 'ExternalIP'].map((t) => addrs.find((a) => a.type === t && a.address)).find((a) => a !== undefined);
  if (!pick) throw statusError(500, '', `no preferred addresses found; known addresses: [${addrs.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  return { host: pick.address, port };
}

const seg = (s: string) => encodeURIComponent(s);
const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');
const hostPort = (h: string, p: number) => (h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`);

/** Upstream's container choice: the only container by default, else it must be named and exist. */
export function validateContainer(pod: Pod, name: string, container: string): string {
  const spec = pod.spec;
  const main: Container[] = spec?.containers ?? [];
  const all = [...(spec?.initContainers ?? []), ...main, ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!container) {
    if (main.length === 1) return main[0]!.name;
    if (main.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/** PodPortForwardOptions.ports from `?ports=` (repeated or comma-separated). */
function portsOf(query: URLSearchParams): number[] {
  return query.getAll('ports').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '').map((v) => {
    if (!/^\d+$/.test(v) || Number(v) > 65535 || Number(v) < 1) throw badRequest(`invalid port ${JSON.stringify(v)}: must be a number between 1 and 65535`);
    return Number(v);
  });
}

/** PodLogOptions from the query, validated as upstream (ValidatePodLogOptions), as the kubelet's query. */
export function logParams(name: string, query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const flag of ['follow', 'previous', 'timestamps']) if (parseBool(query.get(flag))) out.set(flag, 'true');
  const errs: FieldError[] = [];
  const int = (key: string): number | undefined => {
    const v = query.get(key);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  };
  const tail = int('tailLines');
  const limit = int('limitBytes');
  const since = int('sinceSeconds');
  const sinceTime = query.get('sinceTime');
  if (tail !== undefined && tail < 0) errs.push(field.invalid('tailLines', tail, 'must be greater than or equal to 0'));
  if (limit !== undefined && limit < 1) errs.push(field.invalid('limitBytes', limit, 'must be greater than 0'));
  if (since !== undefined && since < 1) errs.push(field.invalid('sinceSeconds', since, 'must be greater than 0'));
  if (since !== undefined && sinceTime) errs.push(field.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  let sinceDate: Date | undefined;
  if (sinceTime) {
    sinceDate = new Date(sinceTime);
    if (!/^\d{4}-\d\d-\d\dT/.test(sinceTime) || Number.isNaN(sinceDate.getTime())) throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)}`);
  }
  if (errs.length) throw invalid({ group: '', kind: 'PodLogOptions' }, name, errs);
  if (since !== undefined) out.set('sinceSeconds', String(since));
  if (sinceDate) out.set('sinceTime', sinceDate.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (tail !== undefined) out.set('tailLines', String(tail));
  if (limit !== undefined) out.set('limitBytes', String(limit));
  return out;
}

/** A kubelet's non-2xx log answer as the Status upstream's GenericHttpResponseChecker makes of it. */
function kubeletError(code: number, body: string, name: string): ApiError {
  const text = statusMessage(body);
  if (code === 500) return statusError(500, 'InternalError', `Internal error occurred: ${text}`);
  if (code === 400) return statusError(400, 'BadRequest', text);
  const details = { name, kind: 'pods/log', causes: text ? [{ reason: 'UnexpectedServerResponse', message: text }] : undefined };
  if (code === 404) return statusError(404, 'NotFound', 'the server could not find the requested resource', details);
  if (code === 403) return statusError(403, 'Forbidden', text, details);
  if (code === 401) return statusError(401, 'Unauthorized', 'the server has asked for the client to provide credentials', details);
  return statusError(code, code >= 500 ? 'InternalError' : '', code >= 500 ? `an error on the server (${JSON.stringify(text)}) has prevented the request from succeeding` : `the server responded with the status code ${code} but did not return more information`, details);
}

/** A kubelet error body: plain text, or a Status whose message we keep. */
function statusMessage(body: string): string {
  try {
    const o = JSON.parse(body) as { kind?: string; message?: string };
    if (o.kind === 'Status' && typeof o.message === 'string') return o.message;
  } catch {
    // plain text
  }
  return body.trim();
}

function readText(s: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    s.on('data', (c: Buffer) => {
      if (size < max) chunks.push(c);
      size += c.length;
    });
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, max)));
    s.on('error', reject);
  });
}

/** Headers that stay behind: the client's credentials are for us, not for the kubelet. */
const DROP = new Set(['host', 'authorization', 'proxy-authorization', 'x-forwarded-for']);

/** The request line and headers to send the kubelet: the client's own (repeats kept), our Host and path. */
function requestHead(req: IncomingMessage, t: Target): string {
  const lines = [`${req.method ?? 'GET'} ${t.path} HTTP/1.1`, `Host: ${hostPort(t.host, t.port)}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!;
    const lower = k.toLowerCase();
    if (DROP.has(lower) || lower.startsWith('impersonate-')) continue;
    lines.push(`${k}: ${raw[i + 1]!}`);
  }
  const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  if (forwarded) lines.push(`X-Forwarded-For: ${forwarded}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Copies bytes both ways; each side's end reaches the other (half-close). An error drops both; when
 * one side is gone, the other is ended and, if it lingers, dropped.
 */
/** Reads the kubelet's response head; on 101 forwards it and calls `onSwitch`, else relays it and closes. */
function awaitSwitch(up: Duplex, client: Duplex, onSwitch: () => void): void {
  let buf = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > 64 * 1024) fail();
      return;
    }
    up.off('data', onData);
    up.pause();
    client.write(buf);
    if (/^HTTP\/1\.[01] 101 /.test(buf.subarray(0, Math.min(end, 64)).toString('latin1'))) onSwitch();
    else {
      // Relay the rest of a refusal (its body), then close both sides.
      up.on('data', (d: Buffer) => client.write(d));
      up.resume();
      up.once('end', () => client.end());
      setTimeout(() => {
        up.destroy();
        client.destroy();
      }, 5_000).unref();
    }
  };
  const fail = () => {
    up.destroy();
    client.destroy();
  };
  up.on('data', onData);
  up.once('close', () => {
    if (!client.destroyed && buf.indexOf('\r\n\r\n') < 0) client.destroy();
  });
}

function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const drop = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', drop);
  b.on('error', drop);
  const gone = (other: Duplex) => () => {
    other.end();
    setTimeout(() => other.destroy(), 10_000).unref();
  };
  a.once('close', gone(b));
  b.once('close', gone(a));
}

/** Answers a not-yet-upgraded request with a Status and closes the connection. */
export function writeStatus(socket: Duplex, e: unknown): void {
  if (socket.destroyed || !socket.writable) return;
  const err = toApiError(e);
  const body = JSON.stringify(err.status);
  socket.end(`HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 5000).unref();
}
