/**
 * The parser of Go's text/template: actions, pipelines with declarations (`$x :=`, `$i, $e :=`,
 * `$x =`), commands and their operands (fields, chains, variables, functions, literals,
 * parenthesised pipelines), and the control structures `if`/`else if`/`else with`/`range`/`with`
 * with `break` and `continue`, and `define`/`template`/`block`. Error wording and the node texts
 * used in execution errors are Go's.
 */
import { goQuote } from '../../../api/gofmt.js';
import { itemString, lex, type Item } from './lex.js';
import { argString, unquote, type Arg, type Command, type ListNode, type Node, type Pipe, type Tree } from './nodes.js';

export type { Arg, Command, ControlNode, ListNode, Node, Pipe, TemplateNode, Tree } from './nodes.js';
export { argString };

type Control = Node | { t: 'end' | 'else'; pos: number; isIf?: boolean; isWith?: boolean };

/** A template that does not parse: `template: output:1: unclosed action`. */
export class TemplateParseError extends Error {
  override readonly name = 'TemplateParseError';
}

const BUILTINS = new Set(['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne']);

class Parser {
  private readonly items: Item[];
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private last: Item;
  readonly defs = new Map<string, ListNode>();

  constructor(
    text: string,
    private readonly funcs: ReadonlySet<string>,
  ) {
    this.items = lex(text);
    this.last = this.items[0] ?? { typ: 'eof', pos: 0, val: '', line: 1 };
  }

  private errorf(msg: string): never {
    throw new TemplateParseError(`template: output:${this.last.line}: ${msg}`);
  }

  private next(): Item {
    const it = this.items[this.i] ?? this.items[this.items.length - 1] ?? this.last;
    if (this.i < this.items.length) this.i++;
    this.last = it;
    return it;
  }

  private backup(n = 1): void {
    this.i -= n;
  }

  private peek(): Item {
    return this.items[this.i] ?? this.items[this.items.length - 1] ?? this.last;
  }

  private nextNonSpace(): Item {
    let t = this.next();
    while (t.typ === 'space') t = this.next();
    return t;
  }

  private peekNonSpace(): Item {
    const save = this.i;
    const saveLast = this.last;
    const t = this.nextNonSpace();
    this.i = save;
    this.last = saveLast;
    return t;
  }

  private unexpected(t: Item, context: string): never {
    if (t.typ === 'error') this.errorf(t.val);
    this.errorf(`unexpected ${itemString(t, goQuote)} in ${context}`);
  }

  private expect(typ: Item['typ'], context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== typ) this.unexpected(t, context);
    return t;
  }

  parse(): ListNode {
    const root: ListNode = { t: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== 'eof') {
      if (this.peek().typ === 'leftDelim') {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().typ === 'define') {
          this.definition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.t === 'end' || n.t === 'else') this.errorf(`unexpected {{${n.t}}}`);
      root.nodes.push(n as Node);
    }
    return root;
  }

  private templateName(context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== 'string' && t.typ !== 'rawString') this.unexpected(t, context);
    return t;
  }

  private definition(): void {
    const name = unquote(this.templateName('define clause').val);
    this.expect('rightDelim', 'define clause');
    const vars = this.vars;
    this.vars = ['$'];
    const { list, next } = this.itemList();
    if (next.t !== 'end') this.errorf(`unexpected {{${next.t}}} in define clause`);
    this.vars = vars;
    this.defs.set(name, list);
  }

  private itemList(): { list: ListNode; next: Control } {
    const list: ListNode = { t: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== 'eof') {
      const n = this.textOrAction();
      if (n.t === 'end' || n.t === 'else') return { list, next: n };
      list.nodes.push(n as Node);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Control {
    const t = this.nextNonSpace();
    if (t.typ === 'text') return { t: 'text', pos: t.pos, text: t.val };
    if (t.typ === 'leftDelim') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): Control {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case 'else':
        return this.elseControl();
      case 'end':
        return { t: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
        return this.control('if');
      case 'range':
        return this.control('range');
      case 'with':
        return this.control('with');
      case 'break':
      case 'continue':
        if (this.rangeDepth === 0) this.errorf(`{{${t.typ}}} outside {{range}}`);
        this.expect('rightDelim', t.typ);
        return { t: t.typ, pos: t.pos };
      case 'template': {
        const name = this.templateName('template clause');
        if (this.nextNonSpace().typ === 'rightDelim') return { t: 'template', pos: name.pos, name: unquote(name.val) };
        this.backup();
        return { t: 'template', pos: name.pos, name: unquote(name.val), pipe: this.pipeline('template clause', 'rightDelim') };
      }
      case 'block': {
        const name = this.templateName('block clause');
        const pipe = this.pipeline('block clause', 'rightDelim');
        const vars = this.vars;
        this.vars = ['$'];
        const { list, next } = this.itemList();
        if (next.t !== 'end') this.errorf(`unexpected {{${next.t}}} in block clause`);
        this.vars = vars;
        this.defs.set(unquote(name.val), list);
        return { t: 'template', pos: name.pos, name: unquote(name.val), pipe };
      }
    }
    this.backup();
    const tok = this.peek();
    return { t: 'action', pos: tok.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private elseControl(): Control {
    const peek = this.peekNonSpace();
    if (peek.typ === 'if') return { t: 'else', pos: peek.pos, isIf: true };
    if (peek.typ === 'with') return { t: 'else', pos: peek.pos, isWith: true };
    return { t: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  private control(context: 'if' | 'range' | 'with'): Node {
    const depth = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    const { list, next: first } = this.itemList();
    let next = first;
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.t === 'else') {
      // `{{else if …}}` / `{{else with …}}` parse as an else holding one if/with that shares the {{end}}.
      if ((context === 'if' && 'isIf' in next && next.isIf) || (context === 'with' && 'isWith' in next && next.isWith)) {
        this.nextNonSpace();
        elseList = { t: 'list', pos: next.pos, nodes: [this.control(context)] };
      } else {
        ({ list: elseList, next } = this.itemList());
        if (next.t !== 'end') this.errorf(`expected end; found {{${next.t}}}`);
      }
    }
    this.vars = this.vars.slice(0, depth);
    return { t: context, pos: pipe.pos, pipe, list, elseList };
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const first = this.peekNonSpace();
    const pipe: Pipe = { t: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== 'variable') break;
      const save = this.i;
      this.nextNonSpace();
      const nxt = this.peekNonSpace();
      if (nxt.typ === 'assign' || nxt.typ === 'declare') {
        pipe.isAssign = nxt.typ === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        break;
      }
      if (nxt.typ === 'char' && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.i = save;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.typ === 'rightDelim' || t.typ === 'rightParen') {
        if (t.typ !== end) this.unexpected(t, context);
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          const k = c.args[0]?.t;
          if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') this.errorf(`non executable command in pipeline stage ${i + 2}`);
        });
        return pipe;
      }
      if (['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'].includes(t.typ)) {
        this.backup();
        pipe.cmds.push(this.command());
      } else this.unexpected(t, context);
    }
  }

  private command(): Command {
    const cmd: Command = { t: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op !== undefined) cmd.args.push(op);
      const t = this.next();
      if (t.typ === 'space') continue;
      if (t.typ === 'rightDelim' || t.typ === 'rightParen') this.backup();
      else if (t.typ !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().typ !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === 'field') fields.push(this.next().val.slice(1));
    switch (node.t) {
      case 'field':
        return { t: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { t: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${goQuote(argString(node))}`);
      // falls through (errorf never returns)
      default:
        return { t: 'chain', pos, node, fields };
    }
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case 'identifier':
        if (!BUILTINS.has(t.val) && !this.funcs.has(t.val)) this.errorf(`function ${goQuote(t.val)} not defined`);
        return { t: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        return { t: 'dot', pos: t.pos };
      case 'nil':
        return { t: 'nil', pos: t.pos };
      case 'variable': {
        if (!this.vars.includes(t.val)) this.errorf(`undefined variable ${goQuote(t.val)}`);
        return { t: 'variable', pos: t.pos, ident: [t.val] };
      }
      case 'field':
        return { t: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        return { t: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant':
      case 'number':
        return this.number(t);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        try {
          return { t: 'string', pos: t.pos, quoted: t.val, text: unquote(t.val) };
        } catch (e) {
          this.errorf((e as Error).message);
        }
    }
    this.backup();
    return undefined;
  }

  private number(t: Item): Arg {
    const text = t.val;
    if (t.typ === 'charConstant') {
      const s = unquote(`"${text.slice(1, -1).replaceAll('"', '\\"')}"`);
      if ([...s].length !== 1) this.errorf(`malformed character constant: ${text}`);
      return { t: 'number', pos: t.pos, text, value: s.codePointAt(0) ?? 0, float: false };
    }
    const plain = text.replaceAll('_', '');
    const hexInt = /^[+-]?0[xX]/.test(plain) && !/[pP]/.test(plain);
    if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(plain)) {
      const neg = plain.startsWith('-');
      const body = plain.replace(/^[+-]/, '');
      const v = /^0[0-7]+$/.test(body) ? parseInt(body, 8) : Number(body.replace(/^0[oO]/, '0o'));
      return { t: 'number', pos: t.pos, text, value: neg ? -v : v, float: false };
    }
    const f = Number(plain);
    if (!hexInt && /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(plain) && Number.isFinite(f)) {
      if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${goQuote(text)}`);
      return { t: 'number', pos: t.pos, text, value: f, float: true };
    }
    this.errorf(`illegal number syntax: ${goQuote(text)}`);
  }
}

/** Parses a template; throws {@link TemplateParseError} with Go's message. */
export function parseTemplate(text: string, funcs: ReadonlySet<string>): Tree {
  const p = new Parser(text, funcs);
  const root = p.parse();
  return { root, defs: p.defs };
}
