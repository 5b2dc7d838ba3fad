// The string form of label selectors (`?labelSelector=`, `kubectl -l`): a lexer and a recursive
// descent parser whose accepted language and error texts follow apimachinery `labels.Parse`.
import { LabelSelector, newRequirement, type LabelOperator, type LabelRequirement } from './label-selector.js';
import { fail, ok, type SelectorResult } from './result.js';
import { formatFieldError, goQuote, isLabelKey } from './validation.js';

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(' | 'id';
interface Token {
  readonly tok: Tok;
  readonly lit: string;
}

const SYMBOLS: ReadonlySet<string> = new Set([')', ',', '!', '==', '=', '>', '<', '!=', '(']);
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Splits the input into tokens, ending with `eos`. `in`/`notin` are keywords here; the parser
 * demotes them to identifiers wherever a key or value is expected (`in in (in)` is valid). */
function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i] ?? '')) i++;
    if (i >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    const c = s[i] ?? '';
    if (SPECIAL.has(c)) {
      // Longest run of special characters that is still an operator: `!=(` lexes as `!=`, `(`.
      let best = '';
      let buf = '';
      while (i + buf.length < s.length && SPECIAL.has(s[i + buf.length] ?? '')) {
        buf += s[i + buf.length] ?? '';
        if (SYMBOLS.has(buf)) best = buf;
        else if (best !== '') break;
      }
      if (best === '') {
        out.push({ tok: 'error', lit: `error expected: keyword found '${buf}'` });
        i += buf.length;
      } else {
        out.push({ tok: best as Tok, lit: best });
        i += best.length;
      }
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.has(s[j] ?? '') && !isSpace(s[j] ?? '')) j++;
    const word = s.slice(i, j);
    out.push({ tok: word === 'in' || word === 'notin' ? word : 'id', lit: word });
    i = j;
  }
}

const OPERATORS: Partial<Record<Tok, LabelOperator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };

/** Thrown only inside this module to unwind the recursive descent; never escapes. */
class ParseFailure extends Error {}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  // In value position the keywords are ordinary words.
  private peek(values: boolean): Token {
    const t = this.tokens[this.pos] ?? { tok: 'eos', lit: '' };
    return values && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'id', lit: t.lit } : t;
  }

  private next(values: boolean): Token {
    const t = this.peek(values);
    this.pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const t = this.peek(true);
      if (t.tok === 'eos') return reqs;
      if (t.tok !== 'id' && t.tok !== '!') throw new ParseFailure(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof ParseFailure) throw new ParseFailure(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next(true);
      if (after.tok === 'eos') return reqs;
      if (after.tok !== ',') throw new ParseFailure(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.tok !== 'id' && following.tok !== '!') throw new ParseFailure(`found '${following.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let unary: LabelOperator | undefined;
    let t = this.next(true);
    if (t.tok === '!') {
      unary = '!';
      t = this.next(true);
    }
    if (t.tok !== 'id') throw new ParseFailure(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErrs = isLabelKey(key);
    // The parser has no field path, so upstream prints Go's nil path: `<nil>: Invalid value: ...`.
    if (keyErrs.length > 0) throw new ParseFailure(formatFieldError({ path: '<nil>', type: 'Invalid value', value: goQuote(key), detail: keyErrs.join('; ') }));
    const la = this.peek(true).tok;
    if (unary === undefined && (la === 'eos' || la === ',')) unary = 'exists';
    // `!key` ends the requirement whatever follows; `!a=b` then fails at the `=` one level up.
    if (unary !== undefined) return this.build(key, unary, []);

    const opTok = this.next(false);
    const op = OPERATORS[opTok.tok];
    if (op === undefined) throw new ParseFailure(`found '${opTok.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = op === 'in' || op === 'notin' ? this.valueSet() : this.exactValue();
    // Upstream collects values in a string set, so they arrive sorted and de-duplicated.
    return this.build(key, op, [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private build(key: string, op: LabelOperator, values: string[]): LabelRequirement {
    const r = newRequirement(key, op, values);
    if (!r.ok) throw new ParseFailure(r.error);
    return r.value;
  }

  private valueSet(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new ParseFailure(`found '${open.lit}' expected: '('`);
    const first = this.peek(true);
    if (first.tok === ')') {
      this.pos++;
      return ['']; // `x in ()` is the set holding the empty value
    }
    if (first.tok !== 'id' && first.tok !== ',') throw new ParseFailure(`found '${first.lit}', expected: ',', ')' or identifier`);
    const vals: string[] = [];
    for (;;) {
      const t = this.next(true);
      if (t.tok === 'id') {
        vals.push(t.lit);
        const la = this.peek(true);
        if (la.tok === ',') continue;
        if (la.tok === ')') {
          this.pos++;
          return vals;
        }
        throw new ParseFailure(`found '${la.lit}', expected: ',' or ')'`);
      }
      if (t.tok !== ',') throw new ParseFailure(`found '${t.lit}', expected: ',', or identifier`);
      // A comma with nothing before it, after it, or between two commas stands for the empty value.
      if (vals.length === 0) vals.push('');
      const la = this.peek(true).tok;
      if (la === ')') {
        vals.push('');
        this.pos++;
        return vals;
      }
      if (la === ',') vals.push('');
    }
  }

  private exactValue(): string[] {
    const la = this.peek(true);
    if (la.tok === 'eos' || la.tok === ',') return ['']; // `k=` compares with the empty value
    const t = this.next(true);
    if (t.tok === 'id') return [t.lit];
    throw new ParseFailure(`found '${t.lit}', expected: identifier`);
  }
}

/**
 * Parses the string form of a label selector. Grammar (whitespace between tokens is ignored):
 *
 * ```
 * selector    ::= "" | requirement ("," requirement)*
 * requirement ::= "!" KEY | KEY | KEY ("=" | "==" | "!=" | ">" | "<") [VALUE]
 *               | KEY ("in" | "notin") "(" [VALUE ("," [VALUE])*] ")"
 * ```
 *
 * Keys are qualified names, values label values (both validated). The result's error text is what
 * kube-apiserver returns in its 400, e.g. `found 'b', expected: ',' or 'end of string'`.
 */
export function parseLabelSelector(input: string): SelectorResult<LabelSelector> {
  try {
    return ok(LabelSelector.of(new Parser(lex(input)).parse()));
  } catch (e) {
    if (e instanceof ParseFailure) return fail(e.message);
    throw e;
  }
}
