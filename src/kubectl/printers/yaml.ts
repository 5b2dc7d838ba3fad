/**
 * YAML exactly as kubectl 1.32 writes it (`sigs.k8s.io/yaml` → go-yaml v2): the object goes through
 * Go's JSON, so map keys come out sorted (go-yaml's order, which compares digit runs as numbers:
 * `item2` before `item10`), strings that would read back as another type are double-quoted
 * (`"true"`, `"123"`, timestamps), indicators force single quotes, multi-line strings become literal
 * blocks (`|`, `|-`, `|+`), and long plain or quoted strings fold at column 80.
 *
 * The emitter below follows libyaml's rules for the events such a document produces (block
 * mappings and sequences, `{}`/`[]` for empty ones, scalars), tracking the column the same way.
 */
import { formatFloatG, isGoInt } from '../../api/gofmt.js';
import { analyze, fold, isBreak, isPrintable, requestedStyle, yamlKeyOrder, type Style } from './yaml/scalars.js';

export { yamlKeyOrder };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON number as Go's JSON and go-yaml's resolver turn it back into text. */
function numberText(n: number): string {
  if (isGoInt(n)) return BigInt(n).toString();
  // Go writes a large whole float64 without an exponent below 1e21; go-yaml reads it as a uint.
  if (Number.isInteger(n) && n > 0 && n < 2 ** 64) return BigInt(n).toString();
  return formatFloatG(n);
}

interface Context {
  root?: boolean;
  mapping?: boolean;
  simpleKey?: boolean;
}

class Emitter {
  private out = '';
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;
  private flowLevel = 0;
  private ctx: Context = {};
  private readonly bestIndent = 2;
  private readonly bestWidth = 80;

  document(v: unknown): string {
    this.node(v, { root: true });
    this.writeIndent();
    return this.out;
  }

  private put(s: string): void {
    this.out += s;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(c);
      this.column = 0;
    }
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of ind) this.put(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private node(v: unknown, ctx: Context): void {
    this.ctx = ctx;
    if (Array.isArray(v)) this.sequence(v as unknown[]);
    else if (isObj(v)) this.mapping(v);
    else if (typeof v === 'string') {
      const text = fold(v);
      this.scalar(text, requestedStyle(text));
    }
    else if (typeof v === 'number') this.scalar(numberText(v), 'plain');
    else if (typeof v === 'boolean') this.scalar(String(v), 'plain');
    else this.scalar('null', 'plain');
  }

  private sequence(items: unknown[]): void {
    if (items.length === 0 || this.flowLevel > 0) {
      this.writeIndicator('[', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator(']', false, false, false);
      return;
    }
    this.increaseIndent(false, this.ctx.mapping === true && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, {});
    }
    this.popIndent();
  }

  private mapping(o: Obj): void {
    const keys = yamlKeyOrder(o);
    if (keys.length === 0 || this.flowLevel > 0) {
      this.writeIndicator('{', true, true, false);
      this.increaseIndent(true, false);
      this.popIndent();
      this.writeIndicator('}', false, false, false);
      return;
    }
    this.increaseIndent(false, false);
    for (const k of keys) {
      this.writeIndent();
      const cs = [...fold(k)].map((c) => c.codePointAt(0) ?? 0);
      if (!analyze(cs).multiline && Buffer.byteLength(fold(k)) <= 128) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(o[k], { mapping: true });
    }
    this.popIndent();
  }

  private scalar(text: string, requested: Style): void {
    const cs = [...text].map((c) => c.codePointAt(0) ?? 0);
    const a = analyze(cs);
    const simpleKey = this.ctx.simpleKey === true;
    let style = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (cs.length === 0 && (this.flowLevel > 0 || simpleKey)) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    if (style === 'plain') this.plain(cs, !simpleKey);
    else if (style === 'single') this.singleQuoted(cs, !simpleKey);
    else if (style === 'double') this.doubleQuoted(cs, !simpleKey);
    else this.literal(cs);
    this.popIndent();
  }

  private plain(cs: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i] ?? 0;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && cs[i + 1] !== 0x20) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private singleQuoted(cs: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i] ?? 0;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < cs.length - 1 && cs[i + 1] !== 0x20) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private doubleQuoted(cs: number[], allowBreaks: boolean): void {
    const ESC: Record<number, string> = { 0: '0', 7: 'a', 8: 'b', 9: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P' };
    // libyaml's is_bom looks at the start of the value whatever the position (so a leading BOM escapes everything).
    const bom = cs[0] === 0xfeff;
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i] ?? 0;
      if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const e = ESC[c];
        if (e !== undefined) this.put(e);
        else {
          const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          for (const d of c.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < cs.length - 1) {
          this.writeIndent();
          if (cs[i + 1] === 0x20) this.put('\\');
        } else this.put(' ');
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private literal(cs: number[]): void {
    this.writeIndicator('|', true, false, false);
    if (cs[0] === 0x20 || isBreak(cs[0] ?? 0)) this.writeIndicator(String(this.bestIndent), false, false, false);
    const last = cs[cs.length - 1];
    let chomp = '';
    if (last === undefined || !isBreak(last)) chomp = '-';
    else if (cs.length === 1 || isBreak(cs[cs.length - 2] ?? 0)) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of cs) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** One document as `sigs.k8s.io/yaml.Marshal` writes a decoded JSON value (ends with a newline). */
export function toYaml(v: unknown): string {
  return new Emitter().document(v);
}
