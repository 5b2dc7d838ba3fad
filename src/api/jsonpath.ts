/**
 * Kubernetes' JSONPath templates (client-go util/jsonpath), as `kubectl -o jsonpath=`, custom
 * columns, `--sort-by` and CRD printer columns use them: parse once, then find the results of each
 * action or print them the way upstream's PrintResults does (maps and lists as compact JSON,
 * scalars as Go prints them, several results of one action space-separated).
 */
import { formatFloatG, goJson, goNumber } from './gofmt.js';
import { Evaluator, FloatLiteral } from './jsonpath/eval.js';
import { JsonPathError, parseTemplate, type ListNode } from './jsonpath/parser.js';

export { JsonPathError };

export interface JsonPathOptions {
  /** A missing field yields no result instead of the error `<field> is not found` (kubectl's default). */
  allowMissingKeys?: boolean;
  /** Print each action's results as an indented JSON array (`-o jsonpath-as-json`). */
  outputJson?: boolean;
}

/** The text upstream prints for one scalar result (evalToText): `undefined` is Go's invalid value. */
export function scalarText(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return 'null';
  if (v instanceof FloatLiteral) return formatFloatG(v.value);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  return goJson(v);
}

/** One result as PrintResults writes it: maps and lists as compact JSON, the rest as text. */
export function resultText(v: unknown): string {
  return typeof v === 'object' && v !== null && !(v instanceof FloatLiteral) ? goJson(v) : scalarText(v);
}

/** A parsed template. Throws {@link JsonPathError} (upstream's message) when it does not parse. */
export class JsonPath {
  private readonly root: ListNode;

  constructor(
    readonly template: string,
    private readonly options: JsonPathOptions = {},
  ) {
    this.root = parseTemplate(template);
  }

  /** The results of each top-level text and action, `range` blocks expanded. */
  findResults(data: unknown): unknown[][] {
    return new Evaluator(this.root.nodes, this.options.allowMissingKeys ?? false).findResults(data);
  }

  /** The printed text of one action's results. */
  printResults(results: unknown[]): string {
    if (this.options.outputJson) return `${goJson(results.map((r) => (r === undefined ? null : r instanceof FloatLiteral ? r.value : r)), '    ')}\n`;
    return results.map(resultText).join(' ');
  }

  /** The whole template's output for `data`; throws {@link JsonPathError} when evaluation fails. */
  execute(data: unknown): string {
    return this.findResults(data)
      .map((r) => this.printResults(r))
      .join('');
  }
}
