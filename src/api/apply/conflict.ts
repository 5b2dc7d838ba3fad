/**
 * Apply conflicts as kube-apiserver reports them: a 409 Status with reason Conflict, the message
 * `Apply failed with 1 conflict: conflict with "m" using apps/v1: .spec.replicas` and one
 * FieldManagerConflict cause per field.
 */
import { statusError, type ApiError } from '../errors.js';
import { entryId, type ManagedEntry } from './managers.js';
import { pathString, type Path } from './path.js';

/** A field of the applied configuration that another manager owns with another value. */
export interface Conflict {
  manager: ManagedEntry;
  path: Path;
}

/** How a manager is named in conflict messages: name, subresource, and apiVersion for Update. */
export function printManager(e: ManagedEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${s} using ${e.apiVersion}` : s;
}

/** The message upstream writes for a list of conflicts. */
export function conflictMessage(conflicts: readonly Conflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) return `Apply failed with 1 conflict: conflict with ${printManager(only.manager)}: ${pathString(only.path)}`;
  const byManager = new Map<string, { entry: ManagedEntry; paths: Path[] }>();
  for (const c of conflicts) {
    const id = entryId(c.manager);
    const g = byManager.get(id) ?? { entry: c.manager, paths: [] };
    g.paths.push(c.path);
    byManager.set(id, g);
  }
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    const g = byManager.get(id);
    if (!g) continue;
    lines.push(`conflicts with ${printManager(g.entry)}:`, ...g.paths.map((p) => `- ${pathString(p)}`));
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 Status error for apply conflicts. */
export function conflictError(conflicts: readonly Conflict[]): ApiError {
  return statusError(409, 'Conflict', conflictMessage(conflicts), {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) })),
  });
}
