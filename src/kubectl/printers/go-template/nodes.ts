/**
 * The parse tree of a Go text/template, and the two things both the parser and the executor need
 * from it: the text Go prints for a node in `executing … at <…>`, and Go's string unquoting.
 */

export type Arg =
  | { t: 'field'; pos: number; ident: string[] }
  | { t: 'variable'; pos: number; ident: string[] }
  | { t: 'chain'; pos: number; node: Arg; fields: string[] }
  | { t: 'identifier'; pos: number; name: string }
  | { t: 'dot'; pos: number }
  | { t: 'nil'; pos: number }
  | { t: 'bool'; pos: number; value: boolean }
  | { t: 'number'; pos: number; text: string; value: number; float: boolean }
  | { t: 'string'; pos: number; quoted: string; text: string }
  | Pipe;

export interface Command {
  t: 'command';
  pos: number;
  args: Arg[];
}

export interface Pipe {
  t: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: { pos: number; ident: string[] }[];
  cmds: Command[];
}

export interface ListNode {
  t: 'list';
  pos: number;
  nodes: Node[];
}

/** `if`, `range` or `with`. */
export interface ControlNode {
  t: 'if' | 'range' | 'with';
  pos: number;
  pipe: Pipe;
  list: ListNode;
  elseList?: ListNode;
}

/** `{{template "name" pipeline}}` (also what `{{block}}` leaves in place). */
export interface TemplateNode {
  t: 'template';
  pos: number;
  name: string;
  pipe?: Pipe;
}

export type Node =
  | ListNode
  | { t: 'text'; pos: number; text: string }
  | { t: 'action'; pos: number; pipe: Pipe }
  | ControlNode
  | TemplateNode
  | { t: 'break' | 'continue'; pos: number };

/** A parsed template: the main tree and the templates it defines. */
export interface Tree {
  root: ListNode;
  defs: Map<string, ListNode>;
}

/** The text of an operand or pipeline as Go's nodes print it (used in `executing … at <…>`). */
export function argString(a: Arg | Command): string {
  switch (a.t) {
    case 'field':
      return `.${a.ident.join('.')}`;
    case 'variable':
      return a.ident.join('.');
    case 'chain': {
      const inner = a.node.t === 'pipe' ? `(${argString(a.node)})` : argString(a.node);
      return `${inner}.${a.fields.join('.')}`;
    }
    case 'identifier':
      return a.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(a.value);
    case 'number':
      return a.text;
    case 'string':
      return a.quoted;
    case 'command':
      return a.args.map((x) => (x.t === 'pipe' ? `(${argString(x)})` : argString(x))).join(' ');
    case 'pipe': {
      const decl = a.decl.length > 0 ? `${a.decl.map((d) => d.ident.join('.')).join(', ')} ${a.isAssign ? '=' : ':='} ` : '';
      return decl + a.cmds.map(argString).join(' | ');
    }
  }
}

/** Go's strconv.Unquote for "…", `…` and '…' literals. */
export function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1).replaceAll('\r', '');
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 2;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (e in simple && (e !== "'" || s[0] === "'") && (e !== '"' || s[0] === '"')) out += simple[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new Error('invalid syntax');
      out += String.fromCodePoint(parseInt(hex, 16));
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new Error('invalid syntax');
  }
  return out;
}
