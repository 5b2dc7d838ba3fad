// Label requirements and the selector that ANDs them: construction with upstream's validation,
// matching, and the canonical string form (`app=web,tier in (a,b)`).
import { fail, ok, type SelectorResult } from './result.js';
import { formatAggregate, goQuote, goStringSlice, isLabelKey, isLabelValue, type FieldError } from './validation.js';

/** Operators of a label requirement, spelled as upstream's `selection.Operator`. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** A labels map as found in `metadata.labels`; `undefined` means no labels. */
export type Labels = Readonly<Record<string, string>> | undefined;

/** One validated `key op values` term. Build it with {@link newRequirement}. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Values in the order given; `in`/`notin` from the parser arrive sorted and de-duplicated. */
  readonly values: readonly string[];
}

const has = (labels: Labels, key: string): boolean => labels !== undefined && Object.hasOwn(labels, key);
const lookup = (labels: Labels, key: string): string | undefined => (has(labels, key) ? labels?.[key] : undefined);
// Go's strconv.ParseInt(s, 10, 64): optional sign then digits, nothing else, within int64.
const INT_RE = /^[+-]?[0-9]+$/;
const parseInt64 = (s: string): bigint | undefined => {
  if (!INT_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n > 9223372036854775807n || n < -9223372036854775808n ? undefined : n;
};

/**
 * Validates and builds a requirement, as upstream `labels.NewRequirement`. `path` prefixes field
 * paths in messages (upstream passes none, so paths read `key`, `values`, `values[0][app]`).
 * `values === null` stands for Go's nil slice, which only matters for how the message prints it.
 */
export function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[] | null,
): SelectorResult<LabelRequirement> {
  const errs: FieldError[] = [];
  const vals = values ?? [];
  const keyErrs = isLabelKey(key);
  if (keyErrs.length > 0) errs.push({ path: 'key', type: 'Invalid value', value: goQuote(key), detail: keyErrs.join('; ') });
  const badCount = (detail: string): void => {
    errs.push({ path: 'values', type: 'Invalid value', value: goStringSlice(values), detail });
  };
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) badCount("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) badCount('exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) badCount('values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) badCount("for 'Gt', 'Lt' operators, exactly one value is required");
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push({ path: `values[${i}]`, type: 'Invalid value', value: goQuote(v), detail: "for 'Gt', 'Lt' operators, the value must be an integer" });
        }
      });
      break;
  }
  vals.forEach((v, i) => {
    const vErrs = isLabelValue(v);
    if (vErrs.length > 0) errs.push({ path: `values[${i}][${key}]`, type: 'Invalid value', value: goQuote(v), detail: vErrs.join('; ') });
  });
  if (errs.length > 0) return fail(formatAggregate(errs));
  return ok({ key, operator, values: [...vals] });
}

/** Whether one requirement holds for a label set (upstream `Requirement.Matches`). */
export function requirementMatches(r: LabelRequirement, labels: Labels): boolean {
  switch (r.operator) {
    case '=':
    case '==':
    case 'in': {
      const v = lookup(labels, r.key);
      return v !== undefined && r.values.includes(v);
    }
    // A missing key satisfies `!=` and `notin`: "not equal to any of these" is true of absence.
    case '!=':
    case 'notin': {
      const v = lookup(labels, r.key);
      return v === undefined || !r.values.includes(v);
    }
    case 'exists':
      return has(labels, r.key);
    case '!':
      return !has(labels, r.key);
    case 'gt':
    case 'lt': {
      const v = lookup(labels, r.key);
      const have = v === undefined ? undefined : parseInt64(v);
      const want = r.values.length === 1 && r.values[0] !== undefined ? parseInt64(r.values[0]) : undefined;
      if (have === undefined || want === undefined) return false;
      return r.operator === 'gt' ? have > want : have < want;
    }
  }
}

const sortedCopy = (values: readonly string[]): string[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Canonical text of one requirement: `!k`, `k`, `k=v`, `k in (a,b)`; multiple values print sorted. */
export function requirementToString(r: LabelRequirement): string {
  const op: Record<LabelOperator, string> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '' };
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const vals = r.values.length === 1 ? (r.values[0] ?? '') : sortedCopy(r.values).join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${op[r.operator]}${set ? `(${vals})` : vals}`;
}

/**
 * A label selector: the AND of its requirements, kept sorted by key (stable) as upstream does so
 * that its string form is deterministic.
 *
 * Semantics worth knowing:
 * - no requirements (`""`, `{}`, `{matchLabels: {}}`) selects everything;
 * - {@link LabelSelector.nothing} (what a structured `null` selector becomes) selects nothing and
 *   prints as `""` — the two are distinguishable only by {@link LabelSelector.matchesNothing};
 * - requirements are not checked against each other: `a=b,a!=b` is valid and matches nothing.
 */
export class LabelSelector {
  private constructor(
    /** Requirements, sorted by key. */
    readonly requirements: readonly LabelRequirement[],
    /** True only for the selector that matches no object at all. */
    readonly matchesNothing: boolean,
  ) {}

  // Shared instances are safe: a selector is never mutated.
  static readonly #everything = new LabelSelector([], false);
  static readonly #nothing = new LabelSelector([], true);

  /** The selector that matches every label set, including none. */
  static everything(): LabelSelector {
    return LabelSelector.#everything;
  }

  /** The selector that matches nothing (a structured `null` selector). */
  static nothing(): LabelSelector {
    return LabelSelector.#nothing;
  }

  /** A selector from already-validated requirements (sorted by key here). */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    // Array.prototype.sort is stable, so two requirements on one key keep their written order.
    return new LabelSelector([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), false);
  }

  /**
   * `key=value` for each entry, without validation (upstream `SelectorFromValidatedSet`); an empty
   * or absent set selects everything.
   */
  static fromSet(set: Labels): LabelSelector {
    return LabelSelector.of(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
  }

  /** True when nothing is restricted (selects everything). */
  isEmpty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  /** Whether every requirement holds for `labels`. */
  matches(labels: Labels): boolean {
    if (this.matchesNothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** The same selector with more requirements ANDed in (this one is unchanged). */
  add(...requirements: LabelRequirement[]): LabelSelector {
    if (this.matchesNothing) return this;
    return LabelSelector.of([...this.requirements, ...requirements]);
  }

  /**
   * If the selector pins `key` to a single value (via `=`, `==` or a one-value `in` on the first
   * requirement for that key), that value; used to narrow a list to an index.
   */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((q) => q.key === key);
    if (r === undefined || r.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
  }

  /** Canonical string form (`app=web,tier in (a,b)`), what `kubectl describe` prints as `Selector:`. */
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}
