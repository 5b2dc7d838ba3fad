/**
 * kubectl 1.32's `explain` plaintext output, computed from one group-version's OpenAPI v3 document.
 * kubectl renders it with a Go template (`pkg/explain/v2/templates/plaintext.tmpl`); this follows
 * that template's rules step by step, including Go template truthiness (empty maps, lists and
 * strings are false), sorted map iteration, `$ref` cycle detection, word wrapping at 76/78 columns
 * (go-wordwrap) and indentation that also pads blank lines.
 */
type Obj = Record<string, unknown>;

/** A failure the template raises itself (kubectl prints it as `error: …`). */
export class ExplainError extends Error {
  override readonly name = 'ExplainError';
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Go template truth: false, 0, nil and empty strings, lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return true;
}

const or = <T>(v: T | undefined, fallback: T): T => (truthy(v) ? (v as T) : fallback);
const field = (o: unknown, k: string): unknown => (isObj(o) ? o[k] : undefined);

/** Go's unicode.IsSpace, less the no-break space that go-wordwrap keeps inside words. */
const isGoSpace = (ch: string): boolean => /^[\t\n\v\f\r \u0085]$/.test(ch) || (ch !== '\u00a0' && /^[\p{Zs}\p{Zl}\p{Zp}]$/u.test(ch));

/** go-wordwrap v1.0.1's WrapString: breaks at white space only, counting runes. */
export function wrap(limit: number, s: string): string {
  let out = '';
  let current = 0;
  let word = '';
  let wordLen = 0;
  let space = '';
  let spaceLen = 0;
  for (const ch of s) {
    if (ch === '\n') {
      if (wordLen === 0) {
        if (current + spaceLen > limit) current = 0;
        else out += space;
      } else out += space + word;
      space = '';
      spaceLen = 0;
      word = '';
      wordLen = 0;
      out += ch;
      current = 0;
    } else if (isGoSpace(ch)) {
      if (spaceLen === 0 || wordLen > 0) {
        current += spaceLen + wordLen;
        out += space + word;
        space = '';
        spaceLen = 0;
        word = '';
        wordLen = 0;
      }
      space += ch;
      spaceLen++;
    } else {
      word += ch;
      wordLen++;
      if (current + spaceLen + wordLen > limit && wordLen < limit) {
        out += '\n';
        current = 0;
        space = '';
        spaceLen = 0;
      }
    }
  }
  if (wordLen === 0) {
    if (current + spaceLen <= limit) out += space;
  } else out += space + word;
  return out;
}

/** The template's `indent`: pads the first line and every line after a newline, blank ones too. */
export const indent = (n: number, s: string): string => {
  const pad = ' '.repeat(n);
  return pad + s.replaceAll('\n', `\n${pad}`);
};

/** A value as Go's `%v` prints it (enum members). */
function goValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    // %v of a float64 is %g with the shortest digits: exponent form from 1e21 (and below 1e-4).
    const abs = Math.abs(v);
    if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
    return String(v);
  }
  if (v === null || v === undefined) return '<nil>';
  return typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  return a === b;
}

const contains = (list: unknown, value: unknown): boolean => Array.isArray(list) && list.some((x) => deepEqual(x, value));

/** A schema's `additionalProperties` when it is a schema (not `true`/`false`). */
const mapValues = (s: unknown): unknown => {
  const ap = field(s, 'additionalProperties');
  return truthy(ap) && typeof ap !== 'boolean' ? ap : undefined;
};

/** What the template sees of a run: the document and whether the listing is recursive. */
interface Ctx {
  doc: Obj;
  recursive: boolean;
}

/** The template's `resolveRef`: a `#/a/b` reference inside the document, or undefined. */
function resolveRef(ref: unknown, doc: Obj): Obj | undefined {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  let cur: Obj = doc;
  for (const k of decodeURIComponent(ref.slice(1)).split('/')) {
    if (k === '') continue;
    const next = cur[k];
    if (!isObj(next)) return undefined;
    cur = next;
  }
  return cur;
}

const resolved = (c: Ctx, schema: unknown): unknown => or<unknown>(resolveRef(field(schema, '$ref'), c.doc), schema);

function typeGuess(c: Ctx, schema: unknown): string {
  if (!truthy(schema)) throw new ExplainError("template: output:1:1: executing \"typeGuess\": expected schema argument to subtemplate 'typeguess'");
  const items = field(schema, 'items');
  if (truthy(items)) return `[]${typeGuess(c, items)}`;
  const values = mapValues(schema);
  if (values !== undefined) return `map[string]${typeGuess(c, values)}`;
  const allOf = field(schema, 'allOf');
  if (truthy(allOf) && !truthy(field(schema, 'properties')) && Array.isArray(allOf) && allOf.length === 1) return typeGuess(c, allOf[0]);
  const ref = field(schema, '$ref');
  if (truthy(ref)) {
    const target = resolveRef(ref, c.doc);
    const type = field(target, 'type');
    if (!truthy(target) || !truthy(type) || type === 'object') return or(String(ref).split('/').pop()?.split('.').pop(), 'Object');
    return String(type);
  }
  const type = field(schema, 'type');
  return type === 'object' ? 'Object' : truthy(type) ? String(type) : 'Object';
}

function extractEnum(schema: unknown, o: { long: boolean; limit: number; indent?: number }): string {
  const values = field(schema, 'enum');
  if (!truthy(values) || !Array.isArray(values)) return '';
  let out = o.long ? 'ENUM:' : `\n${' '.repeat(o.indent ?? 0)}enum: `;
  for (const [i, v] of values.entries()) {
    if (o.limit > -1 && i >= o.limit) {
      out += ', ....';
      break;
    }
    if (i > 0 && !o.long) out += ', ';
    else if (o.long) out += '\n    ';
    out += v === '' ? '""' : goValue(v);
  }
  return out;
}

function description(c: Ctx, schema: unknown): string {
  const s = resolved(c, schema);
  if (!truthy(s)) return '';
  let out = truthy(field(s, 'description')) ? `${String(field(s, 'description'))}\n` : '';
  const allOf = field(s, 'allOf');
  if (Array.isArray(allOf)) for (const sub of allOf) out += description(c, sub);
  if (truthy(field(s, 'items'))) out += description(c, field(s, 'items'));
  const values = mapValues(s);
  if (values !== undefined) out += description(c, values);
  return out;
}

function fieldDetail(c: Ctx, parent: unknown, name: string, short: boolean, level: number): string {
  const pad = level * 2;
  const fs = field(field(parent, 'properties'), name);
  let out = `${indent(pad, name)}\t<${typeGuess(c, fs)}>`;
  if (contains(field(parent, 'required'), name)) out += ' -required-';
  out += extractEnum(fs, { long: false, limit: 4, indent: pad });
  out += '\n';
  if (!short) out += `${indent(pad + 2, wrap(78 - pad, String(or(field(fs, 'description'), '<no description>'))))}\n\n`;
  return out;
}

/** The template's `fieldList`: each property (recursively with --recursive), then allOf, items and map values. */
function fieldList(c: Ctx, schema: unknown, level: number, history: Record<string, boolean>): string {
  const ref = String(or(field(schema, '$ref'), ''));
  if (ref && history[ref]) return ''; // a cycle
  const next = { ...history, [ref]: true };
  const s = resolved(c, schema);
  let out = '';
  const props = field(s, 'properties');
  if (isObj(props)) {
    for (const k of Object.keys(props).sort()) {
      out += fieldDetail(c, s, k, c.recursive, level);
      if (c.recursive) out += fieldList(c, props[k], level + 1, next);
    }
  }
  const allOf = field(s, 'allOf');
  if (Array.isArray(allOf)) for (const sub of allOf) out += fieldList(c, sub, level, next);
  if (truthy(field(s, 'items'))) out += fieldList(c, field(s, 'items'), level, next);
  const values = mapValues(s);
  if (values !== undefined) out += fieldList(c, values, level, next);
  return out;
}

/** The template's `output`: follows the field path, then prints DESCRIPTION and FIELDS; '' when the path leads nowhere. */
function output(c: Ctx, schema: unknown, path: string[], history: Record<string, boolean>): string {
  const ref = String(or(field(schema, '$ref'), ''));
  const next = { ...history, [ref]: true };
  const s = resolved(c, schema);
  if (path.length === 0) {
    let out = `DESCRIPTION:\n${indent(4, wrap(76, or(description(c, s), '<empty>')))}\n`;
    const fields = fieldList(c, s, 1, {});
    if (fields) out += `FIELDS:\n${fields}`;
    return out;
  }
  if (ref && history[ref]) return '';
  const [first = '', ...rest] = path;
  const props = field(s, 'properties');
  if (truthy(props) && truthy(field(props, first))) {
    const sub = field(props, first);
    let out = '';
    if (path.length === 1) out += `FIELD: ${first} <${typeGuess(c, sub)}>\n${extractEnum(sub, { long: true, limit: -1 })}\n\n`;
    return out + output(c, sub, rest, {});
  }
  if (truthy(field(s, 'items'))) return output(c, field(s, 'items'), path, next);
  const values = mapValues(s);
  if (values !== undefined) return output(c, values, path, next);
  const allOf = field(s, 'allOf');
  if (Array.isArray(allOf)) {
    for (const sub of allOf) {
      const out = output(c, sub, path, next);
      if (out) return out;
    }
  }
  return '';
}

/** The group-version-kind the resource's operations are tagged with (the template's path search). */
export function findGvk(doc: Obj, gvr: { group: string; version: string; resource: string }): Obj | undefined {
  const prefix = gvr.group ? `/apis/${gvr.group}` : '/api';
  const base = `${prefix}/${gvr.version}`;
  const paths = field(doc, 'paths');
  let gvk: unknown;
  for (const p of [`${base}/${gvr.resource}`, `${base}/${gvr.resource}/{name}`, `${base}/namespaces/{namespace}/${gvr.resource}`, `${base}/namespaces/{namespace}/${gvr.resource}/{name}`]) {
    const item = field(paths, p);
    if (!truthy(item)) continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = field(item, method);
      if (!truthy(op)) continue;
      // As in the template, the assignment happens even when the value is empty.
      gvk = field(op, 'x-kubernetes-group-version-kind');
      if (truthy(gvk)) break;
    }
  }
  return truthy(gvk) && isObj(gvk) ? gvk : undefined;
}

const goMap = (m: Obj) => `map[${Object.keys(m).sort().map((k) => `${k}:${goValue(m[k])}`).join(' ')}]`;

/**
 * Renders `explain` for a resource and field path. Returns the header (always printed, even when
 * the field then turns out not to exist) and the body, or the error the template raises.
 */
export function renderExplain(doc: Obj, gvr: { group: string; version: string; resource: string }, path: string[], recursive: boolean): { header: string; body?: string; error?: ExplainError } {
  const gvk = findGvk(doc, gvr);
  if (!gvk) return { header: '', error: new ExplainError(`GVR (${gvr.group}/${gvr.version}, Resource=${gvr.resource}) not found in OpenAPI schema`) };
  const header = `${truthy(gvk['group']) ? `GROUP:      ${goValue(gvk['group'])}\n` : ''}KIND:       ${goValue(gvk['kind'])}\nVERSION:    ${goValue(gvk['version'])}\n\n`;
  const c: Ctx = { doc, recursive };
  const schemas = field(field(doc, 'components'), 'schemas');
  const names = isObj(schemas) ? Object.keys(schemas).sort() : [];
  for (const name of names) {
    const schema = (schemas as Obj)[name];
    if (!contains(field(schema, 'x-kubernetes-group-version-kind'), gvk)) continue;
    try {
      const body = output(c, schema, path, {});
      if (!body) return { header, error: new ExplainError(`field "${path[path.length - 1] ?? ''}" does not exist`) };
      return { header, body: `${body}\n` };
    } catch (e) {
      if (e instanceof ExplainError) return { header, error: e };
      throw e;
    }
  }
  return { header, error: new ExplainError(`GVK ${goMap(gvk)} not found in OpenAPI schema`) };
}
