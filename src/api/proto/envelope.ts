// The Kubernetes protobuf envelope: "k8s\0" followed by a runtime.Unknown whose typeMeta names
// the object and whose raw holds the object's message. This is what kube-apiserver writes for
// application/vnd.kubernetes.protobuf bodies and what client-go sends.
import type protobuf from 'protobufjs';
import { ProtobufError } from './errors.js';
import { jsonToMessage } from './from-json.js';
import type { ProtoSchema } from './schema.js';
import { messageToJson } from './to-json.js';
import type { Recurse } from './wellknown.js';

/** The 4 bytes that start every Kubernetes protobuf object: "k8s" and a NUL. */
export const PROTOBUF_MAGIC: Buffer = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/** A Kubernetes object in its JSON shape; apiVersion and kind identify its message type. */
export type KubeObject = Record<string, unknown>;

/** Whether the bytes start with the Kubernetes protobuf magic. */
export function hasProtobufMagic(buf: Uint8Array): boolean {
  return buf.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.equals(buf.subarray(0, PROTOBUF_MAGIC.length));
}

/** Encoder/decoder for whole objects and bare messages over one loaded schema. */
export class ProtobufCodec implements Recurse {
  private readonly unknownType: protobuf.Type;

  constructor(readonly schema: ProtoSchema) {
    const unknown = schema.type(UNKNOWN);
    if (unknown === undefined) throw new ProtobufError(`schema lacks ${UNKNOWN}`);
    this.unknownType = unknown;
  }

  /** The message type for apiVersion+kind, or undefined when the kind has no protobuf form. */
  typeForKind(apiVersion: string, kind: string): protobuf.Type | undefined {
    return this.schema.typeForKind(apiVersion, kind);
  }

  /** Encodes an object with apiVersion and kind into magic + runtime.Unknown. */
  encode(obj: KubeObject): Buffer {
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || kind === '') {
      throw new ProtobufError('object to encode needs string apiVersion and kind');
    }
    const type = this.typeForKind(apiVersion, kind);
    if (type === undefined) throw new ProtobufError(`no protobuf message for ${apiVersion} ${kind}`);
    const raw = type.encode(jsonToMessage(this.schema, type, obj, this, kind)).finish();
    // Go's Unknown always carries all four fields (empty strings included), in field order.
    const unknown = { typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' };
    return Buffer.concat([PROTOBUF_MAGIC, this.unknownType.encode(unknown).finish()]);
  }

  /**
   * Decodes magic + runtime.Unknown into the JSON-shaped object, with apiVersion and kind set.
   * `expected` fills in an empty typeMeta (as Go's decoder takes defaults from the endpoint).
   */
  decode(buf: Uint8Array, expected?: { apiVersion: string; kind: string }): KubeObject {
    if (!hasProtobufMagic(buf)) throw new ProtobufError('body does not start with the Kubernetes protobuf magic "k8s\\0"');
    const unknown = this.decodeBare(this.unknownType, buf.subarray(PROTOBUF_MAGIC.length));
    const typeMeta = (unknown['typeMeta'] ?? {}) as Record<string, unknown>;
    const apiVersion = typeof typeMeta['apiVersion'] === 'string' && typeMeta['apiVersion'] !== '' ? typeMeta['apiVersion'] : (expected?.apiVersion ?? '');
    const kind = typeof typeMeta['kind'] === 'string' && typeMeta['kind'] !== '' ? typeMeta['kind'] : (expected?.kind ?? '');
    const contentType = unknown['contentType'];
    const raw = unknown['raw'] instanceof Uint8Array ? unknown['raw'] : new Uint8Array(0);
    if (typeof contentType === 'string' && contentType !== '' && !contentType.startsWith('application/vnd.kubernetes.protobuf')) {
      throw new ProtobufError(`runtime.Unknown holds ${contentType}, not protobuf`);
    }
    const type = this.typeForKind(apiVersion, kind);
    if (type === undefined) throw new ProtobufError(`no protobuf message for ${JSON.stringify(apiVersion)} ${JSON.stringify(kind)}`);
    const body = this.decodeMessage(type, raw);
    // Key order as Go writes it: kind, apiVersion, then the fields.
    return { kind, apiVersion, ...(typeof body === 'object' && body !== null ? body : {}) };
  }

  /** Encodes a JSON value as a bare message of the named type (no magic, no envelope). */
  encodeMessage(type: protobuf.Type, json: unknown, path = type.name): Uint8Array {
    return type.encode(jsonToMessage(this.schema, type, json, this, path)).finish();
  }

  /** Decodes a bare message of the given type to JSON. */
  decodeMessage(type: protobuf.Type, bytes: Uint8Array): unknown {
    return messageToJson(this.schema, type, this.decodeBare(type, bytes), this);
  }

  /** Recurse: JSON of a decoded message, by type name. */
  toJson(typeName: string, msg: unknown): unknown {
    return messageToJson(this.schema, this.mustType(typeName), msg, this);
  }

  /** Recurse: plain message of a JSON value, by type name. */
  fromJson(typeName: string, json: unknown, path: string): Record<string, unknown> {
    return jsonToMessage(this.schema, this.mustType(typeName), json, this, path);
  }

  /** Recurse: a nested enveloped object (RawExtension holding protobuf). */
  decodeObject(bytes: Uint8Array): unknown {
    return this.decode(bytes);
  }

  private mustType(name: string): protobuf.Type {
    const type = this.schema.type(name);
    if (type === undefined) throw new ProtobufError(`schema lacks ${name}`);
    return type;
  }

  private decodeBare(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
    try {
      const msg: unknown = type.decode(bytes);
      return msg as Record<string, unknown>;
    } catch (err) {
      throw new ProtobufError(`malformed ${type.name} message: ${(err as Error).message}`);
    }
  }
}
