/**
 * kubectl's fallback describer for kinds without their own (CRDs, leases, roles…): name,
 * namespace, labels, annotations, then every field of the object as an indented tree with
 * "smart" labels (`apiVersion` → `API Version`), then the object's events.
 */
import { resourcePath, type ResourceDescriptor } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import type { DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { byString, printAnnotationsMultiline, printLabelsMultiline } from './format.js';
import { LEVEL_0, tabbed, type PrefixWriter } from './writer.js';

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

type CharClass = 'lower' | 'upper' | 'digit' | 'other';
const classOf = (c: string): CharClass => (/\p{Ll}/u.test(c) ? 'lower' : /\p{Lu}/u.test(c) ? 'upper' : /\p{Nd}/u.test(c) ? 'digit' : 'other');

/** Splits at case changes, keeping acronyms whole: `podCIDRs` → pod, CID, Rs; `HTTPServer` → HTTP, Server. */
export function splitCamelCase(s: string): string[] {
  const runs: string[][] = [];
  let last: CharClass | undefined;
  for (const c of s) {
    const cls = classOf(c);
    if (cls === last) runs[runs.length - 1]?.push(c);
    else runs.push([c]);
    last = cls;
  }
  // An upper-case run followed by a lower-case one gives its last letter to it: PDFL|oader → PDF|Loader.
  for (let i = 0; i < runs.length - 1; i++) {
    const cur = runs[i] ?? [];
    const next = runs[i + 1] ?? [];
    if (classOf(cur[0] ?? '') === 'upper' && classOf(next[0] ?? '') === 'lower') {
      const moved = cur.pop();
      if (moved !== undefined) next.unshift(moved);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** `apiVersion` → `API Version`; names with characters other than letters and `-` stay as they are. */
export function smartLabel(field: string): string {
  if ([...field].some((c) => !/\p{L}/u.test(c) && c !== '-')) return field;
  return splitCamelCase(field)
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.replace(/(^|[^\p{L}])(\p{L})/gu, (_, pre: string, l: string) => pre + l.toUpperCase())))
    .join(' ');
}

/** Go's `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e6 (`%g` with the shortest precision). */
function goFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  const [mantissa = '', exp = '0'] = v.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(v);
}

/** Go's `%v` of a decoded JSON value (integers as int64, other numbers as float64). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort(byString)
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(' ')}]`;
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const SKIP = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

/** Every field of `content`, sorted, maps and lists as nested blocks (printUnstructuredContent). */
export function printContent(w: PrefixWriter, level: number, content: Readonly<Record<string, unknown>>, prefix: string): void {
  for (const field of Object.keys(content).sort(byString)) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (SKIP.has(path)) continue;
    if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child)) printContent(w, level + 1, child as Record<string, unknown>, path);
        else w.write(level + 1, `${goValue(child)}\n`);
      }
    } else if (value !== null && typeof value === 'object') {
      w.write(level, `${smartLabel(field)}:\n`);
      printContent(w, level + 1, value as Record<string, unknown>, path);
    } else {
      w.write(level, `${smartLabel(field)}:\t${goValue(value)}\n`);
    }
  }
}

/** Describes any object through its REST mapping. */
export async function describeGeneric(ctx: DescribeContext, mapping: ResourceDescriptor, namespace: string, name: string): Promise<string> {
  const obj = await ctx.client.request<KubeObject & Record<string, unknown>>({ method: 'GET', path: resourcePath(mapping, { namespace: mapping.namespaced ? namespace : undefined, name }) });
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(obj)) : undefined;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${obj.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${obj.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', obj.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', obj.metadata?.annotations);
    printContent(w, LEVEL_0, obj, '');
    if (events) describeEvents(events, w, ctx.now);
  });
}
