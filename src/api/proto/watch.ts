// Protobuf watch streams (Content-Type application/vnd.kubernetes.protobuf;stream=watch), as
// kube-apiserver 1.32 writes them (apiserver endpoints/handlers watchEncoder + apimachinery's
// protobuf RawSerializer and LengthDelimitedFramer):
//   stream = frame*; frame = uint32 big-endian length + body;
//   body   = a bare meta/v1 WatchEvent message (no magic, no runtime.Unknown around it)
//            {1: type, 2: object = RawExtension{raw = "k8s\0" + runtime.Unknown(the object)}}.
// So the event itself is "raw" while the object inside keeps its full envelope.
import type protobuf from 'protobufjs';
import { ProtobufError } from './errors.js';
import { hasProtobufMagic, type KubeObject, type ProtobufCodec } from './envelope.js';
import { META_V1 } from './schema.js';

/** One watch event in JSON shape: type ADDED | MODIFIED | DELETED | BOOKMARK | ERROR. */
export interface WatchEvent {
  type: string;
  object: KubeObject;
}

/** Frames above this size are refused, so a corrupt length cannot make the reader buffer forever. */
export const MAX_WATCH_FRAME = 64 << 20;

function watchEventType(codec: ProtobufCodec): protobuf.Type {
  const type = codec.schema.type(`${META_V1}.WatchEvent`);
  if (type === undefined) throw new ProtobufError('schema lacks meta/v1 WatchEvent');
  return type;
}

/** Prefixes a payload with its 4-byte big-endian length. */
export function frameLengthDelimited(payload: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(payload.length, 0);
  return Buffer.concat([head, payload]);
}

/** One framed watch event, ready to write to the response stream. */
export function encodeWatchEvent(codec: ProtobufCodec, event: WatchEvent): Buffer {
  const object = codec.encode(event.object);
  const body = watchEventType(codec).encode({ type: event.type, object: { raw: object } }).finish();
  return frameLengthDelimited(body);
}

/** Decodes one frame body (without its length prefix) to a watch event. */
export function decodeWatchEvent(codec: ProtobufCodec, body: Uint8Array): WatchEvent {
  const msg = watchEventType(codec).decode(body) as unknown as { type?: unknown; object?: { raw?: unknown } };
  const raw = msg.object?.raw;
  if (!(raw instanceof Uint8Array) || !hasProtobufMagic(raw)) throw new ProtobufError('watch event object is not a Kubernetes protobuf object');
  return { type: typeof msg.type === 'string' ? msg.type : '', object: codec.decode(raw) };
}

/** Splits a byte stream into frames; feed chunks as they arrive, take whole events out. */
export class WatchFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly codec: ProtobufCodec) {}

  /** Adds received bytes; returns the events completed by them (possibly none). */
  push(chunk: Uint8Array): WatchEvent[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const events: WatchEvent[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (length > MAX_WATCH_FRAME) throw new ProtobufError(`watch frame of ${length} bytes exceeds ${MAX_WATCH_FRAME}`);
      if (this.pending.length < 4 + length) break;
      events.push(decodeWatchEvent(this.codec, this.pending.subarray(4, 4 + length)));
      this.pending = this.pending.subarray(4 + length);
    }
    return events;
  }

  /** Bytes received but not yet forming a whole frame (non-zero at stream end means truncation). */
  get buffered(): number {
    return this.pending.length;
  }
}
