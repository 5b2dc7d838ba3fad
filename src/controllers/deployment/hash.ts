/**
 * The pod-template-hash (upstream controller.ComputeHash) and template equality (EqualIgnoreHash).
 * Upstream hashes the Go struct's printed form with FNV-32a; we hash a canonical JSON form (keys
 * sorted, absent-equals-empty where Go's semantic equality says so) with FNV-32a, append the
 * collision count as upstream does, and encode the decimal sum with the same safe alphabet, so
 * names look alike (`web-5d8f7c9b4`) and stay stable across restarts and key orders.
 */
import type { PodTemplateSpec } from '../../api/generated/core/v1.js';

/**
 * Keys whose empty value Go's semantic equality treats as absent: maps (nil and empty are equal), and
 * `resources`, a struct (not a pointer) whose zero value is what an absent one decodes to. A template
 * written with `resources: {}` and one written without it are one template.
 */
const MAP_KEYS = new Set(['labels', 'annotations', 'nodeSelector', 'limits', 'requests', 'matchLabels', 'metadata', 'resources']);

/**
 * The canonical form: keys sorted, null/undefined dropped, empty lists dropped (nil and empty
 * slices are equal upstream), empty values under {@link MAP_KEYS} dropped.
 */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = canonical((v as Record<string, unknown>)[k]);
    if (x === null || x === undefined) continue;
    if (Array.isArray(x) && x.length === 0) continue;
    if (MAP_KEYS.has(k) && typeof x === 'object' && Object.keys(x).length === 0) continue;
    out[k] = x;
  }
  return out;
}

/** `t` without the pod-template-hash label. */
function withoutHash(t: PodTemplateSpec | undefined): unknown {
  if (!t) return {};
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels['pod-template-hash'];
  return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
}

/** Templates equal apart from the pod-template-hash label. */
export const equalIgnoreHash = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean =>
  JSON.stringify(canonical(withoutHash(a))) === JSON.stringify(canonical(withoutHash(b)));

function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** Upstream's rand.SafeEncodeString alphabet (no vowels, no look-alikes). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod-template-hash of a Deployment's template; `collisionCount` moves it off a taken name. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(JSON.stringify(canonical(withoutHash(template)))));
  if (collisionCount !== undefined) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return [...String(h)].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length] ?? '').join('');
}
