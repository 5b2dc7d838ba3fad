// Table convertors of custom resources (from a CRD version's additionalPrinterColumns, as the
// apiextensions-apiserver's tableconvertor) and the default convertor of built-in kinds without a
// printer (apiserver's rest.defaultTableConvertor: Name and an RFC 3339 "Created At").
import { time } from '../../api/printing/access.js';
import { NAME, col } from './columns.js';
import { DESCRIPTIONS } from './descriptions.js';
import { humanDuration, nameOf } from '../../api/printing/format.js';
import { JsonPath, JsonPathError, resultText } from '../../api/jsonpath.js';
import type { ColumnDefinition, TableConvertor } from './types.js';

/** One entry of `spec.versions[].additionalPrinterColumns`. */
export interface PrinterColumn {
  name: string;
  /** integer, number, string, boolean or date. */
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Go's `time.Time.Format(time.RFC3339)` of a UTC time: no fractional seconds. */
function rfc3339(d: Date | undefined): string {
  if (d === undefined) return '0001-01-01T00:00:00Z';
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** The convertor of kinds without a printer: Name, and Created At (type date, an RFC 3339 cell). */
export const defaultTable: TableConvertor = {
  columns: [NAME, col('Created At', 'date', DESCRIPTIONS.creationTimestamp)],
  cells: (o) => [nameOf(o), rfc3339(time(o, 'metadata', 'creationTimestamp'))],
};

/**
 * What upstream's PrintResults writes for the value of a `string` column. The value is re-wrapped
 * before printing, so a JSON null is Go's invalid value there: `<no value>`, not `null`.
 */
function printed(v: unknown): string {
  return resultText(v === null ? undefined : v);
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Upstream `cellForJSONValue`: the cell of a non-string column, null when the value does not fit. */
function typedCell(type: string, v: unknown, now: Date): unknown {
  switch (type) {
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date': {
      if (typeof v !== 'string') return null;
      if (v === '' || v === 'null') return '<unknown>';
      if (!RFC3339_RE.test(v)) return '<invalid>';
      const t = time({ t: v }, 't');
      return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t.getTime());
    }
    default:
      return null;
  }
}

const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', description: DESCRIPTIONS.creationTimestamp, jsonPath: '.metadata.creationTimestamp' };

/**
 * The convertor of a custom resource version: Name, then one column per printer column. A version
 * without printer columns gets a single Age column, as upstream; one with columns gets exactly
 * those (CRDs that want Age list `.metadata.creationTimestamp` themselves). Each path is parsed
 * as upstream does, as the template `{<jsonPath>}`; throws {@link JsonPathError} when one does not
 * parse.
 */
export function crdTableConvertor(printerColumns: PrinterColumn[]): TableConvertor {
  const defs = printerColumns.length === 0 ? [AGE_COLUMN] : printerColumns;
  const paths: JsonPath[] = defs.map((c) => {
    try {
      return new JsonPath(`{${c.jsonPath}}`, { allowMissingKeys: true });
    } catch {
      throw new JsonPathError(`unrecognized column definition ${JSON.stringify(c.jsonPath)}`);
    }
  });
  const columns: ColumnDefinition[] = [
    NAME,
    ...defs.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description !== undefined && c.description !== '' ? c.description : `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns,
    cells: (o, now) => [
      nameOf(o),
      ...defs.map((c, idx) => {
        let results: unknown[];
        try {
          results = paths[idx]?.findResults(o)[0] ?? [];
        } catch {
          return null;
        }
        // Upstream keeps only the first result of a column's path.
        if (results.length === 0) return null;
        return c.type === 'string' ? printed(results[0]) : typedCell(c.type, results[0], now);
      }),
    ],
  };
}
