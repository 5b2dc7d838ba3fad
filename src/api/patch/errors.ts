// The one error type of the patch appliers, so the API server can answer a bad patch with the
// status Kubernetes uses by checking `instanceof` and reading `code`.

/**
 * Why a patch could not be applied.
 * - `BadRequest` (HTTP 400): the patch document itself is malformed (not JSON of the right shape,
 *   an unknown operation, a bad directive).
 * - `Invalid` (HTTP 422): the patch is well formed but cannot be applied to this object (a path
 *   that does not exist, a failed `test`, a list element without its merge key).
 */
export type PatchErrorCode = 'BadRequest' | 'Invalid';

/** A patch that is malformed or cannot be applied; the message names the path or value at fault. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  constructor(
    readonly code: PatchErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The HTTP status the API server answers with. */
  get httpStatus(): 400 | 422 {
    return this.code === 'BadRequest' ? 400 : 422;
  }
}

/** True for a {@link PatchError}, optionally of one code. */
export const isPatchError = (e: unknown, code?: PatchErrorCode): e is PatchError =>
  e instanceof PatchError && (code === undefined || e.code === code);

/** A malformed patch document (HTTP 400). */
export const badPatch = (message: string): PatchError => new PatchError('BadRequest', message);

/** A well-formed patch that does not apply to the object (HTTP 422). */
export const cannotApply = (message: string): PatchError => new PatchError('Invalid', message);
