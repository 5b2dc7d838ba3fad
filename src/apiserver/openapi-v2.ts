/**
 * /openapi/v2 (and /swagger-2.0.0.pb-v1): the Swagger 2.0 document kubectl 1.27–1.29 download for
 * `create -f`/`apply -f`/`replace -f` validation, client-side apply and `explain`. It is built
 * from the served v3 documents on the first request (not at start-up: it costs a few hundred ms),
 * then kept; protobuf for clients that ask for it, JSON otherwise, each with a content-hash ETag.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/log.js';
import type { OpenApiV3 } from './openapi.js';
import { isObject, swaggerFromV3, type Json, type JsonObject, type SwaggerDocument } from './openapi-v2/convert.js';
import { encodeDocument } from './openapi-v2/encode.js';

/**
 * The media type of the protobuf answer. Clients ask for `…spec.v2@v1.0+protobuf`, but `@` is not
 * allowed in a media type, and Go's mime parser (which client-go runs on Content-Type) rejects it,
 * so kube-apiserver answers with a dot in its place, as this does.
 */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

interface Body {
  bytes: Buffer;
  etag: string;
}

/** Whether an Accept header asks for the protobuf form (either spelling of the version suffix). */
export function wantsProtobuf(accept: string | undefined): boolean {
  return accept?.includes('application/com.github.proto-openapi.spec.v2') ?? false;
}

function body(bytes: Buffer): Body {
  return { bytes, etag: `"${createHash('sha512').update(bytes).digest('hex').slice(0, 64).toUpperCase()}"` };
}

/** Whether If-None-Match names this ETag (or is `*`). */
function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

export class OpenApiV2 {
  private doc: SwaggerDocument | undefined;
  private json: Body | undefined;
  private proto: Body | undefined;

  constructor(
    private readonly v3: OpenApiV3,
    private readonly version: string,
    private readonly log?: Logger,
  ) {}

  /** The document, converted from every served group-version's v3 document on first use. */
  document(): SwaggerDocument {
    if (this.doc) return this.doc;
    const started = performance.now();
    const docs: JsonObject[] = [];
    for (const path of Object.keys(this.v3.root().paths).sort()) {
      const d = this.v3.document(path);
      const parsed = d ? (JSON.parse(d.body.toString('utf8')) as Json) : undefined;
      if (isObject(parsed)) docs.push(parsed);
    }
    this.doc = swaggerFromV3(docs, this.version);
    this.log?.info('built OpenAPI v2 document', { ms: Math.round(performance.now() - started), definitions: Object.keys(this.doc.definitions).length, paths: Object.keys(this.doc.paths).length });
    return this.doc;
  }

  /** The gnostic protobuf encoding, made once. */
  protobuf(): Body {
    if (!this.proto) {
      const started = performance.now();
      this.proto = body(encodeDocument(this.document()));
      this.log?.info('encoded OpenAPI v2 protobuf', { ms: Math.round(performance.now() - started), bytes: this.proto.bytes.length });
    }
    return this.proto;
  }

  /** The JSON encoding, made once. */
  jsonBody(): Body {
    this.json ??= body(Buffer.from(JSON.stringify(this.document())));
    return this.json;
  }

  /**
   * Answers GET /openapi/v2 (protobuf when Accept asks for it, else JSON) and
   * /swagger-2.0.0.pb-v1 (always protobuf); 304 when If-None-Match carries the current ETag.
   */
  serve(req: IncomingMessage, res: ServerResponse, alwaysProtobuf: boolean): void {
    const proto = alwaysProtobuf || wantsProtobuf(req.headers.accept);
    const b = proto ? this.protobuf() : this.jsonBody();
    const headers = { ETag: b.etag, Vary: 'Accept', 'Cache-Control': 'no-cache, private' };
    if (notModified(req, b.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': proto ? OPENAPI_V2_PROTOBUF : 'application/json', 'Content-Length': b.bytes.length });
    res.end(b.bytes);
  }
}
