/**
 * SPDY/3.1 frame codec: encoders for every frame we send and an incremental parser for what we
 * receive. Header blocks stay compressed here; the session (de)compresses them in order, because
 * one zlib context per direction spans all frames of a session.
 */

/** Control frame types (SPDY/3 section 2.6). */
export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

/** RST_STREAM status codes. */
export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
} as const;

/** GOAWAY status codes. */
export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

/** SETTINGS ids we read or send. */
export const SettingId = { MaxConcurrentStreams: 4, InitialWindowSize: 7 } as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
const VERSION = 3;
/** The 24-bit length field bounds a frame's payload. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export interface SettingEntry {
  flags: number;
  id: number;
  value: number;
}

/** A parsed frame; `headerBlock` is still zlib-compressed. */
export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedId: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: SettingEntry[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; version: number };

/** A malformed frame: the session answers with GOAWAY(PROTOCOL_ERROR). */
export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY control frame payload of ${payload.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};

export function encodeData(streamId: number, data: Buffer, fin: boolean): Buffer {
  if (data.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY data frame payload of ${data.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24 | data.length) >>> 0, 4);
  return data.length ? Buffer.concat([head, data]) : head;
}

export function encodeSynStream(streamId: number, headerBlock: Buffer, o: { fin?: boolean; unidirectional?: boolean; associatedId?: number; priority?: number } = {}): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE((o.associatedId ?? 0) & 0x7fffffff, 4);
  fixed.writeUInt8(((o.priority ?? 0) & 0x7) << 5, 8);
  const flags = (o.fin ? FLAG_FIN : 0) | (o.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
  return control(FrameType.SynStream, flags, Buffer.concat([fixed, headerBlock]));
}

export function encodeSynReply(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  return control(FrameType.SynReply, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));
}

export function encodeHeaders(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  return control(FrameType.Headers, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return control(FrameType.RstStream, 0, u32(streamId & 0x7fffffff, status));
}

export function encodeSettings(entries: SettingEntry[], clear = false): Buffer {
  const body = Buffer.alloc(4 + entries.length * 8);
  body.writeUInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    body.writeUInt32BE(((e.flags & 0xff) << 24 | (e.id & 0xffffff)) >>> 0, 4 + i * 8);
    body.writeUInt32BE(e.value >>> 0, 8 + i * 8);
  });
  return control(FrameType.Settings, clear ? 1 : 0, body);
}

/** PING; a zero id is invalid (Go's framer drops the whole connection on one). */
export function encodePing(id: number): Buffer {
  return control(FrameType.Ping, 0, u32(id));
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return control(FrameType.GoAway, 0, u32(lastGoodStreamId & 0x7fffffff, status));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return control(FrameType.WindowUpdate, 0, u32(streamId & 0x7fffffff, delta & 0x7fffffff));
}

/**
 * Incremental frame parser: `push` bytes as they arrive, then take complete frames with `next()`
 * until it returns undefined. Copies only when a frame straddles chunks.
 */
export class FrameParser {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Bytes received but not yet parsed into a frame. */
  get pending(): number {
    return this.buffered;
  }

  next(): Frame | undefined {
    if (this.buffered < 8) return undefined;
    const head = this.peek(8);
    const length = head.readUInt32BE(4) & 0xffffff;
    if (this.buffered < 8 + length) return undefined;
    const frame = this.take(8 + length);
    return parseFrame(frame.subarray(0, 8), frame.subarray(8));
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all.subarray(0, n);
  }

  private take(n: number): Buffer {
    let first = this.chunks[0];
    if (!first || first.length < n) {
      first = Buffer.concat(this.chunks);
      this.chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}

function need(payload: Buffer, n: number, what: string): void {
  if (payload.length < n) throw new SpdyProtocolError(`SPDY ${what} frame too short (${payload.length} bytes)`);
}

function parseFrame(head: Buffer, payload: Buffer): Frame {
  const word = head.readUInt32BE(0);
  const flags = head.readUInt8(4);
  if ((word & 0x80000000) === 0) return { type: 'data', streamId: word & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: payload };
  const version = (word >>> 16) & 0x7fff;
  const type = word & 0xffff;
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FrameType.SynStream:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: payload.readUInt32BE(0) & 0x7fffffff,
        associatedId: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload.readUInt8(8) >>> 5,
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    case FrameType.SynReply:
      need(payload, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: payload.readUInt32BE(0) & 0x7fffffff, fin, headerBlock: payload.subarray(4) };
    case FrameType.Headers:
      need(payload, 4, 'HEADERS');
      return { type: 'headers', streamId: payload.readUInt32BE(0) & 0x7fffffff, fin, headerBlock: payload.subarray(4) };
    case FrameType.RstStream:
      need(payload, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case FrameType.Settings: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + count * 8, 'SETTINGS');
      const entries: SettingEntry[] = [];
      for (let i = 0; i < count; i++) {
        const idWord = payload.readUInt32BE(4 + i * 8);
        entries.push({ flags: idWord >>> 24, id: idWord & 0xffffff, value: payload.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', clear: (flags & 1) !== 0, entries };
    }
    case FrameType.Ping:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case FrameType.GoAway:
      need(payload, 4, 'GOAWAY');
      // SPDY/2 peers send only the stream id; SPDY/3 adds a status.
      return { type: 'goaway', lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.length >= 8 ? payload.readUInt32BE(4) : 0 };
    case FrameType.WindowUpdate:
      need(payload, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: payload.readUInt32BE(0) & 0x7fffffff, delta: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', frameType: type, version };
  }
}
