/**
 * The parser of Kubernetes' JSONPath templates (client-go util/jsonpath): literal text and `{…}`
 * actions holding fields, subscripts, slices, unions, filters, recursive descent, quoted text,
 * numbers and the `range`/`end` keywords. It follows upstream's scanner rune by rune, because what
 * kubectl accepts, and the wording of what it rejects, depend on those exact rules (e.g. `['a.b']`
 * is two fields, a tab inside an action is an error).
 */

/** One array subscript bound: `known` is false when left out (`[:2]`). */
export interface Param {
  value: number;
  known: boolean;
  /** The end bound implied by a single index (`[2]` selects 2 up to 3). */
  derived: boolean;
}

export interface ListNode {
  type: 'list';
  nodes: Node[];
}

export type Node =
  | ListNode
  | { type: 'text'; text: string }
  | { type: 'field'; name: string }
  | { type: 'identifier'; name: string }
  | { type: 'array'; params: [Param, Param, Param] }
  | { type: 'filter'; left: ListNode; right: ListNode; op: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; nodes: ListNode[] };

/** A template that does not parse; the message is upstream's (`unclosed action`). */
export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

const EOF = '';
const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const FILTER = /^([^!<>=]+)([!<>=]+)(.+?)$/;

const isSpace = (r: string): boolean => r === ' ' || r === '\t';
const isEndOfLine = (r: string): boolean => r === '\r' || r === '\n';
const isDigit = (r: string): boolean => /^\p{Nd}$/u.test(r);
const isAlphaNumeric = (r: string): boolean => r === '_' || /^[\p{L}\p{Nd}]$/u.test(r);

function isTerminator(r: string): boolean {
  if (isSpace(r) || isEndOfLine(r)) return true;
  return r === EOF || '.,[]$@{}'.includes(r);
}

/** Go's `%#U` of a rune: `U+002A '*'` (without the quoted rune when it is not printable). */
function formatRune(r: string): string {
  const code = (r.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(r) ? `U+${code} '${r}'` : `U+${code}`;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Upstream's UnquoteExtend: Go string unquoting that also takes single quotes around any text. */
export function unquoteExtend(s: string): string {
  const bad = (): never => {
    throw new JsonPathError('invalid syntax');
  };
  if (s.length < 2) bad();
  const quote = s[0] ?? '';
  if (quote !== s[s.length - 1] || (quote !== '"' && quote !== "'")) bad();
  const body = s.slice(1, -1);
  if (!body.includes('\\') && !body.includes(quote)) return body;
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i] ?? '';
    if (c === quote) bad();
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1] ?? bad();
    i += 2;
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === quote) out += e;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) bad();
      const code = parseInt(hex, 16);
      if (e === 'x') out += String.fromCharCode(code);
      else if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) bad();
      else out += String.fromCodePoint(code);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) bad();
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else bad();
  }
  return out;
}

class Parser {
  readonly root: ListNode = { type: 'list', nodes: [] };
  private pos = 0;
  private start = 0;
  private width = 0;

  constructor(private readonly input: string) {}

  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = String.fromCodePoint(this.input.codePointAt(this.pos) ?? 0);
    this.width = r.length;
    this.pos += this.width;
    return r;
  }

  private peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private consumeText(): string {
    const value = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return value;
  }

  private at(prefix: string): boolean {
    return this.input.startsWith(prefix, this.pos);
  }

  /** Text up to the next `{`, then the action; returns when the input ends. */
  parse(): ListNode {
    for (;;) {
      while (!this.at('{')) {
        if (this.next() === EOF) {
          if (this.pos > this.start) this.root.nodes.push({ type: 'text', text: this.consumeText() });
          return this.root;
        }
      }
      if (this.pos > this.start) this.root.nodes.push({ type: 'text', text: this.consumeText() });
      this.pos += 1;
      this.consumeText();
      const action: ListNode = { type: 'list', nodes: [] };
      this.root.nodes.push(action);
      while (!this.insideAction(action));
    }
  }

  /** Scans one item of an action; true once the closing `}` is consumed. */
  private insideAction(cur: ListNode): boolean {
    if (this.at('}')) {
      this.pos += 1;
      this.consumeText();
      return true;
    }
    if (this.at('[?(')) {
      this.parseFilter(cur);
      return false;
    }
    if (this.at('..')) {
      this.parseRecursive(cur);
      return false;
    }
    const r = this.next();
    if (r === EOF || isEndOfLine(r)) throw new JsonPathError('unclosed action');
    if (r === ' ' || r === '@' || r === '$') this.consumeText();
    else if (r === '[') this.parseArray(cur);
    else if (r === '"' || r === "'") this.parseQuote(cur, r);
    else if (r === '.') this.parseField(cur);
    else if (r === '+' || r === '-' || isDigit(r)) {
      this.backup();
      this.parseNumber(cur);
    } else if (isAlphaNumeric(r)) {
      this.backup();
      this.parseIdentifier(cur);
    } else throw new JsonPathError(`unrecognized character in action: ${formatRune(r)}`);
    return false;
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.next()));
    this.backup();
    const value = this.consumeText();
    cur.nodes.push(value === 'true' || value === 'false' ? { type: 'bool', value: value === 'true' } : { type: 'identifier', name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes[cur.nodes.length - 1]?.type === 'recursive') throw new JsonPathError('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ type: 'recursive' });
    if (isAlphaNumeric(this.peek())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const r = this.peek();
    if (r === '+' || r === '-') this.next();
    for (;;) {
      const c = this.next();
      if (c !== '.' && !isDigit(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (/^[+-]?\d+$/.test(value) && Math.abs(Number(value)) < 2 ** 63) cur.nodes.push({ type: 'int', value: Number(value) });
    else if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) cur.nodes.push({ type: 'float', value: Number(value) });
    else throw new JsonPathError(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JsonPathError('unterminated array');
      if (r === ']') break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === '*') text = ':';
    const parts = text.split(',');
    if (parts.length > 1) {
      cur.nodes.push({ type: 'union', nodes: parts.map((p) => parseAction(`[${p.replace(/^ +| +$/g, '')}]`)) });
      return;
    }
    const key = DICT_KEY.exec(text);
    if (key !== null) {
      // Upstream re-parses the key as `.key`, so `['a.b']` means the fields a and b.
      cur.nodes.push(...parseAction(`.${key[1] ?? ''}`).nodes);
      return;
    }
    const m = SLICE.exec(text);
    if (m === null) throw new JsonPathError(`invalid array index ${text}`);
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      let v = m[i + 1] ?? '';
      if (v !== '') {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === '') params.push({ value: 0, known: false, derived: false });
        else {
          if (!/^-?\d+$/.test(v)) throw new JsonPathError(`array index ${v} is not a number`);
          params.push({ value: Number(v), known: true, derived: false });
        }
      } else if (i === 1) params.push({ value: (params[0]?.value ?? 0) + 1, known: true, derived: true });
      else params.push({ value: 0, known: false, derived: false });
    }
    cur.nodes.push({ type: 'array', params: params as [Param, Param, Param] });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JsonPathError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')' && begin === end) break;
    }
    if (this.next() !== ']') throw new JsonPathError('unclosed array expect ]');
    const text = this.consumeText().slice(0, -2);
    const m = FILTER.exec(text);
    if (m === null) cur.nodes.push({ type: 'filter', left: parseAction(text), right: { type: 'list', nodes: [] }, op: 'exists' });
    else cur.nodes.push({ type: 'filter', left: parseAction(m[1] ?? ''), right: parseAction(m[3] ?? ''), op: m[2] ?? '' });
  }

  private parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JsonPathError('unterminated quoted string');
      if (r === end && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    try {
      cur.nodes.push({ type: 'text', text: unquoteExtend(value) });
    } catch (e) {
      throw new JsonPathError(`unquote string ${value} error ${(e as Error).message}`);
    }
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    for (;;) {
      const r = this.next();
      if (r === '\\') this.next();
      else if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    cur.nodes.push(value === '*' ? { type: 'wildcard' } : { type: 'field', name: value.replaceAll('\\', '') });
  }
}

/** Parses `text` as the inside of one action (upstream's parseAction). */
function parseAction(text: string): ListNode {
  const root = new Parser(`{${text}}`).parse();
  const first = root.nodes[0];
  return first?.type === 'list' ? first : { type: 'list', nodes: [] };
}

/** Parses a whole template: the top-level text nodes and one list node per action. */
export function parseTemplate(text: string): ListNode {
  return new Parser(text).parse();
}
