// Messages whose JSON form is not "an object of their fields": the Go types with their own
// MarshalJSON (Time, MicroTime, Duration, Quantity, IntOrString, RawExtension, FieldsV1 and the
// apiextensions JSON/JSONSchemaPropsOr* unions). Each converter mirrors what Go writes and reads.
import { formatGoDuration, parseGoDuration } from './duration.js';
import { ProtobufError } from './errors.js';
import { toNumber } from './scalars.js';
import { formatMicroTime, formatTime, parseRFC3339, type SecondsNanos } from './time.js';

/** Recursion into the generic converters, handed to the well-known ones. */
export interface Recurse {
  /** A decoded message of the named type → JSON. */
  toJson(typeName: string, msg: unknown): unknown;
  /** JSON → a plain message object of the named type. */
  fromJson(typeName: string, json: unknown, path: string): Record<string, unknown>;
  /** A nested Kubernetes protobuf object (magic + runtime.Unknown) → JSON. */
  decodeObject(bytes: Uint8Array): unknown;
}

/** A message with its own JSON form. */
export interface WellKnown {
  /** Decoded message (own properties = fields present on the wire) → JSON value. */
  toJson(msg: Record<string, unknown>, r: Recurse): unknown;
  /** JSON value (possibly null) → plain message to encode, or undefined to leave the field unset. */
  fromJson(json: unknown, r: Recurse, path: string): Record<string, unknown> | undefined;
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const APIEXT = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';
const SCHEMA_PROPS = `${APIEXT}.JSONSchemaProps`;
const MAGIC = Buffer.from('k8s\u0000', 'latin1');

const has = (msg: Record<string, unknown>, key: string): boolean => Object.hasOwn(msg, key);

function bytesOf(v: unknown): Uint8Array | undefined {
  return v instanceof Uint8Array && v.length > 0 ? v : undefined;
}

/** Go writes a zero Time as an empty message and prints it as null. */
function timeLike(format: (t: SecondsNanos) => string): WellKnown {
  return {
    toJson: (msg) => (has(msg, 'seconds') || has(msg, 'nanos') ? format({ seconds: toNumber(msg['seconds']), nanos: toNumber(msg['nanos']) }) : null),
    fromJson: (json, _r, path) => {
      if (json === null) return {};
      if (typeof json !== 'string') throw new ProtobufError(`${path}: expected an RFC 3339 time, got ${JSON.stringify(json)}`);
      try {
        return { ...parseRFC3339(json) };
      } catch (err) {
        throw new ProtobufError(`${path}: ${(err as Error).message}`);
      }
    },
  };
}

/** Embedded raw JSON bytes (RawExtension, FieldsV1, apiextensions JSON): empty ↔ null. */
function rawJson(field: string, allowNested: boolean): WellKnown {
  return {
    toJson: (msg, r) => {
      const raw = bytesOf(msg[field]);
      if (raw === undefined) return null;
      if (allowNested && MAGIC.equals(raw.subarray(0, MAGIC.length))) return r.decodeObject(raw);
      try {
        return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')) as unknown;
      } catch {
        throw new ProtobufError(`${field} of an embedded object holds neither JSON nor Kubernetes protobuf`);
      }
    },
    fromJson: (json) => (json === null || json === undefined ? {} : { [field]: Buffer.from(JSON.stringify(json)) }),
  };
}

const quantity: WellKnown = {
  toJson: (msg) => (typeof msg['string'] === 'string' && msg['string'] !== '' ? msg['string'] : '0'),
  fromJson: (json, _r, path) => {
    if (json === null) return undefined;
    if (typeof json === 'string') return { string: json };
    if (typeof json === 'number') return { string: String(json) }; // YAML `cpu: 1` arrives as a number
    throw new ProtobufError(`${path}: expected a quantity, got ${JSON.stringify(json)}`);
  },
};

/** An int64 as protobufjs's writer takes it: a number when exact, else a decimal string (parsed exactly). */
function int64Of(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** A decoded int64 (number or Long {low, high, unsigned}) as an exact bigint. */
function bigintOf(v: unknown): bigint {
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const { low, high, unsigned } = v as { low: number; high: number; unsigned?: boolean };
    return (BigInt(unsigned === true ? high >>> 0 : high) << 32n) + BigInt(low >>> 0);
  }
  return BigInt(Math.trunc(toNumber(v)));
}

const duration: WellKnown = {
  toJson: (msg) => formatGoDuration(bigintOf(msg['duration'])),
  fromJson: (json, _r, path) => {
    if (json === null) return undefined;
    if (typeof json !== 'string') throw new ProtobufError(`${path}: expected a duration string, got ${JSON.stringify(json)}`);
    try {
      return { duration: int64Of(parseGoDuration(json)) };
    } catch (err) {
      throw new ProtobufError(`${path}: ${(err as Error).message}`);
    }
  },
};

const intOrString: WellKnown = {
  toJson: (msg) => (toNumber(msg['type']) === 1 ? (typeof msg['strVal'] === 'string' ? msg['strVal'] : '') : toNumber(msg['intVal'])),
  fromJson: (json, _r, path) => {
    if (json === null) return undefined;
    // Go writes all three fields; so do we, for byte-compatible output.
    if (typeof json === 'number' && Number.isInteger(json)) return { type: 0, intVal: json, strVal: '' };
    if (typeof json === 'string') return { type: 1, intVal: 0, strVal: json };
    throw new ProtobufError(`${path}: expected an integer or a string, got ${JSON.stringify(json)}`);
  },
};

const schemaOrArray: WellKnown = {
  toJson: (msg, r) => {
    const list = msg['jSONSchemas'];
    if (Array.isArray(list) && list.length > 0) return list.map((s) => r.toJson(SCHEMA_PROPS, s));
    return has(msg, 'schema') ? r.toJson(SCHEMA_PROPS, msg['schema']) : null;
  },
  fromJson: (json, r, path) => {
    if (json === null) return undefined;
    if (Array.isArray(json)) return { jSONSchemas: json.map((s, i) => r.fromJson(SCHEMA_PROPS, s, `${path}[${i}]`)) };
    return { schema: r.fromJson(SCHEMA_PROPS, json, path) };
  },
};

const schemaOrBool: WellKnown = {
  toJson: (msg, r) => (has(msg, 'schema') ? r.toJson(SCHEMA_PROPS, msg['schema']) : msg['allows'] === true),
  fromJson: (json, r, path) => {
    if (json === null) return undefined;
    if (typeof json === 'boolean') return { allows: json };
    return { allows: true, schema: r.fromJson(SCHEMA_PROPS, json, path) }; // Go sets Allows for a schema
  },
};

const schemaOrStringArray: WellKnown = {
  toJson: (msg, r) => {
    const list = msg['property'];
    if (Array.isArray(list) && list.length > 0) return list as unknown[];
    return has(msg, 'schema') ? r.toJson(SCHEMA_PROPS, msg['schema']) : null;
  },
  fromJson: (json, r, path) => {
    if (json === null) return undefined;
    if (Array.isArray(json)) {
      if (!json.every((s) => typeof s === 'string')) throw new ProtobufError(`${path}: expected strings`);
      return { property: json };
    }
    return { schema: r.fromJson(SCHEMA_PROPS, json, path) };
  },
};

/** Well-known converters by message full name (no leading dot). */
export const wellKnownTypes: ReadonlyMap<string, WellKnown> = new Map<string, WellKnown>([
  [`${META}.Time`, timeLike(formatTime)],
  [`${META}.MicroTime`, timeLike(formatMicroTime)],
  [`${META}.Duration`, duration],
  [`${META}.FieldsV1`, rawJson('Raw', false)],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', quantity],
  ['k8s.io.apimachinery.pkg.api.resource.QuantityValue', quantity],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrString],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', rawJson('raw', true)],
  [`${APIEXT}.JSON`, rawJson('raw', false)],
  [`${APIEXT}.JSONSchemaPropsOrArray`, schemaOrArray],
  [`${APIEXT}.JSONSchemaPropsOrBool`, schemaOrBool],
  [`${APIEXT}.JSONSchemaPropsOrStringArray`, schemaOrStringArray],
]);
