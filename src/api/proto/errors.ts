// The one error type of the protobuf codec, so the API server can answer a bad body with 400
// (or a non-protobuf kind with 406/415) by checking `instanceof`.

/** A body or object the Kubernetes protobuf codec cannot convert; the message names the path and value. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}
