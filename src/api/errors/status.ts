/**
 * Kubernetes `Status` errors: one error type (ApiError) carries the Status body the API server
 * sends and clients receive. Messages follow kube-apiserver's wording, which kubectl prints as
 * `Error from server (<Reason>): <message>`.
 */
import { fieldErrorBody, fieldErrorString, type FieldError } from './field.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'ServerTimeout'
  | '';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The wire shape (meta/v1 Status). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A group + resource, as in `deployments.apps`; the core group is ''. */
export interface GroupResource {
  group: string;
  resource: string;
}

const qualified = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

export function statusError(code: number, reason: StatusReason, message: string, details?: StatusDetails): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
}

export const isApiError = (e: unknown, reason?: StatusReason): e is ApiError =>
  e instanceof ApiError && (reason === undefined || e.reason === reason);
export const isNotFound = (e: unknown) => isApiError(e, 'NotFound');
/** True when `e` is an ApiError whose details carry a cause with `reason` (e.g. NamespaceTerminating). */
export const hasStatusCause = (e: unknown, reason: string) => e instanceof ApiError && (e.status.details?.causes ?? []).some((c) => c.reason === reason);
export const isConflict = (e: unknown) => isApiError(e, 'Conflict');
export const isAlreadyExists = (e: unknown) => isApiError(e, 'AlreadyExists');
export const isInvalid = (e: unknown) => isApiError(e, 'Invalid');
export const isGone = (e: unknown) => isApiError(e, 'Expired') || isApiError(e, 'Gone');

export const notFound = (gr: GroupResource, name: string) =>
  statusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, group: gr.group || undefined, kind: gr.resource });

export const alreadyExists = (gr: GroupResource, name: string) =>
  statusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, { name, group: gr.group || undefined, kind: gr.resource });

export const conflict = (gr: GroupResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  statusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, { name, group: gr.group || undefined, kind: gr.resource });

/** 422 with one cause per field error: `Pod "x" is invalid: spec.containers[0].image: Required value`. */
export function invalid(kind: { group: string; kind: string }, name: string, errors: readonly FieldError[]): ApiError {
  const list = errors.map(fieldErrorString);
  const what = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  const joined = list.length === 1 ? (list[0] ?? '') : `[${list.join(', ')}]`;
  return statusError(422, 'Invalid', `${what} "${name}" is invalid: ${joined}`, {
    name,
    group: kind.group || undefined,
    kind: kind.kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

export const badRequest = (message: string, causes?: StatusCause[]) => statusError(400, 'BadRequest', message, causes ? { causes } : undefined);
export const unauthorized = (message = 'Unauthorized') => statusError(401, 'Unauthorized', message);
export const forbidden = (message: string) => statusError(403, 'Forbidden', message);
export const methodNotAllowed = (message: string) => statusError(405, 'MethodNotAllowed', message);
export const notAcceptable = (message: string) => statusError(406, 'NotAcceptable', message);
export const gone = (message: string) => statusError(410, 'Expired', message);
export const tooLarge = (message = 'the request is too large') => statusError(413, 'RequestEntityTooLarge', message);
export const unsupportedMediaType = (contentType: string) =>
  statusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType || 'none'})`);
export const internalError = (message: string) => statusError(500, 'InternalError', `Internal error occurred: ${message}`);
export const unavailable = (message: string) => statusError(503, 'ServiceUnavailable', message);
export const timeout = (message: string) => statusError(504, 'Timeout', message);

/** A Success Status, as an immediate DELETE returns. */
export function success(details?: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

/** Rebuilds an ApiError from a Status body a server sent. */
export function fromStatus(body: unknown, httpCode: number): ApiError {
  const s = body as Partial<Status> | undefined;
  if (s && s.kind === 'Status') return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...s, code: s.code ?? httpCode });
  return statusError(httpCode, '', `the server responded with status ${httpCode}`);
}
