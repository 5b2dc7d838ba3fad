// Cell formatting shared by the printers, with upstream's exact texts: HumanDuration ages, label
// and selector strings, container lists, quantities and access modes.
import { canonicalizeQuantity } from '../quantity.js';
import { labelSelectorFromSpec, type LabelSelectorSpec } from '../selectors.js';
import { arr, asObject, objs, str, strMap, time } from './access.js';

/**
 * Upstream `duration.HumanDuration`: about two significant figures ("59s", "119s", "2m", "5m30s",
 * "3h10m", "5d", "2y30d"); up to a second in the future reads "0s", further is "<invalid>".
 */
export function humanDuration(ms: number): string {
  // Go converts with truncation toward zero at every step.
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** Upstream `translateTimestampSince`: the age of `t` at `now`, `<unknown>` for an unset time. */
export function since(t: Date | undefined, now: Date): string {
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t.getTime());
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Upstream `labels.FormatLabels`: sorted `k=v` pairs joined by commas, `<none>` when empty. */
export function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  // Go sorts the joined "k=v" strings, not the keys.
  pairs.sort(byteOrder);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

/** A metav1.LabelSelector read from untyped JSON; null when absent (a nil pointer). */
function selectorSpec(v: unknown): LabelSelectorSpec | null {
  const o = asObject(v);
  if (o === undefined) return null;
  return {
    matchLabels: strMap(o, 'matchLabels'),
    matchExpressions: objs(o, 'matchExpressions').map((e) => ({
      key: str(e, 'key'),
      operator: str(e, 'operator'),
      values: arr(e, 'values').filter((x): x is string => typeof x === 'string'),
    })),
  };
}

/** Upstream `metav1.FormatLabelSelector`: `<none>` when it selects everything or nothing, `<error>` if invalid. */
export function formatLabelSelector(selector: unknown): string {
  const r = labelSelectorFromSpec(selectorSpec(selector));
  if (!r.ok) return '<error>';
  const s = r.value.toString();
  return s === '' ? '<none>' : s;
}

/** The selector string the Deployment printer uses: `''` when empty, `<invalid>` on error. */
export function selectorString(selector: unknown): string {
  const r = labelSelectorFromSpec(selectorSpec(selector));
  return r.ok ? r.value.toString() : '<invalid>';
}

/** Upstream `layoutContainerCells`: container names and images, each joined by commas. */
export function containerCells(podSpec: unknown): [names: string, images: string] {
  const containers = objs(podSpec, 'containers');
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}

/** `Quantity.String()`: the canonical form ("1Gi", "500m"); an absent quantity prints "0". */
export function quantity(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return '0';
  const s = String(v);
  try {
    return canonicalizeQuantity(s);
  } catch {
    return s;
  }
}

/** Upstream `GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order, each once. */
export function accessModes(modes: unknown[]): string {
  const order: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return order.filter(([mode]) => modes.includes(mode)).map(([, short]) => short).join(',');
}

/** Upstream `printBoolPtr`: "True", "False" or `<unset>`. */
export function boolPtr(v: boolean | undefined): string {
  return v === undefined ? '<unset>' : v ? 'True' : 'False';
}

/** Joins up to `max` items with commas, then ` + N more...`; `<unset>` when empty (upstream `listWithMoreString`). */
export function listWithMore(items: string[], max: number): string {
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  return items.length === 0 ? '<unset>' : items.join(',');
}

/** `metadata.name` of an object. */
export function nameOf(o: unknown): string {
  return str(o, 'metadata', 'name');
}

/** The Age cell of an object: its creationTimestamp's age at `now`. */
export function ageOf(o: unknown, now: Date): string {
  return since(time(o, 'metadata', 'creationTimestamp'), now);
}

/** `intstr.IntOrString.String()`: the number or the string as written. */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'string' ? v : '';
}
