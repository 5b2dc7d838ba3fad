// JSON Pointer (RFC 6901) parsing and array-index rules, as JSON Patch (RFC 6902) uses them.
import { cannotApply } from './errors.js';

/**
 * The reference tokens of a JSON Pointer: `""` is the whole document (no tokens), `"/a~1b/0"` is
 * `['a/b', '0']`. A pointer must start with `/`; `~` must be followed by `0` or `1`.
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw cannotApply(`invalid JSON pointer ${JSON.stringify(pointer)}: must be empty or start with "/"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) {
        throw cannotApply(`invalid JSON pointer ${JSON.stringify(pointer)}: "~" must be followed by "0" or "1"`);
      }
      // Order matters: "~01" is the literal "~1", so "~1" is decoded before "~0".
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** Renders tokens back into a pointer (for messages). */
export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * The array index a token names, or undefined when the token is not a valid index: RFC 6901
 * allows only `0` or digits without a leading zero (so `01`, `-1`, `1e2` are not indices).
 */
export function arrayIndex(token: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]*)$/.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}
