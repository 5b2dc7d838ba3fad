/**
 * Execution of a parsed text/template over decoded JSON, following Go's exec.go: output is written
 * as the walk goes (so a failure leaves the text before it), variables are scoped to control
 * structures, pipelines pass their value as the last argument of the next command, and errors read
 * `template: output:1:7: executing "output" at <.spec.x>: map has no entry for key "x"`.
 */
import { goQuote } from '../../../api/gofmt.js';
import { BUILTINS, type Param } from './funcs.js';
import { argString, type Arg, type Command, type ControlNode, type Node, type Pipe, type TemplateNode, type Tree } from './parse.js';
import { CallError, formatV, GoFloat, GoInt, isMap, isTrue, kindOf, sortedKeys, typeName } from './values.js';

/** A failure while executing; `message` is Go's full text. */
export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError';
}

const MISSING = Symbol('missing');

/** Unwinds a range body for `{{break}}` and `{{continue}}` (caught by the range, never escapes). */
class LoopControl extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(kind);
  }
}
const BREAK = new LoopControl('break');
const CONTINUE = new LoopControl('continue');

type Located = Node | Arg | Command | { t: 'end'; pos: number };

function nodeString(n: Located): string {
  switch (n.t) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return `{{${argString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with':
      return `{{${n.t} ${argString(n.pipe)}}}${nodeString(n.list)}${n.elseList ? `{{else}}${nodeString(n.elseList)}` : ''}{{end}}`;
    case 'break':
    case 'continue':
      return `{{${n.t}}}`;
    case 'template':
      return `{{template ${goQuote(n.name)}${n.pipe ? ` ${argString(n.pipe)}` : ''}}}`;
    case 'end':
      return '{{end}}';
    default:
      return argString(n);
  }
}

interface Variable {
  name: string;
  value: unknown;
  /** Held as interface{} (a range element): field errors name that type. */
  boxed?: boolean;
}

export class Executor {
  out = '';
  private at: Located | undefined;
  private vars: Variable[];
  /** Whether dot is an interface{} value (inside a range body). */
  private dotBoxed = false;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly missingKeyError: boolean,
    root: unknown,
    private readonly defs: Map<string, Node>,
  ) {
    this.vars = [{ name: '$', value: root }];
  }

  private errorf(msg: string): never {
    const n = this.at;
    if (n === undefined) throw new TemplateExecError(`template: output: ${msg}`);
    const before = this.text.slice(0, n.pos);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1));
    throw new TemplateExecError(`template: output:${line}:${col}: executing "output" at <${nodeString(n)}>: ${msg}`);
  }

  walk(dot: unknown, node: Node): void {
    this.at = node;
    switch (node.t) {
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'text':
        this.out += node.text;
        return;
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at = node;
          this.out += v === undefined ? '<no value>' : formatV(v);
        }
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        if (isTrue(v)) {
          const boxed = this.dotBoxed;
          if (node.t === 'with') this.dotBoxed = false;
          this.walk(node.t === 'with' ? v : dot, node.list);
          this.dotBoxed = boxed;
        } else if (node.elseList) this.walk(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at = t;
    const tree = this.defs.get(t.name);
    if (tree === undefined) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= 100000) this.errorf('exceeded maximum template depth (100000)');
    const value = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const saved = { vars: this.vars, boxed: this.dotBoxed };
    // No dynamic scoping: the template sees only $, set to its dot.
    this.vars = [{ name: '$', value }];
    this.dotBoxed = false;
    this.depth++;
    try {
      this.walk(value, tree);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.dotBoxed = saved.boxed;
    }
  }

  private walkRange(dot: unknown, r: ControlNode): void {
    this.at = r;
    const outer = this.vars.length;
    const val = this.evalPipeline(dot, r.pipe);
    const mark = this.vars.length;
    const decl = r.pipe.decl.length;
    const one = (index: unknown, elem: unknown): boolean => {
      if (decl > 0) this.setTop(1, elem, true);
      if (decl > 1) this.setTop(2, index, false);
      const boxed = this.dotBoxed;
      this.dotBoxed = true;
      try {
        this.walk(elem, r.list);
      } catch (e) {
        if (e === BREAK) return false;
        if (e !== CONTINUE) throw e;
      } finally {
        this.vars.length = mark;
        this.dotBoxed = boxed;
      }
      return true;
    };
    let ran = false;
    const k = kindOf(val);
    if (k === 'slice') {
      const a = val as unknown[];
      for (let i = 0; i < a.length; i++) {
        ran = true;
        if (!one(new GoInt(i), a[i])) break;
      }
    } else if (k === 'map') {
      const m = val as Record<string, unknown>;
      for (const key of sortedKeys(m)) {
        ran = true;
        if (!one(key, m[key])) break;
      }
    } else if (k !== 'invalid') this.errorf(`range can't iterate over ${formatV(val)}`);
    if (!ran && r.elseList) this.walk(dot, r.elseList);
    this.vars.length = outer;
  }

  private setTop(n: number, value: unknown, boxed: boolean): void {
    const v = this.vars[this.vars.length - n];
    if (v) {
      v.value = value;
      v.boxed = boxed;
    }
  }

  private variable(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: unknown, pipe: Pipe): unknown {
    this.at = pipe;
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A value of type interface{} is replaced by what it holds: nil becomes the invalid value.
      if (value === null) value = undefined;
    }
    for (const d of pipe.decl) {
      const name = d.ident[0] ?? '';
      if (pipe.isAssign) {
        const v = this.variable(name);
        v.value = value;
        v.boxed = false;
      } else this.vars.push({ name, value });
    }
    return value;
  }

  private notAFunction(args: Arg[], final: unknown): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${argString(args[0] ?? { t: 'nil', pos: 0 })}`);
  }

  private evalCommand(dot: unknown, cmd: Command, final: unknown): unknown {
    const first = cmd.args[0];
    if (first === undefined) this.errorf('empty command');
    switch (first.t) {
      case 'field':
        this.at = first;
        return this.evalFieldChain(dot, first.ident, cmd.args, final, this.dotBoxed);
      case 'chain':
        return this.evalChain(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final);
    }
    this.at = first;
    this.notAFunction(cmd.args, final);
    switch (first.t) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through (errorf never returns)
      case 'number':
        return this.constant(first);
      case 'string':
        return first.text;
    }
  }

  private constant(n: Extract<Arg, { t: 'number' }>): unknown {
    this.at = n;
    return n.float ? new GoFloat(n.value) : new GoInt(n.value);
  }

  private evalChain(dot: unknown, chain: Extract<Arg, { t: 'chain' }>, args: Arg[], final: unknown): unknown {
    this.at = chain;
    if (chain.node.t === 'nil') this.errorf(`indirection through explicit nil in ${argString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node);
    this.at = chain;
    return this.evalFieldChain(pipe, chain.fields, args, final, false);
  }

  private evalVariable(dot: unknown, v: Extract<Arg, { t: 'variable' }>, args: Arg[], final: unknown): unknown {
    this.at = v;
    const variable = this.variable(v.ident[0] ?? '$');
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return variable.value;
    }
    return this.evalFieldChain(variable.value, v.ident.slice(1), args, final, variable.boxed === true);
  }

  private evalFieldChain(receiver: unknown, ident: string[], args: Arg[], final: unknown, boxed: boolean): unknown {
    let r = receiver;
    ident.forEach((name, i) => {
      const last = i === ident.length - 1;
      r = this.evalField(name, last ? args : [], last ? final : MISSING, r, i > 0 || boxed);
    });
    return r;
  }

  private evalField(name: string, args: Arg[], final: unknown, receiver: unknown, boxed: boolean): unknown {
    if (receiver === undefined) {
      if (this.missingKeyError) this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    if (isMap(receiver)) {
      if (args.length > 1 || final !== MISSING) this.errorf(`${name} is not a method but has arguments`);
      if (Object.hasOwn(receiver, name)) return receiver[name];
      if (this.missingKeyError) this.errorf(`map has no entry for key ${goQuote(name)}`);
      return undefined;
    }
    this.errorf(`can't evaluate field ${name} in type ${boxed ? 'interface {}' : typeName(receiver)}`);
  }

  private evalFunction(dot: unknown, ident: Extract<Arg, { t: 'identifier' }>, cmd: Located, args: Arg[], final: unknown): unknown {
    this.at = ident;
    const name = ident.name;
    const fn = BUILTINS[name];
    if (fn === undefined) this.errorf(`${goQuote(name)} is not a defined function`);
    const given = args.slice(1);
    const numIn = given.length + (final !== MISSING ? 1 : 0);
    const fixed = fn.variadic ? fn.params.length - 1 : fn.params.length;
    if (fn.variadic ? numIn < fixed : numIn !== fixed) {
      this.errorf(fn.variadic ? `wrong number of args for ${name}: want at least ${fixed} got ${given.length}` : `wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    }
    const paramOf = (i: number): Param => fn.params[Math.min(i, fn.params.length - 1)] ?? 'value';
    if (name === 'and' || name === 'or') {
      // Go evaluates and/or lazily and returns the deciding operand itself.
      let v: unknown;
      for (const a of given) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final !== MISSING ? final : v;
    }
    const argv = given.map((a, i) => this.evalArg(dot, paramOf(i), a));
    if (final !== MISSING) argv.push(this.validate(final, paramOf(argv.length)));
    try {
      return fn.fn(...argv);
    } catch (e) {
      if (!(e instanceof CallError)) throw e;
      this.at = cmd;
      this.errorf(`error calling ${name}: ${e.message}`);
    }
  }

  /** Go's validateType for the three parameter kinds. */
  private validate(v: unknown, p: Param): unknown {
    if (p === 'value') return v;
    if (p === 'any') return v === undefined ? null : v;
    if (v === undefined || v === null) this.errorf('invalid value; expected string');
    if (typeof v !== 'string') this.errorf(`wrong type for value; expected string; got ${typeName(v)}`);
    return v;
  }

  private evalArg(dot: unknown, p: Param, n: Arg): unknown {
    this.at = n;
    switch (n.t) {
      case 'dot':
        return this.validate(dot, p);
      case 'nil':
        if (p === 'string') this.errorf('cannot assign nil to string');
        return p === 'any' ? null : undefined;
      case 'field':
        return this.validate(this.evalFieldChain(dot, n.ident, [n], MISSING, this.dotBoxed), p);
      case 'variable':
        return this.validate(this.evalVariable(dot, n, [], MISSING), p);
      case 'pipe':
        return this.validate(this.evalPipeline(dot, n), p);
      case 'identifier':
        return this.validate(this.evalFunction(dot, n, n, [n], MISSING), p);
      case 'chain':
        return this.validate(this.evalChain(dot, n, [], MISSING), p);
    }
    if (p === 'string') {
      if (n.t === 'string') return n.text;
      this.errorf(`expected string; found ${argString(n)}`);
    }
    switch (n.t) {
      case 'bool':
        return n.value;
      case 'number':
        return this.constant(n);
      default:
        return n.text;
    }
  }
}

/** Runs `root` through the template; on failure the error carries the output written so far. */
export function execute(tree: Tree, text: string, data: unknown, missingKeyError: boolean): string {
  const ex = new Executor(text, missingKeyError, data, tree.defs);
  try {
    ex.walk(data, tree.root);
  } catch (e) {
    if (e instanceof TemplateExecError) Object.assign(e, { partial: ex.out });
    throw e;
  }
  return ex.out;
}
