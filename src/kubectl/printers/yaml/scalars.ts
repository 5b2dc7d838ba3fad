/**
 * The scalar rules behind kubectl's YAML (go-yaml v2): which strings would read back as another
 * type (and so are quoted), which styles libyaml's analysis allows for a text, the order go-yaml
 * gives map keys, and the folding of NEL that the JSON round trip causes.
 */

type Obj = Record<string, unknown>;

/** The scalar styles the emitter writes. */
export type Style = 'plain' | 'single' | 'double' | 'literal';

// ---- go-yaml's resolver: does a plain scalar read back as something other than a string? ----

const BOOL_NULL_SPECIAL = new Set(
  'y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<'.split(' '),
);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})|\x20(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?)?$/;

/** go-yaml's timestamp check: Go's time.Parse with its four layouts, field ranges included. */
function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days) return false;
  const [h, mi, sec] = [m[4] ?? m[7], m[5] ?? m[8], m[6] ?? m[9]].map(Number);
  return h === undefined || Number.isNaN(h) || (h < 24 && (mi ?? 0) < 60 && (sec ?? 0) < 60);
}

/** Go's strconv.ParseInt/ParseUint with base 0 (after `_` removal): decimal, 0x, 0o, 0b, leading-0 octal. */
function isGoInteger(s: string): boolean {
  return /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(s);
}

/** True when go-yaml would resolve the unquoted text to a non-string (so it must be quoted). */
function resolvesToNonString(s: string): boolean {
  if (s === '') return true;
  if (BOOL_NULL_SPECIAL.has(s)) return true;
  const c = s[0] ?? '';
  if (c === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9'))) return false;
  if (isTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  if (isGoInteger(plain)) return true;
  if (YAML_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

/** The style go-yaml's encoder asks for: literal for multi-line, plain unless it would misread. */
export function requestedStyle(s: string): Style {
  if (s.includes('\n')) return 'literal';
  return resolvesToNonString(s) || BASE60_FLOAT.test(s) ? 'double' : 'plain';
}

// ---- character classes (libyaml's, over code points) ----

export const isBreak = (c: number): boolean => c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;
const isBlankz = (c: number | undefined): boolean => c === undefined || c === 0 || isBlank(c) || isBreak(c);
export const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

export interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar: which styles can carry the text. */
export function analyze(cs: number[]): Analysis {
  if (cs.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockInd = false;
  let flowInd = false;
  const head = String.fromCodePoint(...cs.slice(0, 3));
  if (head === '---' || head === '...') blockInd = flowInd = true;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWs = true;
  let prevSpace = false;
  let prevBreak = false;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] ?? 0;
    const ch = String.fromCodePoint(c);
    const followedByWs = i + 1 >= cs.length || isBlank(cs[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowInd = blockInd = true;
      else if (ch === '?' || ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (ch === '-' && followedByWs) flowInd = blockInd = true;
    } else if (',?[]{}'.includes(ch)) flowInd = true;
    else if (ch === ':') {
      flowInd = true;
      if (followedByWs) blockInd = true;
    } else if (ch === '#' && precededByWs) flowInd = blockInd = true;
    if (!isPrintable(c)) special = true;
    const last = i === cs.length - 1;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankz(c);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

// ---- go-yaml's key order ----

const isLetter = (c: number): boolean => (c < 0x80 ? (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) : /^\p{L}$/u.test(String.fromCodePoint(c)));
const isDigit = (c: number | undefined): boolean => c !== undefined && (c < 0x80 ? c >= 0x30 && c <= 0x39 : /^\p{Nd}$/u.test(String.fromCodePoint(c)));

/** go-yaml's keyList.Less for two string keys: letters after other runes, digit runs by value. */
function keyLess(a: string, b: string): boolean {
  const ar = [...a].map((c) => c.codePointAt(0) ?? 0);
  const br = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i] ?? 0;
    const y = br[i] ?? 0;
    if (x === y) continue;
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x < y;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (x === 0x30 || y === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== 0x30) {
          an = bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = BigInt.asIntN(64, an * 10n + BigInt((ar[ai] ?? 0x30) - 0x30));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt((br[bi] ?? 0x30) - 0x30));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x < y;
  }
  return ar.length < br.length;
}

/** The keys of a map in go-yaml's output order. */
export function yamlKeyOrder(o: Obj): string[] {
  return Object.keys(o).sort((a, b) => (keyLess(fold(a), fold(b)) ? -1 : keyLess(fold(b), fold(a)) ? 1 : 0));
}

/**
 * Go's JSON leaves U+0085 (NEL) unescaped, and go-yaml, reading that JSON back, takes it for a line
 * break inside a quoted scalar and folds it: one break becomes a space, n breaks n-1 newlines.
 */
export function fold(s: string): string {
  if (!s.includes('\u0085')) return s;
  return s.replace(/[ \t]*(?:\u0085[ \t]*)+/g, (m) => {
    const n = m.split('\u0085').length - 1;
    return n === 1 ? ' ' : '\n'.repeat(n - 1);
  });
}

