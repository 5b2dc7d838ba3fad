/** Typed storage errors: every backend reports the same codes, the API server maps them to HTTP. */
import type { KeyValue } from './store.js';

export type StorageErrorCode =
  /** create on a key that exists */
  | 'KeyExists'
  /** update/delete of a key that does not exist */
  | 'NotFound'
  /** update/delete with a stale expected revision */
  | 'Conflict'
  /** the requested revision was compacted away (the API server answers 410 Gone) */
  | 'Expired'
  /** the requested revision is newer than the store */
  | 'FutureRevision'
  /** the backend cannot be reached or closed under the caller */
  | 'Unavailable'
  /** the store was closed */
  | 'Closed'
  /** a malformed argument (a revision that is not a non-negative integer, a value that is not bytes) */
  | 'InvalidArgument';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** For Conflict: the key's current version, so callers can retry without another read. */
    readonly current?: KeyValue,
  ) {
    super(message);
  }
}

export const isStorageError = (e: unknown, code?: StorageErrorCode): e is StorageError =>
  e instanceof StorageError && (code === undefined || e.code === code);

export const keyExists = (key: string) => new StorageError('KeyExists', `key already exists: ${key}`);
export const notFound = (key: string) => new StorageError('NotFound', `key not found: ${key}`);
export const conflict = (key: string, expected: number, current: KeyValue) =>
  new StorageError('Conflict', `revision mismatch for ${key}: expected ${expected}, current ${current.modRevision}`, current);
export const expired = (requested: number, compacted: number) =>
  new StorageError('Expired', `too old resource version: ${requested} (${compacted})`);
export const invalidArgument = (message: string) => new StorageError('InvalidArgument', message);
export const futureRevision = (requested: number, current: number) =>
  new StorageError('FutureRevision', `revision ${requested} is newer than the current revision ${current}`);
