/**
 * `kubectl get -o custom-columns=NAME:.metadata.name,…` and `-o custom-columns-file=<file>` (a
 * header line and a line of JSONPath specs, whitespace-separated): one row per object, each cell
 * every result of the column's path printed as Go's `%v` and joined with commas, `<none>` when the
 * path finds nothing, aligned by kubectl's tab writer.
 */
import { goPrint } from '../../api/gofmt.js';
import { JsonPath, JsonPathError } from '../../api/jsonpath.js';
import { CliError } from '../errors.js';
import { tabbed } from './tabwriter.js';

/** One column: its header and a full JSONPath template (`{.metadata.name}`). */
export interface Column {
  header: string;
  fieldSpec: string;
}

const RELAXED = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/;

/**
 * kubectl's RelaxedJSONPathExpression: `metadata.name`, `.metadata.name`, `{metadata.name}` and
 * `{.metadata.name}` all become `{.metadata.name}`; the empty string stays empty.
 */
export function relaxedJsonPath(expr: string): string {
  if (expr === '') return expr;
  const m = RELAXED.exec(expr);
  if (m === null) throw new CliError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] ?? m[2] ?? ''}}`;
}

/** Columns from `NAME:.metadata.name,KIND:.kind`. */
export function columnsFromSpec(spec: string): Column[] {
  if (spec === '') throw new CliError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw new CliError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, colon), fieldSpec: relaxedJsonPath(part.slice(colon + 1)) };
  });
}

/** Columns from a custom-columns file: a line of headers, then a line of paths. */
export function columnsFromTemplate(text: string): Column[] {
  // bufio.Scanner lines: split on \n, a trailing \r dropped.
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (text.endsWith('\n')) lines.pop();
  const words = (l: string): string[] => l.split(/[\s\u0085\u00a0]+/u).filter((w) => w !== '');
  if (lines.length < 1 || text === '') throw new CliError('invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.');
  if (lines.length < 2) throw new CliError('invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.');
  const headers = words(lines[0] ?? '');
  const specs = words(lines[1] ?? '');
  if (headers.length !== specs.length) throw new CliError(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  return headers.map((header, i) => ({ header, fieldSpec: relaxedJsonPath(specs[i] ?? '') }));
}

/** kubectl's terminal escaping of cell text (ESC and CR made visible). */
const escapeTerminal = (s: string): string => s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');

/** The cell of one column for one object. */
function cell(path: JsonPath, obj: unknown): string {
  let values: unknown[][];
  try {
    values = path.findResults(obj);
  } catch (e) {
    if (e instanceof JsonPathError) throw new CliError(e.message);
    throw e;
  }
  const parts: string[] = [];
  if (values.length === 0 || (values[0] ?? []).length === 0) parts.push('<none>');
  for (const vs of values) for (const v of vs) parts.push(escapeTerminal(v === undefined ? '<nil>' : goPrint(v)));
  return parts.join(',');
}

/** The table for `objects` (the items of a list, or one object). */
export function renderCustomColumns(objects: readonly unknown[], columns: readonly Column[], o: { noHeaders?: boolean } = {}): string {
  const paths = columns.map((c) => {
    try {
      return new JsonPath(c.fieldSpec, { allowMissingKeys: true });
    } catch (e) {
      if (e instanceof JsonPathError) throw new CliError(e.message);
      throw e;
    }
  });
  let text = '';
  if (!o.noHeaders) text += `${columns.map((c) => c.header).join('\t')}\n`;
  for (const obj of objects) text += `${paths.map((p) => cell(p, obj)).join('\t')}\n`;
  return tabbed(text);
}
