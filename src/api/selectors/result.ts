// The result shape selector parsing returns: a bad selector is an expected outcome of user
// input (a 400 BadRequest in the API server), so it is a value, not an exception.

/** Success carries the value; failure carries the message kube-apiserver would put in its Status. */
export type SelectorResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Builds a success. */
export const ok = <T>(value: T): SelectorResult<T> => ({ ok: true, value });
/** Builds a failure. */
export const fail = <T>(error: string): SelectorResult<T> => ({ ok: false, error });
