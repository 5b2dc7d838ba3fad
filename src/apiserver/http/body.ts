/**
 * Reads and decodes request bodies: JSON, YAML (aliases capped: a "billion laughs" document is
 * refused, not expanded) and Kubernetes protobuf, with a size limit, as kube-apiserver does.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../../api/errors.js';
import { decode as decodeProtobuf, hasProtobufMagic, ProtobufError, PROTOBUF_CONTENT_TYPE } from '../../api/protobuf.js';
import { errorText } from '../../util/errors.js';

/** kube-apiserver's limit for request bodies. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw tooLarge(`the request body is too large: ${declared} bytes exceed the limit of ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(`the request body is too large: more than the limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${errorText(e)}`);
  }
}

export function parseYamlBody(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  try {
    // maxAliasCount bounds alias expansion (a billion-laughs document fails fast instead of
    // growing); uniqueKeys rejects duplicate keys; several documents in one body are refused.
    return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true }) as unknown;
  } catch (e) {
    throw badRequest(`the request body is not valid YAML: ${errorText(e)}`);
  }
}

/** Decodes an object body by its Content-Type. */
export function decodeObject(buf: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  if (buf.length === 0) throw badRequest('the request body is empty');
  if (mt === 'application/json' || mt === '' || mt === 'text/plain') return parseJson(buf);
  if (mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml') return parseYamlBody(buf);
  if (mt === PROTOBUF_CONTENT_TYPE) {
    if (!hasProtobufMagic(buf)) throw badRequest('the protobuf body does not start with the Kubernetes magic bytes');
    try {
      return decodeProtobuf(buf);
    } catch (e) {
      if (e instanceof ProtobufError) throw badRequest(e.message);
      throw badRequest(`the protobuf body cannot be decoded: ${errorText(e)}`);
    }
  }
  throw unsupportedMediaType(contentType ?? '');
}
