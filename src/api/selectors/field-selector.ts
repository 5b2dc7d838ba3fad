// Field selectors (`?fieldSelector=`): `field=value`, `field==value`, `field!=value`, comma = AND,
// values escaped with `\` (`\,` `\=` `\\`); parsing, matching and printing as apimachinery `fields`.
import { fail, ok, type SelectorResult } from './result.js';

/** One `field op value` term; `value` is unescaped. `=` and `==` mean the same. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '==' | '!=';
  readonly value: string;
}

/** A flat field set, e.g. `{ 'metadata.name': 'web', 'status.phase': 'Running' }`. */
export type Fields = Readonly<Record<string, string>>;

/** Escapes a literal for use as a field selector value (`\` → `\\`, `,` → `\,`, `=` → `\=`). */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Undoes {@link escapeFieldValue}. Fails with upstream's texts on an unknown escape or a bare `,`
 * or `=`; note upstream prints the bare character as its code point (`=` → `61`).
 */
export function unescapeFieldValue(s: string): SelectorResult<string> {
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') return fail(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      return fail(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (inSlash) return fail('invalid field selector: invalid escape sequence: \\');
  return ok(out);
}

// Splits on commas that are not escaped; escape pairs stay in the terms for unescaping later.
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// The first operator occurrence splits the term (field names cannot be escaped); `!=` and `==`
// are tried before `=` at each position so neither leaves a stray character behind.
function splitTerm(term: string): [string, FieldRequirement['operator'], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A field selector: the AND of its terms. Unlike labels, a missing field reads as `""`, so
 * `spec.nodeName=` selects unscheduled pods and `x!=v` holds when `x` is absent.
 */
export class FieldSelector {
  /** Terms in the order upstream keeps them: sorted by their raw text. */
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  /** The selector that matches every object. */
  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  /** `field=value` for each entry of `set`, in key order. */
  static fromSet(set: Fields): FieldSelector {
    return new FieldSelector(Object.keys(set).sort(byString).map((field) => ({ field, operator: '=', value: set[field] ?? '' })));
  }

  /** True when nothing is restricted. */
  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  /** Whether every term holds; absent fields read as the empty string. */
  matches(fields: Fields): boolean {
    return this.requirements.every((r) => {
      const have = Object.hasOwn(fields, r.field) ? (fields[r.field] ?? '') : '';
      return r.operator === '!=' ? have !== r.value : have === r.value;
    });
  }

  /** The value an `=`/`==` term pins `field` to, if any (used to turn a list into a lookup). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  /**
   * Rewrites every term through `fn` (field label conversion: rename, or reject an unsupported
   * field). The first failure wins, as upstream `Selector.Transform`.
   */
  transform(fn: (field: string, value: string) => SelectorResult<{ field: string; value: string }>): SelectorResult<FieldSelector> {
    const out: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const t = fn(r.field, r.value);
      if (!t.ok) return fail(t.error);
      // Upstream drops a term that converts to an empty field and value (it means "everything").
      if (t.value.field === '' && t.value.value === '') continue;
      out.push({ field: t.value.field, operator: r.operator, value: t.value.value });
    }
    return ok(new FieldSelector(out));
  }

  /** Canonical string: `f=v` (also for `==`), `f!=v`, values escaped, joined by `,`. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`).join(',');
  }
}

/**
 * Parses `?fieldSelector=`. No whitespace is trimmed (upstream neither: `a = b` is field `a `),
 * empty terms are skipped, and a term without an operator fails with
 * `invalid selector: '<selector>'; can't understand '<term>'`.
 */
export function parseFieldSelector(input: string): SelectorResult<FieldSelector> {
  const reqs: FieldRequirement[] = [];
  for (const part of splitTerms(input).sort(byString)) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) return fail(`invalid selector: '${input}'; can't understand '${part}'`);
    const [field, operator, raw] = split;
    const value = unescapeFieldValue(raw);
    if (!value.ok) return fail(value.error);
    reqs.push({ field, operator, value: value.value });
  }
  return ok(new FieldSelector(reqs));
}
