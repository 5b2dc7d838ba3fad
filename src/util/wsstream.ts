/**
 * The channel.k8s.io WebSocket protocols on the `ws` package: accepting an upgrade with subprotocol
 * negotiation, per-channel streams over `<channel byte><payload>` messages (v5's `[255, ch]` closes a
 * channel), the base64 text variants, and a raw byte Duplex for protocols that tunnel a byte stream
 * (kubectl's `SPDY/3.1+portforward.k8s.io`).
 */
import type { IncomingMessage } from 'node:http';
import { Duplex, Readable } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

/** Subprotocol names. */
export const WS_PROTOCOLS = {
  v5: 'v5.channel.k8s.io',
  v4: 'v4.channel.k8s.io',
  v4Base64: 'v4.base64.channel.k8s.io',
  v1: 'channel.k8s.io',
  v1Base64: 'base64.channel.k8s.io',
  spdyTunnel: 'SPDY/3.1+portforward.k8s.io',
} as const;

/** The v5 signal that a channel is closed: `[255, channel]`. */
export const CLOSE_CHANNEL = 255;

/** Whether the request asks for a WebSocket (Upgrade: websocket). */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase().split(',').some((p) => p.trim() === 'websocket');
}

/** The subprotocols the client offered, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  const all = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return all.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * The protocol to speak: the client's first offer we support ('' when it offered none), or
 * undefined when it offered only protocols we do not speak.
 */
export function negotiateProtocol(req: IncomingMessage, supported: readonly string[]): string | undefined {
  const offered = offeredProtocols(req);
  if (offered.length === 0) return '';
  return offered.find((p) => supported.includes(p));
}

/**
 * Completes the WebSocket handshake for `req` on `socket`, echoing `protocol` (from
 * `negotiateProtocol`) in Sec-WebSocket-Protocol — kubectl falls back to an older protocol when the
 * server does not echo it. `setup` runs as soon as the WebSocket exists, before any message can
 * arrive, so its listeners miss nothing. Rejects if the handshake is invalid (ws then answered 400).
 */
export function acceptWebSocket<T>(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, setup: (ws: WebSocket) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('WebSocket handshake failed'));
    socket.once('close', onClose);
    // ws parses offers as RFC 6455 tokens and refuses kubectl's `SPDY/3.1+portforward.k8s.io` ('/' is
    // not a token character), so negotiation happens before, and the answer header is added here.
    delete req.headers['sec-websocket-protocol'];
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    if (protocol) wss.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${protocol}`));
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', onClose);
      try {
        resolve(setup(ws));
      } catch (e) {
        ws.terminate();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** Whether a channel protocol carries base64 text frames. */
export const isBase64Protocol = (p: string): boolean => p.includes('base64.channel.k8s.io');

/**
 * Per-channel streams over one WebSocket of the channel.k8s.io family. Incoming binary or text
 * frames (the Python client sends text) are split by their first byte; base64 protocols use a digit
 * and base64 payload instead.
 */
export class ChannelConn {
  private readonly readers = new Map<number, Readable>();
  private readonly base64: boolean;
  private readonly v5: boolean;
  private paused = new Set<number>();
  /** Resolves when the WebSocket has closed. */
  readonly closed: Promise<void>;

  /** `channels`: the channels whose incoming data will be read; data on any other channel is dropped. */
  constructor(readonly ws: WebSocket, readonly protocol: string, channels: readonly number[] = []) {
    this.base64 = isBase64Protocol(protocol);
    this.v5 = protocol === WS_PROTOCOLS.v5;
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.onMessage(toBuffer(data), isBinary));
    ws.once('close', () => {
      for (const r of this.readers.values()) if (!r.readableEnded) r.push(null);
    });
    ws.on('error', () => ws.terminate());
    for (const ch of channels) this.incoming(ch);
  }

  /** What the peer sends on `ch`; ends on v5's close signal or when the WebSocket closes. */
  incoming(ch: number): Readable {
    let r = this.readers.get(ch);
    if (!r) {
      const reader: Readable = new Readable({
        read: () => {
          if (this.paused.delete(ch) && this.paused.size === 0) this.ws.resume();
        },
      });
      r = reader;
      this.readers.set(ch, r);
      if (this.ws.readyState !== WebSocket.OPEN) r.push(null);
    }
    return r;
  }

  /** Sends `data` on `ch`; resolves once handed to the socket. Dropped silently after close. */
  send(ch: number, data: Buffer | string): Promise<void> {
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    const frame = this.base64 ? String.fromCharCode(48 + ch) + payload.toString('base64') : Buffer.concat([Buffer.from([ch]), payload]);
    return new Promise((resolve) => this.ws.send(frame, { binary: !this.base64 }, () => resolve()));
  }

  /** v5 only: tells the peer that nothing more comes on `ch`. */
  closeChannel(ch: number): Promise<void> {
    if (!this.v5 || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.ws.send(Buffer.from([CLOSE_CHANNEL, ch]), { binary: true }, () => resolve()));
  }

  /** Closes the WebSocket (1000 by default) after what was sent before. */
  close(code = 1000, reason = ''): void {
    // The peer's close frame must be read even if a lagging reader paused the socket.
    this.paused.clear();
    this.ws.resume();
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
    // A peer that never answers the close frame must not keep the socket open.
    setTimeout(() => this.ws.terminate(), 5000).unref();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (data.length === 0) return;
    let ch: number;
    let payload: Buffer;
    if (this.base64 && !isBinary) {
      ch = data[0]! - 48;
      payload = Buffer.from(data.subarray(1).toString('latin1'), 'base64');
    } else {
      ch = data[0]!;
      payload = data.subarray(1);
    }
    if (ch === CLOSE_CHANNEL && this.v5) {
      const target = payload[0];
      const r = target === undefined ? undefined : this.readers.get(target);
      if (r && !r.readableEnded) r.push(null);
      // An ended reader is never read again: it must not keep the socket paused.
      if (target !== undefined && this.paused.delete(target) && this.paused.size === 0) this.ws.resume();
      return;
    }
    const r = this.readers.get(ch);
    if (!r || r.readableEnded || payload.length === 0) return;
    if (!r.push(payload)) {
      this.paused.add(ch);
      this.ws.pause();
    }
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * A byte Duplex over a WebSocket whose binary messages carry a raw byte stream (message boundaries
 * mean nothing), as kubectl's SPDY-over-WebSocket port-forward tunnel. Ending it closes the WebSocket.
 */
export function webSocketDuplex(ws: WebSocket): Duplex {
  const d = new Duplex({
    read: () => ws.resume(),
    write: (chunk: Buffer, _enc, cb) => {
      if (ws.readyState !== WebSocket.OPEN) return cb();
      ws.send(chunk, { binary: true }, () => cb());
    },
    final: (cb) => {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      cb();
    },
    destroy: (err, cb) => {
      ws.terminate();
      cb(err);
    },
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    if (!d.push(toBuffer(data))) ws.pause();
  });
  ws.once('close', () => d.push(null));
  ws.on('error', (e: Error) => d.destroy(e));
  return d;
}
