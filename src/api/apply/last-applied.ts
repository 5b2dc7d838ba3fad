/**
 * Moving from client-side to server-side apply (kube-apiserver's lastAppliedManager and
 * lastAppliedUpdater): for manager "kubectl", fields still at the value of the
 * kubectl.kubernetes.io/last-applied-configuration annotation are not conflicts, and an apply
 * rewrites that annotation when the object has one.
 */
import type { TypeInfo } from '../schema.js';
import { compare } from './compare.js';
import { toFieldSet } from './fieldset.js';
import type { FieldSet } from './set.js';
import { isObj } from './types.js';

/** The annotation client-side apply keeps. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;

function lastApplied(o: Obj): string | undefined {
  const meta = o['metadata'];
  const ann = isObj(meta) && isObj(meta['annotations']) ? meta['annotations'][LAST_APPLIED] : undefined;
  return typeof ann === 'string' && ann !== '' ? ann : undefined;
}

/** Fields of the last-applied configuration whose live value has not changed since; undefined without one. */
export function allowedByLastApplied(live: Obj, t: TypeInfo | undefined): FieldSet | undefined {
  const text = lastApplied(live);
  if (text === undefined) return undefined;
  let la: unknown;
  try {
    la = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(la)) return undefined;
  try {
    return toFieldSet(la, t).difference(compare(la, live, t).modified);
  } catch {
    return undefined;
  }
}

/** Go's json.Marshal of a map: keys sorted, HTML characters escaped. */
function goJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : isObj(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x;
  return JSON.stringify(sort(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `result` with the annotation set to `config` when `live` had one. */
export function updateLastApplied(live: Obj, result: Obj, config: Obj): Obj {
  if (lastApplied(live) === undefined) return result;
  const cfg = structuredClone(config);
  const cmeta = cfg['metadata'];
  if (isObj(cmeta) && isObj(cmeta['annotations'])) {
    delete cmeta['annotations'][LAST_APPLIED];
    if (Object.keys(cmeta['annotations']).length === 0) delete cmeta['annotations'];
  }
  const meta = isObj(result['metadata']) ? result['metadata'] : {};
  const annotations = isObj(meta['annotations']) ? meta['annotations'] : {};
  return { ...result, metadata: { ...meta, annotations: { ...annotations, [LAST_APPLIED]: goJson(cfg) } } };
}
