/**
 * A SPDY/3.1 session over any byte Duplex (TCP, TLS, or a WebSocket carrying raw bytes), in the
 * client role (odd stream ids, as kubectl and the kubelet's runtime client) or the server role (even
 * ids, as a stream server). Streams are `SpdyStream` Duplexes.
 *
 * Flow control: we announce a 64 KiB window (SETTINGS). Once the peer shows it does flow control
 * too (a SETTINGS window or any WINDOW_UPDATE), we respect its windows and credit it with
 * WINDOW_UPDATEs (per stream and per session) as our consumers read. Go's spdystream, which kubectl
 * and containerd use, does neither: holding back after 64 KiB would stall every transfer to it, and
 * WINDOW_UPDATEs it never reads make its kernel answer its close with a TCP reset, which can drop
 * the last frames (the exit status) on their way to us. For such peers TCP backpressure is the
 * brake: we stop reading the transport while a stream's consumer lags.
 */
import type { Duplex } from 'node:stream';
import {
  encodeData, encodeGoAway, encodePing, encodeRstStream, encodeSettings, encodeSynReply, encodeSynStream, encodeWindowUpdate,
  FrameParser, GoAwayStatus, RstStatus, SettingId, SpdyProtocolError, type Frame,
} from './frames.js';
import { HeaderCodec, type SpdyHeaders, type SpdyHeadersInit } from './headers.js';
import { Outbox, type Outgoing } from './outbox.js';
import { SpdyStream, type StreamHost } from './stream.js';
import { EventEmitter } from 'node:events';

export { SpdyStream, StreamResetError } from './stream.js';
export type { SpdyHeaders, SpdyHeadersInit } from './headers.js';
export { RstStatus, GoAwayStatus } from './frames.js';

/** The SPDY/3 default window, per stream and per session. */
export const DEFAULT_WINDOW = 64 * 1024;

export interface SpdySessionOptions {
  /** 'client' opens odd-numbered streams, 'server' even-numbered ones. */
  role: 'client' | 'server';
  /** Bytes already read from the transport that belong to the session (e.g. after an HTTP upgrade). */
  head?: Buffer;
  /** Our receive window per stream; default 64 KiB. */
  window?: number;
  /** Largest DATA frame we send; default 32 KiB. */
  maxFrame?: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * Events: 'stream' (a stream the peer opened: reply, or just write, to accept it; `reset()` to
 * refuse it), 'goaway' (lastGoodStreamId, status: the peer opens no more streams), 'close'
 * (err | undefined: the transport ended, and with it every stream).
 */
export class SpdySession extends EventEmitter implements StreamHost {
  private readonly streams = new Map<number, SpdyStream>();
  private readonly parser = new FrameParser();
  private readonly codec = new HeaderCodec();
  private readonly recvWindow: number;
  private readonly maxFrame: number;
  private nextStreamId: number;
  private nextPingId: number;
  private lastRemoteId = 0;
  private peerInitialWindow = DEFAULT_WINDOW;
  private sendWindow = DEFAULT_WINDOW;
  private peerFlowControl = false;
  private windowWaiters: Array<() => void> = [];
  private pings = new Map<number, () => void>();
  private readonly outbox: Outbox;
  private busy = false;
  /** The transport ended; frames already received are still handled before the session closes. */
  private ending: { err?: Error } | undefined;
  private congested = new Set<SpdyStream>();
  private goAwaySent = false;
  private goAwayReceived = false;
  private dead = false;
  /** Resolves when the transport has ended. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(private readonly transport: Duplex, o: SpdySessionOptions) {
    super();
    this.recvWindow = o.window ?? DEFAULT_WINDOW;
    this.maxFrame = o.maxFrame ?? 32 * 1024;
    this.nextStreamId = o.role === 'client' ? 1 : 2;
    this.nextPingId = o.role === 'client' ? 1 : 2;
    this.closed = new Promise((r) => (this.resolveClosed = r));
    this.outbox = new Outbox(transport, (e) => this.destroy(e));
    transport.on('data', (c: Buffer) => this.onBytes(c));
    transport.on('end', () => this.ended());
    transport.on('close', () => this.ended());
    transport.on('error', (e: Error) => this.ended(e));
    transport.on('drain', () => this.wake());
    // Announcing our window tells a SPDY/3.1 peer like us to hold back; spdystream ignores it.
    this.send(encodeSettings([{ flags: 0, id: SettingId.InitialWindowSize, value: this.recvWindow }]));
    if (o.head?.length) this.onBytes(o.head);
    // A socket handed over after an HTTP upgrade may be paused; a 'data' listener alone does not resume it then.
    transport.resume();
  }

  /** Whether the session can still carry streams. */
  get alive(): boolean {
    return !this.dead;
  }

  /** Opens a stream (SYN_STREAM). Data written to it waits for the peer's SYN_REPLY, as spdystream drops earlier DATA. */
  openStream(headers: SpdyHeadersInit, o: { fin?: boolean } = {}): SpdyStream {
    if (this.dead) throw new Error('SPDY session is closed');
    if (this.goAwayReceived || this.goAwaySent) throw new Error('SPDY session is going away: no new streams');
    const id = this.nextStreamId;
    if (id > 0x7fffffff) throw new Error('SPDY stream ids exhausted');
    this.nextStreamId += 2;
    const normalized: SpdyHeaders = {};
    for (const [k, v] of Object.entries(headers)) normalized[k.toLowerCase()] = typeof v === 'object' ? [...v] : [String(v)];
    const s = new SpdyStream(this, id, normalized, true, { sendWindow: this.peerInitialWindow, recvWindow: this.recvWindow });
    this.streams.set(id, s);
    this.send(this.codec.compress(headers).then((block) => encodeSynStream(id, block, { fin: o.fin })));
    if (o.fin) s.closeLocal();
    return s;
  }

  /** Round trip of a PING; rejects if the session ends first or after `timeoutMs`. */
  ping(timeoutMs = 30_000): Promise<void> {
    if (this.dead) return Promise.reject(new Error('SPDY session is closed'));
    const id = this.nextPingId;
    this.nextPingId += 2;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pings.delete(id);
        reject(new Error('SPDY ping timed out'));
      }, timeoutMs);
      t.unref();
      this.pings.set(id, () => {
        clearTimeout(t);
        resolve();
      });
      this.send(encodePing(id));
    });
  }

  /** Says no new streams will be accepted (GOAWAY) without closing anything. */
  goAway(status: number = GoAwayStatus.Ok): void {
    if (this.goAwaySent || this.dead) return;
    this.goAwaySent = true;
    this.send(encodeGoAway(this.lastRemoteId, status));
  }

  /**
   * Graceful close: GOAWAY, then the transport ends once queued frames are written; if the peer
   * has not closed its side `graceMs` later, the transport is dropped.
   */
  close(graceMs = 5000): void {
    if (this.dead) return;
    this.goAway();
    this.send('end');
    setTimeout(() => this.destroy(), graceMs).unref();
  }

  /** Drops the transport at once; every stream ends. */
  destroy(err?: Error): void {
    this.transport.destroy();
    this.gone(err);
  }

  // ---- StreamHost ----

  async writeData(s: SpdyStream, data: Buffer, fin: boolean): Promise<void> {
    if (!s.replied && !s.local && !s.localClosed) s.reply();
    if (!s.replied) await s.ready().catch(() => undefined);
    let off = 0;
    while (off < data.length) {
      const n = await this.allowance(s, data.length - off);
      if (n === 0) return; // reset, or the session ended: nothing more goes out on this stream
      const part = data.subarray(off, off + n);
      off += n;
      s.sendWindow -= n;
      this.sendWindow -= n;
      this.send(encodeData(s.id, part, fin && off >= data.length));
    }
    if (s.localClosed || this.dead) return;
    if (fin) {
      if (data.length === 0) this.send(encodeData(s.id, EMPTY, true));
      s.closeLocal();
    }
    await this.drained();
  }

  sendReply(s: SpdyStream, headers: SpdyHeadersInit, fin: boolean): void {
    if (this.dead) return;
    this.send(this.codec.compress(headers).then((block) => encodeSynReply(s.id, block, fin)));
  }

  sendReset(s: SpdyStream, status: number): void {
    if (this.dead) return;
    this.send(encodeRstStream(s.id, status));
  }

  consumed(s: SpdyStream): void {
    if (this.congested.delete(s) && this.congested.size === 0) this.transport.resume();
    if (!this.peerFlowControl) s.unacked = 0; // nobody to credit
    if (s.unacked === 0 || this.dead) return;
    if (s.unacked >= this.recvWindow / 2 || s.readableLength === 0) this.credit(s);
  }

  forget(s: SpdyStream): void {
    if (this.streams.get(s.id) !== s) return;
    this.streams.delete(s.id);
    // Bytes the consumer will never read still count against the session window: give them back.
    if (s.unacked > 0 && !this.dead && this.peerFlowControl) {
      this.send(encodeWindowUpdate(0, s.unacked));
      s.unacked = 0;
    }
    if (this.congested.delete(s) && this.congested.size === 0) this.transport.resume();
    this.wake();
  }

  // ---- internals ----

  private credit(s: SpdyStream): void {
    const n = s.unacked;
    s.unacked = 0;
    if (!s.remoteClosed) this.send(encodeWindowUpdate(s.id, n));
    this.send(encodeWindowUpdate(0, n));
  }

  /** How many bytes of `want` may go out now on `s`; waits for window when the peer enforces one. 0 means never. */
  private async allowance(s: SpdyStream, want: number): Promise<number> {
    for (;;) {
      if (this.dead || s.localClosed) return 0;
      if (!this.peerFlowControl) return Math.min(want, this.maxFrame);
      const avail = Math.min(s.sendWindow, this.sendWindow);
      if (avail > 0) return Math.min(want, this.maxFrame, avail);
      await new Promise<void>((r) => this.windowWaiters.push(r));
    }
  }

  private wake(): void {
    for (const w of this.windowWaiters.splice(0)) w();
  }

  private drained(): Promise<void> {
    if (this.dead || !this.transport.writableNeedDrain) return Promise.resolve();
    return new Promise((r) => this.windowWaiters.push(r));
  }

  private send(item: Outgoing): void {
    if (!this.dead) this.outbox.push(item);
  }

  private onBytes(chunk: Buffer): void {
    if (this.dead) return;
    this.parser.push(chunk);
    this.drain();
  }

  /** Handles parsed frames in order; a frame with a header block waits for its decompression. */
  private drain(): void {
    while (!this.busy && !this.dead) {
      let f: Frame | undefined;
      try {
        f = this.parser.next();
      } catch (e) {
        return this.fail(e);
      }
      if (!f) {
        if (this.ending) this.gone(this.ending.err);
        return;
      }
      if (f.type === 'syn_stream' || f.type === 'syn_reply' || f.type === 'headers') {
        const frame = f;
        if (frame.headerBlock.length === 0) {
          this.handleWithHeaders(frame, {});
          continue;
        }
        this.busy = true;
        this.codec.decompress(frame.headerBlock).then(
          (h) => {
            this.busy = false;
            if (this.dead) return;
            this.handleWithHeaders(frame, h);
            this.drain();
          },
          (e: unknown) => this.fail(e),
        );
        return;
      }
      this.handle(f);
    }
  }

  private fail(e: unknown): void {
    if (this.dead) return;
    this.goAway(e instanceof SpdyProtocolError ? GoAwayStatus.ProtocolError : GoAwayStatus.InternalError);
    this.send('end');
    setTimeout(() => this.destroy(e instanceof Error ? e : new Error(String(e))), 1000).unref();
  }

  private handleWithHeaders(f: Extract<Frame, { headerBlock: Buffer }>, h: SpdyHeaders): void {
    if (f.type === 'syn_stream') return this.onSynStream(f, h);
    const s = this.streams.get(f.streamId);
    if (!s) return;
    if (f.type === 'syn_reply') s.onReply(h, f.fin);
    else s.onHeaders(h, f.fin);
  }

  private onSynStream(f: Extract<Frame, { type: 'syn_stream' }>, h: SpdyHeaders): void {
    const theirs = this.nextStreamId % 2 === 1 ? 0 : 1;
    if (f.streamId === 0 || f.streamId % 2 !== theirs || f.streamId <= this.lastRemoteId) {
      this.send(encodeRstStream(f.streamId, RstStatus.ProtocolError));
      return;
    }
    this.lastRemoteId = f.streamId;
    if (this.goAwaySent || this.listenerCount('stream') === 0) {
      this.send(encodeRstStream(f.streamId, RstStatus.RefusedStream));
      return;
    }
    const s = new SpdyStream(this, f.streamId, h, false, { sendWindow: this.peerInitialWindow, recvWindow: this.recvWindow });
    this.streams.set(f.streamId, s);
    if (f.unidirectional) s.localClosed = true;
    this.emit('stream', s);
    if (f.fin) s.onRemoteFin();
  }

  private handle(f: Frame): void {
    switch (f.type) {
      case 'data': {
        const s = this.streams.get(f.streamId);
        if (!s || s.remoteClosed) {
          if (f.data.length && this.peerFlowControl) this.send(encodeWindowUpdate(0, f.data.length));
          return;
        }
        if (!s.onData(f.data, f.fin) && !s.remoteClosed) {
          this.congested.add(s);
          this.transport.pause();
        }
        return;
      }
      case 'rst_stream':
        this.streams.get(f.streamId)?.onReset(f.status);
        return;
      case 'settings':
        for (const e of f.entries) {
          if (e.id !== SettingId.InitialWindowSize) continue;
          const delta = e.value - this.peerInitialWindow;
          this.peerInitialWindow = e.value;
          this.peerFlowControl = true;
          for (const s of this.streams.values()) s.sendWindow += delta;
        }
        this.wake();
        return;
      case 'ping': {
        if (f.id % 2 !== this.nextPingId % 2) {
          this.send(encodePing(f.id));
          return;
        }
        const done = this.pings.get(f.id);
        this.pings.delete(f.id);
        done?.();
        return;
      }
      case 'goaway':
        this.goAwayReceived = true;
        this.emit('goaway', f.lastGoodStreamId, f.status);
        return;
      case 'window_update':
        this.peerFlowControl = true;
        if (f.streamId === 0) this.sendWindow += f.delta;
        else {
          const s = this.streams.get(f.streamId);
          if (s) s.sendWindow += f.delta;
        }
        this.wake();
        return;
      default:
        return; // unknown or CREDENTIAL frames: ignored, as SPDY/3 asks
    }
  }

  private ended(err?: Error): void {
    if (this.ending) return;
    this.ending = err ? { err } : {};
    // The peer may have closed right behind its last frames (containerd sends the exit status, RST and
    // GOAWAY, then closes): finish handling what arrived first.
    if (!this.busy) this.drain();
  }

  private gone(err?: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.outbox.stop();
    for (const s of [...this.streams.values()]) s.onReset(RstStatus.Cancel);
    this.streams.clear();
    this.wake();
    this.pings.clear();
    this.codec.close();
    if (!this.transport.destroyed) this.transport.end();
    this.transport.resume();
    this.resolveClosed();
    this.emit('close', err);
  }
}
