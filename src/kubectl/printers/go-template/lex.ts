/**
 * The scanner of Go's text/template (Go 1.23), as kubectl's `-o go-template` parses templates: text
 * and `{{…}}` actions, `{{-`/`-}}` trim markers, `{{/* comments *\/}}`, actions spanning lines, and
 * the token kinds the parser needs. Positions are UTF-16 offsets; errors carry the line.
 */

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // Keywords.
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Item {
  typ: ItemType;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot',
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
};

const KEYWORD_TYPES = new Set<ItemType>(Object.values(KEYWORDS));

/** Go's `%.10q`-style rendering of a token in parse errors. */
export function itemString(i: Item, quote: (s: string) => string): string {
  if (i.typ === 'eof') return 'EOF';
  if (i.typ === 'error') return i.val;
  if (KEYWORD_TYPES.has(i.typ)) return `<${i.val}>`;
  const runes = [...i.val];
  if (runes.length > 10) return `${quote(runes.slice(0, 10).join(''))}...`;
  return quote(i.val);
}

const EOF = '';
const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (r: string): boolean => r === ' ' || r === '\t' || r === '\r' || r === '\n';
const isAlphaNumeric = (r: string): boolean => r === '_' || /^[\p{L}\p{Nd}]$/u.test(r);
const isPrintableAscii = (r: string): boolean => r.length === 1 && r >= ' ' && r <= '~';
const hasLeftTrim = (s: string): boolean => s.length >= 2 && s[0] === '-' && isSpace(s[1] ?? '');
const hasRightTrim = (s: string): boolean => s.length >= 2 && isSpace(s[0] ?? '') && s[1] === '-';

function formatRune(r: string): string {
  const code = (r.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(r) ? `U+${code} '${r}'` : `U+${code}`;
}

/** Scans the whole template; the last item is `eof` or `error`. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let width = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const next = (): string => {
    if (pos >= input.length) {
      width = 0;
      return EOF;
    }
    const r = String.fromCodePoint(input.codePointAt(pos) ?? 0);
    width = r.length;
    pos += width;
    if (r === '\n') line++;
    return r;
  };
  const backup = (): void => {
    pos -= width;
    if (width === 1 && input[pos] === '\n') line--;
  };
  const peek = (): string => {
    const r = next();
    backup();
    return r;
  };
  const count = (s: string): number => s.split('\n').length - 1;
  const ignore = (): void => {
    start = pos;
    startLine = line;
  };
  const emit = (typ: ItemType): void => {
    items.push({ typ, pos: start, val: input.slice(start, pos), line: startLine });
    start = pos;
    startLine = line;
  };
  const fail = (msg: string): Item[] => {
    items.push({ typ: 'error', pos: start, val: msg, line: startLine });
    return items;
  };
  const accept = (valid: string): boolean => {
    const r = next();
    if (r !== EOF && valid.includes(r)) return true;
    backup();
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (;;) {
      const r = next();
      if (r === EOF || !valid.includes(r)) break;
    }
    backup();
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrim(input.slice(pos)) && input.startsWith(RIGHT, pos + 2)) return { delim: true, trim: true };
    return { delim: input.startsWith(RIGHT, pos), trim: false };
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (isSpace(r) || r === EOF || '.,|:)('.includes(r)) return true;
    return input.startsWith(RIGHT, pos);
  };
  const leftTrimLength = (s: string): number => s.length - s.replace(/^[ \t\r\n]+/, '').length;
  const rightTrimLength = (s: string): number => s.length - s.replace(/[ \t\r\n]+$/, '').length;

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  // Text, then actions, until the input ends or an error.
  for (;;) {
    // lexText
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) {
        line += count(input.slice(start, pos));
        emit('text');
      }
      emit('eof');
      return items;
    }
    if (x > pos) {
      pos = x;
      const trim = hasLeftTrim(input.slice(pos + LEFT.length)) ? rightTrimLength(input.slice(start, pos)) : 0;
      pos -= trim;
      line += count(input.slice(start, pos));
      const text = input.slice(start, pos);
      const item: Item = { typ: 'text', pos: start, val: text, line: startLine };
      pos += trim;
      line += count(input.slice(pos - trim, pos));
      ignore();
      if (text.length > 0) items.push(item);
    }
    // lexLeftDelim
    pos += LEFT.length;
    const trimLeft = hasLeftTrim(input.slice(pos));
    const after = trimLeft ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      ignore();
      pos += 2;
      const end = input.indexOf('*/', pos);
      if (end < 0) return fail('unclosed comment');
      line += count(input.slice(pos, end + 2));
      pos = end + 2;
      const { delim, trim } = atRightDelim();
      if (!delim) return fail('comment ends before closing delimiter');
      if (trim) pos += 2;
      pos += RIGHT.length;
      if (trim) {
        const n = leftTrimLength(input.slice(pos));
        line += count(input.slice(pos, pos + n));
        pos += n;
      }
      ignore();
      continue;
    }
    items.push({ typ: 'leftDelim', pos: start, val: LEFT, line: startLine });
    pos += after;
    ignore();
    parenDepth = 0;
    // lexInsideAction until the right delimiter.
    for (;;) {
      const { delim, trim } = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return fail('unclosed left paren');
        if (trim) {
          pos += 2;
          ignore();
        }
        pos += RIGHT.length;
        items.push({ typ: 'rightDelim', pos: start, val: RIGHT, line: startLine });
        start = pos;
        if (trim) {
          const n = leftTrimLength(input.slice(pos));
          line += count(input.slice(pos, pos + n));
          pos += n;
        }
        ignore();
        break;
      }
      const r = next();
      if (r === EOF) return fail('unclosed action');
      if (isSpace(r)) {
        backup();
        let spaces = 0;
        while (isSpace(peek())) {
          next();
          spaces++;
        }
        if (hasRightTrim(input.slice(pos - 1)) && input.startsWith(RIGHT, pos - 1 + 2)) {
          backup();
          if (spaces === 1) continue;
        }
        emit('space');
      } else if (r === '=') emit('assign');
      else if (r === ':') {
        if (next() !== '=') return fail('expected :=');
        emit('declare');
      } else if (r === '|') emit('pipe');
      else if (r === '"' || r === "'") {
        for (;;) {
          const c = next();
          if (c === '\\') {
            const e = next();
            if (e !== EOF && e !== '\n') continue;
          }
          if (c === '\\' || c === EOF || c === '\n') return fail(r === '"' ? 'unterminated quoted string' : 'unterminated character constant');
          if (c === r) break;
        }
        emit(r === '"' ? 'string' : 'charConstant');
      } else if (r === '`') {
        for (;;) {
          const c = next();
          if (c === EOF) return fail('unterminated raw quoted string');
          if (c === '`') break;
        }
        emit('rawString');
      } else if (r === '$' || (r === '.' && !(pos < input.length && (input[pos] ?? '') >= '0' && (input[pos] ?? '') <= '9'))) {
        if (atTerminator()) emit(r === '$' ? 'variable' : 'dot');
        else {
          let c: string;
          for (;;) {
            c = next();
            if (!isAlphaNumeric(c)) {
              backup();
              break;
            }
          }
          if (!atTerminator()) return fail(`bad character ${formatRune(c)}`);
          emit(r === '$' ? 'variable' : 'field');
        }
      } else if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
        backup();
        if (!scanNumber()) return fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        emit('number');
      } else if (isAlphaNumeric(r)) {
        let c: string;
        for (;;) {
          c = next();
          if (!isAlphaNumeric(c)) {
            backup();
            break;
          }
        }
        if (!atTerminator()) return fail(`bad character ${formatRune(c)}`);
        const word = input.slice(start, pos);
        const kw = KEYWORDS[word];
        emit(kw !== undefined && kw !== 'dot' ? kw : word === 'true' || word === 'false' ? 'bool' : 'identifier');
      } else if (r === '(') {
        parenDepth++;
        emit('leftParen');
      } else if (r === ')') {
        parenDepth--;
        if (parenDepth < 0) return fail('unexpected right paren');
        emit('rightParen');
      } else if (isPrintableAscii(r)) emit('char');
      else return fail(`unrecognized character in action: ${formatRune(r)}`);
    }
  }
}
