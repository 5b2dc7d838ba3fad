/** Writes responses: JSON objects and Status errors, with the content type clients negotiate. */
import type { ServerResponse } from 'node:http';
import { ApiError, internalError, type Status } from '../../api/errors.js';
import { errorText } from '../../util/errors.js';

export const JSON_TYPE = 'application/json';
export const TABLE_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = JSON_TYPE): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return internalError(errorText(e));
}

export function sendError(res: ServerResponse, e: unknown): void {
  const err = toApiError(e);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status: Status = err.status;
  sendJson(res, status.code, status);
}

/** Accept header parsing: does the client ask for a Table (as=Table;g=meta.k8s.io)? */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.some((p) => p === 'g=meta.k8s.io');
  });
}

/** Aggregated discovery requested (as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2 or v2beta1)? Returns the version. */
export function wantsAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (params.includes('as=APIGroupDiscoveryList') && params.includes('g=apidiscovery.k8s.io')) {
      if (params.includes('v=v2')) return 'v2';
      if (params.includes('v=v2beta1')) return 'v2beta1';
    }
  }
  return undefined;
}
