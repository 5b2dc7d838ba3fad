/**
 * The EXPRESSIONS argument of `kubectl set selector`: selector text turned into a
 * metav1.LabelSelector as apimachinery's ParseToLabelSelector does (`=`/`==` become matchLabels,
 * `in`/`notin`/`key`/`!key` matchExpressions, `!=`, `<`, `>` are refused), and the selector put
 * on an object (only a Service's `spec.selector` can take one).
 */
import { parseLabelSelector, type LabelOperator } from '../../../api/selectors.js';
import type { KubeObject } from '../../../client/types.js';
import { CliError } from '../../errors.js';

/** One matchExpressions entry. */
export interface SelectorExpression {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A metav1.LabelSelector. */
export interface ParsedSelector {
  matchLabels: Record<string, string>;
  matchExpressions: SelectorExpression[];
}

const EXPRESSION_OPERATORS: Partial<Record<LabelOperator, SelectorExpression['operator']>> = {
  in: 'In',
  notin: 'NotIn',
  exists: 'Exists',
  '!': 'DoesNotExist',
};

/** ParseToLabelSelector; throws CliError with its wording. Requirements are visited sorted by key. */
export function parseSelectorExpression(text: string): ParsedSelector {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new CliError(`couldn't parse the selector string "${text}": ${parsed.error}`);
  const out: ParsedSelector = { matchLabels: {}, matchExpressions: [] };
  for (const r of parsed.value.requirements) {
    if (r.operator === '=' || r.operator === '==') {
      out.matchLabels[r.key] = r.values[0] ?? '';
      continue;
    }
    if (r.operator === 'gt' || r.operator === 'lt') throw new CliError(`"${r.operator}" isn't supported in label selectors`);
    const operator = EXPRESSION_OPERATORS[r.operator];
    if (operator === undefined) throw new CliError(`"${r.operator}" is not a valid label selector operator`);
    out.matchExpressions.push({ key: r.key, operator, values: [...r.values] });
  }
  return out;
}

/** Go's `%v` of a []LabelSelectorRequirement: `[{app In [a b]} {tier Exists []}]`. */
export function formatExpressions(exprs: SelectorExpression[]): string {
  return `[${exprs.map((e) => `{${e.key} ${e.operator} [${e.values.join(' ')}]}`).join(' ')}]`;
}

/**
 * updateSelectorForObject: replaces a Service's selector with the match labels (an empty one
 * leaves the field out, as `omitempty` does); any other kind, or match expressions, is an error.
 */
export function setSelector(obj: KubeObject, selector: ParsedSelector): void {
  if (obj.apiVersion !== 'v1' || obj.kind !== 'Service') throw new CliError('setting a selector is only supported for Services');
  if (selector.matchExpressions.length > 0) throw new CliError(`match expression ${formatExpressions(selector.matchExpressions)} not supported on this object`);
  const spec = ((obj as { spec?: Record<string, unknown> }).spec ??= {});
  const labels = Object.keys(selector.matchLabels).sort();
  if (labels.length === 0) {
    delete spec['selector'];
    return;
  }
  spec['selector'] = Object.fromEntries(labels.map((k) => [k, selector.matchLabels[k]]));
}
