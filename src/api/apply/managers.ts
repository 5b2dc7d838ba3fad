/**
 * metadata.managedFields as field sets: decoding entries (rejecting malformed ones as upstream
 * does), the identity of a manager (name, operation, subresource, and for Update the apiVersion),
 * the fields upstream never tracks (name, uid, resourceVersion...), and encoding back in
 * Kubernetes' order: Apply before Update, then by time, manager, apiVersion, subresource.
 */
import { FieldSet } from './set.js';
import { isObj } from './types.js';

/** One manager's entry with its fields parsed. */
export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  /** RFC 3339, seconds. */
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

/** Who an entry belongs to: entries with the same id are one manager. */
export function entryId(e: Pick<ManagedEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource ?? '']);
}

/** Thrown for managedFields that cannot be decoded. */
export class ManagedFieldsError extends Error {}

/** Parses metadata.managedFields; undefined or [] give no entries. */
export function decodeManagedFields(raw: unknown): ManagedEntry[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ManagedFieldsError('managedFields must be a list');
  return raw.map((e: unknown, i): ManagedEntry => {
    if (!isObj(e)) throw new ManagedFieldsError(`managedFields[${i}] must be an object`);
    const { manager, operation, apiVersion, time, subresource, fieldsType, fieldsV1 } = e;
    if (operation !== 'Apply' && operation !== 'Update') throw new ManagedFieldsError(`managedFields[${i}]: operation must be Apply or Update, not ${JSON.stringify(operation)}`);
    if (fieldsType !== undefined && fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`managedFields[${i}]: fieldsType must be FieldsV1, not ${JSON.stringify(fieldsType)}`);
    let fields: FieldSet;
    try {
      fields = fieldsV1 === undefined || fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(fieldsV1);
    } catch (err) {
      throw new ManagedFieldsError(`managedFields[${i}]: ${err instanceof Error ? err.message : String(err)}`);
    }
    return {
      manager: typeof manager === 'string' ? manager : '',
      operation,
      apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
      ...(typeof time === 'string' ? { time } : {}),
      ...(typeof subresource === 'string' && subresource ? { subresource } : {}),
      fields,
    };
  });
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entries as metadata.managedFields holds them: empty ones dropped, Kubernetes' order and field order. */
export function encodeManagedFields(entries: readonly ManagedEntry[]): Array<Record<string, unknown>> {
  const kept = entries.filter((e) => !e.fields.isEmpty());
  kept.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return kept.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time !== undefined ? { time: e.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: e.fields.toFieldsV1(),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

/** Fields no manager owns: identity and server-set metadata (upstream's stripMeta). */
const STRIPPED = FieldSet.of(
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`]),
);

/** `s` without the fields no manager owns. */
export const stripMeta = (s: FieldSet): FieldSet => s.difference(STRIPPED);

/**
 * True for the "reset managed fields" request: managedFields set to a list with one empty entry,
 * which clears them (an empty list means "keep what is there").
 */
export const isResetRequest = (raw: unknown): boolean => Array.isArray(raw) && raw.length === 1 && isObj(raw[0]) && Object.keys(raw[0]).length === 0;
