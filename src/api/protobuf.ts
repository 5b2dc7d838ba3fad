// Public API of the Kubernetes protobuf codec (application/vnd.kubernetes.protobuf): whole
// objects (magic + runtime.Unknown) ↔ JSON-shaped objects, and protobuf watch stream frames.
// Schema-driven: the message layouts come from the vendored .proto files, the JSON names and
// zero-value rules from the Go API types (see src/api/proto/schema.ts).
import { ProtobufCodec, type KubeObject } from './proto/envelope.js';
import { loadProtoSchema } from './proto/schema.js';
import {
  WatchFrameDecoder,
  decodeWatchEvent as decodeWatchEventWith,
  encodeWatchEvent as encodeWatchEventWith,
  type WatchEvent,
} from './proto/watch.js';

export { PROTOBUF_MAGIC, ProtobufCodec, hasProtobufMagic, type KubeObject } from './proto/envelope.js';
export { ProtobufError } from './proto/errors.js';
export { ProtoSchema, loadProtoSchema } from './proto/schema.js';
export { MAX_WATCH_FRAME, WatchFrameDecoder, frameLengthDelimited, type WatchEvent } from './proto/watch.js';

/** Media type of a protobuf object body. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
/** Media type of a protobuf watch stream (length-delimited WatchEvent frames). */
export const PROTOBUF_WATCH_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf;stream=watch';

let defaultCodec: ProtobufCodec | undefined;

/** The process-wide codec; the first call loads the schema (~25–40 ms), later calls are free. */
export function protobufCodec(): ProtobufCodec {
  defaultCodec ??= new ProtobufCodec(loadProtoSchema());
  return defaultCodec;
}

/** Whether apiVersion+kind has a protobuf form (built-in kinds do; custom resources do not). */
export function supportsProtobuf(apiVersion: string, kind: string): boolean {
  return protobufCodec().typeForKind(apiVersion, kind) !== undefined;
}

/** Encodes an object (with apiVersion and kind) as kube-apiserver would: "k8s\0" + runtime.Unknown. */
export function encode(obj: KubeObject): Buffer {
  return protobufCodec().encode(obj);
}

/**
 * Decodes a protobuf body into the object JSON.parse would give for the same object sent as JSON.
 * `expected` (the endpoint's apiVersion and kind) is used only when the body's typeMeta is empty.
 */
export function decode(buf: Uint8Array, expected?: { apiVersion: string; kind: string }): KubeObject {
  return protobufCodec().decode(buf, expected);
}

/** One length-prefixed frame of a protobuf watch stream. */
export function encodeWatchEvent(event: WatchEvent): Buffer {
  return encodeWatchEventWith(protobufCodec(), event);
}

/** Decodes one watch frame body (the bytes after the 4-byte length). */
export function decodeWatchEvent(body: Uint8Array): WatchEvent {
  return decodeWatchEventWith(protobufCodec(), body);
}

/** A stream reader that turns received chunks into watch events. */
export function createWatchFrameDecoder(): WatchFrameDecoder {
  return new WatchFrameDecoder(protobufCodec());
}
