/**
 * Pieces shared by exec/attach and port-forward: plain HTTP errors on a raw upgrade socket, the
 * SPDY handshake of the client side (X-Stream-Protocol-Version negotiation and the 101), and the
 * SPDY client connection to the container runtime's stream server.
 */
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { SpdySession } from '../../../util/spdy/session.js';
import { errorText } from '../../../util/errors.js';

/** An HTTP status and plain-text body to answer instead of upgrading. */
export class UpgradeError extends Error {
  override readonly name = 'UpgradeError';
  constructor(readonly code: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
export function httpError(socket: Duplex, e: unknown): void {
  const err = e instanceof UpgradeError ? e : new UpgradeError(500, errorText(e));
  if (socket.destroyed || !socket.writable) return;
  const body = err.message.endsWith('\n') ? err.message : `${err.message}\n`;
  const extra = Object.entries(err.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const head = `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  const timer = setTimeout(() => socket.destroy(), 5000);
  timer.unref();
  socket.end(head + body, () => {
    clearTimeout(timer);
    socket.destroy();
  });
}

/** Whether the request asks for a SPDY/3.1 upgrade. */
export function isSpdyRequest(req: IncomingMessage): boolean {
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  const connection = (req.headers.connection ?? '').toLowerCase();
  return upgrade.includes('spdy/3.1') && connection.includes('upgrade');
}

/**
 * The X-Stream-Protocol-Version to speak: the client's first offer we support, as upstream's
 * httpstream.Handshake chooses. Throws the 400/403 upstream answers otherwise.
 */
export function spdyHandshake(req: IncomingMessage, supported: readonly string[]): string {
  const raw = req.headers['x-stream-protocol-version'];
  const offered = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (offered.length === 0) throw new UpgradeError(400, 'unable to upgrade: X-Stream-Protocol-Version is required');
  const chosen = offered.find((p) => supported.includes(p));
  if (!chosen) {
    throw new UpgradeError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`, {
      'X-Accepted-Stream-Protocol-Versions': supported.join(', '),
    });
  }
  return chosen;
}

/** Answers 101 Switching Protocols to SPDY/3.1 and starts the server side of the session. */
export function acceptSpdy(socket: Duplex, head: Buffer, protocol: string): SpdySession {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  noDelay(socket);
  return new SpdySession(socket, { role: 'server', head });
}

function noDelay(socket: Duplex): void {
  const s = socket as Partial<Socket>;
  if (typeof s.setNoDelay === 'function') s.setNoDelay(true);
}

/**
 * Connects to the runtime's stream server (containerd's CRI streaming URL, http or https with its
 * self-signed certificate) and upgrades to SPDY/3.1 with `protocol` as X-Stream-Protocol-Version.
 * A refusal becomes an UpgradeError carrying the runtime's status and text.
 */
export function dialRuntime(url: string, protocol: string, timeoutMs = 30_000): Promise<SpdySession> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(u, {
      method: 'POST',
      agent: false,
      rejectUnauthorized: false,
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocol, 'Content-Length': '0' },
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out connecting to the container runtime's stream server at ${u.host}`)), timeoutMs);
    timer.unref();
    req.on('upgrade', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      const got = res.headers['x-stream-protocol-version'];
      if (got !== protocol) {
        socket.destroy();
        reject(new UpgradeError(500, `the container runtime's stream server chose protocol ${JSON.stringify(got ?? '')}, not ${protocol}`));
        return;
      }
      socket.setTimeout(0);
      socket.setNoDelay(true);
      keepReadingAfterWriteErrors(socket);
      resolve(new SpdySession(socket, { role: 'client', head }));
    });
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').trim();
        reject(new UpgradeError(res.statusCode === 404 ? 404 : 500, `the container runtime refused the stream (${res.statusCode ?? 0}): ${text}`));
      });
      res.on('error', reject);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(new UpgradeError(500, `error connecting to the container runtime's stream server: ${e.message}`));
    });
    req.end();
  });
}

/**
 * Makes a failed write leave the socket reading, as a Go net.Conn does, instead of destroying it.
 *
 * containerd writes an exec's exit status, then closes the connection. If stdin is still flowing
 * (`kubectl cp` into a directory that does not exist: tar exits at once), our next write meets the
 * closed socket and fails with EPIPE or ECONNRESET. Node would then destroy the socket and drop what
 * the kernel still holds for us to read, the exit status among it, and the client would be told the
 * runtime closed the stream without one. Here a write failing so is dropped instead: the peer is
 * gone, so the read side soon reports the end (after delivering what was sent), and that ends the
 * session; `graceMs` later the socket is destroyed regardless. Other write errors still fail it.
 */
export function keepReadingAfterWriteErrors(socket: Socket, graceMs = 10_000): void {
  type WriteCallback = (error?: Error | null) => void;
  const swallow = (cb: WriteCallback): WriteCallback => (error) => {
    const code = error && 'code' in error ? String(error.code) : undefined;
    if (code !== 'EPIPE' && code !== 'ECONNRESET') return cb(error);
    if (!writeFailed) {
      writeFailed = true;
      // The read side should end within moments; if it does not, the connection is dropped anyway.
      setTimeout(() => socket.destroy(), graceMs).unref();
    }
    cb();
  };
  let writeFailed = false;
  const write = socket._write.bind(socket);
  const writev = socket._writev?.bind(socket);
  socket._write = (chunk: unknown, encoding: BufferEncoding, cb: WriteCallback) => {
    if (writeFailed) return cb();
    write(chunk, encoding, swallow(cb));
  };
  if (writev) {
    socket._writev = (chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, cb: WriteCallback) => {
      if (writeFailed) return cb();
      writev(chunks, swallow(cb));
    };
  }
}
