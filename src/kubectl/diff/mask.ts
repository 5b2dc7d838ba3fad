/**
 * Secret values hidden from `kubectl diff` output: every `data` value of a v1 Secret becomes `***`
 * on both sides, except that a key present on both sides with different values shows
 * `*** (before)` and `*** (after)`, so the diff still says that it changed (kubectl's Masker).
 * `stringData` is left alone: the server folds it into `data` before either side is printed.
 */
import type { KubeObject } from '../../client/types.js';

export const MASK = '***';
export const MASK_BEFORE = '*** (before)';
export const MASK_AFTER = '*** (after)';

type Data = Record<string, unknown>;

function dataOf(obj: KubeObject | undefined): Data | undefined {
  const data = (obj as Record<string, unknown> | undefined)?.['data'];
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...(data as Data) } : undefined;
}

const withData = (obj: KubeObject, data: Data): KubeObject => ({ ...obj, data }) as KubeObject;

/** Whether kubectl masks this object (it looks at the MERGED side's version and kind only). */
export function isSecret(obj: KubeObject | undefined): boolean {
  const apiVersion = obj?.apiVersion ?? '';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  return version === 'v1' && obj?.kind === 'Secret';
}

/** Copies of `from` (live) and `to` (merged) with their `data` values masked; the inputs are not changed. */
export function maskSecrets(from: KubeObject | undefined, to: KubeObject | undefined): { from: KubeObject | undefined; to: KubeObject | undefined } {
  const before = dataOf(from);
  const after = dataOf(to);
  for (const key of Object.keys(before ?? {})) {
    if (before === undefined) break;
    if (after !== undefined && Object.hasOwn(after, key)) {
      if (before[key] !== after[key]) {
        before[key] = MASK_BEFORE;
        after[key] = MASK_AFTER;
        continue;
      }
      after[key] = MASK;
    }
    before[key] = MASK;
  }
  for (const key of Object.keys(after ?? {})) {
    if (after !== undefined && (before === undefined || !Object.hasOwn(before, key))) after[key] = MASK;
  }
  return {
    from: from !== undefined && before !== undefined ? withData(from, before) : from,
    to: to !== undefined && after !== undefined ? withData(to, after) : to,
  };
}
