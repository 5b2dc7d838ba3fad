/**
 * One SPDY stream as a Node Duplex: what the peer sends on it is readable, what we write goes out as
 * DATA frames. `end()` sends FIN (half-close); a FIN from the peer ends the readable side; a
 * RST_STREAM from the peer ends both sides without an error (the 'reset' event says why).
 */
import { Duplex } from 'node:stream';
import { RstStatus } from './frames.js';
import { headerValue, type SpdyHeaders, type SpdyHeadersInit } from './headers.js';

/** What a stream asks of its session. */
export interface StreamHost {
  writeData(s: SpdyStream, data: Buffer, fin: boolean): Promise<void>;
  sendReply(s: SpdyStream, headers: SpdyHeadersInit, fin: boolean): void;
  sendReset(s: SpdyStream, status: number): void;
  /** The consumer drained the readable side: time to re-open the peer's window. */
  consumed(s: SpdyStream): void;
  forget(s: SpdyStream): void;
}

/** Thrown by `ready()` when the peer refused or reset the stream, or the session ended first. */
export class StreamResetError extends Error {
  override readonly name = 'StreamResetError';
  constructor(readonly streamId: number, readonly status: number) {
    super(`SPDY stream ${streamId} was reset (status ${status})`);
  }
}

const EMPTY = Buffer.alloc(0);


/**
 * Events beyond Duplex's: 'reply' (headers: the peer's SYN_REPLY), 'headers' (a HEADERS frame),
 * 'reset' (status: the peer reset the stream or the session ended; the readable side has ended).
 */
export class SpdyStream extends Duplex {
  /** Headers of the SYN_REPLY (streams we opened), once it arrived. */
  replyHeaders: SpdyHeaders | undefined;
  /** @internal Bytes we may still send before the peer's next WINDOW_UPDATE. */
  sendWindow: number;
  /** @internal Bytes handed to the consumer that the peer has not been credited for yet. */
  unacked = 0;
  /** @internal */ replied = false;
  /** @internal We sent FIN or RST (or the peer made the stream unidirectional). */
  localClosed = false;
  /** @internal The peer sent FIN or RST. */
  remoteClosed = false;
  /** @internal */ wasReset = false;
  private readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    private readonly host: StreamHost,
    /** Stream id: odd when the client opened it, even for the server. */
    readonly id: number,
    /** The SYN_STREAM headers (lowercase names). */
    readonly headers: SpdyHeaders,
    /** True when we opened the stream. */
    readonly local: boolean,
    o: { sendWindow: number; recvWindow: number },
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: o.recvWindow });
    this.sendWindow = o.sendWindow;
  }

  /** The first value of a SYN_STREAM header, by case-insensitive name (e.g. `streamType`). */
  header(name: string): string | undefined {
    return headerValue(this.headers, name);
  }

  /** Accepts a stream the peer opened (SYN_REPLY). Reading, writing or ending an unanswered stream replies with no headers. */
  reply(headers: SpdyHeadersInit = {}, fin = false): void {
    if (this.local || this.replied || this.localClosed) return;
    this.replied = true;
    this.host.sendReply(this, headers, fin);
    if (fin) this.closeLocal();
    this.settleReady();
  }

  /** Aborts the stream (RST_STREAM); unread data is dropped. */
  reset(status: number = RstStatus.Cancel): void {
    if (this.wasReset || (this.localClosed && this.remoteClosed)) return;
    this.wasReset = true;
    this.host.sendReset(this, status);
    this.abort(new StreamResetError(this.id, status));
    this.destroy();
  }

  /** Resolves when data may flow: the peer's SYN_REPLY arrived (or we replied); rejects if the stream was reset first. */
  ready(): Promise<void> {
    if (this.replied) return Promise.resolve();
    if (this.wasReset || (this.localClosed && this.remoteClosed)) return Promise.reject(new StreamResetError(this.id, RstStatus.Cancel));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.host.writeData(this, chunk, false).then(() => cb(), cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.host.writeData(this, EMPTY, true).then(() => cb(), cb);
  }

  override _read(): void {
    // Reading a stream the peer opened accepts it: the peer sends nothing before our SYN_REPLY.
    if (!this.local && !this.replied) this.reply();
    this.host.consumed(this);
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (!this.wasReset && !(this.localClosed && this.remoteClosed)) {
      this.wasReset = true;
      this.host.sendReset(this, RstStatus.Cancel);
    }
    this.abort(new StreamResetError(this.id, RstStatus.Cancel));
    this.host.forget(this);
    cb(err);
  }

  /** @internal SYN_REPLY arrived for a stream we opened. */
  onReply(headers: SpdyHeaders, fin: boolean): void {
    if (!this.local || this.replied) return;
    this.replied = true;
    this.replyHeaders = headers;
    this.emit('reply', headers);
    this.settleReady();
    if (fin) this.onRemoteFin();
  }

  /** @internal A HEADERS frame arrived. */
  onHeaders(headers: SpdyHeaders, fin: boolean): void {
    this.emit('headers', headers);
    if (fin) this.onRemoteFin();
  }

  /** @internal DATA arrived. Returns false when the consumer is behind (the session then stops reading its transport). */
  onData(data: Buffer, fin: boolean): boolean {
    let keepGoing = true;
    if (data.length) {
      this.unacked += data.length;
      keepGoing = this.push(data);
    }
    if (fin) this.onRemoteFin();
    return keepGoing;
  }

  /** @internal The peer half-closed. */
  onRemoteFin(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    if (this.localClosed) this.host.forget(this);
  }

  /** @internal The peer reset the stream, or the session ended: both directions are over, without an error. */
  onReset(status: number): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.abort(new StreamResetError(this.id, status));
    this.host.forget(this);
    this.emit('reset', status);
  }

  /** @internal We sent FIN. */
  closeLocal(): void {
    this.localClosed = true;
    if (this.remoteClosed) this.host.forget(this);
  }

  private abort(err: StreamResetError): void {
    this.localClosed = true;
    if (!this.remoteClosed) {
      this.remoteClosed = true;
      this.push(null);
    }
    for (const w of this.readyWaiters.splice(0)) w.reject(err);
  }

  private settleReady(): void {
    for (const w of this.readyWaiters.splice(0)) w.resolve();
  }
}
