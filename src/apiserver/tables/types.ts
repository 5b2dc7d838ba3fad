// The meta.k8s.io/v1 Table shapes and the convertor contract every kind's printer implements.

/** One column of a Table (`metav1.TableColumnDefinition`). */
export interface ColumnDefinition {
  /** Human name; kubectl upper-cases it for the header. */
  name: string;
  /** OpenAPI type of the cells: `string`, `integer`, `number`, `boolean` or `date`. */
  type: string;
  /** `name` marks the column kubectl prefixes with `kind/` for multi-kind output; else empty. */
  format: string;
  description: string;
  /** 0 for default columns; 1 for the columns kubectl shows only with `-o wide`. */
  priority: number;
}

/** A `metav1.TableRowCondition`; upstream sets one (Completed) on finished pods. */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * Converts objects of one kind to Table rows. Cells are always produced for every column, the
 * priority-1 ones included: kube-apiserver generates its tables "wide" and kubectl hides columns.
 */
export interface TableConvertor {
  columns: ColumnDefinition[];
  /** The cells of one object's row, in column order; `now` is the clock ages are measured against. */
  cells(obj: Record<string, unknown>, now: Date): unknown[];
  /** Row conditions, for kinds that have them (pods); absent means none. */
  conditions?(obj: Record<string, unknown>): RowCondition[] | undefined;
}

/** What a row carries as `object` (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The `PartialObjectMetadata` a row carries for `includeObject=Metadata`. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: Record<string, unknown>;
}

/** One row of a Table. */
export interface TableRow {
  cells: unknown[];
  conditions?: RowCondition[];
  object?: Record<string, unknown> | PartialObjectMetadata;
}

/** A meta.k8s.io/v1 Table as the API server sends it. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

/** Options of {@link toTable}. */
export interface ToTableOptions {
  /** The clock ages are measured against. */
  now: Date;
  /** What each row carries; the API server defaults an absent query parameter to `Metadata`. */
  includeObject: IncludeObject;
  /** The list's resourceVersion, or for a single-object GET the object's own (as upstream); omitted when empty. */
  resourceVersion?: string;
  /** The list's continue token; omitted when empty. */
  continue?: string;
  /** The list's remainingItemCount, when known. */
  remainingItemCount?: number;
  /** `TableOptions.noHeaders`: omit the column definitions (kubectl sends it on watch pages). */
  noHeaders?: boolean;
}
