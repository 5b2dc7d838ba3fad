/**
 * Field management of one write (structured-merge-diff's Updater, with kube-apiserver's wrappers):
 * `apply` merges an applied configuration into the live object, prunes what the applier stopped
 * applying, and reports conflicts with other managers; `trackUpdate` gives an Update manager the
 * fields a create/update/patch changed and takes them from everyone else.
 */
import { isDeepStrictEqual } from 'node:util';
import { compare } from './compare.js';
import type { Conflict } from './conflict.js';
import { ensureNamedFieldsAreMembers, toFieldSet } from './fieldset.js';
import { allowedByLastApplied, updateLastApplied } from './last-applied.js';
import { decodeManagedFields, encodeManagedFields, entryId, isResetRequest, stripMeta, type ManagedEntry } from './managers.js';
import { merge, removeItems } from './merge.js';
import { FieldSet } from './set.js';
import { isObj, rootType } from './types.js';

type Obj = Record<string, unknown>;

/** What a write is made against. */
export interface Scope {
  /** Schema of the kind (io.k8s.api.apps.v1.Deployment); undefined for custom resources. */
  schemaName?: string;
  /** The group/version the request used, recorded in the entry. */
  apiVersion: string;
  subresource?: string;
  /** Fields the strategy resets, never owned (status on the main resource of most kinds). */
  ignored?: FieldSet;
  /** RFC 3339 time of the write. */
  now: string;
}

/** The result of an apply: the new object (managedFields set), or the conflicts that stop it. */
export type ApplyOutcome = { ok: true; object: Obj } | { ok: false; conflicts: Conflict[] };

const managedFieldsOf = (o: Obj | undefined): unknown => (isObj(o?.['metadata']) ? o['metadata']['managedFields'] : undefined);

/** A copy of `o` without metadata.managedFields. */
function bare(o: Obj): Obj {
  const out = structuredClone(o);
  if (isObj(out['metadata'])) delete out['metadata']['managedFields'];
  return out;
}

function withManagedFields(o: Obj, entries: readonly ManagedEntry[]): Obj {
  const meta = isObj(o['metadata']) ? o['metadata'] : {};
  const encoded = encodeManagedFields(entries);
  const { managedFields: _old, ...rest } = meta;
  return { ...o, metadata: encoded.length ? { ...rest, managedFields: encoded } : rest };
}

const owned = (s: FieldSet, scope: Scope): FieldSet => (scope.ignored ? stripMeta(s).recursiveDifference(scope.ignored) : stripMeta(s));

/**
 * Server-side apply of `config` by `manager` to `live` (use `{}` when creating). With `force` the
 * applier takes conflicting fields over. Manager "kubectl" may take fields whose value still matches
 * the last-applied-configuration annotation of client-side apply, and keeps that annotation current.
 */
export function apply(live: Obj, config: Obj, manager: string, force: boolean, scope: Scope): ApplyOutcome {
  const t = rootType(scope.schemaName);
  const entries = decodeManagedFields(managedFieldsOf(live));
  const liveBare = bare(live);
  const me = { manager, operation: 'Apply' as const, apiVersion: scope.apiVersion, subresource: scope.subresource };
  const myId = entryId(me);
  const previous = entries.find((e) => entryId(e) === myId);
  const others = entries.filter((e) => entryId(e) !== myId);

  const configSet = toFieldSet(config, t);
  let result = merge(liveBare, config, t) as Obj;
  if (previous && !previous.fields.isEmpty()) {
    // Prune what this manager applied last time and no longer does, unless someone owns it.
    const managed = others.reduce((acc, e) => acc.union(e.fields), configSet);
    const gone = ensureNamedFieldsAreMembers(previous.fields, t).difference(ensureNamedFieldsAreMembers(managed, t));
    result = removeItems(result, gone, t) as Obj;
  }
  const cmp = compare(liveBare, result, t);
  const changed = owned(cmp.modified.union(cmp.added), scope);
  const removed = owned(cmp.removed, scope);

  const conflicts: Conflict[] = [];
  for (const e of others) for (const path of e.fields.intersection(changed).paths()) conflicts.push({ manager: e, path });
  if (conflicts.length > 0 && !force) {
    const allowed = manager === 'kubectl' ? allowedByLastApplied(liveBare, t) : undefined;
    const remaining = allowed ? conflicts.filter((c) => !allowed.has(c.path)) : conflicts;
    if (remaining.length > 0) return { ok: false, conflicts: remaining };
  }

  const next: ManagedEntry[] = others.map((e) => ({ ...e, fields: e.fields.difference(changed).difference(removed) }));
  const objectChanged = !isDeepStrictEqual(liveBare, result);
  next.push({ ...me, ...(objectChanged || !previous?.time ? { time: scope.now } : { time: previous.time }), fields: owned(configSet, scope) });
  if (manager === 'kubectl') result = updateLastApplied(liveBare, result, config);
  return { ok: true, object: withManagedFields(result, next) };
}

/**
 * The managedFields after a non-apply write by `manager` turned `live` (undefined on create) into
 * `next`. Entries sent in `next` are used when present (clients may edit them; `[{}]` clears them),
 * otherwise the live object's. Returns `next` with metadata.managedFields set.
 */
export function trackUpdate(live: Obj | undefined, next: Obj, manager: string, scope: Scope): Obj {
  const sent = managedFieldsOf(next);
  if (isResetRequest(sent)) return withManagedFields(next, []);
  let entries: ManagedEntry[] = [];
  if (!scope.subresource && Array.isArray(sent) && sent.length > 0) {
    try {
      entries = decodeManagedFields(sent);
    } catch {
      entries = decodeManagedFields(managedFieldsOf(live));
    }
  } else entries = decodeManagedFields(managedFieldsOf(live));
  const t = rootType(scope.schemaName);
  const cmp = compare(live ? bare(live) : {}, bare(next), t);
  const changed = owned(cmp.modified.union(cmp.added), scope);
  const removed = owned(cmp.removed, scope);
  const me = { manager, operation: 'Update' as const, apiVersion: scope.apiVersion, subresource: scope.subresource };
  const myId = entryId(me);
  const out = entries.map((e) => ({ ...e, fields: e.fields.difference(changed).difference(removed) }));
  if (!changed.isEmpty()) {
    const mine = out.find((e) => entryId(e) === myId);
    if (mine) {
      mine.fields = mine.fields.union(changed);
      mine.time = scope.now;
    } else out.push({ ...me, time: scope.now, fields: changed });
  }
  return withManagedFields(next, out);
}

/** The field set an object or applied configuration sets, as managedFields would record it. */
export function fieldSetOf(value: Obj, schemaName: string | undefined): FieldSet {
  return stripMeta(toFieldSet(value, rootType(schemaName)));
}
