/**
 * The small formatting rules kubectl's describers share: ages, RFC 1123 times in local time,
 * `key=value` lists, multi-line labels/annotations/taints/tolerations, selectors, Go's `%v` of slices.
 */
import { labelSelectorFromSpec, type LabelSelectorSpec } from '../../api/selectors.js';
import type { Taint, Toleration } from '../../api/generated/core/v1.js';
import { goSort } from './gosort.js';
import { LEVEL_0, type PrefixWriter } from './writer.js';

/** A clock, injectable so ages are testable. */
export type Now = () => number;

/** kubectl's HumanDuration: `45s`, `3m20s`, `15m`, `5h10m`, `3d4h`, `400d`, `2y30d` (~2–3 figures). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** Age of a timestamp (`<unknown>` when absent), as kubectl's translateTimestampSince. */
export function since(t: string | undefined | null, now: Now): string {
  if (!t) return '<unknown>';
  const at = Date.parse(t);
  return Number.isNaN(at) ? '<unknown>' : humanDuration(now() - at);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Go's `Format(time.RFC1123Z)` of an API time in the local zone (`Mon, 02 Jan 2006 15:04:05 -0700`);
 * an absent time is Go's zero time, printed in UTC as kubectl does.
 */
export function rfc1123z(t: string | undefined | null): string {
  const at = t ? Date.parse(t) : NaN;
  if (Number.isNaN(at)) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(at);
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const zone = `${sign}${pad2(Math.floor(Math.abs(off) / 60))}${pad2(Math.abs(off) % 60)}`;
  return `${DAYS[d.getDay()] ?? ''}, ${pad2(d.getDate())} ${MONTHS[d.getMonth()] ?? ''} ${String(d.getFullYear()).padStart(4, '0')} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone}`;
}

/** Byte-wise string order, as Go's sort.Strings. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorted keys of a map. */
export const sortedKeys = (m: Readonly<Record<string, unknown>> | undefined | null): string[] => Object.keys(m ?? {}).sort(byString);

/** `a=1,b=2` (sorted), or `<none>` (labels.FormatLabels). */
export function formatLabels(m: Readonly<Record<string, string>> | undefined | null): string {
  const s = sortedKeys(m)
    .map((k) => `${k}=${m?.[k] ?? ''}`)
    .join(',');
  return s === '' ? '<none>' : s;
}

/** A structured selector's string form (`metav1.LabelSelectorAsSelector(...).String()`); `undefined` when invalid. */
export function selectorString(spec: LabelSelectorSpec | undefined | null): string | undefined {
  const r = labelSelectorFromSpec(spec);
  return r.ok ? r.value.toString() : undefined;
}

/** metav1.FormatLabelSelector: the selector text, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(spec: LabelSelectorSpec | undefined | null): string {
  const s = selectorString(spec);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** Go's `%v` of a string slice: `[a b]`. */
export const goSlice = (items: readonly unknown[] | undefined | null): string => `[${(items ?? []).map(String).join(' ')}]`;

/** `True`/`False`, or `<unset>` for an absent pointer. */
export function boolPtr(v: boolean | undefined | null): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

/** `<none>` for an empty string. */
export const stringOrNone = (s: string | undefined): string => (s ? s : '<none>');

/** Keys and values as `Title:\tk=v` lines, the later ones indented under the first (printLabelsMultiline). */
export function printLabelsMultiline(
  w: PrefixWriter,
  title: string,
  labels: Readonly<Record<string, string>> | undefined | null,
  o: { initialIndent?: string; innerIndent?: string; skip?: ReadonlySet<string> } = {},
): void {
  const initial = o.initialIndent ?? '';
  const inner = o.innerIndent ?? '\t';
  w.write(LEVEL_0, `${initial}${title}:${inner}`);
  const keys = sortedKeys(labels).filter((k) => !o.skip?.has(k));
  if (keys.length === 0) return w.line('<none>');
  keys.forEach((k, i) => {
    if (i !== 0) w.write(LEVEL_0, `${initial}${inner}`);
    w.write(LEVEL_0, `${k}=${labels?.[k] ?? ''}\n`);
  });
}

const MAX_ANNOTATION_LEN = 140;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');
const shorten = (s: string, max: number): string => {
  const b = Buffer.from(s, 'utf8');
  return b.length > max ? `${b.subarray(0, max).toString('utf8')}...` : s;
};

/**
 * Annotations as `Title:\tk: v` lines, the last-applied configuration left out; long or multi-line
 * values go on their own lines, cut at 140 bytes (printAnnotationsMultiline).
 */
export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Readonly<Record<string, string>> | undefined | null): void {
  w.write(LEVEL_0, `${title}:\t`);
  const keys = sortedKeys(annotations).filter((k) => k !== LAST_APPLIED);
  if (keys.length === 0) return w.line('<none>');
  const indent = '\t';
  keys.forEach((k, i) => {
    if (i !== 0) w.write(LEVEL_0, indent);
    const value = (annotations?.[k] ?? '').replace(/\n$/, '');
    if (byteLength(value) + byteLength(k) + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(LEVEL_0, `${k}:\n`);
      for (const s of value.split('\n')) w.write(LEVEL_0, `${indent}  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else {
      w.write(LEVEL_0, `${k}: ${value}\n`);
    }
  });
}

/** `key=value:Effect` (Taint.ToString). */
export const taintString = (t: Taint): string => (t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`);

/** Taints sorted by effect then key, one per line (printNodeTaintsMultiline). */
export function printTaintsMultiline(w: PrefixWriter, title: string, taints: readonly Taint[] | undefined): void {
  w.write(LEVEL_0, `${title}:\t`);
  if (!taints || taints.length === 0) return w.line('<none>');
  const key = (t: Taint): string => `${t.effect},${t.key}`;
  goSort([...taints], (a, b) => key(a) < key(b)).forEach((t, i) => {
      if (i !== 0) w.write(LEVEL_0, '\t');
      w.write(LEVEL_0, `${taintString(t)}\n`);
    });
}

/** Tolerations sorted by key: `key=value:Effect op=Exists for 300s` (printPodTolerationsMultiline). */
export function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: readonly Toleration[] | undefined): void {
  w.write(LEVEL_0, `${title}:\t`);
  if (!tolerations || tolerations.length === 0) return w.line('<none>');
  goSort([...tolerations], (a, b) => (a.key ?? '') < (b.key ?? '')).forEach((t, i) => {
      if (i !== 0) w.write(LEVEL_0, '\t');
      let s = t.key ?? '';
      if (t.value) s += `=${t.value}`;
      if (t.effect) s += `:${t.effect}`;
      // `operator: Exists` without a value tolerates everything (with a key: every value of it).
      if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
      if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
      w.write(LEVEL_0, `${s}\n`);
    });
}

/** Names of `items` sorted, one per line (printPodsMultiline). */
export function printNamesMultiline(w: PrefixWriter, title: string, names: readonly string[]): void {
  w.write(LEVEL_0, `${title}:\t`);
  if (names.length === 0) return w.line('<none>');
  [...names].sort(byString).forEach((n, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t');
    w.write(LEVEL_0, `${n}\n`);
  });
}
