/**
 * exec and attach: the kubelet ends the client's protocol (WebSocket v5/v4/v1, or SPDY with
 * X-Stream-Protocol-Version v5…v1) and speaks SPDY v4.channel.k8s.io to the runtime's stream server,
 * relaying stdin (with its half-close), stdout, stderr, resize and, last, the exit Status.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';
import { Writable as WritableStream } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Logger } from '../../../util/log.js';
import { RstStatus, type SpdySession, type SpdyStream } from '../../../util/spdy/session.js';
import { acceptWebSocket, ChannelConn, isWebSocketRequest, negotiateProtocol, WS_PROTOCOLS } from '../../../util/wsstream.js';
import { acceptSpdy, dialRuntime, httpError, isSpdyRequest, spdyHandshake, UpgradeError } from './common.js';
import type { ExecParams } from './params.js';
import { errorText } from '../../../util/errors.js';

/** The runtime side always speaks v4: containerd 1.6 knows nothing newer. */
const RUNTIME_PROTOCOL = 'v4.channel.k8s.io';
const WS_EXEC_PROTOCOLS = [WS_PROTOCOLS.v5, WS_PROTOCOLS.v4, WS_PROTOCOLS.v4Base64, WS_PROTOCOLS.v1, WS_PROTOCOLS.v1Base64];
const SPDY_EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** How long a SPDY client may take to open its streams (upstream's stream creation timeout). */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** meta/v1 Status as the exec protocols carry it on the error stream. */
export interface ExecStatus {
  metadata?: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
  code?: number;
}

/** The client end of an exec, whatever its protocol. */
interface ExecClient {
  stdin?: Readable;
  resize?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Delivers the final status in the client's protocol, then closes the connection. */
  finish(status: ExecStatus): Promise<void>;
  /** Resolves when the client's connection has closed. */
  gone: Promise<void>;
}

interface RuntimeExec {
  session: SpdySession;
  error: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

/** Serves an exec or attach upgrade; never throws (failures before the upgrade become HTTP errors). */
export async function serveExecStream(req: IncomingMessage, socket: Duplex, head: Buffer, o: { params: ExecParams; runtimeUrl: (p: ExecParams) => Promise<string>; log: Logger }): Promise<void> {
  const { params, log } = o;
  let runtime: RuntimeExec | undefined;
  let upgraded = false;
  try {
    if (!params.stdin && !params.stdout && !params.stderr) throw new UpgradeError(400, 'you must specify at least 1 of stdin, stdout, stderr');
    const ws = isWebSocketRequest(req);
    let protocol: string | undefined;
    if (ws) {
      protocol = negotiateProtocol(req, WS_EXEC_PROTOCOLS);
      if (protocol === undefined) throw new UpgradeError(400, `unable to upgrade: requested protocol(s) are not supported: ${req.headers['sec-websocket-protocol'] ?? ''}; supports [${WS_EXEC_PROTOCOLS.join(' ')}]`);
    } else if (isSpdyRequest(req)) {
      protocol = spdyHandshake(req, SPDY_EXEC_PROTOCOLS);
    } else throw new UpgradeError(400, 'Upgrade request required');
    // Reach the runtime first: if it refuses, the client still gets a plain HTTP error.
    const url = await o.runtimeUrl(params).catch((e: unknown) => {
      throw new UpgradeError(500, `unable to prepare the stream: ${errorText(e)}`);
    });
    runtime = await openRuntime(url, params);
    upgraded = true;
    const client = ws ? await webSocketClient(req, socket, head, protocol, params) : await spdyClient(socket, head, protocol, params);
    await relay(client, runtime, log);
  } catch (e) {
    runtime?.session.destroy();
    if (upgraded) socket.destroy();
    else httpError(socket, e);
    log.warn('exec stream failed', { path: req.url, error: errorText(e) });
  }
}

/** Opens the runtime's session and the streams the request needs (error first, as client-go does). */
async function openRuntime(url: string, p: ExecParams): Promise<RuntimeExec> {
  const session = await dialRuntime(url, RUNTIME_PROTOCOL);
  try {
    const open = (type: string) => session.openStream({ streamType: type });
    const rt: RuntimeExec = { session, error: open('error') };
    if (p.stdin) rt.stdin = open('stdin');
    if (p.stdout) rt.stdout = open('stdout');
    if (p.stderr && !p.tty) rt.stderr = open('stderr');
    if (p.tty) rt.resize = open('resize');
    // The runtime starts the command once every expected stream has its reply.
    await Promise.all([rt.error, rt.stdin, rt.stdout, rt.stderr, rt.resize].flatMap((s) => (s ? [s.ready()] : [])));
    return rt;
  } catch (e) {
    session.destroy();
    throw new UpgradeError(500, `the container runtime refused the exec streams: ${errorText(e)}`);
  }
}

async function relay(client: ExecClient, rt: RuntimeExec, log: Logger): Promise<void> {
  if (client.stdin && rt.stdin) client.stdin.pipe(rt.stdin);
  else rt.stdin?.end();
  if (client.resize && rt.resize) client.resize.pipe(rt.resize);
  const outputs = Promise.all([forward(rt.stdout, client.stdout), forward(rt.stderr, client.stderr)]);
  const status = readAll(rt.error);
  const outcome = await Promise.race([Promise.all([status, outputs]).then(([s]) => s), client.gone.then(() => undefined)]);
  if (outcome === undefined) {
    // The client left: dropping the runtime connection ends the command's stdin and output streams.
    rt.session.destroy();
    return;
  }
  rt.session.close();
  const st = parseStatus(outcome);
  if (st.status === 'Failure' && st.reason !== 'NonZeroExitCode') log.warn('exec failed in the runtime', { message: st.message });
  await client.finish(st);
}

/** Copies a runtime output stream to the client; resolves once all of it reached the client. */
async function forward(src: SpdyStream | undefined, dst: Writable | undefined): Promise<void> {
  if (!src) {
    dst?.end();
    return;
  }
  if (!dst) {
    src.resume();
    await new Promise<void>((r) => src.once('end', () => r()));
    return;
  }
  src.pipe(dst);
  await finished(dst, { readable: false }).catch(() => undefined);
}

function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    s.once('end', () => resolve(Buffer.concat(chunks)));
    s.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** The runtime's v4 error-stream payload as a Status; an empty one means the runtime went away. */
export function parseStatus(raw: Buffer): ExecStatus {
  if (raw.length === 0) return { metadata: {}, status: 'Failure', reason: 'InternalError', message: 'error executing command in container: the container runtime closed the stream without an exit status' };
  try {
    const o = JSON.parse(raw.toString('utf8')) as unknown;
    if (o && typeof o === 'object' && ((o as ExecStatus).status === 'Success' || (o as ExecStatus).status === 'Failure')) return o as ExecStatus;
  } catch {
    // a v1-style plain text error
  }
  return { metadata: {}, status: 'Failure', reason: 'InternalError', message: raw.toString('utf8') };
}

/** The status as a client of `protocol` expects it: JSON from v4 on, else the message of a failure only. */
function statusPayload(status: ExecStatus, jsonStatus: boolean): string {
  if (jsonStatus) return JSON.stringify({ metadata: {}, ...status });
  return status.status === 'Success' ? '' : (status.message ?? 'error executing command');
}

async function webSocketClient(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, p: ExecParams): Promise<ExecClient> {
  const channels = [...(p.stdin ? [0] : []), ...(p.tty ? [4] : [])];
  const conn = await acceptWebSocket(req, socket, head, protocol, (ws) => new ChannelConn(ws, protocol, channels));
  const out = (ch: number) =>
    new WritableStream({
      write: (chunk: Buffer, _enc, cb) => void conn.send(ch, chunk).then(() => cb()),
    });
  const stdout = p.stdout ? out(1) : undefined;
  const stderr = p.stderr && !p.tty ? out(2) : undefined;
  // As upstream: an empty frame tells the client its streams are ready.
  void conn.send(p.stdout ? 1 : p.stderr ? 2 : 3, Buffer.alloc(0));
  const jsonStatus = protocol === WS_PROTOCOLS.v5 || protocol === WS_PROTOCOLS.v4 || protocol === WS_PROTOCOLS.v4Base64;
  return {
    stdin: p.stdin ? conn.incoming(0) : undefined,
    resize: p.tty ? conn.incoming(4) : undefined,
    stdout,
    stderr,
    finish: async (status) => {
      const body = statusPayload(status, jsonStatus);
      if (body) await conn.send(3, body);
      conn.close(1000);
      await conn.closed;
    },
    gone: conn.closed,
  };
}

async function spdyClient(socket: Duplex, head: Buffer, protocol: string, p: ExecParams): Promise<ExecClient> {
  const session = acceptSpdy(socket, head, protocol);
  const resizable = protocol !== 'v2.channel.k8s.io' && protocol !== 'channel.k8s.io';
  const expected = new Set(['error', ...(p.stdin ? ['stdin'] : []), ...(p.stdout ? ['stdout'] : []), ...(p.stderr && !p.tty ? ['stderr'] : []), ...(p.tty && resizable ? ['resize'] : [])]);
  const streams = new Map<string, SpdyStream>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for client to create streams')), STREAM_CREATION_TIMEOUT_MS);
      timer.unref();
      session.on('stream', (s: SpdyStream) => {
        const type = s.header('streamType') ?? '';
        if (!expected.has(type) || streams.has(type)) return s.reset(RstStatus.RefusedStream);
        // client-go waits for each reply before opening the next stream.
        s.reply();
        streams.set(type, s);
        if (streams.size === expected.size) {
          clearTimeout(timer);
          resolve();
        }
      });
      session.once('close', () => reject(new Error('the client closed the connection before opening its streams')));
    });
  } catch (e) {
    session.destroy();
    throw e;
  }
  const error = streams.get('error')!;
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  const jsonStatus = protocol === 'v5.channel.k8s.io' || protocol === 'v4.channel.k8s.io';
  return {
    stdin: streams.get('stdin'),
    resize: streams.get('resize'),
    stdout,
    stderr,
    finish: async (status) => {
      const body = statusPayload(status, jsonStatus);
      error.end(body || undefined);
      // Everything queued on the streams goes out before GOAWAY and the end of the connection.
      await Promise.all([error, stdout, stderr].flatMap((s) => (s ? [finished(s, { readable: false }).catch(() => undefined)] : [])));
      session.close();
      await session.closed;
    },
    gone: session.closed,
  };
}
