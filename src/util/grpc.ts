/**
 * How our gRPC clients (etcd, CRI) load their .proto schemas: field names as in the schema
 * (snake_case), 64-bit integers as numbers, enums as their names, bytes as Buffers, every field
 * present with its default, and oneofs named.
 */
export const protoLoaderOptions = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
} as const;
