/**
 * Server-side apply and managedFields bookkeeping (structured-merge-diff semantics): field sets in
 * FieldsV1 form, managers, conflicts, merge and pruning. Pure: no I/O; the API server wires it in.
 */
export { apply, fieldSetOf, trackUpdate, type ApplyOutcome, type Scope } from './apply/updater.js';
export { conflictError, conflictMessage, printManager, type Conflict } from './apply/conflict.js';
export { decodeManagedFields, encodeManagedFields, entryId, ManagedFieldsError, stripMeta, type ManagedEntry } from './apply/managers.js';
export { FieldSet, type FieldsV1 } from './apply/set.js';
export { toFieldSet, ensureNamedFieldsAreMembers } from './apply/fieldset.js';
export { compare, type Comparison } from './apply/compare.js';
export { merge, removeItems } from './apply/merge.js';
export { pathString, type Path } from './apply/path.js';
export { ApplyTypeError, rootType } from './apply/types.js';
export { LAST_APPLIED } from './apply/last-applied.js';
