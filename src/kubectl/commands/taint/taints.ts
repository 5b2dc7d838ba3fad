/**
 * Taint arguments and their effect on a node's taint list, as kubectl taint computes them:
 * `key=value:Effect` / `key:Effect` add (or, with --overwrite, replace the taint with the same key
 * and effect), `key:Effect-` and `key-` remove. Added taints come first, then the node's others,
 * and the result is named `tainted`, `untainted` or `modified`. Messages are kubectl's.
 */
import { isLabelValue, isQualifiedName } from '../../../api/validation/names.js';

/** A node taint as the API holds it. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string | null;
}

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** True when an argument is a taint change rather than a resource or name. */
export const isTaintArg = (s: string): boolean => s.includes('=') || s.includes(':') || s.endsWith('-');

/** Taint.ToString(): `key`, `key=value:`, `key:Effect` or `key=value:Effect`. */
export function taintString(t: Pick<Taint, 'key' | 'value' | 'effect'>): string {
  const value = t.value ?? '';
  if (t.effect === '') return value === '' ? t.key : `${t.key}=${value}:`;
  return value === '' ? `${t.key}:${t.effect}` : `${t.key}=${value}:${t.effect}`;
}

/** One `key[=value][:effect]` argument (without a trailing `-`). Throws with kubectl's message. */
export function parseTaint(spec: string): Taint {
  const parts = spec.split(':');
  let key: string;
  let value = '';
  let effect = '';
  if (parts.length === 1) {
    key = parts[0] ?? '';
  } else if (parts.length === 2) {
    effect = parts[1] ?? '';
    if (!EFFECTS.has(effect)) throw new Error(`invalid taint effect: ${effect}, unsupported taint effect`);
    const kv = (parts[0] ?? '').split('=');
    if (kv.length > 2) throw new Error(`invalid taint spec: ${spec}`);
    key = kv[0] ?? '';
    if (kv.length === 2) {
      value = kv[1] ?? '';
      const errs = isLabelValue(value);
      if (errs.length > 0) throw new Error(`invalid taint spec: ${spec}, ${errs.join('; ')}`);
    }
  } else {
    throw new Error(`invalid taint spec: ${spec}`);
  }
  const errs = isQualifiedName(key);
  if (errs.length > 0) throw new Error(`invalid taint spec: ${spec}, ${errs.join('; ')}`);
  return { key, value, effect };
}

/** Go's `%v` of a corev1.Taint value: `{key value effect <nil>}`. */
const goTaint = (t: Taint) => `{${t.key} ${t.value ?? ''} ${t.effect} <nil>}`;

/** Splits taint arguments into additions and removals; additions need an effect and must be unique per key and effect. */
export function parseTaints(specs: string[]): { add: Taint[]; remove: Taint[] } {
  const add: Taint[] = [];
  const remove: Taint[] = [];
  for (const spec of specs) {
    if (spec.endsWith('-')) {
      const t = parseTaint(spec.slice(0, -1));
      remove.push({ key: t.key, effect: t.effect });
      continue;
    }
    const t = parseTaint(spec);
    if (t.effect === '') throw new Error(`invalid taint spec: ${spec}`);
    if (add.some((a) => a.key === t.key && a.effect === t.effect)) throw new Error(`duplicated taints with the same key and effect: ${goTaint(t)}`);
    add.push(t);
  }
  return { add, remove };
}

/** `key=effect` of every removal that contradicts an addition (same key, and same or no effect). */
export function conflicts(add: Taint[], remove: Taint[]): string[] {
  const out: string[] = [];
  for (const a of add) {
    for (const r of remove) {
      if (a.key === r.key && (r.effect === '' || a.effect === r.effect)) out.push(`${r.key}=${r.effect}`);
    }
  }
  return out;
}

/** The keys of additions the node already has with the same effect, comma-joined ('' when none). */
export function alreadyPresent(existing: Taint[], add: Taint[]): string {
  const keys: string[] = [];
  for (const a of add) for (const e of existing) if (a.key === e.key && a.effect === e.effect) keys.push(a.key);
  return keys.join(',');
}

const matches = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;

/**
 * The node's new taint list and the word kubectl prints for it. `errors` lists removals that
 * matched nothing (`taint "k:Effect" not found`); the caller fails on them.
 */
export function reorganize(existing: Taint[], overwrite: boolean, add: Taint[], remove: Taint[]): { operation: 'tainted' | 'untainted' | 'modified'; taints: Taint[]; errors: string[] } {
  let taints = [...add];
  for (const old of existing) if (!taints.some((t) => matches(t, old))) taints.push(old);
  const added = existing.length !== taints.length;
  const errors: string[] = [];
  let deleted = false;
  for (const r of remove) {
    const before = taints.length;
    taints = taints.filter((t) => (r.effect === '' ? t.key !== r.key : !matches(r, t)));
    // Like kubectl, only the last removal decides whether anything counts as deleted.
    deleted = taints.length !== before;
    if (!deleted) errors.push(`taint "${taintString(r)}" not found`);
  }
  const operation = (added && deleted) || overwrite ? 'modified' : added ? 'tainted' : 'untainted';
  return { operation, taints, errors };
}
