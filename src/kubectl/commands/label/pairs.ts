/**
 * The text side of `kubectl label` and `kubectl annotate`: splitting `TYPE NAME k=v k-` into
 * resources and changes, parsing the changes with each verb's rules and wording, applying them to
 * a map, and the JSON merge patch between the object before and after.
 */
import { isLabelValue } from '../../../api/validation/names.js';
import { AggregateCliError, CliError } from '../../errors.js';

/** Which verb: their parsing, checks and messages differ in small ways. */
export type MetadataVerb = 'label' | 'annotate';

/** Arguments up to the first `k=v`/`k-` are resources; a resource after a change is an error. */
export function splitResourcesAndPairs(args: string[], pairType: string): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const s of args) {
    const isPair = (s.includes('=') && !s.startsWith('=')) || (s.endsWith('-') && s !== '-');
    if (isPair) pairs.push(s);
    else if (pairs.length > 0) throw new CliError(`all resources must be specified before ${pairType} changes: ${s}`);
    else resources.push(s);
  }
  return { resources, pairs };
}

/** What to set and what to remove. */
export interface Changes {
  set: Map<string, string>;
  remove: string[];
}

/** `kubectl label`'s rules: one `=`, a valid label value, `k-` to remove, not both on one key. */
export function parseLabelChanges(specs: string[]): Changes {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const spec of specs) {
    if (spec.includes('=')) {
      const parts = spec.split('=');
      if (parts.length !== 2) throw new CliError(`invalid label spec: ${spec}`);
      const errs = isLabelValue(parts[1] ?? '');
      if (errs.length > 0) throw new CliError(`invalid label value: ${JSON.stringify(spec)}: ${errs.join(';')}`);
      set.set(parts[0] ?? '', parts[1] ?? '');
    } else if (spec.endsWith('-')) {
      remove.push(spec.slice(0, -1));
    } else {
      throw new CliError(`unknown label spec: ${spec}`);
    }
  }
  if (remove.some((k) => set.has(k))) throw new CliError('can not both modify and remove a label in the same command');
  return { set, remove };
}

/** `kubectl annotate`'s rules (cmdutil.ParsePairs): the value may hold `=`; bad pairs are listed together. */
export function parseAnnotationChanges(specs: string[]): Changes {
  const set = new Map<string, string>();
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const spec of specs) {
    if (spec.includes('=') && !spec.startsWith('=')) {
      const eq = spec.indexOf('=');
      set.set(spec.slice(0, eq), spec.slice(eq + 1));
    } else if (spec.endsWith('-') && spec !== '-') {
      remove.push(spec.slice(0, -1));
    } else {
      invalid.push(spec);
    }
  }
  if (invalid.length > 0) throw new CliError(`invalid annotation format: ${invalid.join(', ')}`);
  return { set, remove };
}

/** Annotate refuses to set and remove one key, naming them all. */
export function checkAnnotationConflicts(c: Changes): void {
  const both = c.remove.filter((k) => c.set.has(k));
  if (both.length > 0) throw new CliError(`can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`);
}

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/**
 * The map after the changes, or kubectl's error when `--overwrite` is false and a key already
 * holds another value (annotate lets the change-cause annotation through).
 */
export function applyChanges(verb: MetadataVerb, current: Record<string, string> | undefined, c: Changes, overwrite: boolean): Record<string, string> {
  const cur = current ?? {};
  if (!overwrite) {
    const clashes = [...c.set.entries()].filter(([k, v]) => Object.hasOwn(cur, k) && cur[k] !== v && !(verb === 'annotate' && k === CHANGE_CAUSE));
    // Go walks a map here, so the order is random; sorted keys make ours stable.
    clashes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (clashes.length > 0 && verb === 'label') {
      const errs = clashes.map(([k]) => new CliError(`'${k}' already has a value (${cur[k] ?? ''}), and --overwrite is false`));
      if (errs.length === 1 && errs[0]) throw errs[0];
      throw new AggregateCliError(errs);
    }
    if (clashes.length > 0) {
      throw new CliError(`--overwrite is false but found the following declared annotation(s): ${clashes.map(([k]) => `'${k}' already has a value (${cur[k] ?? ''})`).join('; ')}`);
    }
  }
  const out: Record<string, string> = { ...cur };
  for (const [k, v] of c.set) out[k] = v;
  for (const k of c.remove) delete out[k];
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The RFC 7386 merge patch turning `original` into `modified` (jsonpatch.CreateMergePatch):
 * changed and new keys carry their new value, removed keys `null`, nested objects recurse.
 */
export function createMergePatch(original: Record<string, unknown>, modified: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(modified)) {
    if (!Object.hasOwn(original, k)) {
      patch[k] = v;
      continue;
    }
    const o = original[k];
    if (isPlainObject(o) && isPlainObject(v)) {
      const sub = createMergePatch(o, v);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (!deepEqual(o, v)) {
      patch[k] = v;
    }
  }
  for (const k of Object.keys(original)) if (!Object.hasOwn(modified, k)) patch[k] = null;
  return patch;
}
