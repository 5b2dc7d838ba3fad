/**
 * Prints server-side Tables (meta.k8s.io/v1 Table) the way kubectl does: upper-cased headers,
 * priority-0 columns unless `-o wide`, NAMESPACE first for `-A`, `kind/` prefixes when several
 * types print together, LABELS and `-L` columns taken from each row's object metadata, and
 * Go tabwriter alignment (three spaces between columns).
 */
import { formatLabels } from '../../api/printing/format.js';
import type { KubeObject } from '../../client/types.js';

/** The Accept header kubectl sends for human-readable output: a Table, else plain JSON. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** One column as the server describes it. */
export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

/** One row: its cells and (with includeObject) the object or its metadata. */
export interface TableRow {
  cells: unknown[];
  object?: KubeObject;
}

/** The wire shape of a Table. */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

/** How to print. */
export interface TableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  showLabels?: boolean;
  /** `-L` label keys. */
  labelColumns?: string[];
  /** Add the NAMESPACE column (`-A` on a namespaced type). */
  withNamespace?: boolean;
  /** Prefix names with this (`pod/`, `deployment.apps/`) when several types print together. */
  kindPrefix?: string;
  /** Bold headers (on a terminal). */
  color?: boolean;
}

/** True for an object that is a meta.k8s.io Table. */
export function isTable(v: unknown): v is Table {
  const o = v as Partial<Table> | null;
  return o !== null && typeof o === 'object' && o.kind === 'Table' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('meta.k8s.io/') && Array.isArray(o.columnDefinitions);
}

/** A cell as kubectl prints it: strings verbatim (control characters escaped), others with fmt's %v. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<none>';
  if (typeof cell === 'string') return cell.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `^${String.fromCharCode(c.charCodeAt(0) + 64)}`);
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}

/** Header of a `-L` column: the key's last path segment, upper-cased. */
export function labelHeader(key: string): string {
  return (key.split('/').pop() ?? key).toUpperCase();
}

/** The header and cell lines of one table, before alignment. */
export function tableLines(table: Table, o: TableOptions): { header: string[]; rows: string[][] } {
  const shown = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => o.wide || (c.priority ?? 0) === 0);
  const header = [...(o.withNamespace ? ['NAMESPACE'] : []), ...shown.map(({ c }) => c.name.toUpperCase())];
  for (const key of o.labelColumns ?? []) header.push(labelHeader(key));
  if (o.showLabels) header.push('LABELS');
  const rows = table.rows.map((row) => {
    const meta = row.object?.metadata;
    const cells = shown.map(({ c, i }) => {
      const text = cellText(row.cells[i]);
      return c.format === 'name' && o.kindPrefix ? `${o.kindPrefix}${text}` : text;
    });
    if (o.withNamespace) cells.unshift(meta?.namespace ?? '');
    for (const key of o.labelColumns ?? []) cells.push(meta?.labels?.[key] ?? '');
    if (o.showLabels) cells.push(formatLabels(meta?.labels ?? {}));
    return cells;
  });
  return { header, rows };
}

/**
 * Aligns lines as kubectl's tabwriter (minwidth 6, padding 3, no trailing padding): each column is
 * as wide as its widest cell plus three spaces, at least six, except the last.
 */
export function alignColumns(lines: string[][], o: { boldFirst?: boolean } = {}): string {
  const widths: number[] = [];
  for (const line of lines) line.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  let out = '';
  lines.forEach((line, n) => {
    let text = line.map((cell, i) => (i === line.length - 1 ? cell : cell + ' '.repeat(Math.max(6, (widths[i] ?? 0) + 3) - [...cell].length))).join('');
    if (n === 0 && o.boldFirst) text = `\x1b[1m${text}\x1b[0m`;
    out += `${text}\n`;
  });
  return out;
}

/** Prints one table (header unless `noHeaders`). */
export function renderTable(table: Table, o: TableOptions): string {
  const { header, rows } = tableLines(table, o);
  return alignColumns(o.noHeaders ? rows : [header, ...rows], { boldFirst: o.color && !o.noHeaders });
}
