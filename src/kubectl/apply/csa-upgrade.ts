/**
 * Moving an object from client-side to server-side apply (client-go's csaupgrade): the fields the
 * client-side apply manager (an Update entry owning the last-applied annotation) recorded are
 * merged into the server-side apply manager's Apply entry and the old entry dropped, so a later
 * server-side apply may remove fields the user took out of the manifest. Kept apart from the
 * command so the JSON patch can be tested without a server.
 */
import { FieldSet } from '../../api/apply/set.js';
import { isObject, jsonEqual, type JsonObject } from '../../api/patch/json.js';
import { LAST_APPLIED } from './annotation.js';

/** The path of the last-applied annotation in a field set. */
export const LAST_APPLIED_PATH = ['f:metadata', 'f:annotations', `f:${LAST_APPLIED}`];

const entriesOf = (obj: JsonObject): JsonObject[] => {
  const meta = obj['metadata'];
  const raw = isObject(meta) ? meta['managedFields'] : undefined;
  return Array.isArray(raw) ? raw.filter(isObject) : [];
};

function fieldsOf(entry: JsonObject): FieldSet | undefined {
  try {
    return FieldSet.fromFieldsV1(entry['fieldsV1'] ?? {});
  } catch {
    return undefined;
  }
}

/** Managers whose entry with the given operation owns every path given (FindFieldsOwners). */
export function ownersOf(obj: JsonObject, operation: 'Apply' | 'Update', path: readonly string[]): string[] {
  return entriesOf(obj)
    .filter((e) => e['operation'] === operation && fieldsOf(e)?.has(path) === true)
    .map((e) => (typeof e['manager'] === 'string' ? e['manager'] : ''));
}

const sub = (e: JsonObject): string => (typeof e['subresource'] === 'string' ? e['subresource'] : '');

/** One entry in Go's ManagedFieldsEntry field order. */
function entryJson(e: JsonObject, fieldsV1?: unknown): JsonObject {
  const out: JsonObject = {};
  for (const k of ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']) {
    const v = k === 'fieldsV1' && fieldsV1 !== undefined ? fieldsV1 : e[k];
    if (v !== undefined && v !== null && v !== '') out[k] = v;
  }
  return out;
}

function upgradeOne(entries: JsonObject[], csa: string, ssa: string): JsonObject[] {
  const isCsa = (e: JsonObject) => e['manager'] === csa && e['operation'] === 'Update' && sub(e) === '';
  let target = entries.findIndex((e) => e['manager'] === ssa && e['operation'] === 'Apply' && sub(e) === '');
  if (target < 0) {
    target = entries.findIndex(isCsa);
    const found = entries[target];
    if (found === undefined) return entries;
    entries[target] = { ...found, operation: 'Apply', manager: ssa };
  }
  const ssaEntry = entries[target] as JsonObject;
  const csaEntry = entries.find((e) => isCsa(e) && e['apiVersion'] === ssaEntry['apiVersion']);
  let combined = fieldsOf(ssaEntry) ?? new FieldSet();
  const csaFields = csaEntry ? fieldsOf(csaEntry) : undefined;
  if (csaFields) combined = combined.union(csaFields);
  entries[target] = entryJson(ssaEntry, combined.toFieldsV1());
  return entries.filter((e) => !isCsa(e));
}

/**
 * The JSON patch that migrates the given client-side managers into `ssaManager`
 * (UpgradeManagedFieldsPatch), or undefined when there is nothing to migrate. The patch also
 * replaces resourceVersion, so it fails with a conflict if the object changed meanwhile.
 */
export function upgradeManagedFieldsPatch(obj: JsonObject, csaManagers: readonly string[], ssaManager: string): string | undefined {
  const before = entriesOf(obj).map((e) => entryJson(e));
  let entries = before.map((e) => ({ ...e }));
  for (const csa of new Set(csaManagers)) entries = upgradeOne(entries, csa, ssaManager);
  if (jsonEqual(before, entries)) return undefined;
  const meta = obj['metadata'];
  const resourceVersion = isObject(meta) ? (meta['resourceVersion'] ?? '') : '';
  return JSON.stringify([
    { op: 'replace', path: '/metadata/managedFields', value: entries.length > 0 ? entries : null },
    { op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion },
  ]);
}
