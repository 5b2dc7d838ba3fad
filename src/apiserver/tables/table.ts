// Builds the meta.k8s.io/v1 Table response from a convertor and the objects to list, applying
// includeObject as the API server's handler does after conversion.
import { asObject } from '../../api/printing/access.js';
import type { Table, TableConvertor, TableRow, ToTableOptions } from './types.js';

/**
 * The Table for `objects` (one row each, in order). `includeObject` decides each row's `object`:
 * the full object (`Object`), a `PartialObjectMetadata` with the object's metadata (`Metadata`,
 * what kubectl relies on for `-A`, `--show-labels` and `-L`), or none (`None`).
 */
export function toTable(convertor: TableConvertor, objects: readonly Record<string, unknown>[], opts: ToTableOptions): Table {
  const rows = objects.map((o): TableRow => {
    const row: TableRow = { cells: convertor.cells(o, opts.now) };
    const conditions = convertor.conditions?.(o);
    if (conditions !== undefined) row.conditions = conditions;
    if (opts.includeObject === 'Object') row.object = o;
    else if (opts.includeObject === 'Metadata') {
      row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { ...(asObject(o['metadata']) ?? {}) } };
    }
    return row;
  });
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined && opts.resourceVersion !== '') metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue !== undefined && opts.continue !== '') metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders === true ? [] : convertor.columns,
    rows,
  };
}
